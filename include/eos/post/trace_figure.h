// Figures of per-step traces (DIR/traces/ID.csv): stacked panels against the step, the
// sharpness with 2/η dashed — the paper's Figure 2. The point's model, when the sweep's results
// file names it, chooses the default panels and labels them.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "eos/io/trace_file.h"
#include "eos/model/model.h"
#include "eos/post/figure.h"

namespace eos {

// Most points a trace series keeps (a longer one is thinned by add_points, its drawn envelope
// unchanged).
constexpr std::size_t kTracePoints = 4000;

// What the sweep says about a trace: its model and a title naming the point.
struct TraceSource {
  std::string id;                  // the file name without .csv
  const ModelInfo* model = nullptr;  // null when unknown
  std::string title;               // "sparse-relu: per-step trace, regime gf", or the id
  std::string subtitle;            // "d = 30, η = 0.008378   (id ...)", or empty
  std::string method;              // "polyak, β = 0.9" for a method other than gd, else empty
  double batch_size = NAN;         // a minibatch run's B (NaN: full batch, or unknown)
  double momentum = NAN;           // a heavy-ball or Nesterov run's β (NaN: none)
};

// "polyak, β = 0.9", "adam, β₁ = 0.9", "rmsprop": the method of a row's parameters named for a
// legend; empty for gd (and rows of versions without methods).
std::string method_label(const ModelInfo* model, const Params& p);

// The source of the trace at path: for DIR/traces/ID.csv, the row of id ID in DIR's results
// files gives the model and the regime (the title), the parameters that vary in its file and η
// (the subtitle). Never throws.
TraceSource trace_source(const std::string& path);

// The panels drawn by default: the model's trace_panels when the trace has them all, else loss,
// sharpness, then every tracked column.
std::vector<std::string> default_trace_panels(const ModelInfo* model, const std::vector<std::string>& columns);

// Stacked panels of these columns against the step ("sharpness" with 2/η dashed, or the method's
// edge level when the method is judged by it; "psharpness" with the edge level); the loss on a
// log scale when it spans more than a factor of 20. Throws InputError naming what when a panel is
// not a column of the trace, or there is none.
Figure trace_figure(const TraceTable& t, const std::vector<std::string>& panels, const TraceSource& source,
                    const std::string& what);

// Do the positive finite values of these series span more than a factor of 20 (so that their
// axis is logarithmic)?
bool spans_decades(const std::vector<std::vector<double>>& series);

// The points (x[i], y[i]) with a finite y into s: all of them when there are at most max_points,
// else the first, the last, and the smallest and largest y of each of (max_points − 2) / 2 equal
// stretches, in order.
void add_points(Series& s, const std::vector<double>& x, const std::vector<double>& y, std::size_t max_points);

}  // namespace eos

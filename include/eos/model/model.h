// The extension point: a model is its parameters, its loss with gradient, its Hessian (dense or
// as Hessian-vector products) and its named observables; its declaration (ModelInfo) adds its
// keys, its theory (η*, predictions from the parameters) and how to label and draw its columns.
// Models know nothing of GD, files or MPI.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eos/config/key.h"
#include "eos/config/params.h"
#include "eos/numerics/linalg.h"

namespace eos {

class Model {
 public:
  virtual ~Model() = default;

  // The starting point θ₀ of GD.
  virtual Vec initial() const = 0;
  // Loss at θ, its gradient into grad (resized by the model); the dense Hessian into *hess
  // when hess is not null.
  virtual double evaluate(const Vec& theta, Vec& grad, Mat* hess) = 0;
  // Hessian-vector product H(θ)·v. Default: through the dense Hessian.
  virtual void hvp(const Vec& theta, const Vec& v, Vec& out);
  // Scalars recorded every step, in the order of ModelInfo::tracked (reported as NAME_final
  // and NAME_tail, the mean over the run's tail, and written into traces).
  virtual void track(const Vec& theta, double* out) const;
  // End-of-run values at the final θ, in the order of ModelInfo::reports (accuracies, weights).
  virtual void report(const Vec& theta, double* out);
};

// The result columns of a tracked scalar: its value at the end and its mean over the tail.
inline std::string final_column(const std::string& tracked) { return tracked + "_final"; }
inline std::string tail_column(const std::string& tracked) { return tracked + "_tail"; }

// What the registry knows about a model without building one.
struct ModelInfo {
  std::string name;
  std::string doc;
  std::vector<KeySpec> keys;            // the model's own job keys
  std::vector<std::string> tracked;     // per-step scalars (see Model::track)
  // End-of-run columns, in this order: theory (predictions from the point's parameters alone,
  // by predict), reports (Model::report at the final θ), diagnostics (observers of the GD run
  // offered by the GD core, asked for by name: gd/diagnostics.h).
  std::vector<std::string> theory;
  std::function<void(const Params&, double* out)> predict;
  std::vector<std::string> reports;
  std::vector<std::string> diagnostics;
  // The model's critical step size η*, when its theory has one (lets jobs give eta_rel), and its
  // formula for legends ("8π/d²").
  std::function<double(const Params&)> eta_star;
  std::string eta_star_formula;
  // Human labels of columns for figures: a tracked scalar NAME labels NAME_final and NAME_tail
  // ("bias b" gives "final bias b" and "bias b (tail mean)"); keys are labelled in their KeySpec.
  std::vector<std::pair<std::string, std::string>> labels;
  // The trace columns drawn by default, top to bottom (empty: loss, sharpness, then every
  // tracked scalar).
  std::vector<std::string> trace_panels;
  // Relative cost of one GD step (orders the work: longest points first). Default 1.
  std::function<double(const Params&)> step_cost;
  // Parameter count of a point (chooses dense or Lanczos sharpness).
  std::function<long(const Params&)> dim;
  // What solver = auto uses above lanczos_cutoff parameters: false, Lanczos (Spectra); true, the
  // warm-started block solver (numerics/block_eigen.h).
  bool auto_block_solver = false;
  // Whether the model has a single-precision path (precision = float32 is refused otherwise).
  bool float32 = false;
  // Checks across keys of one point (throws InputError); may be empty.
  std::function<void(const Params&)> check;
  // Entries of a point's id that are not keys, set by resolve on the point's params when it is
  // resolved (before check): a data file's content digest, so that the id follows the file's bytes
  // and not its path. Both may be empty; resolve must set every one of id_entries on every point.
  std::vector<std::string> id_entries;
  std::function<void(Params&)> resolve;
  std::function<std::unique_ptr<Model>(const Params&)> make;

  // theory, reports and diagnostics: the end-of-run columns in order.
  std::vector<std::string> end_columns() const;
  // The model's result columns: NAME_final and NAME_tail per tracked scalar, then the end-of-run
  // columns (the runner's come before them: gd/stats.h).
  std::vector<std::string> result_columns() const;
  // The label of one of the model's columns or keys (the name when none is declared).
  std::string label(const std::string& column) const;
};

}  // namespace eos

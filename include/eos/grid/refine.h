// Adaptive refinement of a phase boundary: the job keys that ask for it (refine, refine_axis,
// refine_tol, refine_max), the phase of a finished point, and lines — the sets of points that
// differ only in the refine axis — on which a bracket whose ends disagree is bisected.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eos/config/key.h"
#include "eos/grid/job.h"

namespace eos {

// The refinement keys (not in any point's id: an added point is the point its values name).
const std::vector<KeySpec>& refine_keys();

// What defines the phase of a finished point.
struct RefineSpec {
  enum class Op { Value, Lt, Gt, Le, Ge };
  std::string text;       // as given: "regime", "bias_tail < -0.05"
  std::string column;     // the result column read
  Op op = Op::Value;      // Value: the column's value is the phase; else a threshold
  double threshold = 0;
  std::string axis;       // the key refined along
  bool geometric = true;  // the axis is positive: midpoints and widths on a log scale
  bool integer = false;   // the axis holds integers: midpoints are rounded, a step of 1 is final
  double tol = 0.01;      // a bracket this narrow is done (relative when geometric)
  long max = 12;          // at most this many points added per line
  bool enabled() const { return !column.empty(); }
  // The phase of a row: "diverged" or "error" for such runs, else the column's text, or "true" /
  // "false" for a threshold (a value that is not a number: "nan").
  std::string phase(const std::string& regime, const std::string& value) const;
  // The midpoint of a bracket, and whether it is done: narrower than tol, or (integers) with no
  // value strictly inside.
  double midpoint(double lo, double hi) const;
  bool narrow(double lo, double hi) const;
  // The most points a line with these grid values (sorted) can gain: refine_max, or fewer when
  // bisecting every bracket down to tol takes fewer.
  long max_added(const std::vector<double>& values) const;
};

// What defines a phase, from text: "COLUMN" or "COLUMN OP NUMBER" (the column is not checked;
// throws InputError for a comparison without a number). Only text, column, op and threshold set.
RefineSpec phase_spec(const std::string& text, const std::string& key = "refine");

// The refinement a job asks for (disabled when it gives no refine key). Throws InputError: an
// unknown column, a threshold on a text column, an axis that is not one of the job's real axes
// with two values or more, refine_tol ≤ 0.
RefineSpec refine_spec(const Job& job);

}  // namespace eos

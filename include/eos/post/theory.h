// The theory a model declares, applied to a phase table for figures: its critical step size η*
// (ModelInfo::eta_star) at a cell or along an axis, where η* meets a fixed η, and the reference
// level of a value (RunColumn::level, the edge η·S/2 = 1). Nothing here knows a model by name.
#pragma once
#include <string>
#include <vector>

#include "eos/config/params.h"
#include "eos/model/model.h"
#include "eos/post/aggregate.h"

namespace eos {

// How many points a theory curve along an axis gets (at most).
constexpr std::size_t kTheorySamples = 400;

// The parameters of a cell: the table's constants and the cell's keys. Parameters averaged over
// are absent.
Params cell_params(const AggregateTable& t, const Cell& c);

// η* of the model at p: NaN when the model declares none, when it needs a parameter that p lacks
// (one averaged over) or rejects p, or when it is not finite and positive.
double eta_star_at(const ModelInfo& model, const Params& p);

// The factor by which the method of p (its method keys; GD when it has none) moves the model's η*:
// 1 for GD, the method's own for a model whose η* is a stability threshold
// (ModelInfo::eta_star_stability, gd/method.h eta_star_factor), NaN when no theory says.
double method_factor_at(const ModelInfo& model, const Params& p);
// η* of the method of p: eta_star_at × method_factor_at (GD's η* for GD).
double method_eta_star_at(const ModelInfo& model, const Params& p);
// "η/η*" legend text for a factor: "η/η* = 1", "η/η* = 1.3 (1+β, polyak)".
std::string method_factor_legend(const ModelInfo& model, const Params& p);

// Is the method's η* finite at every cell and the same for cells with the same value of key
// `axis` (an index of AggregateTable::keys())? Then it is a function of that key alone on this
// table.
bool eta_star_follows(const AggregateTable& t, const ModelInfo& model, std::size_t axis);

// Values of parameter name spread over [lo, hi] for evaluating a theory along an axis: every
// integer in it for an integer key (at most kTheorySamples of them, spread evenly on the axis's
// scale), else kTheorySamples values evenly spread on the axis's scale.
std::vector<double> theory_samples(const ModelInfo& model, const std::string& name, double lo, double hi, bool log);

// The method's η* along parameter name, the other parameters as in base: the sample values where
// it is defined, and η* there.
struct ThresholdCurve {
  std::vector<double> at, eta_star;
};
ThresholdCurve eta_star_along(const ModelInfo& model, Params base, const std::string& name,
                              const std::vector<double>& at);

// Where η* along the curve equals eta: between neighbouring samples that bracket it,
// interpolated linearly on the axis's scale against log η* (exact for a power law on a log axis).
std::vector<double> eta_star_crossings(const ThresholdCurve& c, double eta, bool log);

// Legend texts from the model's formula: "η = 8π/d²" for a curve or mark where η reaches η*,
// "η* = 8π/d²" for marks at η*; "η = η*" and "η* (model)" when the model has no formula.
std::string eta_reaches_legend(const ModelInfo& model);
std::string eta_star_legend(const ModelInfo& model);

// A heatmap's contour of a value's level is drawn this fraction below it: the largest of values
// sampled every k steps of a run that touched the level sits just below it (η·S_max/2 of
// 0.99-1.00 for runs at the edge of stability), so a contour at the level itself would wander
// through them by noise. At 1 − 2%, it is the boundary of the runs that reached the level.
constexpr double kLevelTolerance = 0.02;

// The reference level of a value: its runner column's (1 for η·S/2, the edge of stability); NaN
// for a fraction or a column without one.
double value_level(const ValueSpec& v);

}  // namespace eos

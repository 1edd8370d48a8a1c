// The extension point: a model is its parameters, its loss with gradient, its Hessian (dense or
// as Hessian-vector products), its third derivative contracted twice (for the central flow) and
// its named observables; its declaration (ModelInfo) adds its
// keys, its theory (η*, predictions from the parameters) and how to label and draw its columns.
// Models know nothing of GD, files or MPI.
#pragma once
#include <functional>
#include <memory>
#include <span>
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
  // The third derivative of the loss contracted with u and v: out = ∇_θ(uᵀH(θ)v), the gradient
  // of the curvature between u and v (symmetric in u, v; D³L is symmetric). Exact in every shipped
  // model (by hand, or a second-order forward pass); where the loss has kinks (ReLU) it is the
  // derivative almost everywhere, the kinks' Dirac terms left out. has_third() says whether the
  // model offers it; the default third() throws std::logic_error (third_by_differences below is
  // the tests' reference, not a fallback).
  virtual bool has_third() const { return false; }
  virtual void third(const Vec& theta, const Vec& u, const Vec& v, Vec& out);
  // T(uᵢ, uⱼ) for every pair i ≤ j of the k columns of U, in the order (0,0), (0,1), …, (0,k−1),
  // (1,1), …, (k−1,k−1) (numerics/sdcp.h's svec order): out gets k(k+1)/2 vectors. Default: one
  // third() per pair; a model may share work between the pairs (mlp shares each column's tangents).
  virtual void third_pairs(const Vec& theta, const Mat& U, std::vector<Vec>& out);
  // Scalars recorded every step, in the order of ModelInfo::tracked (reported as NAME_final
  // and NAME_tail, the mean over the run's tail, and written into traces).
  virtual void track(const Vec& theta, double* out) const;
  // End-of-run values at the final θ, in the order of ModelInfo::reports (accuracies, weights).
  virtual void report(const Vec& theta, double* out);

  // Minibatches, for a model with a finite training set: its number of samples n (0, the
  // default: a population loss, or nothing to batch), and the loss restricted to some of them —
  // the mean loss over the samples `rows` (indices in [0, n), each once), exactly the loss of
  // evaluate on a training set of those samples — with its gradient (and dense Hessian), and the
  // Hessian-vector product of that batch loss. Both touch only the batch's samples. Defaults:
  // evaluate_batch throws std::logic_error; hvp_batch goes through evaluate_batch's dense Hessian.
  virtual long samples() const { return 0; }
  virtual double evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess);
  virtual void hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out);
};

// Central differences of Hessian-vector products, [H(θ + εv)u − H(θ − εv)u]/2ε ≈ ∇_θ(uᵀH(θ)v):
// the reference that tests check Model::third against (two HVPs; error O(ε²) plus rounding).
void third_by_differences(Model& m, const Vec& theta, const Vec& u, const Vec& v, double eps, Vec& out);

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
  // η* is the linear-stability threshold of the model's minima (GD is stable at a minimum of
  // sharpness S while η < 2/S): another method moves it by its own factor, η*·(1+β) for heavy ball
  // (gd/method.h), and theory drawn for its runs moves with it. eta_rel stays relative to GD's η*.
  bool eta_star_stability = false;
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
  // The size n of a point's finite training set (Model::samples); null for a model with a
  // population loss, and 0 for a point with nothing to batch: batch_size is refused for both.
  std::function<long(const Params&)> samples;
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

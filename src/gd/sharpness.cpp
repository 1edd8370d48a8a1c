// Dense, Lanczos and block sharpness.
#include "eos/gd/sharpness.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace eos {

HessianProduct hessian_product(Model& model, const Vec& theta, const Vec* d) {
  if (!d) return [&model, &theta](const Vec& x, Vec& out) { model.hvp(theta, x, out); };
  return [&model, &theta, d, dx = Vec()](const Vec& x, Vec& out) mutable {
    dx = d->cwiseProduct(x);
    model.hvp(theta, dx, out);
    out.array() *= d->array();
  };
}

LanczosResult lanczos_sharpness(Model& model, const Vec& theta, long dim, const Vec& warm, const LanczosOptions& opt,
                                const Vec* d) {
  return lanczos_top_eigenvalue(hessian_product(model, theta, d), dim, warm, opt);
}

namespace {

// The first k of values, NaN-padded.
std::vector<double> first_values(const std::vector<double>& values, long k) {
  std::vector<double> out(static_cast<std::size_t>(k), std::nan(""));
  for (std::size_t i = 0; i < out.size() && i < values.size(); ++i) out[i] = values[i];
  return out;
}

}  // namespace

SharpnessEstimator::SharpnessEstimator(Model& model, long dim, const std::string& solver, long cutoff, long eigs)
    : model_(model), dim_(dim), eigs_(std::max(1L, eigs)) {
  if (solver == "dense") dense_ = true;
  else if (solver == "lanczos") dense_ = false;
  else if (solver == "check") dense_ = check_ = true;
  else if (solver == "block") dense_ = false, block_ = true;
  else if (solver == "auto") dense_ = dim <= cutoff;
  else if (solver == "auto-block") dense_ = dim <= cutoff, block_ = !dense_;
  else throw std::invalid_argument("unknown solver " + solver);
}

double SharpnessEstimator::lanczos(const Vec& theta, const Vec* d) {
  LanczosOptions opt;
  opt.nev = static_cast<int>(std::max<long>(opt.nev, eigs_));
  LanczosResult r = lanczos_sharpness(model_, theta, dim_, warm_, opt, d);
  if (!dense_) last_values_ = first_values(r.values, eigs_);
  // A failed solve (value NaN: the runner skips the sample) keeps the last good warm start.
  if (r.converged) warm_ = r.start;
  count(r.hvps);
  return r.value;
}

void SharpnessEstimator::count(long hvps) {
  last_hvps_ = hvps;
  total_hvps_ += hvps;
  ++lanczos_estimates_;
}

double SharpnessEstimator::block(const Vec& theta, const Vec* d) {
  BlockEigenOptions opt;
  opt.nev = static_cast<int>(eigs_);
  // The basis is kept between solves while it is small (then its first touch, tens of page faults
  // per product, would be a noticeable part of a cheap product); a large one is freed after each
  // solve, so it never adds to the run's peak memory (Fashion-MNIST n = 10 000: 76 MB).
  constexpr double kKeptBasisBytes = 32.0 * 1024 * 1024;
  const bool keep = 2.0 * static_cast<double>(dim_) * static_cast<double>(opt.max_basis) * sizeof(double) <= kKeptBasisBytes;
  const BlockEigenResult r =
      block_top_eigen(hessian_product(model_, theta, d), dim_, warm_block_, opt, keep ? &block_work_ : nullptr);
  if (!r.converged) {  // rare: Spectra's solve with its cold retry (its products counted too)
    const double value = lanczos(theta, d);
    last_hvps_ += r.hvps;
    total_hvps_ += r.hvps;
    return value;
  }
  warm_block_ = r.vectors;
  last_values_ = first_values(r.values, eigs_);
  count(r.hvps);
  return r.values[0];
}

double SharpnessEstimator::estimate(const Vec& theta, const Mat* hess, const Vec* d) {
  if (block_) return block(theta, d);
  if (!dense_) return lanczos(theta, d);
  if (!hess) throw std::logic_error("dense sharpness needs the Hessian");
  Mat scaled;
  if (d) scaled = d->asDiagonal() * *hess * d->asDiagonal();
  const Mat& h = d ? scaled : *hess;
  double s = 0;
  if (eigs_ > 1) {
    last_values_ = first_values(top_eigenvalues(h, eigs_), eigs_);
    s = last_values_[0];
  } else {
    s = top_eigenvalue(h);
    last_values_ = {s};
  }
  if (check_) {
    const double l = lanczos(theta, d);
    const double diff = std::fabs(s - l) / std::max(std::fabs(s), 1e-300);
    if (std::isfinite(diff)) check_diff_ = std::max(check_diff_, diff);
  }
  return s;
}

void SharpnessEstimator::set_warm(const Vec& warm, const Mat& block) {
  if (warm.size() == dim_) warm_ = warm;
  if (block.rows() == dim_) warm_block_ = block;
}

void SharpnessEstimator::save(StateWriter& w) const {
  w.put(warm_);
  w.put(warm_block_);
  w.put(last_values_);
  w.put(last_hvps_);
  w.put(total_hvps_);
  w.put(lanczos_estimates_);
  w.put(check_diff_);
}

void SharpnessEstimator::load(StateReader& r) {
  r.get(warm_);
  r.get(warm_block_);
  r.get(last_values_);
  r.get(last_hvps_);
  r.get(total_hvps_);
  r.get(lanczos_estimates_);
  r.get(check_diff_);
}

}  // namespace eos

// The sparse-coding ReLU network: loss, gradient, exact 3×3 Hessian and third derivative from
// per-sample statistics.
#include "eos/models/sparse_relu.h"

#include <algorithm>
#include <cmath>

#include "eos/models/chain_third.h"
#include "eos/numerics/lanes.h"
#include "eos/numerics/logistic.h"
#include "eos/models/sparse_coding_cache.h"
#include "eos/models/sparse_relu_fast.h"
#include "eos/models/sparse_relu_simd.h"

namespace eos {

void OracleStats::compute(double b, double* P, double* N, double* cP, double* cN) {
  const long d = data_->d;
  for (long i = 0; i < data_->n; ++i) {
    const double* x = data_->row(i);
    double p = 0, q = 0, cp = 0, cq = 0;
    for (long k = 0; k < d; ++k) {
      const double zp = x[k] + b;
      const double zn = -x[k] + b;
      if (zp > 0) {
        p += zp;
        cp += 1;
      }
      if (zn > 0) {
        q += zn;
        cq += 1;
      }
    }
    P[i] = p;
    N[i] = q;
    cP[i] = cp;
    cN[i] = cq;
  }
}

namespace {

// The eight lane sums of one quantity, in the one order of every path.
static_assert(SparseReluLaneSums::kLanes == lanes::kLanes);
inline double lane_total(const double (&v)[lanes::kLanes]) {
  return lanes::tree_sum(v);
}

// Loss, gradient and Hessian (when hess) of n samples from the kernel's lane sums.
double finish_loss(const SparseReluLaneSums& z, std::size_t n, Vec& grad, Mat* hess) {
  const double inv = 1.0 / static_cast<double>(n);
  grad.resize(3);
  grad << lane_total(z.g[0]) * inv, lane_total(z.g[1]) * inv, lane_total(z.g[2]) * inv;
  if (hess) {
    hess->resize(3, 3);
    const double a = lane_total(z.h[0]), b = lane_total(z.h[1]), c = lane_total(z.h[2]), d = lane_total(z.h[3]),
                 e = lane_total(z.h[4]), f = lane_total(z.h[5]);
    *hess << a, b, c, b, d, e, c, e, f;
    *hess *= inv;
  }
  return (lane_total(z.hinge) + z.logs) * inv;
}

}  // namespace

double sparse_relu_loss(const std::vector<double>& y, const double* P, const double* N, const double* cP,
                        const double* cN, const Vec& theta, Vec& grad, Mat* hess) {
  SparseReluLaneSums z;
  sparse_relu_kernels().loss(static_cast<long>(y.size()), y.data(), P, N, cP, cN, theta[0], theta[1],
                             hess != nullptr, z);
  return finish_loss(z, y.size(), grad, hess);
}

double sparse_relu_loss_direct(const std::vector<double>& y, const double* P, const double* N, const double* cP,
                               const double* cN, const Vec& theta, Vec& grad, Mat* hess) {
  const double am = theta[0], ap = theta[1];
  const std::size_t n = y.size();
  double loss = 0, g0 = 0, g1 = 0, g2 = 0;
  double h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double f0 = N[i], f1 = P[i], f2 = am * cN[i] + ap * cP[i];  // ∇f
    const double m = y[i] * (am * N[i] + ap * P[i]);
    const Logistic l(m);
    loss += l.value;
    const double gy = l.d1 * y[i];
    g0 += gy * f0;
    g1 += gy * f1;
    g2 += gy * f2;
    if (hess) {
      const double c = l.d2;
      h00 += c * f0 * f0;
      h01 += c * f0 * f1;
      h02 += c * f0 * f2 + gy * cN[i];
      h11 += c * f1 * f1;
      h12 += c * f1 * f2 + gy * cP[i];
      h22 += c * f2 * f2;
    }
  }
  const double inv = 1.0 / static_cast<double>(n);
  grad.resize(3);
  grad << g0 * inv, g1 * inv, g2 * inv;
  if (hess) {
    hess->resize(3, 3);
    *hess << h00, h01, h02, h01, h11, h12, h02, h12, h22;
    *hess *= inv;
  }
  return loss * inv;
}

SparseRelu::SparseRelu(std::shared_ptr<const SparseCodingData> train, std::unique_ptr<SampleStats> stats,
                       Vec theta0, long seed, long n_test, bool direct_loss)
    : train_(std::move(train)),
      stats_(std::move(stats)),
      theta0_(std::move(theta0)),
      seed_(seed),
      n_test_(n_test),
      direct_loss_(direct_loss) {
  const auto n = static_cast<std::size_t>(train_->n);
  P_.resize(n);
  N_.resize(n);
  cP_.resize(n);
  cN_.resize(n);
}

double SparseRelu::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  stats_->compute(theta[2], P_.data(), N_.data(), cP_.data(), cN_.data());
  return (direct_loss_ ? sparse_relu_loss_direct : sparse_relu_loss)(train_->y, P_.data(), N_.data(), cP_.data(),
                                                                      cN_.data(), theta, grad, hess);
}

double SparseRelu::evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) {
  const std::size_t B = rows.size();
  for (auto* v : {&yb_, &Pb_, &Nb_, &cPb_, &cNb_}) v->resize(B);
  const double b = theta[2];
  for (std::size_t j = 0; j < B; ++j) {
    const double* x = train_->row(rows[j]);
    double p = 0, q = 0, cp = 0, cq = 0;
    for (long k = 0; k < train_->d; ++k) {
      const double zp = x[k] + b, zn = -x[k] + b;
      if (zp > 0) p += zp, cp += 1;
      if (zn > 0) q += zn, cq += 1;
    }
    yb_[j] = train_->y[static_cast<std::size_t>(rows[j])];
    Pb_[j] = p, Nb_[j] = q, cPb_[j] = cp, cNb_[j] = cq;
  }
  return sparse_relu_loss_direct(yb_, Pb_.data(), Nb_.data(), cPb_.data(), cNb_.data(), theta, grad, hess);
}

void SparseRelu::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  using V3 = Eigen::Vector3d;
  stats_->compute(theta[2], P_.data(), N_.data(), cP_.data(), cN_.data());
  const double am = theta[0], ap = theta[1];
  const V3 uu(u[0], u[1], u[2]), vv(v[0], v[1], v[2]);
  V3 sum = V3::Zero();
  for (long i = 0; i < train_->n; ++i) {
    const double y = train_->y[static_cast<std::size_t>(i)];
    const Logistic l(y * (am * N_[i] + ap * P_[i]));
    const double l3 = -l.d2 * (1 + 2 * l.d1);  // ℓ''' = ℓ''·(1 − 2σ(m)), σ(m) = 1 + ℓ'
    const V3 df(N_[i], P_[i], am * cN_[i] + ap * cP_[i]);
    Eigen::Matrix3d d2f;
    d2f << 0, 0, cN_[i], 0, 0, cP_[i], cN_[i], cP_[i], 0;
    // ℓ(y·f): its derivatives in f are y·ℓ', y²·ℓ'', y³·ℓ'''.
    sum += chain_third<V3>(y * l.d1, y * y * l.d2, y * y * y * l3, df, d2f, V3::Zero(), uu, vv);
  }
  out = sum / static_cast<double>(train_->n);
}

double SparseRelu::output(const double* x, long d, const Vec& theta) {
  double p = 0, q = 0;
  const double b = theta[2];
  for (long k = 0; k < d; ++k) {
    p += std::max(x[k] + b, 0.0);
    q += std::max(-x[k] + b, 0.0);
  }
  return theta[0] * q + theta[1] * p;
}

void SparseRelu::track(const Vec& theta, double* out) const {
  out[0] = theta[2];
  out[1] = static_cast<double>(train_->d) * (theta[0] + theta[1]);
}

void SparseRelu::report(const Vec& theta, double* out) {
  const long d = train_->d;
  long right = 0;
  for (long i = 0; i < train_->n; ++i) right += train_->y[i] * output(train_->row(i), d, theta) > 0;
  out[0] = static_cast<double>(right) / static_cast<double>(train_->n);
  // Fresh test samples, streamed (never stored): they depend on (seed, d, λ, n_test) only.
  Rng rng("test", {static_cast<double>(seed_), static_cast<double>(d), train_->lambda, static_cast<double>(n_test_)});
  std::vector<double> x(static_cast<std::size_t>(d));
  long test_right = 0;
  for (long i = 0; i < n_test_; ++i) {
    const double y = draw_sparse_coding_sample(rng, d, train_->lambda, x.data());
    test_right += y * output(x.data(), d, theta) > 0;
  }
  out[1] = n_test_ > 0 ? static_cast<double>(test_right) / static_cast<double>(n_test_) : std::nan("");
  out[2] = theta[0];
  out[3] = theta[1];
}

std::unique_ptr<Model> make_sparse_relu(const Params& p) {
  const long d = p.integer("d"), n = p.integer("n"), seed = p.integer("seed");
  const double lambda = p.real("lambda");
  const bool oracle = p.text("path") == "oracle";
  CachedTrainingSet set = SparseCodingCache::shared().train(seed, d, lambda, n, !oracle);
  std::unique_ptr<SampleStats> stats;
  if (oracle)
    stats = std::make_unique<OracleStats>(set.data);
  else
    stats = std::make_unique<FastStats>(set.data, set.sorted);
  const Vec theta0 = sparse_coding_start(seed, d, p.real("init_scale"), p.real("b0"));
  return std::make_unique<SparseRelu>(set.data, std::move(stats), theta0, seed, p.integer("n_test"), oracle);
}

ModelInfo sparse_relu_info() {
  return {.name = "sparse-relu", .doc = "ReLU network with known basis on sparse-coding data (Ahn et al., eq. 2)",
      .keys = {
          sparse_coding_key("d"),
          sparse_coding_key("lambda"),
          sparse_coding_key("n"),
          sparse_coding_key("seed"),
          sparse_coding_key("n_test"),
          {.name = "init_scale", .default_value = "1", .doc = "a± ~ N(0, init_scale²/(2d))", .min = 0},
          {.name = "b0", .default_value = "0", .doc = "initial bias b₀", .label = "b₀"},
          {.name = "path", .type = KeyType::Text, .default_value = "fast",
           .doc = "evaluation: fast (O(n) per step) or oracle (O(n·d))", .choices = {"fast", "oracle"}, .in_id = false},
      },
      .tracked = {"bias", "d_asum"},
      .reports = {"train_acc", "test_acc", "a_minus", "a_plus"},
      .eta_star = sparse_coding_eta_star,
      .eta_star_formula = "8π/d²",
      .eta_star_stability = true,
      .labels = sparse_coding_labels(),
      .trace_panels = {"loss", "d_asum", "sharpness", "bias"},  // the paper's Figure 2
      .step_cost = [](const Params& p) {
        return p.text("path") == "oracle" ? p.real("n") * p.real("d") : p.real("n");
      },
      .dim = [](const Params&) { return 3L; },
      .samples = [](const Params& p) { return p.integer("n"); },
      .make = make_sparse_relu,
  };
}

}  // namespace eos

// The sparse-coding ReLU network: loss, gradient and exact 3×3 Hessian from per-sample statistics.
#include "eos/models/sparse_relu.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "eos/numerics/logistic.h"
#include "eos/models/sparse_coding_cache.h"
#include "eos/models/sparse_relu_fast.h"

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

// Sums of the loss kernel, two samples per lane pair.
struct LossSums {
  V2 hinge{}, g0{}, g1{}, g2{};
  V2 h00{}, h01{}, h02{}, h11{}, h12{}, h22{};
  double logs = 0;
};

// Adds samples i and i + 1 (a padded pair has y = 0 and is masked out of e in its second lane).
template <bool kHess, bool kPadded>
inline void add_pair(LossSums& z, Log1pProduct& logs, double am, double ap, const V2& yy, const V2& f0,
                     const V2& f1, const V2& kN, const V2& kP) {
  const V2 f2 = am * kN + ap * kP;  // ∇f = (N, P, a₋cN + a₊cP)
  const V2 m = yy * (am * f0 + ap * f1);
  // ℓ(m) = max(−m, 0) + log1p(e), e = exp(−|m|); ℓ' = −σ(−m), ℓ'' = e/(1+e)², as in Logistic.
  const I2 neg = m < 0.0;
  const V2 x = neg ? m : -m;  // −|m|
  V2 e;
  exp_nonpos(x, e);
  if (kPadded) e[1] = 0.0;
  const V2 s = 1.0 / (1.0 + e);
  z.hinge += neg ? -m : V2{};
  logs.add(e);
  const V2 gy = -(neg ? s : e * s) * yy;
  z.g0 += gy * f0;
  z.g1 += gy * f1;
  z.g2 += gy * f2;
  if (kHess) {
    const V2 c = e * s * s;
    z.h00 += c * f0 * f0;
    z.h01 += c * f0 * f1;
    z.h02 += c * f0 * f2 + gy * kN;
    z.h11 += c * f1 * f1;
    z.h12 += c * f1 * f2 + gy * kP;
    z.h22 += c * f2 * f2;
  }
}

template <bool kHess>
void loss_sums(LossSums& out, std::size_t n, const double* y, const double* P, const double* N, const double* cP,
               const double* cN, double am, double ap) {
  // Chunks of at most Log1pProduct::kMaxAdds pairs, each summed in locals (kept in registers).
  constexpr std::size_t kChunk = 2 * Log1pProduct::kMaxAdds;
  LossSums z;
  for (std::size_t start = 0; start < n; start += kChunk) {
    const std::size_t stop = std::min(n, start + kChunk);
    Log1pProduct logs;
    std::size_t i = start;
    for (; i + 2 <= stop; i += 2) {
      V2 yy, f0, f1, kN, kP;
      std::memcpy(&yy, y + i, sizeof yy);
      std::memcpy(&f0, N + i, sizeof f0);
      std::memcpy(&f1, P + i, sizeof f1);
      std::memcpy(&kN, cN + i, sizeof kN);
      std::memcpy(&kP, cP + i, sizeof kP);
      add_pair<kHess, false>(z, logs, am, ap, yy, f0, f1, kN, kP);
    }
    if (i < stop)
      add_pair<kHess, true>(z, logs, am, ap, V2{y[i], 0.0}, V2{N[i], 0.0}, V2{P[i], 0.0}, V2{cN[i], 0.0},
                            V2{cP[i], 0.0});
    z.logs += logs.log();
  }
  out = z;
}

// The two lanes added.
inline double hsum(const V2& v) { return v[0] + v[1]; }

}  // namespace

double sparse_relu_loss(const std::vector<double>& y, const double* P, const double* N, const double* cP,
                        const double* cN, const Vec& theta, Vec& grad, Mat* hess) {
  const double am = theta[0], ap = theta[1];
  const std::size_t n = y.size();
  LossSums z;
  if (hess)
    loss_sums<true>(z, n, y.data(), P, N, cP, cN, am, ap);
  else
    loss_sums<false>(z, n, y.data(), P, N, cP, cN, am, ap);
  const double inv = 1.0 / static_cast<double>(n);
  grad.resize(3);
  grad << hsum(z.g0) * inv, hsum(z.g1) * inv, hsum(z.g2) * inv;
  if (hess) {
    hess->resize(3, 3);
    const double a = hsum(z.h00), b = hsum(z.h01), c = hsum(z.h02), d = hsum(z.h11), e = hsum(z.h12),
                 f = hsum(z.h22);
    *hess << a, b, c, b, d, e, c, e, f;
    *hess *= inv;
  }
  return (hsum(z.hinge) + z.logs) * inv;
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
      .labels = sparse_coding_labels(),
      .trace_panels = {"loss", "d_asum", "sharpness", "bias"},  // the paper's Figure 2
      .step_cost = [](const Params& p) {
        return p.text("path") == "oracle" ? p.real("n") * p.real("d") : p.real("n");
      },
      .dim = [](const Params&) { return 3L; },
      .make = make_sparse_relu,
  };
}

}  // namespace eos

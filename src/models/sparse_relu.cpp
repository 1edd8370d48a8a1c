// The sparse-coding ReLU network: loss, gradient and exact 3×3 Hessian from per-sample statistics.
#include "eos/models/sparse_relu.h"

#include <cmath>

#include "eos/logistic.h"

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

double sparse_relu_loss(const std::vector<double>& y, const double* P, const double* N, const double* cP,
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
                       Vec theta0, long seed, long n_test)
    : train_(std::move(train)), stats_(std::move(stats)), theta0_(std::move(theta0)), seed_(seed), n_test_(n_test) {
  const auto n = static_cast<std::size_t>(train_->n);
  P_.resize(n);
  N_.resize(n);
  cP_.resize(n);
  cN_.resize(n);
}

double SparseRelu::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  stats_->compute(theta[2], P_.data(), N_.data(), cP_.data(), cN_.data());
  return sparse_relu_loss(train_->y, P_.data(), N_.data(), cP_.data(), cN_.data(), theta, grad, hess);
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

namespace {

KeySpec key(std::string name, KeyType type, std::string def, std::string doc, bool axis, double min, bool excl = false) {
  KeySpec k;
  k.name = std::move(name);
  k.type = type;
  k.default_value = std::move(def);
  k.doc = std::move(doc);
  k.axis = axis;
  k.min = min;
  k.min_exclusive = excl;
  return k;
}

std::unique_ptr<Model> make_sparse_relu(const Params& p) {
  const long d = p.integer("d"), n = p.integer("n"), seed = p.integer("seed");
  const double lambda = p.real("lambda");
  auto train = std::make_shared<const SparseCodingData>(make_sparse_coding("train", seed, d, lambda, n));
  std::unique_ptr<SampleStats> stats = std::make_unique<OracleStats>(train);
  Rng init("init", {static_cast<double>(seed), static_cast<double>(d)});
  const double sd = p.real("init_scale") / std::sqrt(2.0 * static_cast<double>(d));
  Vec theta0(3);
  theta0[0] = sd * init.normal();
  theta0[1] = sd * init.normal();
  theta0[2] = p.real("b0");
  return std::make_unique<SparseRelu>(train, std::move(stats), theta0, seed, p.integer("n_test"));
}

}  // namespace

ModelInfo sparse_relu_info() {
  ModelInfo info;
  info.name = "sparse-relu";
  info.doc = "ReLU network with known basis on sparse-coding data (Ahn et al., eq. 2)";
  info.keys = {
      key("d", KeyType::Integer, "200", "dimension of the data", true, 1),
      key("lambda", KeyType::Real, "3", "signal strength λ", true, 0),
      key("n", KeyType::Integer, "300", "number of training samples", true, 1),
      key("seed", KeyType::Integer, "0", "seed of the data and the initialisation", true, 0),
      key("n_test", KeyType::Integer, "2000", "fresh samples for test_acc", false, 0),
      key("init_scale", KeyType::Real, "1", "a± ~ N(0, init_scale²/(2d))", false, 0),
      key("b0", KeyType::Real, "0", "initial bias b₀", false, -INFINITY),
  };
  KeySpec path = key("path", KeyType::Text, "fast", "evaluation: fast (O(n) per step) or oracle (O(n·d))", false, 0);
  path.choices = {"fast", "oracle"};
  path.in_id = false;
  info.keys.push_back(path);
  info.tracked = {"bias", "d_asum"};
  info.reports = {"train_acc", "test_acc", "a_minus", "a_plus"};
  info.eta_star = [](const Params& p) {
    const double d = p.real("d");
    return 8.0 * M_PI / (d * d);
  };
  info.step_cost = [](const Params& p) {
    return p.text("path") == "oracle" ? p.real("n") * p.real("d") : p.real("n");
  };
  info.dim = [](const Params&) { return 3L; };
  info.make = make_sparse_relu;
  return info;
}

}  // namespace eos

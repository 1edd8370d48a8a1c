// The two-layer ReLU network: forward pass, gradient, R-operator Hessian-vector product and the
// third-derivative product. The d×m×n products (a few per pass) go through matmul (the serial
// OpenBLAS's kernels for the CPU; numerics/blas.h), the m×n element work through Eigen.
#include "eos/models/relu_net.h"

#include <algorithm>
#include <cmath>

#include "eos/numerics/blas.h"
#include "eos/numerics/logistic.h"

namespace eos {

ReluNet::ReluNet(std::shared_ptr<const SparseCodingData> train, long m, Vec theta0, long seed, long n_test)
    : train_(std::move(train)),
      d_(train_->d),
      n_(train_->n),
      m_(m),
      theta0_(std::move(theta0)),
      seed_(seed),
      n_test_(n_test),
      xv_(train_->x.data()),
      yv_(train_->y.data()) {}

void ReluNet::view(std::span<const long> rows) {
  if (rows.empty()) {
    if (rows_.empty()) return;
    rows_.clear();
    xv_ = train_->x.data(), yv_ = train_->y.data(), n_ = train_->n;
    cached_ = false;
    return;
  }
  if (std::equal(rows.begin(), rows.end(), rows_.begin(), rows_.end())) return;
  rows_.assign(rows.begin(), rows.end());
  n_ = static_cast<long>(rows.size());
  Xb_.resize(d_, n_);
  yb_.resize(n_);
  for (long j = 0; j < n_; ++j) {
    Xb_.col(j) = Eigen::Map<const Vec>(train_->row(rows_[j]), d_);
    yb_[j] = train_->y[static_cast<std::size_t>(rows_[j])];
  }
  xv_ = Xb_.data(), yv_ = yb_.data();
  cached_ = false;
}

double ReluNet::evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) {
  view(rows);
  return evaluate_view(theta, grad, hess);
}

void ReluNet::hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  view(rows);
  hvp_view(theta, v, out);
}

void ReluNet::forward(const Vec& theta) {
  if (cached_ && at_.size() == theta.size() && at_ == theta) return;
  const Eigen::Map<const Mat> W(theta.data(), d_, m_);
  const auto a = theta.segment(d_ * m_, m_);
  const auto b = theta.segment(d_ * m_ + m_, m_);
  Z_.resize(m_, n_);
  matmul_large(W, true, X(), false, Z_);
  Z_.colwise() += b;
  D_ = (Z_.array() > 0).cast<double>().matrix();
  H_ = Z_.cwiseMax(0.0);
  const Vec f = H_.transpose() * a;
  r_.resize(n_);
  c_.resize(n_);
  const double inv = 1.0 / static_cast<double>(n_);
  double loss = 0;
  for (long i = 0; i < n_; ++i) {
    const Logistic l(y()[i] * f[i]);
    loss += l.value;
    r_[i] = l.d1 * y()[i] * inv;
    c_[i] = l.d2 * y()[i] * y()[i] * inv;
  }
  loss_ = loss * inv;
  at_ = theta;
  cached_ = true;
}

double ReluNet::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  view({});
  return evaluate_view(theta, grad, hess);
}

void ReluNet::hvp(const Vec& theta, const Vec& v, Vec& out) {
  view({});
  hvp_view(theta, v, out);
}

double ReluNet::evaluate_view(const Vec& theta, Vec& grad, Mat* hess) {
  cached_ = false;  // a new point: always recompute (also refreshes a cache made by hvp)
  forward(theta);
  const auto a = theta.segment(d_ * m_, m_);
  grad.resize(dim());
  // G_ji = ∂L/∂z_ji = a_j·D_ji·r_i; ∂L/∂w_j = Σ_i G_ji x_i, ∂L/∂b_j = Σ_i G_ji, ∂L/∂a_j = Σ_i H_ji r_i.
  const Mat G = D_.array() * (a * r_.transpose()).array();
  matmul_large(X(), false, G, true, Eigen::Map<Mat>(grad.data(), d_, m_));
  grad.segment(d_ * m_, m_).noalias() = H_ * r_;
  grad.segment(d_ * m_ + m_, m_) = G.rowwise().sum();
  if (hess) {
    const long P = dim();
    hess->resize(P, P);
    Vec e = Vec::Zero(P), col;
    for (long k = 0; k < P; ++k) {
      e[k] = 1;
      hvp_view(theta, e, col);
      hess->col(k) = col;
      e[k] = 0;
    }
    // Exact arithmetic gives a symmetric matrix; symmetrise away the rounding.
    *hess = 0.5 * (*hess + hess->transpose()).eval();
  }
  return loss_;
}

// D∘R{z} along a direction t (of θ's layout) at the cached forward pass: R{z} = Tᵀx + β_t, gated
// by the ReLU's D (m×n).
Mat ReluNet::gated_tangent(const Vec& t) const {
  Mat z(m_, n_);
  matmul_large(Eigen::Map<const Mat>(t.data(), d_, m_), true, X(), false, z);
  z.colwise() += t.segment(d_ * m_ + m_, m_);
  z.array() *= D_.array();
  return z;
}

void ReluNet::hvp_view(const Vec& theta, const Vec& v, Vec& out) {
  forward(theta);
  const auto a = theta.segment(d_ * m_, m_);
  const auto alpha = v.segment(d_ * m_, m_);
  // R{ReLU(z)} = D∘R{z}; R{f} = αᵀH + aᵀ(D∘R{z}); R{r_i} = ℓ''·y_i²·R{f_i}/n.
  const Mat Hd = gated_tangent(v);
  const Vec fd = H_.transpose() * alpha + Hd.transpose() * a;
  const Vec rd = c_.cwiseProduct(fd);
  // R{G} = D∘(α rᵀ + a R{r}ᵀ) (R{D} = 0 almost everywhere).
  const Mat RG = D_.array() * (alpha * r_.transpose() + a * rd.transpose()).array();
  out.resize(dim());
  matmul_large(X(), false, RG, true, Eigen::Map<Mat>(out.data(), d_, m_));
  out.segment(d_ * m_, m_).noalias() = Hd * r_;
  out.segment(d_ * m_, m_).noalias() += H_ * rd;
  out.segment(d_ * m_ + m_, m_) = RG.rowwise().sum();
}

void ReluNet::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  view({});
  forward(theta);
  const long dm = d_ * m_;
  const auto a = theta.segment(dm, m_);
  const Mat Du = gated_tangent(u), Dv = gated_tangent(v);
  const auto ua = u.segment(dm, m_), va = v.segment(dm, m_);
  const Vec Ju = H_.transpose() * ua + Du.transpose() * a;  // ∇f_i·u
  const Vec Jv = H_.transpose() * va + Dv.transpose() * a;
  const Vec q = Dv.transpose() * ua + Du.transpose() * va;  // uᵀ∇²f_i v
  const Vec f = H_.transpose() * a;
  Vec c3(n_);
  for (long i = 0; i < n_; ++i) {
    const Logistic l(y()[i] * f[i]);
    c3[i] = -l.d2 * (1 + 2 * l.d1) * y()[i] * y()[i] * y()[i] / static_cast<double>(n_);  // ℓ'''·y³/n
  }
  // Weights of J_i, of ∇²f_i v and of ∇²f_i u (c_ = ℓ''·y²/n).
  const Vec s = c3.cwiseProduct(Ju).cwiseProduct(Jv) + c_.cwiseProduct(q);
  const Vec tv = c_.cwiseProduct(Ju), tu = c_.cwiseProduct(Jv);
  // Σ_i s_i J_i + Σ_i tv_i ∇²f_i v + Σ_i tu_i ∇²f_i u: the w and b parts share the gate.
  const Mat G = D_.array() * (a * s.transpose() + va * tv.transpose() + ua * tu.transpose()).array();
  out.resize(dim());
  matmul_large(X(), false, G, true, Eigen::Map<Mat>(out.data(), d_, m_));
  out.segment(dm, m_).noalias() = H_ * s + Dv * tv + Du * tu;
  out.segment(dm + m_, m_) = G.rowwise().sum();
}

double ReluNet::output(const double* x, const Vec& theta) const {
  const Eigen::Map<const Mat> W(theta.data(), d_, m_);
  const Eigen::Map<const Vec> xv(x, d_);
  const auto a = theta.segment(d_ * m_, m_);
  const auto b = theta.segment(d_ * m_ + m_, m_);
  const Vec z = W.transpose() * xv + b;
  return a.dot(z.cwiseMax(0.0));
}

double ReluNet::alignment(const Vec& theta) const {
  const Eigen::Map<const Mat> W(theta.data(), d_, m_);
  double sum = 0;
  for (long j = 0; j < m_; ++j) {
    const double nrm = W.col(j).norm();
    sum += nrm > 0 ? W.col(j).cwiseAbs().maxCoeff() / nrm : 0.0;
  }
  return sum / static_cast<double>(m_);
}

void ReluNet::track(const Vec& theta, double* out) const {
  const auto b = theta.segment(d_ * m_ + m_, m_);
  out[0] = b.mean();
  out[1] = static_cast<double>((b.array() < 0).count()) / static_cast<double>(m_);
}

void ReluNet::report(const Vec& theta, double* out) {
  const long n = train_->n;
  long right = 0;
  for (long i = 0; i < n; ++i) right += train_->y[static_cast<std::size_t>(i)] * output(train_->row(i), theta) > 0;
  out[0] = static_cast<double>(right) / static_cast<double>(n);
  // Fresh test samples from the same stream as sparse-relu: they depend on (seed, d, λ, n_test) only.
  Rng rng("test", {static_cast<double>(seed_), static_cast<double>(d_), train_->lambda, static_cast<double>(n_test_)});
  std::vector<double> x(static_cast<std::size_t>(d_));
  long test_right = 0;
  for (long i = 0; i < n_test_; ++i) {
    const double y = draw_sparse_coding_sample(rng, d_, train_->lambda, x.data());
    test_right += y * output(x.data(), theta) > 0;
  }
  out[1] = n_test_ > 0 ? static_cast<double>(test_right) / static_cast<double>(n_test_) : std::nan("");
  out[2] = alignment(theta);
  const auto b = theta.segment(d_ * m_ + m_, m_);
  out[3] = b.minCoeff();
  out[4] = b.maxCoeff();
}

namespace {

std::unique_ptr<Model> make_relu_net(const Params& p) {
  const long d = p.integer("d"), n = p.integer("n"), m = p.integer("m"), seed = p.integer("seed");
  const double lambda = p.real("lambda");
  // The same training stream as sparse-relu: the data depend on (seed, d, λ, n) only.
  auto train = std::make_shared<const SparseCodingData>(make_sparse_coding("train", seed, d, lambda, n));
  Rng init("init-relu-net", {static_cast<double>(seed), static_cast<double>(d), static_cast<double>(m)});
  const double sw = p.real("init_w") / std::sqrt(static_cast<double>(d));
  const double sa = p.real("init_a") / std::sqrt(static_cast<double>(m));
  Vec theta0(m * (d + 2));
  for (long k = 0; k < m * d; ++k) theta0[k] = sw * init.normal();
  for (long j = 0; j < m; ++j) theta0[m * d + j] = sa * init.normal();
  theta0.tail(m).setConstant(p.real("b0"));
  return std::make_unique<ReluNet>(train, m, theta0, seed, p.integer("n_test"));
}

}  // namespace

ModelInfo relu_net_info() {
  return {.name = "relu-net", .doc = "two-layer ReLU network with unknown basis on sparse-coding data (Ahn et al., section 5)",
      .keys = {
          sparse_coding_key("d", "20"),
          sparse_coding_key("lambda"),
          sparse_coding_key("n"),
          {.name = "m", .type = KeyType::Integer, .default_value = "20", .doc = "width (number of neurons)", .axis = true,
           .min = 1},
          sparse_coding_key("seed"),
          sparse_coding_key("n_test"),
          {.name = "init_w", .default_value = "1", .doc = "w_jk ~ N(0, init_w²/d)", .axis = true, .min = 0},
          {.name = "init_a", .default_value = "1", .doc = "a_j ~ N(0, init_a²/m)", .axis = true, .min = 0},
          {.name = "b0", .default_value = "0", .doc = "initial bias of every neuron", .axis = true, .label = "b₀"},
      },
      .tracked = {"bias", "frac_neg_bias"},
      .reports = {"train_acc", "test_acc", "alignment", "bias_min", "bias_max"},
      .labels = {{"bias", "mean bias"},
                 {"frac_neg_bias", "fraction of negative biases"},
                 {"train_acc", "training accuracy"},
                 {"test_acc", "test accuracy"},
                 {"alignment", "alignment of the w_j with the basis"},
                 {"bias_min", "smallest final bias"},
                 {"bias_max", "largest final bias"}},
      .step_cost = [](const Params& p) { return p.real("n") * p.real("m") * p.real("d"); },
      .dim = [](const Params& p) { return p.integer("m") * (p.integer("d") + 2); },
      .samples = [](const Params& p) { return p.integer("n"); },
      .make = make_relu_net,
  };
}

}  // namespace eos

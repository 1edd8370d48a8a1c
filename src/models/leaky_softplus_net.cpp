// The leaky-softplus two-layer network: stable loss, gradient, dense Hessian, Hessian-vector and
// third-derivative products. The n×d×m products go through matmul_large (BLAS when they are large).
#include "eos/models/leaky_softplus_net.h"

#include <cmath>
#include <limits>

#include "eos/numerics/blas.h"
#include "eos/numerics/logistic.h"
#include "eos/util/rng.h"

namespace eos {

LabelledData five_point_data() {
  LabelledData d;
  d.X.resize(5, 3);
  d.X << 0.05, 1, 2,  //
      0.05, -2, 1,    //
      -1, 0, 2,       //
      0.05, -2, -2,   //
      0.05, 1, -2;
  d.y.resize(5);
  d.y << 1, 1, -1, 1, 1;
  return d;
}

LabelledData xor_data() {
  LabelledData d;
  d.X.resize(4, 2);
  d.X << 1, 1, -1, -1, 1, -1, -1, 1;
  d.y.resize(4);
  d.y << 1, 1, -1, -1;
  return d;
}

LabelledData separable_gaussian_data(long seed, long n, long d, double gap) {
  Rng rng("train", {static_cast<double>(seed), static_cast<double>(n), static_cast<double>(d), gap});
  Vec u(d);
  for (long k = 0; k < d; ++k) u[k] = rng.normal();
  u /= u.norm();
  LabelledData data;
  data.X.resize(n, d);
  data.y.resize(n);
  for (long i = 0; i < n; ++i) {
    Vec xi(d);
    for (long k = 0; k < d; ++k) xi[k] = rng.normal();
    const double y = xi.dot(u) >= 0 ? 1.0 : -1.0;
    data.X.row(i) = (xi + gap * y * u).transpose();
    data.y[i] = y;
  }
  return data;
}

LeakySoftplus::LeakySoftplus(double c, double z) {
  const double e = std::exp(-std::fabs(z));  // in (0, 1]
  const double s = 1.0 / (1.0 + e);
  const double softplus = std::max(z, 0.0) + std::log1p(e);
  const double sigma = z >= 0 ? s : e * s;  // σ(z)
  value = c * z + (1 - c) * softplus;
  d1 = c + (1 - c) * sigma;
  d2 = (1 - c) * e * s * s;  // σ(z)σ(−z)
  // φ''' = φ''·(1 − 2σ(z)), and 1 − 2σ(z) = −sign(z)·(1 − e^{−|z|})/(1 + e^{−|z|}) (two flops more
  // than before on the forward pass; near z = 0, where φ''' vanishes, 1 − e loses relative digits).
  d3 = d2 * (z >= 0 ? -(1 - e) : 1 - e) * s;
}

namespace {

// X·T for T a d×m block of a parameter-shaped vector t (n × m: x_iᵀt_j).
Mat samples_times(const Mat& X, const Vec& t, long m) {
  Mat out(X.rows(), m);
  matmul_large(X, false, Eigen::Map<const Mat>(t.data(), X.cols(), m), false, out);
  return out;
}

// out (d·m, as d×m blocks) = XᵀQ.
void samples_transpose_times(const Mat& X, const Mat& Q, Vec& out) {
  out.resize(X.cols() * Q.cols());
  matmul_large(X, true, Q, false, Eigen::Map<Mat>(out.data(), X.cols(), Q.cols()));
}

}  // namespace

LeakySoftplusNet::LeakySoftplusNet(LabelledData data, long m, double c, Vec theta0)
    : data_(std::move(data)), m_(m), c_(c), theta0_(std::move(theta0)) {
  if (theta0_.size() != m_ * data_.X.cols()) throw std::invalid_argument("leaky-softplus-net: theta0 has the wrong size");
}

Vec LeakySoftplusNet::outputs(const Vec& theta) const {
  const Mat Z = samples_times(data_.X, theta, m_);  // n × m
  Vec f = Vec::Zero(Z.rows());
  for (long i = 0; i < Z.rows(); ++i) {
    double pos = 0, neg = 0;
    for (long j = 0; j < m_; ++j) (a(j) > 0 ? pos : neg) += LeakySoftplus(c_, Z(i, j)).value;
    f[i] = (pos - neg) / static_cast<double>(m_);
  }
  return f;
}

LeakySoftplusNet::Forward LeakySoftplusNet::forward(const LabelledData& data, const Vec& theta, bool third) const {
  const long n = data.X.rows();
  const Mat Z = samples_times(data.X, theta, m_);
  Forward fw;
  fw.P1.resize(n, m_);
  fw.P2.resize(n, m_);
  if (third) fw.P3.resize(n, m_);
  fw.f = Vec::Zero(n);
  for (long j = 0; j < m_; ++j)
    for (long i = 0; i < n; ++i) {
      const LeakySoftplus s(c_, Z(i, j));
      fw.f[i] += a(j) * s.value;
      fw.P1(i, j) = s.d1;
      fw.P2(i, j) = s.d2;
      if (third) fw.P3(i, j) = s.d3;
    }
  fw.f /= static_cast<double>(m_);
  fw.l1.resize(n);
  fw.l2.resize(n);
  if (third) fw.l3.resize(n);
  for (long i = 0; i < n; ++i) {
    const double y = data.y[i];
    const Logistic l(y * fw.f[i]);
    fw.loss += l.value;
    fw.l1[i] = l.d1 * y;
    fw.l2[i] = l.d2;
    if (third) fw.l3[i] = -l.d2 * (1 + 2 * l.d1) * y * y * y;  // ℓ''' = ℓ''·(1 − 2σ(m)), σ(m) = 1 + ℓ'
  }
  return fw;
}

double LeakySoftplusNet::evaluate(const Vec& theta, Vec& grad, Mat* hess) { return evaluate_on(data_, theta, grad, hess); }

void LeakySoftplusNet::hvp(const Vec& theta, const Vec& v, Vec& out) { hvp_on(data_, theta, v, out); }

// The batch's samples gathered into scratch (B×d), then the same formulas.
const LabelledData& LeakySoftplusNet::gather(std::span<const long> rows) {
  const long B = static_cast<long>(rows.size());
  batch_.X.resize(B, data_.X.cols());
  batch_.y.resize(B);
  for (long j = 0; j < B; ++j) {
    batch_.X.row(j) = data_.X.row(rows[j]);
    batch_.y[j] = data_.y[rows[j]];
  }
  return batch_;
}

double LeakySoftplusNet::evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) {
  return evaluate_on(gather(rows), theta, grad, hess);
}

void LeakySoftplusNet::hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  hvp_on(gather(rows), theta, v, out);
}

double LeakySoftplusNet::evaluate_on(const LabelledData& data, const Vec& theta, Vec& grad, Mat* hess) const {
  const long n = data.X.rows(), d = data.X.cols(), D = m_ * d;
  const double nn = static_cast<double>(n), mm = static_cast<double>(m_);
  const Forward fw = forward(data, theta);
  const Mat &P1 = fw.P1, &P2 = fw.P2;
  const Vec &l1 = fw.l1, &l2 = fw.l2;
  // ∂L/∂w_j = (1/n)Σ_i ℓ'_i y_i (a_j/m) φ'(z_ij) x_i.
  Mat Q(n, m_);
  for (long j = 0; j < m_; ++j) Q.col(j) = (l1.array() * P1.col(j).array()) * (a(j) / (mm * nn));
  samples_transpose_times(data.X, Q, grad);
  if (hess) {
    // H = Jᵀ diag(ℓ''/n) J + blockdiag_j Xᵀ diag(ℓ'_i y_i a_j φ''(z_ij)/(m n)) X, with
    // J[i, (j, k)] = (a_j/m) φ'(z_ij) x_ik.
    Mat J(n, D);
    for (long j = 0; j < m_; ++j)
      for (long k = 0; k < d; ++k) J.col(j * d + k) = (P1.col(j).array() * data.X.col(k).array()) * (a(j) / mm);
    hess->noalias() = J.transpose() * (l2.array() / nn).matrix().asDiagonal() * J;
    for (long j = 0; j < m_; ++j) {
      const Vec w = (l1.array() * P2.col(j).array()) * (a(j) / (mm * nn));
      hess->block(j * d, j * d, d, d).noalias() += data.X.transpose() * w.asDiagonal() * data.X;
    }
  }
  return fw.loss / nn;
}

void LeakySoftplusNet::hvp_on(const LabelledData& data, const Vec& theta, const Vec& v, Vec& out) const {
  const long n = data.X.rows();
  const double nn = static_cast<double>(n), mm = static_cast<double>(m_);
  const Mat XV = samples_times(data.X, v, m_);  // x_iᵀv_j
  const Forward fw = forward(data, theta);
  const Mat &P1 = fw.P1, &P2 = fw.P2;
  const Vec &l1 = fw.l1, &l2 = fw.l2;
  // Jv_i = Σ_j (a_j/m) φ'(z_ij) x_iᵀv_j.
  Vec Jv = Vec::Zero(n);
  for (long j = 0; j < m_; ++j) Jv.array() += (P1.col(j).array() * XV.col(j).array()) * (a(j) / mm);
  const Vec r = (l2.array() * Jv.array()) / nn;
  Mat Q(n, m_);
  for (long j = 0; j < m_; ++j)
    Q.col(j) = (r.array() * P1.col(j).array()) * (a(j) / mm) +
               (l1.array() * P2.col(j).array() * XV.col(j).array()) * (a(j) / (mm * nn));
  samples_transpose_times(data.X, Q, out);
}

void LeakySoftplusNet::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  const long n = data_.X.rows();
  const double nn = static_cast<double>(n), mm = static_cast<double>(m_);
  const Mat XU = samples_times(data_.X, u, m_);  // x_iᵀu_j
  const Mat XV = samples_times(data_.X, v, m_);
  const Forward fw = forward(data_, theta, true);
  // J_iu, J_iv and uᵀ∇²f_i v (y_i² = 1 is not assumed: the ℓ'' terms carry y_i²).
  Vec Ju = Vec::Zero(n), Jv = Vec::Zero(n), q = Vec::Zero(n);
  for (long j = 0; j < m_; ++j) {
    const double aj = a(j) / mm;
    Ju.array() += fw.P1.col(j).array() * XU.col(j).array() * aj;
    Jv.array() += fw.P1.col(j).array() * XV.col(j).array() * aj;
    q.array() += fw.P2.col(j).array() * XU.col(j).array() * XV.col(j).array() * aj;
  }
  const Vec l2y2 = fw.l2.array() * data_.y.array().square();
  const Vec s = fw.l3.cwiseProduct(Ju).cwiseProduct(Jv) + l2y2.cwiseProduct(q);
  // Column j of Q: what multiplies x_i in block j of the result, divided by a_j/(m·n).
  Mat Q(n, m_);
  for (long j = 0; j < m_; ++j)
    Q.col(j) = (s.array() * fw.P1.col(j).array() +
                l2y2.array() * fw.P2.col(j).array() * (Ju.array() * XV.col(j).array() + Jv.array() * XU.col(j).array()) +
                fw.l1.array() * fw.P3.col(j).array() * XU.col(j).array() * XV.col(j).array()) *
               (a(j) / (mm * nn));
  samples_transpose_times(data_.X, Q, out);
}

void LeakySoftplusNet::track(const Vec& theta, double* out) const {
  const Vec f = outputs(theta);
  const double norm = theta.norm();
  out[0] = (data_.y.array() * f.array()).minCoeff() / norm;
  out[1] = norm;
}

void LeakySoftplusNet::report(const Vec& theta, double* out) {
  const Vec margins = data_.y.array() * outputs(theta).array();
  out[0] = margins.minCoeff();
  out[1] = static_cast<double>((margins.array() > 0).count()) / static_cast<double>(margins.size());
}

namespace {

long data_dim(const Params& p) {
  const std::string& ds = p.text("dataset");
  return ds == "five-point" ? 3 : ds == "xor" ? 2 : p.integer("d");
}

long data_count(const Params& p) {
  const std::string& ds = p.text("dataset");
  return ds == "five-point" ? 5 : ds == "xor" ? 4 : p.integer("n");
}

void check_leaky(const Params& p) {
  const bool gaussian = p.text("dataset") == "gaussian";
  for (const char* k : {"n", "d", "gap"}) {
    if (gaussian && std::string(k) != "gap" && !p.has(k)) throw InputError(std::string(k) + ": required for dataset = gaussian");
    if (!gaussian && p.has(k)) throw InputError(std::string(k) + ": only for dataset = gaussian");
  }
  if (p.integer("m") % 2 != 0) throw InputError("m: must be even (half the neurons have a_j = +1, half −1; got " + p.text("m") + ")");
  const double D = static_cast<double>(p.integer("m")) * static_cast<double>(data_dim(p));
  if (D > 1e6) throw InputError("m: the network has more than 1e6 parameters");
  if (D * static_cast<double>(data_count(p)) > 1e9) throw InputError("n: n × m × d must be at most 1e9");
}

std::unique_ptr<Model> make_leaky(const Params& p) {
  const std::string& ds = p.text("dataset");
  const long seed = p.integer("seed"), m = p.integer("m");
  LabelledData data = ds == "five-point" ? five_point_data()
                      : ds == "xor"      ? xor_data()
                                         : separable_gaussian_data(seed, p.integer("n"), p.integer("d"),
                                                                   p.has("gap") ? p.real("gap") : 0.0);
  const long d = data.X.cols();
  // The initialisation depends on (seed, m, d) only: the same W₀ for every η and c.
  Rng rng("init", {static_cast<double>(seed), static_cast<double>(m), static_cast<double>(d)});
  const double sd = p.real("init_scale") / std::sqrt(static_cast<double>(d));
  Vec theta0(m * d);
  for (long k = 0; k < m * d; ++k) theta0[k] = sd * rng.normal();
  return std::make_unique<LeakySoftplusNet>(std::move(data), m, p.real("c"), std::move(theta0));
}

}  // namespace

ModelInfo leaky_softplus_net_info() {
  return {.name = "leaky-softplus-net", .doc = "two-layer leaky-softplus network, a_j = ±1 fixed, logistic loss (Cai et al.)",
      .keys = {
          {.name = "dataset", .type = KeyType::Text, .default_value = "five-point",
           .doc = "five-point (Cai et al.), xor (4 corners), or gaussian (separable)", .axis = true,
           .choices = {"five-point", "xor", "gaussian"}},
          {.name = "c", .default_value = "0.5", .doc = "leak: φ(z) = c·z + (1 − c)·softplus(z)", .axis = true, .min = 0,
           .max = 1},
          {.name = "m", .type = KeyType::Integer, .default_value = "2",
           .doc = "number of neurons (even: a_j = +1 for half, −1 for the rest)", .axis = true, .min = 2, .max = 1e6},
          {.name = "seed", .type = KeyType::Integer, .default_value = "0",
           .doc = "seed of the initialisation (and of gaussian data)", .axis = true, .min = 0},
          {.name = "init_scale", .default_value = "0.1", .doc = "initial weights N(0, init_scale²/d)", .axis = true,
           .min = 0},
          {.name = "n", .type = KeyType::Integer, .doc = "gaussian: number of samples", .axis = true, .min = 1, .max = 1e7},
          {.name = "d", .type = KeyType::Integer, .doc = "gaussian: input dimension", .axis = true, .min = 1, .max = 1e6},
          {.name = "gap", .doc = "gaussian: margin y⟨u, x⟩ ≥ gap of the planted separator (default 0)", .axis = true,
           .min = 0},
      },
      .tracked = {"margin_norm", "w_norm"},
      .reports = {"margin_min", "train_acc"},
      .labels = {{"margin_norm", "normalised margin min y·f/‖W‖"},
                 {"w_norm", "‖W‖"},
                 {"margin_min", "smallest margin y·f"},
                 {"train_acc", "training accuracy"}},
      .step_cost = [](const Params& p) {
        return static_cast<double>(data_count(p)) * static_cast<double>(p.integer("m")) * static_cast<double>(data_dim(p));
      },
      .dim = [](const Params& p) { return p.integer("m") * data_dim(p); },
      .samples = data_count,
      .check = check_leaky,
      .make = make_leaky,
  };
}

}  // namespace eos

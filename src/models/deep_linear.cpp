// The deep linear network: loss, gradient, exact dense Hessian, Hessian-vector and
// third-derivative products.
#include "eos/models/deep_linear.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "eos/util/rng.h"

namespace eos {

DeepLinearData make_deep_linear_scalar(double y) {
  DeepLinearData d;
  d.X = Mat::Ones(1, 1);
  d.Y = Mat::Constant(1, 1, y);
  return d;
}

DeepLinearData make_deep_linear_gaussian(long seed, long n, long d_in, long d_out, double target) {
  Rng rng("train", {static_cast<double>(seed), static_cast<double>(n), static_cast<double>(d_in),
                    static_cast<double>(d_out)});
  DeepLinearData d;
  Mat planted(d_out, d_in);
  const double sd = 1.0 / std::sqrt(static_cast<double>(d_in));
  for (long j = 0; j < d_in; ++j)
    for (long i = 0; i < d_out; ++i) planted(i, j) = sd * rng.normal();
  d.X.resize(d_in, n);
  for (long s = 0; s < n; ++s)
    for (long k = 0; k < d_in; ++k) d.X(k, s) = rng.normal();
  d.Y = target * planted * d.X;
  return d;
}

double deep_linear_eta_star(long depth, double y) {
  const double L = static_cast<double>(depth);
  return 2.0 / (L * std::pow(std::fabs(y), 2.0 - 2.0 / L));
}

DeepLinear::DeepLinear(DeepLinearData data, std::vector<long> widths, Vec theta0)
    : data_(std::move(data)), widths_(std::move(widths)), theta0_(std::move(theta0)) {
  if (widths_.size() < 2) throw std::invalid_argument("deep-linear: depth must be at least 1");
  if (data_.X.rows() != widths_.front() || data_.Y.rows() != widths_.back() || data_.X.cols() != data_.Y.cols())
    throw std::invalid_argument("deep-linear: data shape does not match the widths");
  offsets_.push_back(0);
  for (std::size_t i = 1; i < widths_.size(); ++i) offsets_.push_back(offsets_.back() + widths_[i] * widths_[i - 1]);
  if (theta0_.size() != offsets_.back()) throw std::invalid_argument("deep-linear: theta0 has the wrong size");
  chain_ = offsets_.back() == depth() && data_.X.size() == 1 && data_.X(0, 0) == 1.0;
}

Mat DeepLinear::layer(const Vec& theta, long i) const {
  const long rows = widths_[i], cols = widths_[i - 1];
  return Eigen::Map<const Mat>(theta.data() + offsets_[i - 1], rows, cols);
}

Mat DeepLinear::product(const Vec& theta) const {
  Mat P = layer(theta, 1);
  for (long i = 2; i <= depth(); ++i) P = layer(theta, i) * P;
  return P;
}

// The scalar chain (one sample x = 1, all widths 1): p = Πw, ∂_i = (p − y)q_i with q_i = Π_{k≠i} w_k,
// H_ij = q_iq_j + (p − y)Π_{k≠i,j} w_k, from prefix and suffix products without division.
double DeepLinear::evaluate_chain(const Vec& w, Vec& grad, Mat* hess) const {
  const long L = depth();
  const double y = data_.Y(0, 0);
  std::vector<double> pre(static_cast<std::size_t>(L + 1), 1.0), suf(static_cast<std::size_t>(L + 1), 1.0);
  for (long i = 0; i < L; ++i) pre[i + 1] = pre[i] * w[i];                 // pre[i] = w_0⋯w_{i−1}
  for (long i = L - 1; i >= 0; --i) suf[i] = suf[i + 1] * w[i];            // suf[i] = w_i⋯w_{L−1}
  const double r = pre[L] - y;
  grad.resize(L);
  for (long i = 0; i < L; ++i) grad[i] = r * pre[i] * suf[i + 1];
  if (hess) {
    hess->resize(L, L);
    for (long i = 0; i < L; ++i) {
      const double qi = pre[i] * suf[i + 1];
      (*hess)(i, i) = qi * qi;
      double mid = 1.0;  // w_{i+1}⋯w_{j−1}
      for (long j = i + 1; j < L; ++j) {
        const double v = qi * pre[j] * suf[j + 1] + r * pre[i] * mid * suf[j + 1];
        (*hess)(i, j) = v;
        (*hess)(j, i) = v;
        mid *= w[j];
      }
    }
  }
  return 0.5 * r * r;
}

double DeepLinear::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  if (chain_) return evaluate_chain(theta, grad, hess);
  return evaluate_on(data_, theta, grad, hess);
}

void DeepLinear::hvp(const Vec& theta, const Vec& v, Vec& out) { hvp_on(data_, theta, v, out); }

// The batch's samples (columns) gathered into scratch, then the same formulas.
const DeepLinearData& DeepLinear::gather(std::span<const long> rows) {
  const long B = static_cast<long>(rows.size());
  batch_.X.resize(data_.X.rows(), B);
  batch_.Y.resize(data_.Y.rows(), B);
  for (long j = 0; j < B; ++j) {
    batch_.X.col(j) = data_.X.col(rows[j]);
    batch_.Y.col(j) = data_.Y.col(rows[j]);
  }
  return batch_;
}

double DeepLinear::evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) {
  return evaluate_on(gather(rows), theta, grad, hess);
}

void DeepLinear::hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  hvp_on(gather(rows), theta, v, out);
}

double DeepLinear::evaluate_on(const DeepLinearData& data, const Vec& theta, Vec& grad, Mat* hess) const {
  const long L = depth(), D = dim();
  const double n = static_cast<double>(data.X.cols());
  std::vector<Mat> W(L + 1), F(L + 1), A(L + 1);
  for (long i = 1; i <= L; ++i) W[i] = layer(theta, i);
  F[0] = data.X;  // F_i = W_i⋯W_1 X
  for (long i = 1; i <= L; ++i) F[i] = W[i] * F[i - 1];
  A[L] = Mat::Identity(widths_[L], widths_[L]);  // A_i = W_L⋯W_{i+1}
  for (long i = L - 1; i >= 1; --i) A[i] = A[i + 1] * W[i + 1];
  const Mat R = F[L] - data.Y;

  grad.resize(D);
  for (long i = 1; i <= L; ++i) {
    Eigen::Map<Mat> g(grad.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
    g.noalias() = A[i].transpose() * R * F[i - 1].transpose() / n;
  }
  if (hess) {
    // Entry (a, b) of W_i is parameter offsets_[i−1] + a + b·h_i. The Gauss–Newton block (i, j) is
    // (1/n)·(F_{i−1}F_{j−1}ᵀ)[b, d]·(A_iᵀA_j)[a, c], a Kronecker product. For i < j the residual term
    // is (1/n)·(F_{i−1}RᵀA_j)[b, c]·(W_{j−1}⋯W_{i+1})[d, a].
    hess->setZero(D, D);
    Mat& H = *hess;
    for (long i = 1; i <= L; ++i) {
      const long hi = widths_[i], hi0 = widths_[i - 1];
      Mat C = Mat::Identity(hi, hi);  // W_{j−1}⋯W_{i+1}, grown with j
      for (long j = i; j <= L; ++j) {
        const long hj = widths_[j], hj0 = widths_[j - 1];
        if (j > i + 1) C = W[j - 1] * C;
        const Mat GA = A[i].transpose() * A[j];
        const Mat GF = F[i - 1] * F[j - 1].transpose();
        Mat K;
        if (j > i) K = F[i - 1] * R.transpose() * A[j];
        auto block = H.block(offsets_[i - 1], offsets_[j - 1], hi * hi0, hj * hj0);
        for (long d = 0; d < hj0; ++d)
          for (long c = 0; c < hj; ++c)
            for (long b = 0; b < hi0; ++b)
              for (long a = 0; a < hi; ++a) {
                double v = GF(b, d) * GA(a, c);
                if (j > i) v += K(b, c) * C(d, a);
                block(a + b * hi, c + d * hj) = v / n;
              }
        if (j > i) H.block(offsets_[j - 1], offsets_[i - 1], hj * hj0, hi * hi0) = block.transpose();
      }
    }
  }
  return R.squaredNorm() / (2.0 * n);
}

void DeepLinear::hvp_on(const DeepLinearData& data, const Vec& theta, const Vec& v, Vec& out) const {
  // Differentiate grad_i = (1/n)·A_iᵀ R F_{i−1}ᵀ along v with forward tangents dF_i and dA_i.
  const long L = depth();
  const double n = static_cast<double>(data.X.cols());
  std::vector<Mat> W(L + 1), V(L + 1), F(L + 1), dF(L + 1), A(L + 1), dA(L + 1);
  for (long i = 1; i <= L; ++i) {
    W[i] = layer(theta, i);
    V[i] = Eigen::Map<const Mat>(v.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
  }
  F[0] = data.X;
  dF[0] = Mat::Zero(data.X.rows(), data.X.cols());
  for (long i = 1; i <= L; ++i) {
    F[i] = W[i] * F[i - 1];
    dF[i] = V[i] * F[i - 1] + W[i] * dF[i - 1];
  }
  A[L] = Mat::Identity(widths_[L], widths_[L]);
  dA[L] = Mat::Zero(widths_[L], widths_[L]);
  for (long i = L - 1; i >= 1; --i) {
    A[i] = A[i + 1] * W[i + 1];
    dA[i] = dA[i + 1] * W[i + 1] + A[i + 1] * V[i + 1];
  }
  const Mat R = F[L] - data.Y;
  const Mat& dR = dF[L];
  out.resize(dim());
  for (long i = 1; i <= L; ++i) {
    Eigen::Map<Mat> o(out.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
    o.noalias() = (dA[i].transpose() * R * F[i - 1].transpose() + A[i].transpose() * dR * F[i - 1].transpose() +
                   A[i].transpose() * R * dF[i - 1].transpose()) /
                  n;
  }
}

void DeepLinear::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) {
  // The hvp above along U (tangents d·) differentiated along Z = v (tangents e·, and ed· for the
  // mixed second tangents): out_i = (1/n)·D_v[dA_iᵀ R F_{i−1}ᵀ + A_iᵀ dR F_{i−1}ᵀ + A_iᵀ R dF_{i−1}ᵀ].
  const long L = depth();
  const double n = static_cast<double>(data_.X.cols());
  std::vector<Mat> W(L + 1), U(L + 1), Z(L + 1);
  for (long i = 1; i <= L; ++i) {
    W[i] = layer(theta, i);
    U[i] = Eigen::Map<const Mat>(u.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
    Z[i] = Eigen::Map<const Mat>(v.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
  }
  std::vector<Mat> F(L + 1), dF(L + 1), eF(L + 1), edF(L + 1);
  F[0] = data_.X;
  dF[0] = eF[0] = edF[0] = Mat::Zero(data_.X.rows(), data_.X.cols());
  for (long i = 1; i <= L; ++i) {
    F[i] = W[i] * F[i - 1];
    dF[i] = U[i] * F[i - 1] + W[i] * dF[i - 1];
    eF[i] = Z[i] * F[i - 1] + W[i] * eF[i - 1];
    edF[i] = U[i] * eF[i - 1] + Z[i] * dF[i - 1] + W[i] * edF[i - 1];
  }
  std::vector<Mat> A(L + 1), dA(L + 1), eA(L + 1), edA(L + 1);
  A[L] = Mat::Identity(widths_[L], widths_[L]);
  dA[L] = eA[L] = edA[L] = Mat::Zero(widths_[L], widths_[L]);
  for (long i = L - 1; i >= 1; --i) {
    A[i] = A[i + 1] * W[i + 1];
    dA[i] = dA[i + 1] * W[i + 1] + A[i + 1] * U[i + 1];
    eA[i] = eA[i + 1] * W[i + 1] + A[i + 1] * Z[i + 1];
    edA[i] = edA[i + 1] * W[i + 1] + dA[i + 1] * Z[i + 1] + eA[i + 1] * U[i + 1];
  }
  const Mat R = F[L] - data_.Y;
  const Mat &dR = dF[L], &eR = eF[L], &edR = edF[L];
  out.resize(dim());
  for (long i = 1; i <= L; ++i) {
    const Mat &Fi = F[i - 1], &dFi = dF[i - 1], &eFi = eF[i - 1], &edFi = edF[i - 1];
    Eigen::Map<Mat> o(out.data() + offsets_[i - 1], widths_[i], widths_[i - 1]);
    o.noalias() = (edA[i].transpose() * R + dA[i].transpose() * eR + eA[i].transpose() * dR + A[i].transpose() * edR) *
                      Fi.transpose() +
                  (dA[i].transpose() * R + A[i].transpose() * dR) * eFi.transpose() +
                  (eA[i].transpose() * R + A[i].transpose() * eR) * dFi.transpose() + A[i].transpose() * R * edFi.transpose();
    o /= n;
  }
}

void DeepLinear::track(const Vec& theta, double* out) const {
  double imbalance = 0;
  for (long i = 1; i < depth(); ++i) {
    const Mat Wi = layer(theta, i), Wn = layer(theta, i + 1);
    imbalance = std::max(imbalance, (Wn.transpose() * Wn - Wi * Wi.transpose()).norm());
  }
  out[0] = imbalance;
  out[1] = product(theta).norm();
}

namespace {

// h_0, …, h_L of a point.
std::vector<long> widths_of(const Params& p) {
  const long L = p.integer("depth");
  const bool scalar = p.text("dataset") == "scalar";
  std::vector<long> w(static_cast<std::size_t>(L + 1), p.integer("width"));
  w.front() = scalar ? 1 : p.integer("d_in");
  w.back() = scalar ? 1 : p.integer("d_out");
  return w;
}

long dim_of(const Params& p) {
  const auto w = widths_of(p);
  long D = 0;
  for (std::size_t i = 1; i < w.size(); ++i) D += w[i] * w[i - 1];
  return D;
}

void check_deep_linear(const Params& p) {
  const bool scalar = p.text("dataset") == "scalar";
  if (scalar) {
    for (const char* k : {"n", "d_in", "d_out"})
      if (p.has(k)) throw InputError(std::string(k) + ": only for dataset = gaussian (the scalar chain has one sample, x = 1)");
    if (p.integer("width") != 1) throw InputError("width: dataset = scalar is the chain with all widths 1 (got " + p.text("width") + ")");
    if (p.real("target") == 0) throw InputError("target: must be non-zero for dataset = scalar (eta* = 2/(L·|y|^(2−2/L)))");
  } else {
    for (const char* k : {"n", "d_in", "d_out"})
      if (!p.has(k)) throw InputError(std::string(k) + ": required for dataset = gaussian");
    long widest = std::max({p.integer("width"), p.integer("d_in"), p.integer("d_out")});
    if (static_cast<double>(widest) * static_cast<double>(p.integer("n")) > 1e8)
      throw InputError("n: n × (largest width) must be at most 1e8");
  }
  if (dim_of(p) > 1000000) throw InputError("width: the network has more than 1e6 parameters");
}

std::unique_ptr<Model> make_deep_linear(const Params& p) {
  const long L = p.integer("depth"), seed = p.integer("seed");
  const bool scalar = p.text("dataset") == "scalar";
  const auto w = widths_of(p);
  DeepLinearData data = scalar ? make_deep_linear_scalar(p.real("target"))
                               : make_deep_linear_gaussian(seed, p.integer("n"), w.front(), w.back(), p.real("target"));
  std::string init = p.text("init");
  if (init == "auto") init = scalar ? "uniform" : "gaussian";
  // The initialisation depends on (seed, widths) only: the same θ₀ for every η.
  Rng rng("init", {static_cast<double>(seed), static_cast<double>(L), static_cast<double>(p.integer("width")),
                   static_cast<double>(w.front()), static_cast<double>(w.back())});
  Vec theta0(dim_of(p));
  long k = 0;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const double sd = p.real("init_scale") / std::sqrt(static_cast<double>(w[i - 1]));
    const double r = p.real("init_range");
    for (long e = 0; e < w[i] * w[i - 1]; ++e) theta0[k++] = init == "uniform" ? r * (2.0 * rng.uniform() - 1.0) : sd * rng.normal();
  }
  return std::make_unique<DeepLinear>(std::move(data), w, std::move(theta0));
}

}  // namespace

ModelInfo deep_linear_info() {
  return {.name = "deep-linear", .doc = "deep linear network W_L⋯W_1, squared loss (Crăciun & Ghoshdastidar); eta* for the scalar chain",
      .keys = {
          {.name = "depth", .type = KeyType::Integer, .default_value = "2", .doc = "number of layers L", .axis = true,
           .min = 1, .max = 64, .label = "depth L"},
          {.name = "width", .type = KeyType::Integer, .default_value = "1",
           .doc = "width of every hidden layer (1 for the scalar chain)", .axis = true, .min = 1, .max = 4096},
          {.name = "dataset", .type = KeyType::Text, .default_value = "scalar",
           .doc = "scalar (one sample x = 1, target y) or gaussian (planted linear target)", .axis = true,
           .choices = {"scalar", "gaussian"}},
          {.name = "target", .default_value = "1", .doc = "scalar: the target y; gaussian: scale of the planted map",
           .axis = true},
          {.name = "n", .type = KeyType::Integer, .doc = "gaussian: number of samples", .axis = true, .min = 1, .max = 1e6},
          {.name = "d_in", .type = KeyType::Integer, .doc = "gaussian: input dimension", .axis = true, .min = 1, .max = 4096},
          {.name = "d_out", .type = KeyType::Integer, .doc = "gaussian: output dimension", .axis = true, .min = 1,
           .max = 4096},
          {.name = "seed", .type = KeyType::Integer, .default_value = "0", .doc = "seed of the data and the initialisation",
           .axis = true, .min = 0},
          {.name = "init", .type = KeyType::Text, .default_value = "auto",
           .doc = "uniform (entries on [−init_range, init_range]), gaussian (N(0, init_scale²/fan_in)), or auto "
                  "(uniform for scalar, gaussian otherwise)",
           .axis = true, .choices = {"auto", "uniform", "gaussian"}},
          {.name = "init_range", .default_value = "1.5", .doc = "uniform initialisation: half-width of the interval",
           .axis = true, .min = 0},
          {.name = "init_scale", .default_value = "1", .doc = "gaussian initialisation: entries N(0, init_scale²/fan_in)",
           .axis = true, .min = 0},
      },
      .tracked = {"imbalance", "product_norm"},
      .eta_star = [](const Params& p) {
        if (p.text("dataset") != "scalar") return std::numeric_limits<double>::quiet_NaN();
        return deep_linear_eta_star(p.integer("depth"), p.real("target"));
      },
      .eta_star_formula = "2/(L·|y|^(2−2/L))",
      .eta_star_stability = true,
      .labels = {{"imbalance", "layer imbalance max‖W_{i+1}ᵀW_{i+1} − W_iW_iᵀ‖"}, {"product_norm", "‖W_L⋯W_1‖"}},
      .step_cost = [](const Params& p) {
        const double n = p.text("dataset") == "scalar" ? 1.0 : p.real("n");
        return n * static_cast<double>(dim_of(p));
      },
      .dim = dim_of,
      .samples = [](const Params& p) { return p.text("dataset") == "scalar" ? 0L : p.integer("n"); },
      .check = check_deep_linear,
      .make = make_deep_linear,
  };
}

}  // namespace eos

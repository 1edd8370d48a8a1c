// Every model's third-derivative product T(u, v) = ∇_θ(uᵀH(θ)v) against central differences of its
// Hessian-vector products, [H(θ + εv)u − H(θ − εv)u]/2ε, at random points and directions, to 1e-6
// relative (the mlp for every activation and both losses); its symmetry (D³L is a symmetric
// tensor); the sparse-relu paths against each other; and a model without it refusing.
#define BOOST_TEST_MODULE third_derivative
#include <boost/test/unit_test.hpp>
#include <array>
#include <algorithm>
#include <cmath>
#include <map>

#include "eos/data/catalog.h"
#include "eos/data/prepare.h"
#include "eos/model/registry.h"
#include "eos/models/mlp.h"
#include "eos/models/sparse_coding.h"
#include "eos/util/number.h"
#include "support.h"

using namespace eos;
using namespace eos::test;

namespace {

constexpr double kTol = 1e-6;  // the bar: relative agreement with the differences

// A model from the registry with its keys' defaults, then the given values.
std::unique_ptr<Model> make(const std::string& name, const std::map<std::string, std::string>& values) {
  const ModelInfo& info = *find_model(name);
  Params p;
  for (const auto& k : info.keys)
    if (!k.default_value.empty()) p.set(k.name, k.default_value);
  for (const auto& [k, v] : values) p.set(k, v);
  return info.make(p);
}

// Which side of its kink every ReLU-like unit is on at θ (a model's own notion, given by the test);
// the differences are only meaningful when the stencil θ ± εv keeps them all.
using Gates = std::function<std::vector<bool>(const Vec& theta)>;

// The largest relative error of T(u, v) against the differences over `pairs` random (u, v), and
// the symmetry checks; returns that error for the message.
double check_third(Model& m, const Vec& theta, const std::string& what, int pairs = 3, double eps = 1e-5,
                   const Gates& gates = {}) {
  BOOST_REQUIRE(m.has_third());
  double worst = 0;
  for (int k = 0; k < pairs; ++k) {
    const Vec u = random_vec(theta.size(), 300 + 2 * static_cast<std::uint64_t>(k));
    const Vec v = random_vec(theta.size(), 301 + 2 * static_cast<std::uint64_t>(k));
    if (gates) {
      const auto at = gates(theta);
      BOOST_REQUIRE_MESSAGE(gates(theta + eps * v) == at && gates(theta - eps * v) == at,
                            what << ": the stencil crosses a kink (choose another point)");
    }
    Vec t, tvu, fd;
    m.third(theta, u, v, t);
    m.third(theta, v, u, tvu);
    third_by_differences(m, theta, u, v, eps, fd);
    BOOST_REQUIRE_EQUAL(t.size(), theta.size());
    const double err = (t - fd).norm() / fd.norm();
    worst = std::max(worst, err);
    BOOST_TEST(err <= kTol, what << ": |T − FD|/|FD| = " << err << " (|T| = " << t.norm() << ")");
    // D³L[u, v, w] is symmetric in its three arguments.
    BOOST_TEST((t - tvu).norm() <= 1e-12 * t.norm() + 1e-300, what << ": T(u, v) ≠ T(v, u)");
    const Vec w = random_vec(theta.size(), 900 + static_cast<std::uint64_t>(k));
    Vec twv;
    m.third(theta, w, v, twv);
    BOOST_TEST(std::fabs(w.dot(t) - u.dot(twv)) <= 1e-10 * std::max(1.0, std::fabs(w.dot(t))),
               what << ": w·T(u, v) ≠ u·T(w, v)");
  }
  BOOST_TEST_MESSAGE(what << ": largest relative error against central differences of HVPs " << worst);
  return worst;
}

Vec perturbed(const Model& m, std::uint64_t seed, double scale) {
  return m.initial() + random_vec(m.initial().size(), seed, scale);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_model_without_third_refuses) {
  struct Plain final : Model {
    Vec initial() const override { return Vec::Zero(1); }
    double evaluate(const Vec& t, Vec& g, Mat* h) override {
      g = t;
      if (h) *h = Mat::Identity(1, 1);
      return 0.5 * t.squaredNorm();
    }
  } plain;
  BOOST_TEST(!plain.has_third());
  Vec out;
  BOOST_CHECK_THROW(plain.third(Vec::Zero(1), Vec::Ones(1), Vec::Ones(1), out), std::logic_error);
}

BOOST_AUTO_TEST_CASE(single_neuron_every_loss) {
  for (const char* loss : {"logcosh", "sqrt", "logistic"}) {
    auto m = make("single-neuron", {{"loss", loss}, {"x0", "0.7"}, {"y0", "1.3"}});
    for (std::uint64_t s = 1; s <= 3; ++s) check_third(*m, perturbed(*m, s, 0.5), std::string("single-neuron ") + loss);
  }
}

BOOST_AUTO_TEST_CASE(mean_model) {
  auto m = make("mean-model", {{"d", "50"}, {"seed", "1"}, {"b0", "-0.4"}});
  for (std::uint64_t s = 1; s <= 3; ++s) check_third(*m, perturbed(*m, s, 0.05), "mean-model");
}

BOOST_AUTO_TEST_CASE(minimalist_2d) {
  auto m = make("minimalist-2d", {{"lambda1", "4"}, {"lambda2", "1"}});
  for (std::uint64_t s = 1; s <= 3; ++s) check_third(*m, perturbed(*m, s, 0.7), "minimalist-2d");
}

BOOST_AUTO_TEST_CASE(deep_linear_chain_and_gaussian) {
  auto chain = make("deep-linear", {{"depth", "4"}, {"target", "2"}});
  for (std::uint64_t s = 1; s <= 2; ++s) check_third(*chain, perturbed(*chain, s, 0.2), "deep-linear chain");
  auto net = make("deep-linear", {{"depth", "3"}, {"width", "3"}, {"dataset", "gaussian"}, {"n", "7"}, {"d_in", "4"},
                                  {"d_out", "2"}});
  for (std::uint64_t s = 1; s <= 2; ++s) check_third(*net, perturbed(*net, s, 0.2), "deep-linear gaussian");
}

BOOST_AUTO_TEST_CASE(leaky_softplus_net_datasets) {
  auto five = make("leaky-softplus-net", {{"m", "4"}, {"init_scale", "1"}});
  for (std::uint64_t s = 1; s <= 2; ++s) check_third(*five, perturbed(*five, s, 0.5), "leaky-softplus five-point");
  auto gauss = make("leaky-softplus-net", {{"dataset", "gaussian"}, {"n", "30"}, {"d", "4"}, {"m", "6"}, {"c", "0.2"},
                                           {"init_scale", "1"}});
  for (std::uint64_t s = 1; s <= 2; ++s) check_third(*gauss, perturbed(*gauss, s, 0.5), "leaky-softplus gaussian");
  // Large enough (n·d·m = 76 800) that its products go through BLAS (matmul_large).
  auto large = make("leaky-softplus-net", {{"dataset", "gaussian"}, {"n", "400"}, {"d", "24"}, {"m", "8"}, {"c", "0.2"},
                                           {"init_scale", "1"}});
  check_third(*large, perturbed(*large, 1, 0.5), "leaky-softplus gaussian, BLAS-sized");
}

BOOST_AUTO_TEST_CASE(sparse_relu_both_paths) {
  const long d = 20, n = 60, seed = 2;
  const auto data = make_sparse_coding("train", seed, d, 3.0, n);
  // The kinks are at b = ±x_k: every coordinate's side of −b and of b.
  const Gates gates = [&](const Vec& t) {
    std::vector<bool> g;
    for (double x : data.x) {
      g.push_back(x + t[2] > 0);
      g.push_back(-x + t[2] > 0);
    }
    return g;
  };
  std::map<std::string, std::unique_ptr<Model>> paths;
  for (const char* path : {"fast", "oracle"})
    paths[path] = make("sparse-relu", {{"d", std::to_string(d)}, {"n", std::to_string(n)}, {"seed", std::to_string(seed)},
                                       {"path", path}});
  for (std::uint64_t s = 1; s <= 3; ++s) {
    Vec theta(3);
    theta << 0.3, -0.2, 0.5 * static_cast<double>(s) - 1.1;
    for (auto& [path, m] : paths) check_third(*m, theta, "sparse-relu " + path, 3, 1e-6, gates);
    Vec fast, oracle;
    const Vec u = random_vec(3, 11), v = random_vec(3, 12);
    paths["fast"]->third(theta, u, v, fast);
    paths["oracle"]->third(theta, u, v, oracle);
    BOOST_TEST((fast - oracle).norm() <= 1e-12 * oracle.norm(), "the paths differ: " << (fast - oracle).norm());
  }
}

// At a small size (Eigen's products) and one large enough, d·m·n = 38 400, for BLAS's (matmul_large).
BOOST_AUTO_TEST_CASE(relu_net) {
  for (const auto [d, m, n, points] : {std::array<long, 4>{7, 5, 40, 3}, std::array<long, 4>{24, 16, 100, 1}}) {
    const long seed = 3;
    auto model = make("relu-net", {{"d", std::to_string(d)}, {"m", std::to_string(m)}, {"n", std::to_string(n)},
                                   {"seed", std::to_string(seed)}, {"b0", "0.1"}});
    const auto data = make_sparse_coding("train", seed, d, 3.0, n);
    const Eigen::Map<const Mat> X(data.x.data(), d, n);
    const Gates gates = [&](const Vec& t) {
      Mat Z = Eigen::Map<const Mat>(t.data(), d, m).transpose() * X;
      Z.colwise() += t.tail(m);
      std::vector<bool> g;
      for (long k = 0; k < Z.size(); ++k) g.push_back(Z.data()[k] > 0);
      return g;
    };
    for (long s = 1; s <= points; ++s)
      check_third(*model, perturbed(*model, static_cast<std::uint64_t>(s), 0.3), "relu-net d = " + std::to_string(d), 3,
                  1e-6, gates);
  }
}

namespace {

// A small net on the first n digits, as in mlp_test.cpp.
Mlp small_net(const std::string& act, const std::string& loss, long width, long depth, long n) {
  PreparedData d = prepare_data(load_data("digits"), n, 0, 10);
  const MlpShape shape = mlp_shape(64, width, depth, 10);
  MlpNet net(shape, activation_named(act), loss_named(loss), d.x_train, d.y_train);
  return Mlp(std::move(net), mlp_default_init(shape, 1), std::move(d));
}

// The sign of every hidden pre-activation (where relu and elu have their kinks).
Gates mlp_gates(const Mlp& m) {
  return [&m](const Vec& t) {
    const MlpShape& s = m.net().shape();
    std::vector<bool> g;
    Mat a = m.net().inputs();
    for (long l = 0; l + 1 < s.layers(); ++l) {
      Mat z = Eigen::Map<const Mat>(t.data() + s.weight_offset(l), s.in(l), s.out(l)).transpose() * a;
      z.colwise() += t.segment(s.bias_offset(l), s.out(l));
      for (long k = 0; k < z.size(); ++k) g.push_back(z.data()[k] > 0);
      a = z.unaryExpr([&](double x) { return activate(m.net().activation(), x).value; });
    }
    return g;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(mlp_every_activation_and_loss) {
  for (const char* act : {"tanh", "relu", "elu", "softplus", "gelu", "identity"})
    for (const char* loss : {"mse", "ce"}) {
      Mlp m = small_net(act, loss, 5, 2, 30);
      const Vec theta = m.initial() + random_vec(m.initial().size(), 7, 0.3);
      check_third(m, theta, std::string("mlp ") + act + " " + loss, 2, 1e-5, mlp_gates(m));
    }
}

BOOST_AUTO_TEST_CASE(mlp_depths) {
  for (long depth : {1L, 3L}) {
    Mlp m = small_net("tanh", "ce", 6, depth, 25);
    check_third(m, m.initial() + random_vec(m.initial().size(), 8, 0.3), "mlp tanh ce depth " + std::to_string(depth));
  }
}

BOOST_AUTO_TEST_CASE(activation_third_derivatives_match_differences) {
  for (const char* name : {"tanh", "relu", "elu", "softplus", "gelu", "identity"}) {
    const Activation a = activation_named(name);
    for (double z : {-2.3, -0.4, 0.3, 1.7}) {
      const double h = 1e-5;
      const double fd = (activate(a, z + h).d2 - activate(a, z - h).d2) / (2 * h);
      BOOST_TEST(std::fabs(activation_d3(a, z) - fd) < 1e-8, name << " σ''' at " << z);
    }
  }
}

BOOST_AUTO_TEST_CASE(pairs_equal_single_products) {
  // third_pairs in svec order: the mlp's shared tangents and the default loop give third()'s values.
  Mlp net = small_net("tanh", "ce", 5, 2, 30);
  auto mini = make("minimalist-2d", {});
  for (Model* m : {static_cast<Model*>(&net), mini.get()}) {
    const Vec theta = m->initial() + random_vec(m->initial().size(), 9, 0.3);
    Mat U(theta.size(), 3);
    for (long c = 0; c < 3; ++c) U.col(c) = random_vec(theta.size(), 40 + static_cast<std::uint64_t>(c));
    std::vector<Vec> pairs;
    m->third_pairs(theta, U, pairs);
    BOOST_REQUIRE_EQUAL(pairs.size(), 6u);
    std::size_t p = 0;
    for (long i = 0; i < 3; ++i)
      for (long j = i; j < 3; ++j, ++p) {
        Vec one;
        m->third(theta, U.col(i), U.col(j), one);
        BOOST_TEST((pairs[p] - one).norm() <= 1e-13 * one.norm(), "pair (" << i << ", " << j << ")");
      }
  }
}

// The methods of gd/method.h against closed forms: each edge level is where the method, run on a
// quadratic of curvature S (for adaptive methods, of preconditioned curvature S_P with P frozen),
// turns from converging to diverging; the updates equal their recursions written out; the
// preconditioned sharpness of a run is λ₁(P^{−½}HP^{−½}) of the P the method used; a restored
// state continues bit for bit; and the state survives its bytes.
#define BOOST_TEST_MODULE method
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <sstream>

#include "eos/gd/method.h"
#include "eos/gd/observer.h"
#include "eos/gd/run.h"
#include "eos/gd/sharpness.h"

using namespace eos;

namespace {

// L = ½ Σ s_i θ_i².
class Quadratic final : public Model {
 public:
  Quadratic(Vec s, Vec theta0) : s_(std::move(s)), theta0_(std::move(theta0)) {}
  Vec initial() const override { return theta0_; }
  double evaluate(const Vec& t, Vec& g, Mat* h) override {
    g = s_.cwiseProduct(t);
    if (h) *h = s_.asDiagonal();
    return 0.5 * t.dot(g);
  }

 private:
  Vec s_, theta0_;
};

Vec vec(std::initializer_list<double> v) {
  Vec x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}

MethodSpec spec(MethodKind kind, double eta) {
  MethodSpec m;
  m.kind = kind;
  m.eta = eta;
  return m;
}

// |θ|/|θ₀| after n updates of the method on a 1-d quadratic of curvature s from θ₀.
double after(const MethodSpec& m, double s, long n, double theta0 = 1) {
  Quadratic q(vec({s}), vec({theta0}));
  Vec theta = q.initial(), g;
  const auto method = make_method(m, q, theta, false);
  SharpnessEstimator est(q, 1, "dense", 64);
  for (long t = 0; t < n; ++t) {
    q.evaluate(theta, g, nullptr);
    Step step(t, theta, 0.5 * s * theta[0] * theta[0], g, nullptr, std::fabs(g[0]), false, q, est, nullptr, 0);
    method->advance(theta, g, step);
    if (!(std::fabs(theta[0] / theta0) < 1e100)) return INFINITY;  // diverged: stop before it overflows
  }
  return std::fabs(theta[0] / theta0);
}

// Converges just below the edge level, diverges just above it.
void edge_is_stability_threshold(const MethodSpec& m, double level) {
  BOOST_TEST_CONTEXT(method_name(m.kind) << " β = " << m.momentum << " β₁ = " << m.beta1) {
    BOOST_TEST(after(m, 0.99 * level, 20000) < 1e-6);
    BOOST_TEST(after(m, 1.01 * level, 20000) > 1e6);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(edge_levels_are_the_linear_stability_thresholds) {
  const double eta = 0.1;
  edge_is_stability_threshold(spec(MethodKind::Gd, eta), 2 / eta);
  for (double beta : {0.0, 0.3, 0.5, 0.9, 0.99}) {
    MethodSpec p = spec(MethodKind::Polyak, eta), n = spec(MethodKind::Nesterov, eta);
    p.momentum = n.momentum = beta;
    BOOST_TEST(edge_level(p) == (2 + 2 * beta) / eta, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(edge_level(n) == (2 + 2 * beta) / ((1 + 2 * beta) * eta), boost::test_tools::tolerance(1e-14));
    edge_is_stability_threshold(p, edge_level(p));
    edge_is_stability_threshold(n, edge_level(n));
    BOOST_TEST(eta_star_factor(p) == 1 + beta, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(eta_star_factor(n) == (1 + beta) / (1 + 2 * beta), boost::test_tools::tolerance(1e-14));
  }
}

BOOST_AUTO_TEST_CASE(adaptive_edges_are_on_the_preconditioned_curvature) {
  // With P frozen after the first update, RMSProp is preconditioned GD and Adam preconditioned
  // heavy ball with dampening: their edges on S_P = S/P are 2/η and (2+2β₁)/((1−β₁)η). On L = ½x²
  // (S = 1) from x₀ = δ the first update sets P = c₁(√((1−β₂)δ²/c₂) + ε) (c₁ = 1−β₁, c₂ = 1−β₂ with
  // Adam's bias correction, else 1): δ is chosen so that S_P = 1/P sits 1% below or above the edge.
  const double eta = 0.01, eps = 1e-8, b2 = 0.999;
  for (const MethodKind kind : {MethodKind::Rmsprop, MethodKind::Adam})
    for (const bool bias : {true, false})
      for (const double b1 : {0.5, 0.9}) {
        if (kind == MethodKind::Rmsprop && (!bias || b1 != 0.9)) continue;  // (neither applies)
        MethodSpec m = spec(kind, eta);
        m.beta1 = b1;
        m.beta2 = b2;
        m.eps = eps;
        m.bias_correction = bias;
        m.frozen = 1;
        const bool corrected = kind == MethodKind::Adam && bias;
        const double c1 = corrected ? 1 - b1 : 1, c2 = corrected ? 1 - b2 : 1;
        auto delta_for = [&](double s_p) { return (1 / (s_p * c1) - eps) * std::sqrt(c2 / (1 - b2)); };
        const double level = edge_level(m);
        BOOST_TEST_CONTEXT(method_name(kind) << " bias correction " << bias << " β₁ = " << b1) {
          BOOST_TEST(after(m, 1.0, 20000, delta_for(0.99 * level)) < 1e-6);
          BOOST_TEST(after(m, 1.0, 20000, delta_for(1.01 * level)) > 1e6);
        }
      }
}

BOOST_AUTO_TEST_CASE(updates_follow_their_recursions) {
  // Two coordinates, ten steps, against the recursions written out here.
  const Vec s = vec({3.0, 0.5}), th0 = vec({1.0, -2.0});
  const double eta = 0.05, beta = 0.7, b1 = 0.8, b2 = 0.95, eps = 1e-3;
  for (const MethodKind kind : {MethodKind::Polyak, MethodKind::Nesterov, MethodKind::Rmsprop, MethodKind::Adam})
    for (const bool bias : {true, false}) {
      MethodSpec m = spec(kind, eta);
      m.momentum = beta;
      m.beta1 = b1;
      m.beta2 = b2;
      m.eps = eps;
      m.bias_correction = bias;
      Quadratic q(s, th0);
      Vec theta = th0, g;
      const auto method = make_method(m, q, theta, false);
      SharpnessEstimator est(q, 2, "dense", 64);
      Vec ref = th0, v = Vec::Zero(2), nu = Vec::Zero(2);
      for (long t = 1; t <= 10; ++t) {
        q.evaluate(theta, g, nullptr);
        Step step(t - 1, theta, 0, g, nullptr, g.norm(), false, q, est, nullptr, 0);
        method->advance(theta, g, step);
        const Vec gr = s.cwiseProduct(ref);
        if (kind == MethodKind::Polyak || kind == MethodKind::Nesterov) {
          v = beta * v + gr;
          ref -= eta * (kind == MethodKind::Nesterov ? Vec(gr + beta * v) : v);
        } else {
          nu = b2 * nu + (1 - b2) * gr.cwiseProduct(gr);
          if (kind == MethodKind::Rmsprop) {
            ref -= eta * gr.cwiseQuotient((nu.array().sqrt() + eps).matrix());
          } else {
            v = b1 * v + (1 - b1) * gr;
            const double c1 = bias ? 1 - std::pow(b1, t) : 1, c2 = bias ? 1 - std::pow(b2, t) : 1;
            ref -= (eta / c1) * v.cwiseQuotient((nu.array().sqrt() / std::sqrt(c2) + eps).matrix());
          }
        }
      }
      BOOST_TEST_CONTEXT(method_name(kind) << " bias " << bias) {
        BOOST_TEST((theta - ref).norm() <= 1e-13 * ref.norm());
        BOOST_TEST(method->state().updates == 10);
      }
    }
}

BOOST_AUTO_TEST_CASE(preconditioned_sharpness_of_a_run) {
  // Adam on a diagonal quadratic: λ₁(P^{−½}HP^{−½}) = max_i s_i/P_i with the P of the last update,
  // from the dense path and from Lanczos.
  const Vec s = vec({4.0, 1.0, 0.25}), th0 = vec({1.0, 1.0, 1.0});
  for (const char* solver : {"dense", "lanczos"}) {
    Quadratic q(s, th0);
    RunConfig cfg;
    cfg.method = spec(MethodKind::Adam, 1e-3);
    cfg.steps = 50;
    cfg.sharpness_every = 50;
    cfg.solver = solver;
    ModelInfo info;
    info.name = "quadratic";
    const RunOutcome r = run_gd(q, info, cfg);
    // The same 50 updates by hand, for P.
    Vec theta = th0, g;
    const auto method = make_method(cfg.method, q, theta, false);
    SharpnessEstimator est(q, 3, "dense", 64);
    for (long t = 0; t < 50; ++t) {
      q.evaluate(theta, g, nullptr);
      Step step(t, theta, 0, g, nullptr, g.norm(), false, q, est, nullptr, 0);
      method->advance(theta, g, step);
    }
    const Vec& p = method->state().precondition;
    const double want = s.cwiseQuotient(p).maxCoeff();
    BOOST_TEST_CONTEXT(solver) {
      BOOST_TEST(r.stats.psharpness_final == want, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(r.stats.sharpness_final == 4.0, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(r.stats.edge_level == (2 + 2 * 0.9) / ((1 - 0.9) * 1e-3), boost::test_tools::tolerance(1e-14));
      BOOST_TEST(r.stats.edge_final == want * edge_scale(cfg.method), boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_restored_state_continues_bit_for_bit) {
  const Vec s = vec({3.0, 0.5, 1.5}), th0 = vec({1.0, -2.0, 0.5});
  for (const MethodKind kind : {MethodKind::Gd, MethodKind::Polyak, MethodKind::Nesterov, MethodKind::Rmsprop,
                                MethodKind::Adam, MethodKind::Flow}) {
    MethodSpec m = spec(kind, 0.05);
    m.momentum = 0.9;
    m.frozen = kind == MethodKind::Rmsprop ? 7 : 0;
    Quadratic q(s, th0);
    SharpnessEstimator est(q, 3, "dense", 64);
    auto steps = [&](Method& method, Vec& theta, long from, long to) {
      Vec g;
      for (long t = from; t < to; ++t) {
        q.evaluate(theta, g, nullptr);
        Step step(t, theta, 0, g, nullptr, g.norm(), t % 4 == 0, q, est, nullptr, 0);
        method.advance(theta, g, step);
      }
    };
    Vec a = th0, b;
    const auto whole = make_method(m, q, a, true);
    steps(*whole, a, 0, 5);
    StateWriter bytes;
    save_state(bytes, whole->state());
    b = a;
    const auto resumed = make_method(m, q, th0, false);
    StateReader in(bytes.bytes());
    resumed->restore(load_state(in));
    BOOST_TEST((resumed->state() == whole->state()));
    steps(*whole, a, 5, 12);
    steps(*resumed, b, 5, 12);
    BOOST_TEST_CONTEXT(method_name(kind)) {
      BOOST_TEST(std::memcmp(a.data(), b.data(), sizeof(double) * 3) == 0);
      BOOST_TEST((resumed->state() == whole->state()));
    }
  }
}

BOOST_AUTO_TEST_CASE(state_bytes_are_checked) {
  MethodState s;
  s.updates = 3;
  s.velocity = vec({1, 2});
  StateWriter ok;
  save_state(ok, s);
  const std::string bytes = ok.bytes();
  StateReader cut(std::string_view(bytes).substr(0, bytes.size() - 3));
  BOOST_CHECK_THROW(load_state(cut), StateError);
  std::string other = bytes;
  other[5] = 'X';  // inside the record's text: not a method state
  StateReader bad(other);
  BOOST_CHECK_THROW(load_state(bad), StateError);
  std::string huge = bytes;
  const std::int64_t enormous = std::int64_t{1} << 39;  // a damaged length: refused, not allocated
  std::memcpy(huge.data() + 1, &enormous, sizeof enormous);
  StateReader big(huge);
  BOOST_CHECK_THROW(load_state(big), StateError);
  StateWriter w;
  w.put(2.5);  // a record of another type where the text is expected
  StateReader wrong(w.bytes());
  BOOST_CHECK_THROW(load_state(wrong), StateError);
  StateReader again(bytes);
  BOOST_TEST((load_state(again) == s));
}

// The single neuron ℓ(x·y): the three losses against their closed forms and finite differences,
// the exact GD shrink factor of y² − x², and the limit law (gf: y∞² = y₀² − x₀²; EoS: just below 2/η).
#define BOOST_TEST_MODULE single_neuron
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "eos/util/number.h"
#include "eos/model/registry.h"
#include "eos/model/model.h"
#include "eos/models/single_neuron.h"
#include "eos/gd/run.h"

using namespace eos;

namespace {

const ModelInfo& info() { return *find_model("single-neuron"); }

Params params(const std::string& loss, double gap, double ratio, double eta) {
  Params p;
  p.set("loss", loss);
  p.set("gap", format_double(gap));
  p.set("ratio", format_double(ratio));
  p.set("eta", format_double(eta));
  return p;
}

std::string col(const RunResult& r, const std::string& name) {
  for (const auto& [k, v] : r.columns)
    if (k == name) return v;
  BOOST_FAIL("no column " + name);
  return "";
}
double num(const RunResult& r, const std::string& name) { return std::stod(col(r, name)); }

// Closed forms, evaluated naively (fine for moderate s).
double naive(NeuronLoss l, double s) {
  switch (l) {
    case NeuronLoss::LogCosh: return std::log(std::cosh(s));
    case NeuronLoss::Sqrt: return std::sqrt(1 + s * s) - 1;
    case NeuronLoss::Logistic: return 4 * std::log(2 * std::cosh(s / 2)) - 4 * std::log(2.0);
  }
  return 0;
}

const char* kLosses[] = {"logcosh", "sqrt", "logistic"};

}  // namespace

BOOST_AUTO_TEST_CASE(losses_match_closed_forms_and_derivatives) {
  for (const char* name : kLosses) {
    const NeuronLoss l = neuron_loss(name);
    BOOST_TEST(NeuronLossValue(l, 0).d2 == 1.0, name);  // ℓ''(0) = 1
    BOOST_TEST(NeuronLossValue(l, 0).value == 0.0, name);
    for (double s : {-6.0, -1.3, -0.2, 0.05, 0.9, 2.5, 7.0}) {
      const NeuronLossValue v(l, s);
      BOOST_TEST(std::fabs(v.value - naive(l, s)) < 1e-13 * std::max(1.0, std::fabs(s)), name << " s=" << s);
      BOOST_TEST(std::fabs(NeuronLossValue(l, -s).value - v.value) < 1e-15 * std::max(1.0, v.value));  // even
      const double h = 1e-5;
      const double d1 = (NeuronLossValue(l, s + h).value - NeuronLossValue(l, s - h).value) / (2 * h);
      const double d2 = (NeuronLossValue(l, s + h).d1 - NeuronLossValue(l, s - h).d1) / (2 * h);
      BOOST_TEST(std::fabs(d1 - v.d1) < 1e-8, name << " s=" << s);
      BOOST_TEST(std::fabs(d2 - v.d2) < 1e-8, name << " s=" << s);
    }
    // Tiny s: ℓ ≈ s²/2 with full relative accuracy (no cancellation against log 2 or 1).
    const double s = 1e-9;
    BOOST_TEST(std::fabs(NeuronLossValue(l, s).value / (s * s / 2) - 1) < 1e-12, name);
    // Huge s: finite value, slope ±Lipschitz constant, curvature 0.
    const NeuronLossValue big(l, -1e300);
    BOOST_TEST(std::isfinite(big.value), name);
    BOOST_TEST(big.d1 == (l == NeuronLoss::Logistic ? -2.0 : -1.0), name);
    BOOST_TEST(big.d2 == 0.0, name);
  }
  BOOST_CHECK_THROW(neuron_loss("hinge"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(gradient_hessian_and_hvp_match_finite_differences) {
  for (const char* name : kLosses) {
    auto m = info().make(params(name, 1, 0.1, 0.1));
    for (const auto& pt : {std::pair{0.3, 1.2}, {-0.7, 0.4}, {2.0, -1.5}, {0.0, 3.0}}) {
      Vec th(2), g, gp, gm;
      th << pt.first, pt.second;
      Mat H;
      m->evaluate(th, g, &H);
      for (int k = 0; k < 2; ++k) {
        const double h = 1e-6;
        Vec e = Vec::Zero(2);
        e[k] = h;
        const double lp = m->evaluate(th + e, gp, nullptr), lm = m->evaluate(th - e, gm, nullptr);
        BOOST_TEST(std::fabs((lp - lm) / (2 * h) - g[k]) < 1e-8, name);
        BOOST_TEST(((gp - gm) / (2 * h) - H.col(k)).norm() < 1e-7, name);
      }
      Vec v(2), out;
      v << 0.4, -1.1;
      m->hvp(th, v, out);
      BOOST_TEST((out - H * v).norm() < 1e-13, name);
    }
  }
}

BOOST_AUTO_TEST_CASE(start_from_gap_and_ratio) {
  auto m = info().make(params("logcosh", 2.5, -0.3, 0.1));
  const Vec t = m->initial();
  BOOST_TEST(std::fabs(t[1] * t[1] - t[0] * t[0] - 2.5) < 1e-14);
  BOOST_TEST(std::fabs(t[0] / t[1] + 0.3) < 1e-15);
  // Bad combinations are input errors.
  Params p;
  p.set("loss", "sqrt");
  p.set("eta", "0.1");
  BOOST_CHECK_THROW(info().check(p), InputError);  // no start
  p.set("gap", "1");
  BOOST_CHECK_THROW(info().check(p), InputError);  // gap without ratio
  p.set("ratio", "0.1");
  p.set("y0", "1");
  BOOST_CHECK_THROW(info().check(p), InputError);  // both ways
  Params q;
  q.set("loss", "sqrt");
  q.set("eta", "0.1");
  q.set("x0", "2");
  q.set("y0", "1");
  BOOST_CHECK_THROW(info().check(q), InputError);  // |y0| ≤ |x0|
}

// One GD step multiplies y² − x² by exactly (1 − η²ℓ'(xy)²).
BOOST_AUTO_TEST_CASE(gd_shrinks_the_gap_by_the_exact_factor) {
  for (const char* name : kLosses) {
    auto m = info().make(params(name, 1, 0.5, 0.3));
    Vec th = m->initial(), g;
    const double eta = 0.3;
    for (int t = 0; t < 20; ++t) {
      m->evaluate(th, g, nullptr);
      const double lp = NeuronLossValue(neuron_loss(name), th[0] * th[1]).d1;
      const double before = th[1] * th[1] - th[0] * th[0];
      th -= eta * g;
      const double after = th[1] * th[1] - th[0] * th[0];
      BOOST_TEST(std::fabs(after - before * (1 - eta * eta * lp * lp)) < 1e-13 * std::fabs(before), name);
    }
  }
}

// The law, away from the boundary (|η(y₀² − x₀²)/2 − 1| ≥ 0.2), x₀ = 0.01·y₀, η = 0.05 (2/η = 40).
BOOST_AUTO_TEST_CASE(limit_law_for_every_loss) {
  const double eta = 0.05;
  for (const char* name : kLosses)
    for (double gap : {20.0, 32.0, 48.0, 80.0}) {
      auto m = info().make(params(name, gap, 0.01, eta));
      RunConfig cfg;
      cfg.eta = eta;
      cfg.steps = 20000;
      cfg.sharpness_every = 10;
      const RunResult r = run_gd(*m, info(), cfg);
      const double s = num(r, "sharpness_tail"), y2 = num(r, "y2_tail");
      BOOST_TEST(std::fabs(s - y2) < 1e-6 * y2, name);  // at x = 0 the sharpness is y²
      if (eta * gap / 2 < 1) {
        BOOST_TEST(col(r, "regime") == "gf", name << " gap " << gap);
        BOOST_TEST(std::fabs(s / gap - 1) < 0.005, name << " gap " << gap << ": " << s);
        BOOST_TEST(num(r, "eos_predicted") == 0.0);
        BOOST_TEST(std::fabs(num(r, "y2_theory") - gap) < 1e-12 * gap);
      } else {
        BOOST_TEST(col(r, "regime") == "eos", name << " gap " << gap);
        BOOST_TEST(s < 2 / eta, name << " gap " << gap << ": " << s);
        BOOST_TEST(s > 0.95 * 2 / eta, name << " gap " << gap << ": " << s);
        BOOST_TEST(num(r, "eos_predicted") == 1.0);
        BOOST_TEST(std::fabs(num(r, "y2_theory") - 2 / eta) < 1e-12 / eta);
      }
      BOOST_TEST(std::fabs(num(r, "two_over_eta") - 2 / eta) < 1e-12 / eta);
      BOOST_TEST(std::fabs(num(r, "gf_prediction") - gap) < 1e-12 * gap);
    }
}

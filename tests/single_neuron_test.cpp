// The single neuron ℓ(x·y): the three losses against their closed forms and finite differences,
// the exact GD shrink factor of y² − x², and the limit law (gf: y∞² = y₀² − x₀²; EoS: just below 2/η).
#define BOOST_TEST_MODULE single_neuron
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "eos/model/registry.h"
#include "eos/models/single_neuron.h"
#include "eos/util/number.h"
#include "support.h"

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
      Vec th(2);
      th << pt.first, pt.second;
      BOOST_TEST_CONTEXT(name << " at (" << pt.first << ", " << pt.second << ")")
      test::check_derivatives(*m, th, {.h_hess = 1e-6, .grad_tol = 1e-8, .hess_tol = 1e-7, .hvp_tol = 1e-13});
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
      const test::TestJob job(std::string("model = single-neuron\nloss = ") + name + "\ngap = " + format_double(gap) +
                              "\nratio = 0.01\neta = " + format_double(eta) + "\nsteps = 20000\nsharpness_every = 10\n");
      const Point& p = job.points()[0];
      const PointResult r = job.run(p);
      auto num = [&](const std::string& c) { return job.number(p, r, c); };
      auto col = [&](const std::string& c) { return job.text(p, r, c); };
      const double s = num("sharpness_tail"), y2 = num("y2_tail");
      BOOST_TEST(std::fabs(s - y2) < 1e-6 * y2, name);  // at x = 0 the sharpness is y²
      if (eta * gap / 2 < 1) {
        BOOST_TEST(col("regime") == "gf", name << " gap " << gap);
        BOOST_TEST(std::fabs(s / gap - 1) < 0.005, name << " gap " << gap << ": " << s);
        BOOST_TEST(num("eos_predicted") == 0.0);
        BOOST_TEST(std::fabs(num("y2_theory") - gap) < 1e-12 * gap);
      } else {
        BOOST_TEST(col("regime") == "eos", name << " gap " << gap);
        BOOST_TEST(s < 2 / eta, name << " gap " << gap << ": " << s);
        BOOST_TEST(s > 0.95 * 2 / eta, name << " gap " << gap << ": " << s);
        BOOST_TEST(num("eos_predicted") == 1.0);
        BOOST_TEST(std::fabs(num("y2_theory") - 2 / eta) < 1e-12 / eta);
      }
      BOOST_TEST(std::fabs(num("two_over_eta") - 2 / eta) < 1e-12 / eta);
      BOOST_TEST(std::fabs(num("gf_prediction") - gap) < 1e-12 * gap);
    }
}

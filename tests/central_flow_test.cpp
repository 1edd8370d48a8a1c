// The central flow against the GD run it predicts (Cohen, Damian et al., ICLR 2025): GD, the central
// flow and the gradient flow compared at the same times. Over the edge part (from the first step
// where the flow's X ≠ 0) the flow's sharpness stays at 2/η, its predicted loss L + tr(X)/η follows
// GD's loss averaged over 10-step windows, and at the end GD is much closer to the central flow
// than to the gradient flow: on minimalist-2d (one critical direction) and on fc-tanh on digits
// (up to six). Also the eigen-solver against the dense Hessian, the flow's σ² against
// self-stabilisation's closed form, and the option checks. The measured numbers are printed
// (--log_level=message).
#define BOOST_TEST_MODULE central_flow
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <map>

#include "eos/data/catalog.h"
#include "eos/gd/central_flow.h"
#include "eos/model/registry.h"
#include "eos/models/mlp.h"
#include "eos/util/number.h"
#include "support.h"

using namespace eos;
using namespace eos::test;

namespace {

std::unique_ptr<Model> make(const std::string& name, const std::map<std::string, std::string>& values) {
  const ModelInfo& info = *find_model(name);
  Params p;
  for (const auto& k : info.keys)
    if (!k.default_value.empty()) p.set(k.name, k.default_value);
  for (const auto& [k, v] : values) p.set(k, v);
  return info.make(p);
}

// Gradient flow dθ/dt = −η∇L (t in GD steps) by classical Runge–Kutta, `sub` substeps per step.
void gradient_flow_step(Model& m, Vec& w, double eta, int sub) {
  const double h = 1.0 / sub;
  Vec k1, k2, k3, k4;
  for (int s = 0; s < sub; ++s) {
    m.evaluate(w, k1, nullptr);
    m.evaluate(w - 0.5 * h * eta * k1, k2, nullptr);
    m.evaluate(w - 0.5 * h * eta * k2, k3, nullptr);
    m.evaluate(w - h * eta * k3, k4, nullptr);
    w -= (h * eta / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
}

// The three trajectories at steps 0..steps−1, and the distances at the end (time `steps`).
struct Runs {
  std::vector<double> gd_loss;
  std::vector<CentralFlowRecord> cf;
  double dist_cf = 0, dist_gf = 0;
  double cf_seconds = 0;
};

// GD and the gradient flow from θ₀, the central flow from cf0 (θ₀ unless given).
Runs run_all(Model& m, double eta, long steps, int gf_sub, const Vec& cf0 = {}, const CentralFlowOptions& opt = {}) {
  Runs r;
  Vec gd = m.initial(), gf = gd, g;
  CentralFlow cf(m, cf0.size() ? cf0 : gd, eta, opt);
  for (long s = 0; s < steps; ++s) {
    r.gd_loss.push_back(m.evaluate(gd, g, nullptr));
    gd -= eta * g;
    const auto t0 = std::chrono::steady_clock::now();
    r.cf.push_back(cf.step());
    r.cf_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    gradient_flow_step(m, gf, eta, gf_sub);
  }
  r.dist_cf = (gd - cf.w()).norm();
  r.dist_gf = (gd - gf).norm();
  return r;
}

// What the bars measure over the edge part [begin, end): the largest relative deviation of the
// flow's sharpness from 2/η, and of its predicted loss from GD's loss, each averaged over 10-step
// windows, relative to GD's (windowed) loss where the edge part begins.
struct EdgeFit {
  long begin = -1, end = -1;
  double sharpness_dev = 0, loss_dev = 0, loss_at_begin = 0;
  double sigma2_max = 0, mean_hvps = 0, mean_thirds = 0, max_sdcp = 0;
  int most_critical = 0;
};

EdgeFit edge_fit(const Runs& r, double eta, long from = 0) {
  EdgeFit f;
  const long n = static_cast<long>(r.cf.size());
  for (long s = from; s < n && f.begin < 0; ++s)
    if (r.cf[s].sigma2_max() > 0) f.begin = s;
  if (f.begin < 0) return f;
  f.end = n;
  const long W = 10;
  const auto window = [&](long s, auto get) {
    double sum = 0;
    for (long t = s; t < s + W; ++t) sum += get(t);
    return sum / W;
  };
  f.loss_at_begin = window(f.begin, [&](long t) { return r.gd_loss[t]; });
  for (long s = f.begin; s < f.end; ++s) {
    f.sharpness_dev = std::max(f.sharpness_dev, std::fabs(r.cf[s].sharpness * eta / 2 - 1));
    f.sigma2_max = std::max(f.sigma2_max, r.cf[s].sigma2_max());
    f.most_critical = std::max(f.most_critical, r.cf[s].critical);
    f.max_sdcp = std::max(f.max_sdcp, r.cf[s].sdcp_residual);
    f.mean_hvps += static_cast<double>(r.cf[s].hvps);
    f.mean_thirds += static_cast<double>(r.cf[s].thirds);
  }
  f.mean_hvps /= static_cast<double>(f.end - f.begin);
  f.mean_thirds /= static_cast<double>(f.end - f.begin);
  for (long s = f.begin; s + W <= f.end; s += W) {
    const double gd = window(s, [&](long t) { return r.gd_loss[t]; });
    const double cf = window(s, [&](long t) { return r.cf[t].predicted_loss; });
    f.loss_dev = std::max(f.loss_dev, std::fabs(cf - gd) / f.loss_at_begin);
  }
  return f;
}

void report(const std::string& what, const Runs& r, const EdgeFit& f, double eta) {
  BOOST_TEST_MESSAGE(what << ", eta = " << eta << ": edge part steps " << f.begin << ".." << f.end << " (GD loss there "
                          << f.loss_at_begin << "); flow sharpness within " << 100 * f.sharpness_dev
                          << "% of 2/eta; predicted loss within " << 100 * f.loss_dev
                          << "% (of that loss) of GD's 10-step mean; largest sigma2 " << f.sigma2_max
                          << ", critical directions at most " << f.most_critical << "; at the end |GD − CF| = "
                          << r.dist_cf << ", |GD − GF| = " << r.dist_gf << ", ratio " << r.dist_cf / r.dist_gf
                          << "; per edge step " << f.mean_hvps << " HVPs, " << f.mean_thirds
                          << " third-derivative products; largest SDCP residual " << f.max_sdcp << "; "
                          << 1e3 * r.cf_seconds / static_cast<double>(r.cf.size()) << " ms per flow step");
}

}  // namespace

// Minimalist-2d (λ₁ = 4, λ₂ = 0.005, η = 1): the edge is λ₁α² = 2/η. With one unstable direction
// GD's oscillation and the sharpness's excess form a neutral (Lotka–Volterra) cycle: GD entering
// the edge from below (where its β₁ has shrunk) cycles with loss bursts of tens of percent for
// thousands of steps, and only cycle-long averages match the flow (measured: 10-step windows off
// by 40–300%, 160-step windows by 6%). So GD starts at the cycle's centre: α₀ on the edge, β₂₀ =
// 1/(2α₀) (where the sharpening drive λ₂β₂(1 − αβ₂) peaks, so the centre drifts slowly) and β₁₀ = σ,
// the oscillation the flow predicts there (self-stabilisation's σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² =
// λ₂β₂(1 − αβ₂)/(λ₁α)). The gradient flow starts at θ₀; the central flow at GD's time average
// ½(θ₀ + θ₁) (β₁ = 0), since GD's θ₀ is an oscillation peak — from θ₀ itself the flow counts that
// peak twice for two steps (checked below from step 10 on).
struct Minimalist {
  double eta = 1, l1 = 4, l2 = 0.005;
  double alpha = std::sqrt(2 / (eta * l1)), beta2 = 0.5 / alpha;
  double sigma2 = l2 * beta2 * (1 - alpha * beta2) / (l1 * alpha);
  std::unique_ptr<Model> model() const {
    return make("minimalist-2d", {{"lambda1", "4"}, {"lambda2", "0.005"}, {"alpha0", format_double(alpha)},
                                  {"beta1_0", format_double(std::sqrt(sigma2))}, {"beta2_0", format_double(beta2)}});
  }
};

BOOST_AUTO_TEST_CASE(minimalist_2d_one_critical_direction) {
  const Minimalist mm;
  auto m = mm.model();
  Vec g;
  const Vec theta0 = m->initial();
  m->evaluate(theta0, g, nullptr);
  const Vec centre = theta0 - 0.5 * mm.eta * g;  // ½(θ₀ + θ₁)
  const Runs r = run_all(*m, mm.eta, 3000, 4, centre);
  const EdgeFit f = edge_fit(r, mm.eta);
  report("minimalist-2d from GD's time average", r, f, mm.eta);
  BOOST_REQUIRE(f.begin == 0);
  BOOST_TEST(f.most_critical == 1);
  BOOST_TEST(f.sharpness_dev <= 0.01);
  BOOST_TEST(f.loss_dev <= 0.05);
  BOOST_TEST(r.dist_cf <= 0.2 * r.dist_gf);
  // The flow's variance is self-stabilisation's closed form where it starts.
  BOOST_TEST(r.cf[0].sigma2_max() == mm.sigma2, boost::test_tools::tolerance(1e-3));

  // From θ₀ itself: the same after the flow has settled (its first steps count GD's peak twice).
  const Runs same = run_all(*m, mm.eta, 3000, 4);
  const EdgeFit all = edge_fit(same, mm.eta), later = edge_fit(same, mm.eta, 10);
  report("minimalist-2d from theta0 (all)", same, all, mm.eta);
  report("minimalist-2d from theta0 (from step 10)", same, later, mm.eta);
  BOOST_TEST(later.sharpness_dev <= 0.01);
  BOOST_TEST(later.loss_dev <= 0.05);
  BOOST_TEST(same.dist_cf <= 0.2 * same.dist_gf);
}

BOOST_AUTO_TEST_CASE(mlp_fc_tanh_on_digits) {
  // fc-tanh 32-32 on the first 200 digits, MSE (3466 parameters). At η = 0.85 the sharpness at θ₀
  // is already 1.02·2/η: GD is at the edge from the start and stays there (2/η = 2.35 while the
  // gradient flow sharpens to about 5).
  const double eta = 0.85;
  auto m = make("mlp", {{"dataset", "digits"}, {"n", "200"}, {"n_test", "0"}, {"width", "32"}, {"depth", "2"},
                        {"activation", "tanh"}, {"loss", "mse"}, {"seed", "0"}});
  const Runs r = run_all(*m, eta, 400, 8);
  const EdgeFit f = edge_fit(r, eta);
  report("mlp fc-tanh 32-32, 200 digits, mse", r, f, eta);
  BOOST_REQUIRE(f.begin >= 0);
  BOOST_TEST(f.sharpness_dev <= 0.02);
  BOOST_TEST(f.loss_dev <= 0.10);
  BOOST_TEST(r.dist_cf <= 0.35 * r.dist_gf);
  BOOST_TEST(f.max_sdcp <= 1e-9);
}

BOOST_AUTO_TEST_CASE(eigenpairs_match_the_dense_hessian) {
  // A small mlp (dim 219): the block solver, cold and warm, against the dense eigen-decomposition.
  auto m = make("mlp", {{"dataset", "digits"}, {"n", "12"}, {"n_test", "0"}, {"width", "3"}, {"depth", "2"},
                        {"classes", "3"}, {"activation", "tanh"}, {"loss", "ce"}, {"seed", "2"}});
  const Vec w = m->initial() + random_vec(m->initial().size(), 5, 0.3);
  Vec g;
  Mat H;
  m->evaluate(w, g, &H);
  Eigen::SelfAdjointEigenSolver<Mat> es(H);
  const long n = H.rows();
  TopEigenOptions opt;
  opt.tol = 1e-9;
  const TopEigen cold = top_eigenpairs(*m, w, 4, Mat(), opt);
  const TopEigen warm = top_eigenpairs(*m, w + random_vec(n, 6, 1e-3), 4, cold.block, opt);
  BOOST_TEST(cold.converged);
  BOOST_TEST(warm.hvps < cold.hvps);
  for (long i = 0; i < 4; ++i) {
    const double want = es.eigenvalues()[n - 1 - i];
    BOOST_TEST(cold.values[i] == want, boost::test_tools::tolerance(1e-10));
    BOOST_TEST(std::fabs(cold.vectors.col(i).dot(es.eigenvectors().col(n - 1 - i))) == 1.0, boost::test_tools::tolerance(1e-8));
  }
  BOOST_TEST_MESSAGE("eigenpairs: cold " << cold.hvps << " HVPs (" << cold.iterations << " iterations), warm after a 1e-3 move "
                                         << warm.hvps << " HVPs");
}

BOOST_AUTO_TEST_CASE(options_and_refusals) {
  struct Plain final : Model {
    Vec initial() const override { return Vec::Zero(2); }
    double evaluate(const Vec& t, Vec& g, Mat* h) override {
      g = t;
      if (h) *h = Mat::Identity(2, 2);
      return 0.5 * t.squaredNorm();
    }
  } plain;
  BOOST_CHECK_THROW(CentralFlow(plain, Vec::Zero(2), 0.1), std::invalid_argument);
  auto m = Minimalist().model();
  BOOST_CHECK_THROW(CentralFlow(*m, m->initial(), 0.0), std::invalid_argument);
  CentralFlowOptions bad;
  bad.max_tracked = 7;
  BOOST_CHECK_THROW(CentralFlow(*m, m->initial(), 1.0, bad), std::invalid_argument);
  bad = {};
  bad.substeps = 0;
  BOOST_CHECK_THROW(CentralFlow(*m, m->initial(), 1.0, bad), std::invalid_argument);
  // Below the edge the central flow is the gradient flow (Euler substeps): no X, no products.
  CentralFlow cf(*m, m->initial(), 0.1);
  const CentralFlowRecord& rec = cf.step();
  BOOST_TEST(rec.critical == 0);
  BOOST_TEST(rec.thirds == 0);
  BOOST_TEST(rec.predicted_loss == rec.loss);
  BOOST_TEST(cf.steps() == 1);
}

// Shared helpers of the unit tests: a small job whose points run through the real point runner,
// with their values read back by column name through the results schema; and the finite-
// difference checks of a model's gradient, Hessian and Hessian-vector products.
#pragma once
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "eos/exec/point_runner.h"
#include "eos/grid/grid.h"
#include "eos/io/schema.h"
#include "eos/util/rng.h"

namespace eos::test {

// A job given as text, its points, and each one run.
class TestJob {
 public:
  explicit TestJob(const std::string& text, const std::vector<std::string>& sets = {})
      : job_(parse(text, sets)), points_(expand(job_)), schema_(*job_.model) {}
  const Job& job() const { return job_; }
  const ModelInfo& model() const { return *job_.model; }
  const std::vector<Point>& points() const { return points_; }
  // Run a point (watch gets every trace row when the job sets trace_every).
  PointResult run(const Point& p, TraceSink watch = {}) const { return run_point(model(), p, {nullptr, nullptr, watch}); }
  // A value of the point's row as a number (NaN for an empty field) or as text.
  double number(const Point& p, const PointResult& r, const std::string& column) const {
    BOOST_REQUIRE_MESSAGE(schema_.index(column) >= 0, "no column " << column);
    return field_number(schema_.field(p, r, column));
  }
  std::string text(const Point& p, const PointResult& r, const std::string& column) const {
    BOOST_REQUIRE_MESSAGE(schema_.index(column) >= 0, "no column " << column);
    return format_field(schema_.field(p, r, column));
  }

 private:
  static Job parse(const std::string& text, const std::vector<std::string>& sets) {
    std::istringstream in(text);
    return parse_job(in, "test", sets);
  }
  Job job_;
  std::vector<Point> points_;
  Schema schema_;
};

// The points of a job given as text.
inline std::vector<Point> points_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  return TestJob(text, sets).points();
}

// A vector of n standard normals times scale, from its own stream.
inline Vec random_vec(long n, std::uint64_t seed, double scale = 1.0) {
  Rng rng(seed);
  Vec v(n);
  for (long k = 0; k < n; ++k) v[k] = scale * rng.normal();
  return v;
}

// Central differences of the loss (the gradient) and of the gradient (the Hessian) at theta.
inline Vec fd_gradient(Model& m, const Vec& theta, double h) {
  Vec g(theta.size()), unused;
  for (long k = 0; k < theta.size(); ++k) {
    Vec p = theta, q = theta;
    p[k] += h;
    q[k] -= h;
    g[k] = (m.evaluate(p, unused, nullptr) - m.evaluate(q, unused, nullptr)) / (2 * h);
  }
  return g;
}

inline Mat fd_hessian(Model& m, const Vec& theta, double h) {
  Mat H(theta.size(), theta.size());
  for (long k = 0; k < theta.size(); ++k) {
    Vec p = theta, q = theta, gp, gq;
    p[k] += h;
    q[k] -= h;
    m.evaluate(p, gp, nullptr);
    m.evaluate(q, gq, nullptr);
    H.col(k) = (gp - gq) / (2 * h);
  }
  return H;
}

// What check_derivatives asks: steps of the differences, relative tolerances (errors are
// measured against max(floor, the norm of the exact value)), and the number of random HVPs.
struct FdCheck {
  double h_grad = 1e-6, h_hess = 1e-5;
  double grad_tol = 1e-6, hess_tol = 1e-5, sym_tol = 1e-12, hvp_tol = 1e-10;
  double floor = 1.0;
  bool dense = true;  // the model has a dense Hessian (else only HVPs against differences)
  int hvps = 3;
};

// The model's gradient against differences of its loss; its dense Hessian against differences of
// its gradient, and symmetric; its HVPs against H·v (or, without a dense Hessian, against
// differences of the gradient along v).
inline void check_derivatives(Model& m, const Vec& theta, const FdCheck& c = {}) {
  Vec g;
  Mat H;
  m.evaluate(theta, g, c.dense ? &H : nullptr);
  const Vec gfd = fd_gradient(m, theta, c.h_grad);
  BOOST_TEST((g - gfd).norm() <= c.grad_tol * std::max(c.floor, g.norm()), "gradient error " << (g - gfd).norm());
  if (c.dense) {
    const Mat Hfd = fd_hessian(m, theta, c.h_hess);
    BOOST_TEST((H - Hfd).norm() <= c.hess_tol * std::max(c.floor, H.norm()), "Hessian error " << (H - Hfd).norm());
    BOOST_TEST((H - H.transpose()).norm() <= c.sym_tol * std::max(c.floor, H.norm()));
  }
  for (int s = 0; s < c.hvps; ++s) {
    const Vec v = random_vec(theta.size(), 100 + static_cast<std::uint64_t>(s));
    Vec hv, gp, gm;
    m.hvp(theta, v, hv);
    Vec want;
    if (c.dense) {
      want = H * v;
    } else {
      m.evaluate(theta + c.h_hess * v, gp, nullptr);
      m.evaluate(theta - c.h_hess * v, gm, nullptr);
      want = (gp - gm) / (2 * c.h_hess);
    }
    const double tol = c.dense ? c.hvp_tol : c.hess_tol;
    BOOST_TEST((hv - want).norm() <= tol * std::max(c.floor, want.norm()), "hvp error " << (hv - want).norm());
  }
}

}  // namespace eos::test

// How typed rows cross MPI: Boost.Serialization of a point's result (private to the exec layer).
#pragma once
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <optional>

#include "eos/io/result.h"

namespace boost::serialization {

template <class Ar, class T>
void save(Ar& ar, const std::optional<T>& v, unsigned) {
  const bool has = v.has_value();
  ar << has;
  if (has) ar << *v;
}

template <class Ar, class T>
void load(Ar& ar, std::optional<T>& v, unsigned) {
  bool has = false;
  ar >> has;
  if (!has) {
    v.reset();
    return;
  }
  T x{};
  ar >> x;
  v = x;
}

template <class Ar, class T>
void serialize(Ar& ar, std::optional<T>& v, unsigned version) {
  split_free(ar, v, version);
}

template <class Ar>
void serialize(Ar& ar, eos::RunStats& s, unsigned) {
  int regime = static_cast<int>(s.regime);
  ar & regime;
  s.regime = static_cast<eos::Regime>(regime);
  ar & s.steps_run & s.diverged_step & s.loss_final & s.loss_max & s.loss_rises & s.last_rise_step;
  ar & s.grad_norm_final & s.converged & s.sharpness_final & s.sharpness_tail & s.sharpness_max;
  ar & s.edge_final & s.edge_tail & s.edge_max & s.first_edge_step & s.edge_samples & s.sharpness_samples;
  ar & s.step_edge_max & s.step_edge_tail & s.mid_edge_max & s.mid_checks & s.hvps_per_estimate;
  ar & s.solver_check_diff & s.edge_level & s.psharpness_final & s.psharpness_tail & s.psharpness_max;
  ar & s.cf_loss_err & s.cf_sharpness_err & s.cf_dist_final & s.gf_dist_final & s.cf_gf_ratio & s.cf_edge_step;
  ar & s.cf_hvps_per_step & s.cf_thirds_per_step;
}

template <class Ar>
void serialize(Ar& ar, eos::RunOutcome& r, unsigned) {
  ar & r.stats & r.tracked_final & r.tracked_tail & r.reports & r.diagnostics & r.finite_params;
}

template <class Ar>
void serialize(Ar& ar, eos::PointResult& r, unsigned) {
  ar & r.run & r.theory & r.wall_s & r.message;
}

}  // namespace boost::serialization

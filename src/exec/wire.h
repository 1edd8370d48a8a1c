// How typed rows cross MPI: Boost.Serialization of a point's result (private to the exec layer).
#pragma once
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <optional>
#include <type_traits>

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
  eos::for_each_field(s, [&ar](auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, eos::Regime>) {
      int regime = static_cast<int>(field);
      ar & regime;
      field = static_cast<eos::Regime>(regime);
    } else {
      ar & field;
    }
  });
}

template <class Ar>
void serialize(Ar& ar, eos::RunOutcome& r, unsigned) {
  ar & r.stats & r.tracked_final & r.tracked_tail & r.reports & r.diagnostics & r.finite_params;
}

template <class Ar>
void serialize(Ar& ar, eos::PointResult& r, unsigned) {
  ar & r.run & r.theory & r.wall_s & r.message & r.checkpointed;
}

}  // namespace boost::serialization

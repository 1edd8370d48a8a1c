// Deterministic random numbers: one independent stream per named purpose and parameter tuple,
// identical on every rank, compiler and standard library (no std:: distributions).
#pragma once
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace eos {

// FNV-1a over bytes, then finalised with splitmix64 so nearby inputs give unrelated seeds.
inline std::uint64_t splitmix64(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // A stream named by a purpose ("train", "init", ...) and the numbers it depends on.
  Rng(std::string_view purpose, std::initializer_list<double> keys) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto mix = [&h](const unsigned char* p, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
    };
    mix(reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size());
    for (double k : keys) {
      if (k == 0.0) k = 0.0;  // -0 and +0 name the same stream
      mix(reinterpret_cast<const unsigned char*>(&k), sizeof k);
    }
    seed(h);
  }
  explicit Rng(std::uint64_t s) { seed(s); }

  // xoshiro256** step.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (n > 0), without modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = -n % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= limit) return r % n;
    }
  }
  // +1 or -1 with equal probability.
  double sign() { return (next() >> 63) ? 1.0 : -1.0; }
  // Standard normal by the Marsaglia polar method (uses only sqrt and log).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  void seed(std::uint64_t h) {
    for (auto& w : s_) w = splitmix64(h);
  }
  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace eos

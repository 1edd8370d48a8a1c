// The fused activation sweeps (numerics/activation_simd.h): tanh within 1.2e-15 (relative) of libm's and
// σ' = 1 − tanh², relu exact, the bias added per row, rows that are not a multiple of eight, in
// place (z = a), float32 equal to the double sweep rounded, and every vector path bit-identical
// to the baseline one.
#define BOOST_TEST_MODULE activation_simd
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "eos/numerics/activation_simd.h"
#include "eos/util/rng.h"

using namespace eos;

namespace {

constexpr long kRows = 13, kCols = 37;  // 13 = 8 + 5: one full block and a partial one per column

std::vector<double> inputs() {
  std::vector<double> z(kRows * kCols);
  Rng rng("activation-simd-test", {});
  for (auto& v : z) v = 3 * rng.normal();
  const double special[] = {0.0, -0.0, 1e-300, -1e-12, 0.0999999, 0.1, -0.1000001, 20.0, -400.0, 1e-5, 0.5};
  for (std::size_t k = 0; k < std::size(special); ++k) z[k * 7] = special[k];
  return z;
}

std::vector<double> biases() {
  std::vector<double> b(kRows);
  for (long i = 0; i < kRows; ++i) b[static_cast<std::size_t>(i)] = i == 0 ? 0.0 : 0.01 * static_cast<double>(i) - 0.05;
  return b;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tanh_and_relu_in_double) {
  const auto z = inputs(), b = biases();
  std::vector<double> a(z.size()), d(z.size());
  const ActivationKernels& k = activation_kernels(SimdPath::baseline);
  k.tanh_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
  for (long j = 0; j < kCols; ++j)
    for (long i = 0; i < kRows; ++i) {
      const std::size_t at = static_cast<std::size_t>(j * kRows + i);
      const double x = z[at] + b[static_cast<std::size_t>(i)], t = std::tanh(x);
      BOOST_TEST(std::fabs(a[at] - t) <= 1.2e-15 * std::fabs(t) + 1e-300, "tanh(" << x << ")");
      BOOST_TEST(d[at] == 1 - a[at] * a[at]);
      BOOST_TEST(std::signbit(a[at]) == std::signbit(x));
    }
  k.relu_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
  for (long j = 0; j < kCols; ++j)
    for (long i = 0; i < kRows; ++i) {
      const std::size_t at = static_cast<std::size_t>(j * kRows + i);
      const double x = z[at] + b[static_cast<std::size_t>(i)];
      BOOST_TEST(a[at] == (x > 0 ? x : 0.0));
      BOOST_TEST(d[at] == (x > 0 ? 1.0 : 0.0));
    }
}

BOOST_AUTO_TEST_CASE(in_place_and_nan) {
  auto z = inputs();
  const auto b = biases();
  z[3] = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> a(z.size()), d(z.size()), d2(z.size());
  const ActivationKernels& k = activation_kernels();
  k.tanh_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
  BOOST_TEST(std::isnan(a[3]));
  k.tanh_f64(kRows, kCols, z.data(), b.data(), z.data(), d2.data());  // a over z
  BOOST_TEST(same_bits(z, a));
  BOOST_TEST(d2[5] == d[5]);
}

BOOST_AUTO_TEST_CASE(float32_is_the_double_sweep_rounded) {
  const auto zd = inputs(), bd = biases();
  std::vector<float> z(zd.begin(), zd.end()), b(bd.begin(), bd.end()), a(z.size()), d(z.size());
  std::vector<double> zw(z.begin(), z.end()), bw(b.begin(), b.end()), aw(z.size()), dw(z.size());
  const ActivationKernels& k = activation_kernels();
  for (bool tanh : {true, false}) {
    (tanh ? k.tanh_f32 : k.relu_f32)(kRows, kCols, z.data(), b.data(), a.data(), d.data());
    (tanh ? k.tanh_f64 : k.relu_f64)(kRows, kCols, zw.data(), bw.data(), aw.data(), dw.data());
    for (std::size_t i = 0; i < a.size(); ++i) {
      BOOST_TEST(a[i] == static_cast<float>(aw[i]));
      BOOST_TEST(d[i] == static_cast<float>(dw[i]));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_path_gives_the_same_bits) {
  const auto z = inputs(), b = biases();
  std::vector<double> a0(z.size()), d0(z.size()), r0(z.size()), e0(z.size());
  const ActivationKernels& base = activation_kernels(SimdPath::baseline);
  base.tanh_f64(kRows, kCols, z.data(), b.data(), a0.data(), d0.data());
  base.relu_f64(kRows, kCols, z.data(), b.data(), r0.data(), e0.data());
  for (SimdPath p : {SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    BOOST_TEST_CONTEXT(simd_name(p)) {
      std::vector<double> a(z.size()), d(z.size());
      activation_kernels(p).tanh_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
      BOOST_TEST(same_bits(a, a0));
      BOOST_TEST(same_bits(d, d0));
      activation_kernels(p).relu_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
      BOOST_TEST(same_bits(a, r0));
      BOOST_TEST(same_bits(d, e0));
    }
  }
}

// The backward sweep: d∘s rounded as T's own product and the row sums in double (j in order),
// exactly what the scalar loop gives, in double and float, with and without s, on every path.
BOOST_AUTO_TEST_CASE(scale_rowsum_is_the_scalar_loop_on_every_path) {
  const auto z = inputs(), b = inputs();
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    BOOST_TEST_CONTEXT(simd_name(p)) {
      const ActivationKernels& k = activation_kernels(p);
      for (bool scaled : {true, false}) {
        std::vector<double> d = z, want = z, sums(kRows), want_sums(kRows, 0.0);
        std::vector<float> f(z.begin(), z.end()), fs(b.begin(), b.end()), fwant = f;
        std::vector<double> fsums(kRows), fwant_sums(kRows, 0.0);
        for (long j = 0; j < kCols; ++j)
          for (long i = 0; i < kRows; ++i) {
            const std::size_t e = static_cast<std::size_t>(j * kRows + i), r = static_cast<std::size_t>(i);
            if (scaled) want[e] *= b[e], fwant[e] *= fs[e];
            want_sums[r] += want[e];
            fwant_sums[r] += static_cast<double>(fwant[e]);
          }
        k.scale_rowsum_f64(kRows, kCols, d.data(), scaled ? b.data() : nullptr, sums.data());
        k.scale_rowsum_f32(kRows, kCols, f.data(), scaled ? fs.data() : nullptr, fsums.data());
        BOOST_TEST(same_bits(d, want));
        BOOST_TEST(same_bits(sums, want_sums));
        BOOST_TEST(std::memcmp(f.data(), fwant.data(), f.size() * sizeof(float)) == 0);
        BOOST_TEST(same_bits(fsums, fwant_sums));
      }
    }
  }
}

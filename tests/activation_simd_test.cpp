// The fused activation sweeps (numerics/activation_simd.h): tanh within 1.2e-15 (relative) of libm's and
// σ' = 1 − tanh², relu exact, the bias added per row, rows that are not a multiple of eight, in
// place (z = a); float32 tanh within 1.6 ulp (σ' 4 ulp) and relu equal to the double sweep
// rounded; every vector path bit-identical to the baseline one, in double and in float.
#define BOOST_TEST_MODULE activation_simd
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
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

// float32: relu is the double sweep rounded (exact); tanh is computed in float on sixteen lanes,
// from x = z + b rounded to float: within 1.6 ulp of tanh(x) and σ' within 4 ulp of 1 − tanh²(x)
// (both taken in double), its sign that of x, σ' positive; on 37 rows (two blocks of 16 and a
// partial one) over −60..60, the cut at |x| = 0.625 and the saturated range.
namespace {

std::vector<float> float_inputs(long rows, long cols) {
  std::vector<float> z(static_cast<std::size_t>(rows * cols));
  Rng rng("activation-simd-test-f32", {});
  for (std::size_t k = 0; k < z.size(); ++k) {
    const double scale = k % 3 == 0 ? 0.5 : k % 3 == 1 ? 3.0 : 20.0;
    z[k] = static_cast<float>(scale * rng.normal());
  }
  const float special[] = {0.0f, -0.0f, 1e-30f, -1e-6f, 0.62499994f, 0.625f, -0.62500006f, 9.0f, 43.0f, -44.0f, 60.0f, 1e-3f};
  for (std::size_t k = 0; k < std::size(special); ++k) z[k * 5] = special[k];
  return z;
}

double ulps(float got, double want) {
  const float w = static_cast<float>(want);
  const double ulp = std::nextafter(std::fabs(w), std::numeric_limits<float>::infinity()) - std::fabs(w);
  return std::fabs(static_cast<double>(got) - want) / ulp;
}

}  // namespace

BOOST_AUTO_TEST_CASE(float32_tanh_within_two_ulp_relu_exact) {
  constexpr long rows = 37, cols = 101;
  const std::vector<float> z = float_inputs(rows, cols);
  std::vector<float> b(rows), a(z.size()), d(z.size());
  for (long i = 0; i < rows; ++i) b[static_cast<std::size_t>(i)] = i == 0 ? 0.0f : 0.01f * static_cast<float>(i) - 0.2f;
  const ActivationKernels& k = activation_kernels();
  k.tanh_f32(rows, cols, z.data(), b.data(), a.data(), d.data());
  double worst_a = 0, worst_d = 0;
  for (long j = 0; j < cols; ++j)
    for (long i = 0; i < rows; ++i) {
      const std::size_t at = static_cast<std::size_t>(j * rows + i);
      const float x = z[at] + b[static_cast<std::size_t>(i)];
      const double t = std::tanh(static_cast<double>(x));
      const double e = std::exp(-2 * std::fabs(static_cast<double>(x)));
      const double s = std::fabs(x) > 0.5f ? 4 * e / ((1 + e) * (1 + e)) : 1 - t * t;
      BOOST_TEST(std::signbit(a[at]) == std::signbit(x), "tanh(" << x << ")");
      BOOST_TEST(d[at] > 0.0f);
      worst_a = std::max(worst_a, ulps(a[at], t));
      if (std::fabs(x) <= 43) worst_d = std::max(worst_d, ulps(d[at], s));
    }
  BOOST_TEST_MESSAGE("float32 tanh: " << worst_a << " ulp, sigma' " << worst_d << " ulp");
  BOOST_TEST(worst_a <= 1.6);
  BOOST_TEST(worst_d <= 4.0);

  const auto zd = inputs(), bd = biases();
  std::vector<float> zf(zd.begin(), zd.end()), bf(bd.begin(), bd.end()), ra(zf.size()), rd(zf.size());
  std::vector<double> zw(zf.begin(), zf.end()), bw(bf.begin(), bf.end()), aw(zf.size()), dw(zf.size());
  k.relu_f32(kRows, kCols, zf.data(), bf.data(), ra.data(), rd.data());
  k.relu_f64(kRows, kCols, zw.data(), bw.data(), aw.data(), dw.data());
  for (std::size_t i = 0; i < ra.size(); ++i) {
    BOOST_TEST(ra[i] == static_cast<float>(aw[i]));
    BOOST_TEST(rd[i] == static_cast<float>(dw[i]));
  }
}

BOOST_AUTO_TEST_CASE(float32_nan_and_in_place) {
  constexpr long rows = 21, cols = 3;
  std::vector<float> z = float_inputs(rows, cols), b(rows, 0.1f), a(z.size()), d(z.size()), d2(z.size());
  z[4] = std::numeric_limits<float>::quiet_NaN();
  z[17] = std::numeric_limits<float>::infinity();
  const ActivationKernels& k = activation_kernels();
  k.tanh_f32(rows, cols, z.data(), b.data(), a.data(), d.data());
  BOOST_TEST(std::isnan(a[4]));
  BOOST_TEST(std::isnan(d[4]));
  BOOST_TEST(a[17] == 1.0f);
  k.tanh_f32(rows, cols, z.data(), b.data(), z.data(), d2.data());  // a over z
  BOOST_TEST(std::memcmp(z.data() + 5, a.data() + 5, (z.size() - 5) * sizeof(float)) == 0);
  BOOST_TEST(d2[30] == d[30]);
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
  // float32 on 37 rows: both full blocks of sixteen and the partial one.
  constexpr long rows = 37, cols = 53;
  const std::vector<float> zf = float_inputs(rows, cols), bf(rows, -0.3f);
  const auto sweep = [&](SimdPath p, bool tanh) {
    std::vector<float> a(zf.size()), d(zf.size());
    (tanh ? activation_kernels(p).tanh_f32 : activation_kernels(p).relu_f32)(rows, cols, zf.data(), bf.data(), a.data(),
                                                                           d.data());
    a.insert(a.end(), d.begin(), d.end());
    return a;
  };
  for (bool tanh : {true, false}) {
    const std::vector<float> want = sweep(SimdPath::baseline, tanh);
    for (SimdPath p : {SimdPath::avx2, SimdPath::avx512}) {
      if (!simd_supported(p)) continue;
      const std::vector<float> got = sweep(p, tanh);
      BOOST_TEST(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0,
                 simd_name(p) << (tanh ? " tanh" : " relu") << " float32");
    }
  }
}

// The backward sweep: d∘s rounded as T's own product and the row sums in double (j in order),
// exactly what the scalar loop gives, in double and float, with and without s, on every path,
// also when the columns come in two calls that add to the same sums.
BOOST_AUTO_TEST_CASE(scale_rowsum_is_the_scalar_loop_on_every_path) {
  const auto z = inputs(), b = inputs();
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    BOOST_TEST_CONTEXT(simd_name(p)) {
      const ActivationKernels& k = activation_kernels(p);
      for (bool scaled : {true, false}) {
        std::vector<double> d = z, want = z, sums(kRows, 0.0), want_sums(kRows, 0.0);
        std::vector<float> f(z.begin(), z.end()), fs(b.begin(), b.end()), fwant = f;
        std::vector<double> fsums(kRows, 0.0), fwant_sums(kRows, 0.0);
        for (long j = 0; j < kCols; ++j)
          for (long i = 0; i < kRows; ++i) {
            const std::size_t e = static_cast<std::size_t>(j * kRows + i), r = static_cast<std::size_t>(i);
            if (scaled) want[e] *= b[e], fwant[e] *= fs[e];
            want_sums[r] += want[e];
            fwant_sums[r] += static_cast<double>(fwant[e]);
          }
        // In two calls, split at column 5: the sums carry over, the same additions in the same order.
        constexpr long split = 5;
        for (const auto& [c0, cols] : {std::pair{0L, split}, std::pair{split, kCols - split}}) {
          k.scale_rowsum_f64(kRows, cols, d.data() + c0 * kRows, scaled ? b.data() + c0 * kRows : nullptr, sums.data());
          k.scale_rowsum_f32(kRows, cols, f.data() + c0 * kRows, scaled ? fs.data() + c0 * kRows : nullptr, fsums.data());
        }
        BOOST_TEST(same_bits(d, want));
        BOOST_TEST(same_bits(sums, want_sums));
        BOOST_TEST(std::memcmp(f.data(), fwant.data(), f.size() * sizeof(float)) == 0);
        BOOST_TEST(same_bits(fsums, fwant_sums));
      }
    }
  }
}

// The fused activation sweeps (numerics/activation_simd.h): tanh within 4.5e-16 (relative) of libm's
// long double tanh and σ' = 1 − tanh² within 7.5e-16 of 4e/(1 + e)² in long double (e = e^−2|x|,
// so also where tanh saturates), over random inputs and dense sweeps of |x| from 1e-300 to 1e5;
// tanh odd bit for bit, NaN kept; relu exact, the bias added per row, rows that are not a multiple
// of eight, in place (z = a); float32 tanh within 1.6 ulp (σ' 4.3 ulp) and relu equal to the double
// sweep rounded; the R-operator's tangent and R{δ} sweeps the scalar loop; every vector path
// bit-identical to the baseline one, in double and in float.
#define BOOST_TEST_MODULE activation_simd
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
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

// Random inputs and dense sweeps of |x|, both signs: 1e-300 to 1e-8 in steps of 1%, to 0.01 in
// steps of 0.1%, to 1 in steps of 1e-5, to 30 in steps of 1e-3, to 400 in steps of 0.01, to 1e5 in
// steps of 1%; and ±inf.
std::vector<double> dense_inputs() {
  std::vector<double> x;
  Rng rng("activation-simd-test-dense", {});
  for (int k = 0; k < 50000; ++k) x.push_back(3 * rng.normal());
  for (int k = 0; k < 50000; ++k) x.push_back(std::ldexp(rng.uniform(), -static_cast<int>(rng.below(1000))));
  for (double v = 1e-300; v < 1e-8; v *= 1.01) x.push_back(v);
  for (double v = 1e-8; v < 0.01; v *= 1.001) x.push_back(v);
  for (double v = 0.01; v <= 1; v += 1e-5) x.push_back(v);
  for (double v = 1; v <= 30; v += 1e-3) x.push_back(v);
  for (double v = 30; v <= 400; v += 0.01) x.push_back(v);
  for (double v = 400; v <= 1e5; v *= 1.01) x.push_back(v);
  x.push_back(std::numeric_limits<double>::infinity());
  const std::size_t n = x.size();
  for (std::size_t k = 0; k < n; ++k) x.push_back(-x[k]);
  return x;
}

// tanh_f64 of x with no bias (b = −0, so that z + b is z, −0 included), on 997 rows (a partial
// block in every column; the last column padded with 0.5), a over z when in_place.
void tanh_of(SimdPath path, const std::vector<double>& x, std::vector<double>& a, std::vector<double>& d,
             bool in_place = false) {
  constexpr long rows = 997;
  const long cols = (static_cast<long>(x.size()) + rows - 1) / rows;
  std::vector<double> z(x), b(rows, -0.0);
  z.resize(static_cast<std::size_t>(rows * cols), 0.5);
  a.resize(z.size());
  d.resize(z.size());
  activation_kernels(path).tanh_f64(rows, cols, z.data(), b.data(), in_place ? z.data() : a.data(), d.data());
  if (in_place) a = z;
  a.resize(x.size());
  d.resize(x.size());
}

// The largest relative errors of tanh and σ' over x against long double: tanh against libm's
// tanhl, σ' against 4e/(1 + e)² with e = e^−2|x| (for |x| ≤ 354; beyond, σ' is held at 4e^−708:
// checked to be positive and at most 1.4e-307).
struct Worst {
  double tanh = 0, sigma = 0;
};
Worst tanh_errors(const std::vector<double>& x, const std::vector<double>& a, const std::vector<double>& d) {
  using LD = long double;
  Worst w;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const LD t = std::tanh(static_cast<LD>(x[k])), e = std::exp(-2 * std::fabs(static_cast<LD>(x[k])));
    if (t != 0) w.tanh = std::max(w.tanh, static_cast<double>(std::fabs((a[k] - t) / t)));
    if (std::fabs(x[k]) <= 354) {
      const LD s = 4 * e / ((1 + e) * (1 + e));
      w.sigma = std::max(w.sigma, static_cast<double>(std::fabs((d[k] - s) / s)));
    } else {
      BOOST_TEST((d[k] > 0 && d[k] <= 1.4e-307), "sigma'(" << x[k] << ") = " << d[k]);
    }
  }
  return w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tanh_and_relu_in_double) {
  const auto z = inputs(), b = biases();
  std::vector<double> a(z.size()), d(z.size()), x(z.size());
  const ActivationKernels& k = activation_kernels(SimdPath::baseline);
  k.tanh_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
  for (long j = 0; j < kCols; ++j)
    for (long i = 0; i < kRows; ++i) {
      const std::size_t at = static_cast<std::size_t>(j * kRows + i);
      x[at] = z[at] + b[static_cast<std::size_t>(i)];
      BOOST_TEST(std::signbit(a[at]) == std::signbit(x[at]));
    }
  const Worst w = tanh_errors(x, a, d);
  BOOST_TEST(w.tanh <= 4.5e-16);
  BOOST_TEST(w.sigma <= 7.5e-16);
  k.relu_f64(kRows, kCols, z.data(), b.data(), a.data(), d.data());
  for (long j = 0; j < kCols; ++j)
    for (long i = 0; i < kRows; ++i) {
      const std::size_t at = static_cast<std::size_t>(j * kRows + i);
      const double x = z[at] + b[static_cast<std::size_t>(i)];
      BOOST_TEST(a[at] == (x > 0 ? x : 0.0));
      BOOST_TEST(d[at] == (x > 0 ? 1.0 : 0.0));
    }
}

// The bounds over the dense sweeps, on the active path (every path gives these bits: below).
BOOST_AUTO_TEST_CASE(tanh_in_double_within_a_few_ulp_dense) {
  const std::vector<double> x = dense_inputs();
  std::vector<double> a, d;
  tanh_of(simd_path(), x, a, d);
  const Worst w = tanh_errors(x, a, d);
  BOOST_TEST_MESSAGE("double tanh: relative " << w.tanh << ", sigma' " << w.sigma << " over " << x.size() << " inputs");
  BOOST_TEST(w.tanh <= 4.5e-16);
  BOOST_TEST(w.sigma <= 7.5e-16);
  BOOST_TEST(std::count_if(a.begin(), a.end(), [](double v) { return std::fabs(v) > 1; }) == 0);
  std::vector<double> a2, d2;
  tanh_of(simd_path(), x, a2, d2, true);  // in place: the same bits
  BOOST_TEST(same_bits(a2, a));
  BOOST_TEST(same_bits(d2, d));
}

// tanh(−x) is −tanh(x) and σ'(−x) is σ'(x), bit for bit (the sign is a bit); −0 gives −0 and
// σ' = 1; ±inf give ±1; a NaN of either sign gives NaN in both outputs.
BOOST_AUTO_TEST_CASE(tanh_in_double_sign_and_nan) {
  std::vector<double> x = dense_inputs(), a, d;
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::size_t half = x.size() / 2;  // x[half + k] = −x[k]
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    BOOST_TEST_CONTEXT(simd_name(p)) {
      tanh_of(p, x, a, d);
      std::size_t odd = 0;
      for (std::size_t k = 0; k < half; ++k)
        odd += a[half + k] == -a[k] && std::signbit(a[half + k]) != std::signbit(a[k]) && d[half + k] == d[k];
      BOOST_TEST(odd == half);
      std::vector<double> s = {0.0, -0.0, inf, -inf, nan, -nan, 1e-310, -1e-310, 0.3}, sa, sd;
      tanh_of(p, s, sa, sd);
      BOOST_TEST((!std::signbit(sa[0]) && sa[0] == 0 && sd[0] == 1.0));
      BOOST_TEST((std::signbit(sa[1]) && sa[1] == 0 && sd[1] == 1.0));
      BOOST_TEST((sa[2] == 1.0 && sa[3] == -1.0 && sd[2] > 0 && sd[3] == sd[2]));
      BOOST_TEST((std::isnan(sa[4]) && std::isnan(sd[4]) && std::isnan(sa[5]) && std::isnan(sd[5])));
      BOOST_TEST((sa[6] == 1e-310 && sa[7] == -1e-310 && sd[6] == 1.0));  // subnormal x: tanh x = x
      // A lane beside the NaN keeps its value.
      BOOST_TEST((sa[8] > 0 && std::fabs(sa[8] - std::tanh(0.3)) <= 4.5e-16 * std::tanh(0.3)));
    }
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
// from x = z + b rounded to float: within 1.6 ulp of tanh(x) and σ' within 4.3 ulp of 1 − tanh²(x)
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
  BOOST_TEST(worst_d <= 4.3);

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
  // double tanh over the dense sweeps, both signs.
  const std::vector<double> x = dense_inputs();
  std::vector<double> want_a, want_d, got_a, got_d;
  tanh_of(SimdPath::baseline, x, want_a, want_d);
  for (SimdPath p : {SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    tanh_of(p, x, got_a, got_d);
    BOOST_TEST(same_bits(got_a, want_a), simd_name(p) << " tanh, dense");
    BOOST_TEST(same_bits(got_d, want_d), simd_name(p) << " sigma', dense");
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

// The R-operator's sweeps: the tangent (zd + c per row, then s1∘zd, or no product) and tanh's R{δ}
// (s1∘r − ((2a)∘δ)∘ż), exactly what the scalar loop gives in T, in double and in float, on every
// path, over 13 rows (a partial block in each column) and 37 columns.
template <class T>
void check_rop_sweeps(SimdPath p) {
  const auto src = inputs(), other = biases();
  const std::vector<T> z0(src.begin(), src.end()), s(src.rbegin(), src.rend()), c(other.begin(), other.end());
  std::vector<T> a(z0.size()), dl(z0.size());
  for (std::size_t e = 0; e < z0.size(); ++e) a[e] = static_cast<T>(0.25) * s[e], dl[e] = z0[(e * 7) % z0.size()];
  const ActivationKernels& k = activation_kernels(p);
  for (bool product : {true, false}) {
    std::vector<T> zd = z0, want = z0, ad(z0.size(), T(-1)), want_ad = ad;
    for (long j = 0; j < kCols; ++j)
      for (long i = 0; i < kRows; ++i) {
        const std::size_t e = static_cast<std::size_t>(j * kRows + i);
        want[e] = want[e] + c[static_cast<std::size_t>(i)];
        if (product) want_ad[e] = s[e] * want[e];
      }
    for_type<T>(k.tangent_f64, k.tangent_f32)(kRows, kCols, zd.data(), c.data(), s.data(), product ? ad.data() : nullptr);
    BOOST_TEST(std::memcmp(zd.data(), want.data(), zd.size() * sizeof(T)) == 0);
    BOOST_TEST(std::memcmp(ad.data(), want_ad.data(), ad.size() * sizeof(T)) == 0);
  }
  std::vector<T> r = z0, want = z0;
  for (std::size_t e = 0; e < r.size(); ++e) want[e] = s[e] * want[e] - ((T(2) * a[e]) * dl[e]) * c[e % c.size()];
  std::vector<T> zdot(r.size());
  for (std::size_t e = 0; e < r.size(); ++e) zdot[e] = c[e % c.size()];
  const long count = static_cast<long>(r.size());
  for_type<T>(k.rop_tanh_f64, k.rop_tanh_f32)(count, r.data(), s.data(), a.data(), dl.data(), zdot.data());
  BOOST_TEST(std::memcmp(r.data(), want.data(), r.size() * sizeof(T)) == 0);
}

BOOST_AUTO_TEST_CASE(rop_sweeps_are_the_scalar_loop_on_every_path) {
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    BOOST_TEST_CONTEXT(simd_name(p)) {
      check_rop_sweeps<double>(p);
      check_rop_sweeps<float>(p);
    }
  }
}

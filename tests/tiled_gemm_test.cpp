// matmul_tiled (numerics/blas.h): on a CPU with AVX-512, or AVX2 and FMA, its own kernel gives,
// bit for bit, each element as the ordered sum over k of fused multiply-adds (then added to out
// when add is set), on each instruction set this CPU has, for every shape class of their tiles
// (rows 1 … 3 vectors and beyond, a partial vector; columns 1 … 8 and more; k = 0), b plain or
// transposed, in double and float, a's rows in one chunk or several (more than 64 Ki values);
// operands and out may be blocks of larger matrices (outer stride > rows), and out's other
// elements are left alone (the masked loads and stores). The instruction set follows EOS_SIMD.
// k over 1024, and a CPU with neither, go to matmul: the same values to rounding.
#define BOOST_TEST_MODULE tiled_gemm
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "eos/numerics/blas.h"
#include "eos/numerics/simd.h"
#include "eos/util/rng.h"

using namespace eos;

namespace {

template <class T>
using Mx = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

template <class T>
Mx<T> random(long rows, long cols, Rng& rng) {
  Mx<T> m(rows, cols);
  for (long e = 0; e < m.size(); ++e) m.data()[e] = static_cast<T>(rng.normal());
  return m;
}

// The kernel's arithmetic, one element at a time: Σ_k a(i, k)·b(k, j) by fma in T, in order of k.
template <class T>
Mx<T> ordered(const Eigen::Ref<const Mx<T>>& a, const Eigen::Ref<const Mx<T>>& b, bool tb,
              const Eigen::Ref<const Mx<T>>& out, bool add) {
  Mx<T> r(out.rows(), out.cols());
  for (long j = 0; j < r.cols(); ++j)
    for (long i = 0; i < r.rows(); ++i) {
      T s = 0;
      for (long p = 0; p < a.cols(); ++p) s = std::fma(a(i, p), tb ? b(j, p) : b(p, j), s);
      r(i, j) = add ? out(i, j) + s : s;
    }
  return r;
}

bool same_bits(const Mx<double>& x, const Mx<double>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(double) * x.size()) == 0;
}
bool same_bits(const Mx<float>& x, const Mx<float>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(float) * x.size()) == 0;
}

// One product of m × k by k × n into the middle of a larger out, every operand a block with a
// larger outer stride; checks the block against the ordered sums (to the bit when the tiled kernel
// runs, else to rounding) and every element around it unchanged.
template <class T>
void check(long m, long n, long k, bool tb, bool add, Rng& rng) {
  const Mx<T> abig = random<T>(m + 3, k + 1, rng);
  const Mx<T> bbig = tb ? random<T>(n + 5, k + 2, rng) : random<T>(k + 5, n + 2, rng);
  Mx<T> obig = random<T>(m + 7, n + 3, rng);
  const auto a = abig.block(1, 1, m, k);
  const auto b = tb ? bbig.block(2, 1, n, k) : bbig.block(2, 1, k, n);
  const Mx<T> before = obig;
  const Mx<T> want = ordered<T>(a, b, tb, before.block(3, 2, m, n), add);
  auto out = obig.block(3, 2, m, n);
  matmul_tiled(a, b, tb, out, add);
  const Mx<T> got = obig.block(3, 2, m, n);
  const bool tiled = matmul_tiled_path() != SimdPath::baseline && k <= 1024;
  BOOST_TEST_CONTEXT("m " << m << " n " << n << " k " << k << " tb " << tb << " add " << add << " tiles "
                          << (tiled ? simd_name(matmul_tiled_path()) : "none")) {
    if (tiled) {
      BOOST_TEST(same_bits(got, want));
    } else {
      const double scale = static_cast<double>(k + 1) * std::sqrt(static_cast<double>(k + 1)) * 4;
      const double tol = scale * std::numeric_limits<T>::epsilon();
      BOOST_TEST(static_cast<double>((got - want).cwiseAbs().maxCoeff()) <= tol);
    }
    Mx<T> around = obig;
    around.block(3, 2, m, n) = before.block(3, 2, m, n);
    BOOST_TEST(same_bits(around, before));
  }
}

template <class T>
void every_shape(const char* seed) {
  Rng rng(seed, {});
  std::vector<long> rows = {1, 200};
  for (long L : {64 / sizeof(T), 32 / sizeof(T)})  // lanes of an AVX-512 and of an AVX2 vector
    for (long m : {L - 1, L, L + 1, 2 * L + 3, 3 * L, 3 * L + 1, 6 * L + L / 2 + 1}) rows.push_back(m);
  const long cols[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 17, 37};
  const long depths[] = {0, 1, 5, 64, 201};
  for (long m : rows)
    for (long n : cols)
      for (long k : depths)
        for (bool tb : {false, true})
          for (bool add : {false, true}) check<T>(m, n, k, tb, add, rng);
}

// Runs body on each wide path this CPU has, widest first (EOS_SIMD's choice, as set_simd_path makes
// it), or once on the path there is when it has none; puts the path back after.
template <class F>
void on_each_path(F body) {
  const SimdPath before = simd_path();
  std::vector<SimdPath> paths;
  for (SimdPath p : {SimdPath::avx512, SimdPath::avx2})
    if (simd_supported(p)) paths.push_back(p);
  if (paths.empty()) paths.push_back(before);
  for (SimdPath p : paths) {
    set_simd_path(p);
    BOOST_TEST_CONTEXT("EOS_SIMD path " << simd_name(p)) { body(); }
  }
  set_simd_path(before);
}

}  // namespace

// Unless EOS_MATMUL turns them off (the benchmark's baseline), the tiles follow EOS_SIMD's wide
// path and take the widest this CPU has under EOS_SIMD=baseline; the backend's name says which.
BOOST_AUTO_TEST_CASE(the_tiles_follow_the_simd_path_unless_turned_off) {
  const char* env = std::getenv("EOS_MATMUL");
  const SimdPath before = simd_path();
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512}) {
    if (!simd_supported(p)) continue;
    set_simd_path(p);
    const SimdPath want = env && *env ? SimdPath::baseline : p == SimdPath::baseline ? simd_best() : p;
    BOOST_TEST_CONTEXT("EOS_SIMD path " << simd_name(p)) {
      BOOST_TEST(std::string(simd_name(matmul_tiled_path())) == simd_name(want));
      const std::string tiles = std::string("tiled ") + simd_name(want) + " + ";
      BOOST_TEST((matmul_backend().rfind(tiles, 0) == 0) == (want != SimdPath::baseline));
      BOOST_TEST((matmul_backend().find("tiled") == std::string::npos) == (want == SimdPath::baseline));
    }
  }
  set_simd_path(before);
}

BOOST_AUTO_TEST_CASE(double_products_are_ordered_fma_sums_to_the_bit) {
  on_each_path([] { every_shape<double>("tiled-gemm-f64"); });
}

BOOST_AUTO_TEST_CASE(float_products_are_ordered_fma_sums_to_the_bit) {
  on_each_path([] { every_shape<float>("tiled-gemm-f32"); });
}

// a of more than 64 Ki values: its rows in chunks (of 192 and 48 rows on AVX-512, 48 on AVX2),
// each element the same ordered sum; k over 1024: matmul, to rounding.
BOOST_AUTO_TEST_CASE(large_operands_in_chunks_of_rows_or_to_matmul) {
  on_each_path([] {
    Rng rng("tiled-gemm-large", {});
    check<double>(301, 9, 300, false, true, rng);
    check<float>(700, 11, 784, true, true, rng);
    check<double>(20, 9, 1100, true, false, rng);
  });
}

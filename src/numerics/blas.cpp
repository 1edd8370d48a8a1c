// matmul through cblas_dgemm / cblas_sgemm of the serial OpenBLAS, loaded at first use (dlopen), or Eigen.
// OpenBLAS picks its kernels from the CPU model and falls back to its slowest ones on models it
// does not know (this project's virtual Xeons: "Prescott", a quarter of the speed); unless
// OPENBLAS_CORETYPE is set, the kernel is named here from the CPU's features before OpenBLAS
// loads (at static initialisation, while the process has one thread).
#include "eos/numerics/blas.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>

#include "eos/numerics/simd.h"
#include "tiled_gemm.h"

namespace eos {
namespace {

using Dgemm = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double, double*,
                       int);
using Sgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
constexpr int kColMajor = 102, kNoTrans = 111, kTrans = 112;

// The kernel for this CPU's features, when OPENBLAS_CORETYPE is not set.
const char* choose_core() {
  if (std::getenv("OPENBLAS_CORETYPE")) return nullptr;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return nullptr;
}

const char* const kChosenCore = [] {
  const char* core = choose_core();
  if (core) setenv("OPENBLAS_CORETYPE", core, 0);
  return core;
}();

// EOS_MATMUL as set: "" when unset.
std::string matmul_env() {
  const char* v = std::getenv("EOS_MATMUL");
  return v ? v : "";
}

struct Blas {
  Dgemm dgemm = nullptr;
  Sgemm sgemm = nullptr;
  std::string name = "eigen";
};

const Blas& blas() {
  static std::once_flag once;
  static Blas b;
  std::call_once(once, [] {
#ifdef EOS_OPENBLAS_PATH
    if (matmul_env() == "eigen") return;
    void* h = dlopen(EOS_OPENBLAS_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    b.dgemm = reinterpret_cast<Dgemm>(dlsym(h, "cblas_dgemm"));
    b.sgemm = reinterpret_cast<Sgemm>(dlsym(h, "cblas_sgemm"));
    if (!b.sgemm) b.dgemm = nullptr;  // both or neither: one backend for both precisions
    auto corename = reinterpret_cast<char* (*)()>(dlsym(h, "openblas_get_corename"));
    if (b.dgemm) b.name = std::string("openblas ") + (corename ? corename() : "?");
#endif
  });
  return b;
}

// The product through OpenBLAS's gemm (when loaded) or Eigen.
template <class Gemm, class View, class Out, class S>
void product(Gemm gemm, const View& a, bool ta, const View& b, bool tb, Out& out, S alpha, S beta) {
  const long m = out.rows(), n = out.cols(), k = ta ? a.rows() : a.cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    out *= beta;
    return;
  }
  if (gemm) {
    gemm(kColMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
         static_cast<int>(k), alpha, a.data(), static_cast<int>(a.outerStride()), b.data(),
         static_cast<int>(b.outerStride()), beta, out.data(), static_cast<int>(out.outerStride()));
    return;
  }
  if (beta == 0) out.setZero();
  else out *= beta;
  if (ta && tb) out.noalias() += alpha * a.transpose() * b.transpose();
  else if (ta) out.noalias() += alpha * a.transpose() * b;
  else if (tb) out.noalias() += alpha * a * b.transpose();
  else out.noalias() += alpha * a * b;
}

// EOS_MATMUL leaves matmul_tiled its own kernel (unset); read once.
bool tiles_allowed() {
  static const bool allowed = matmul_env() != "openblas" && matmul_env() != "eigen";
  return allowed;
}

// The CPU runs the AVX2 kernel, compiled with -mfma (an AVX2 CPU without FMA is rare but exists).
bool cpu_has_fma() {
#if defined(__x86_64__)
  static const bool fma = __builtin_cpu_supports("fma");
  return fma;
#else
  return false;
#endif
}

// The tiles' instruction set: EOS_SIMD's wide path, or with EOS_SIMD=baseline the widest this CPU
// has (the products have no baseline kernel, and the tiles give the same bits on every path).
SimdPath tiled_path() {
  if (!tiles_allowed()) return SimdPath::baseline;
  const SimdPath p = simd_path() == SimdPath::baseline ? simd_best() : simd_path();
  return p == SimdPath::avx2 && !cpu_has_fma() ? SimdPath::baseline : p;
}

// A's rows are taken in chunks (a multiple of 48 rows: whole tiles in double and float, on both
// instruction sets) that stay in the core's L2 cache across B's column panels: 64 Ki values on
// AVX-512 CPUs (1 MiB of L2 or more from Skylake-SP and Zen 4 on), 16 Ki on AVX2 ones (256 KiB on
// Haswell and Skylake clients; here, on a Zen 5 core, 16 Ki and 64 Ki ran alike). k up to 1024
// keeps B's panel in L1 (larger k goes to matmul). A chunk's elements are the same sums as
// without chunks.
constexpr long kTiledMaxK = 1024, kTiledRowStep = 48;

long chunk_rows(long k, SimdPath path) {
  const long values = path == SimdPath::avx512 ? 65536 : 16384;
  return std::max(kTiledRowStep, values / std::max(k, 1L) / kTiledRowStep * kTiledRowStep);
}

template <class View, class Out>
void tiled_product(const View& a, const View& b, bool tb, Out& out, bool add) {
  using T = typename Out::Scalar;
  const long m = out.rows(), n = out.cols(), k = a.cols();
  const SimdPath path = tiled_path();
  if (path == SimdPath::baseline || k > kTiledMaxK) {
    matmul(a, false, b, tb, out, T(1), add ? T(1) : T(0));
    return;
  }
  using Kernel = void (*)(long, long, long, const T*, long, const T*, long, long, T*, long, bool);
  const Kernel kernel = path == SimdPath::avx512 ? Kernel(lanes::avx512::tiled_gemm) : Kernel(lanes::avx2::tiled_gemm);
  const long sbj = tb ? 1 : b.outerStride(), sbk = tb ? b.outerStride() : 1, mc = chunk_rows(k, path);
  for (long i = 0; i < m; i += mc)
    kernel(std::min(mc, m - i), n, k, a.data() + i, a.outerStride(), b.data(), sbj, sbk, out.data() + i,
           out.outerStride(), add);
}

}  // namespace

void matmul_tiled(MatView a, MatView b, bool tb, MatOut out, bool add) { tiled_product(a, b, tb, out, add); }

void matmul_tiled(MatViewF a, MatViewF b, bool tb, MatOutF out, bool add) { tiled_product(a, b, tb, out, add); }

SimdPath matmul_tiled_path() { return tiled_path(); }

void matmul(MatView a, bool ta, MatView b, bool tb, MatOut out, double alpha, double beta) {
  product(blas().dgemm, a, ta, b, tb, out, alpha, beta);
}

void matmul_large(MatView a, bool ta, MatView b, bool tb, MatOut out) {
  const long k = ta ? a.rows() : a.cols();
  if (static_cast<double>(out.rows()) * static_cast<double>(out.cols()) * static_cast<double>(k) >= 32768.0)
    return matmul(a, ta, b, tb, out);
  if (ta && tb) out.noalias() = a.transpose() * b.transpose();
  else if (ta) out.noalias() = a.transpose() * b;
  else if (tb) out.noalias() = a * b.transpose();
  else out.noalias() = a * b;
}

void matmul(MatViewF a, bool ta, MatViewF b, bool tb, MatOutF out, float alpha, float beta) {
  product(blas().sgemm, a, ta, b, tb, out, alpha, beta);
}

std::string matmul_env_problem() {
  const std::string v = matmul_env();
  if (v.empty() || v == "openblas" || v == "eigen") return "";
  return "EOS_MATMUL=" + v + ": not openblas or eigen (unset: eos-sweep's tiled product where it serves, OpenBLAS for the rest)";
}

std::string matmul_backend() {
  const SimdPath path = tiled_path();
  return path == SimdPath::baseline ? blas().name : std::string("tiled ") + simd_name(path) + " + " + blas().name;
}

}  // namespace eos

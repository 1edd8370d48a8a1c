// The run-time choice of the vector path: the CPU's features, EOS_SIMD, and the active path.
#include "eos/numerics/simd.h"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "eos/util/error.h"

namespace eos {
namespace {

constexpr SimdPath kPaths[] = {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512};

// The CPU has what the path's kernels were compiled for (src/models/sparse_relu_simd_*.cpp);
// __builtin_cpu_supports also checks that the OS saves the wide registers.
bool cpu_has(SimdPath path) {
#if defined(__x86_64__)
  switch (path) {
    case SimdPath::baseline:
      return true;
    case SimdPath::avx2:
      return __builtin_cpu_supports("avx2");
    case SimdPath::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl");
  }
  return false;
#else
  return path == SimdPath::baseline;  // the wide kernels are built for x86-64 only
#endif
}

// EOS_SIMD parsed: the path it names, or the reason it names none that runs here.
struct EnvChoice {
  SimdPath path = SimdPath::baseline;
  std::string problem;
};

EnvChoice from_env() {
  const char* v = std::getenv("EOS_SIMD");
  if (!v || !*v) return {simd_best(), ""};
  const std::string s = v;
  for (SimdPath p : kPaths) {
    if (s != simd_name(p)) continue;
    if (!simd_supported(p)) return {p, "EOS_SIMD=" + s + ": this CPU (or this build) has no " + s + " path"};
    return {p, ""};
  }
  return {SimdPath::baseline, "EOS_SIMD=" + s + ": not one of baseline, avx2, avx512"};
}

// -1 until the first simd_path() or set_simd_path().
std::atomic<int> g_active{-1};

}  // namespace

const char* simd_name(SimdPath path) {
  switch (path) {
    case SimdPath::baseline:
      return "baseline";
    case SimdPath::avx2:
      return "avx2";
    case SimdPath::avx512:
      return "avx512";
  }
  return "?";
}

bool simd_supported(SimdPath path) { return cpu_has(path); }

SimdPath simd_best() {
  SimdPath best = SimdPath::baseline;
  for (SimdPath p : kPaths)
    if (simd_supported(p)) best = p;
  return best;
}

std::string simd_env_problem() { return from_env().problem; }

SimdPath simd_path() {
  int a = g_active.load(std::memory_order_relaxed);
  if (a < 0) {
    const EnvChoice c = from_env();
    if (!c.problem.empty()) throw InputError(c.problem);
    a = static_cast<int>(c.path);
    g_active.store(a, std::memory_order_relaxed);
  }
  return static_cast<SimdPath>(a);
}

void set_simd_path(SimdPath path) {
  if (!simd_supported(path)) throw std::invalid_argument(std::string("no ") + simd_name(path) + " path here");
  g_active.store(static_cast<int>(path), std::memory_order_relaxed);
}

}  // namespace eos

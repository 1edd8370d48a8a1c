// Which vector instruction set the wide kernels use: chosen once per process from the CPU
// (__builtin_cpu_supports) or forced by EOS_SIMD, so that one binary runs on every node of a
// mixed cluster. Every path gives bit-identical results (include/eos/numerics/lanes.h).
#pragma once
#include <string>

namespace eos {

enum class SimdPath { baseline, avx2, avx512 };

// "baseline", "avx2", "avx512".
const char* simd_name(SimdPath path);

// Built into this binary and usable on this CPU (baseline always is).
bool simd_supported(SimdPath path);

// The widest supported path.
SimdPath simd_best();

// EOS_SIMD checked: "" when it is unset, empty or names a supported path; otherwise a one-line
// reason (an unknown value, or a path this CPU or build lacks). The commands call it first and
// exit with status 2 on a reason, before anything is written.
std::string simd_env_problem();

// The path the kernels use: EOS_SIMD when set, otherwise simd_best(). Throws InputError with
// simd_env_problem()'s reason when EOS_SIMD is unusable.
SimdPath simd_path();

// Use path from now on in this process (benchmarks and tests compare paths in one run);
// throws std::invalid_argument when it is not supported.
void set_simd_path(SimdPath path);

}  // namespace eos

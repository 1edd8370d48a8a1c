// The activation sweeps for AVX2 CPUs (compiled with -mavx2 -ffp-contract=off; x86-64 only): two
// 4-lane registers per 8 lanes.
#if defined(__x86_64__)
#if !defined(__AVX2__) || defined(__AVX512F__)
#error "compile this file with -mavx2 (and without -mavx512f): see CMakeLists.txt"
#endif
#include "eos/numerics/activation_kernels.h"

namespace eos {

const ActivationKernels& activation_kernels_avx2() { return lanes::kActivationKernels; }

}  // namespace eos
#endif

// The activation sweeps for AVX-512 CPUs (compiled with -mavx512f -mavx512dq -mavx512vl
// -ffp-contract=off; x86-64 only): one 8-lane register.
#if defined(__x86_64__)
#if !defined(__AVX512F__)
#error "compile this file with -mavx512f: see CMakeLists.txt"
#endif
#include "eos/numerics/activation_kernels.h"

namespace eos {

const ActivationKernels& activation_kernels_avx512() { return lanes::kActivationKernels; }

}  // namespace eos
#endif

// The sparse-relu kernels for AVX-512 CPUs (compiled with -mavx512f -mavx512dq -mavx512vl
// -ffp-contract=off; x86-64 only): one 8-lane register per 8 lanes.
#if defined(__x86_64__)
#if !defined(__AVX512F__) || !defined(__AVX512DQ__)
#error "compile this file with -mavx512f -mavx512dq -mavx512vl: see CMakeLists.txt"
#endif
#include "eos/models/sparse_relu_kernels.h"

namespace eos {

const SparseReluKernels& sparse_relu_kernels_avx512() { return lanes::kSparseReluKernels; }

}  // namespace eos
#endif

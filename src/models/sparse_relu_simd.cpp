// The sparse-relu kernel table of each vector path, and of the active one.
#include "eos/models/sparse_relu_simd.h"

#include <stdexcept>
#include <string>

namespace eos {

// Defined in src/models/sparse_relu_simd_{baseline,avx2,avx512}.cpp.
const SparseReluKernels& sparse_relu_kernels_baseline();
#if defined(__x86_64__)
const SparseReluKernels& sparse_relu_kernels_avx2();
const SparseReluKernels& sparse_relu_kernels_avx512();
#endif

namespace {

const SparseReluKernels& table(SimdPath path) {
  switch (path) {
#if defined(__x86_64__)
    case SimdPath::avx2:
      return sparse_relu_kernels_avx2();
    case SimdPath::avx512:
      return sparse_relu_kernels_avx512();
#endif
    default:
      return sparse_relu_kernels_baseline();
  }
}

}  // namespace

const SparseReluKernels& sparse_relu_kernels(SimdPath path) {
  if (!simd_supported(path))
    throw std::invalid_argument(std::string("sparse-relu kernels: no ") + simd_name(path) + " path here");
  return table(path);
}

const SparseReluKernels& sparse_relu_kernels() { return table(simd_path()); }  // always a supported one

}  // namespace eos

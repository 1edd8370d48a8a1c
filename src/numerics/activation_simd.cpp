// The activation kernel table of each vector path, and of the active one.
#include "eos/numerics/activation_simd.h"

#include <stdexcept>
#include <string>

namespace eos {

// Defined in src/numerics/activation_simd_{baseline,avx2,avx512}.cpp.
const ActivationKernels& activation_kernels_baseline();
#if defined(__x86_64__)
const ActivationKernels& activation_kernels_avx2();
const ActivationKernels& activation_kernels_avx512();
#endif

const ActivationKernels& activation_kernels(SimdPath path) {
  if (!simd_supported(path))
    throw std::invalid_argument(std::string("activation kernels: no ") + simd_name(path) + " path here");
  switch (path) {
#if defined(__x86_64__)
    case SimdPath::avx2:
      return activation_kernels_avx2();
    case SimdPath::avx512:
      return activation_kernels_avx512();
#endif
    default:
      return activation_kernels_baseline();
  }
}

const ActivationKernels& activation_kernels() { return activation_kernels(simd_path()); }

}  // namespace eos

// The activation sweeps for any x86-64 (SSE2) or other CPU: four 2-lane registers per 8 lanes.
// Compiled with -ffp-contract=off like the wide ones, so that no build contracts this path alone.
#include "eos/numerics/activation_kernels.h"

namespace eos {

const ActivationKernels& activation_kernels_baseline() { return lanes::kActivationKernels; }

}  // namespace eos

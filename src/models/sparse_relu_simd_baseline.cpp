// The sparse-relu kernels for any x86-64 (SSE2) or other CPU: four 2-lane registers per 8 lanes.
// Compiled with -ffp-contract=off like the wide ones, so that no build contracts this path alone.
#include "eos/models/sparse_relu_kernels.h"

namespace eos {

const SparseReluKernels& sparse_relu_kernels_baseline() { return lanes::kSparseReluKernels; }

}  // namespace eos

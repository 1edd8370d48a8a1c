// Placeholder until the Spectra-based implementation lands (issue 7).
#include "eos/lanczos.h"

#include <stdexcept>

namespace eos {

LanczosResult lanczos_top_eigenvalue(Model&, const Vec&, long, const Vec&) {
  throw std::runtime_error("Lanczos sharpness is not available yet");
}

}  // namespace eos

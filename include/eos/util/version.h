// The eos-sweep version and the git commit it was built from, for --version and manifests.
#pragma once

namespace eos {
const char* version();
const char* git_commit();
}  // namespace eos

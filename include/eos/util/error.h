// Bad user input (a job file, --set, the command line, an input file): one line that names the
// key or the file; the commands exit with status 2 before writing anything.
#pragma once
#include <stdexcept>

namespace eos {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace eos

// What every command shares: the one-line input error, and reading options.
#include <cstdio>

#include "eos/cli/cli.h"
#include "eos/util/error.h"

namespace po = boost::program_options;

namespace eos {

int input_error(const std::string& cmd, const std::string& msg) {
  std::fprintf(stderr, "eos-sweep %s: error: %s\n", cmd.c_str(), msg.c_str());
  return kExitBadInput;
}

po::variables_map parse_options(int argc, char** argv, const po::options_description& desc,
                                const po::positional_options_description& pos) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(e.what());
  }
  return vm;
}

}  // namespace eos

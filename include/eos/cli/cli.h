// The command line: each subcommand is a function from its arguments to an exit status.
// Exit statuses: 0 done, 1 runtime failure, 2 bad input (nothing written), 3 interrupted
// (finished rows kept; run the same command again to resume).
#pragma once
#include <boost/program_options.hpp>
#include <string>

namespace eos {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 3;

int cmd_run(int argc, char** argv);
int cmd_plan(int argc, char** argv);
int cmd_aggregate(int argc, char** argv);
int cmd_trace(int argc, char** argv);
int cmd_boundary(int argc, char** argv);
int cmd_keys(int argc, char** argv);
int cmd_files(int argc, char** argv);

// Print "eos-sweep CMD: error: MSG" on stderr and return kExitBadInput.
int input_error(const std::string& cmd, const std::string& msg);

// The options of argv by desc, with the positional names of pos (throws InputError).
boost::program_options::variables_map parse_options(int argc, char** argv,
                                                    const boost::program_options::options_description& desc,
                                                    const boost::program_options::positional_options_description& pos);

}  // namespace eos

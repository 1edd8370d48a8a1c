// eos-sweep files DIR [--all]: what a results folder holds, as its layout (io/results_store.h)
// names it — for scripts (the SLURM aggregation) that must not spell the names themselves.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "eos/cli/cli.h"
#include "eos/io/results_store.h"
#include "eos/util/error.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

const char* kFilesHelp =
    "eos-sweep files DIR [--all]\n"
    "\n"
    "Prints the results files of the folder DIR (results.csv and the shards of an array sweep),\n"
    "one path a line, sorted; with --all, every artefact as 'KIND PATH' (results, manifest,\n"
    "traces, params, states, checkpoints: the files there are). Exit 2 when DIR is no folder or\n"
    "holds no results file.\n";

// Every regular file in folder, sorted, each as "kind path".
void print_folder(const char* kind, const std::string& folder) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.is_regular_file(ec)) found.push_back(e.path().string());
  std::sort(found.begin(), found.end());
  for (const auto& f : found) std::printf("%s %s\n", kind, f.c_str());
}

}  // namespace

int cmd_files(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir;
  bool all = false;
  po::options_description desc("options");
  desc.add_options()("help,h", "this help")("all", po::bool_switch(&all), "every artefact, as KIND PATH");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dir), "the results folder");
  po::options_description every;
  every.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("dir", 1);
  try {
    const auto vm = parse_options(argc, argv, every, pos);
    if (vm.count("help")) {
      std::cout << kFilesHelp << desc << "\n";
      return kExitOk;
    }
    std::error_code ec;
    if (dir.empty()) throw InputError("missing results folder (eos-sweep files DIR)");
    if (!fs::is_directory(dir, ec)) throw InputError(dir + ": not a folder");
    const ResultsStore store(dir);
    const auto results = store.results_files();
    if (results.empty()) throw InputError(dir + ": no results file (results.csv or results.shard-I-of-N.csv)");
    for (const auto& f : results) std::printf(all ? "results %s\n" : "%s\n", f.c_str());
    if (!all) return kExitOk;
    if (fs::exists(store.manifest(), ec)) std::printf("manifest %s\n", store.manifest().c_str());
    print_folder("trace", store.traces());
    print_folder("params", store.params());
    print_folder("state", store.states());
    print_folder("checkpoint", store.checkpoints());
  } catch (const InputError& e) {
    return input_error("files", e.what());
  }
  return kExitOk;
}

}  // namespace eos

// eos-sweep keys [MODEL]: the job-file reference, generated from the key specs themselves so
// the documentation cannot drift from what the parser accepts.
#include <cstdio>
#include <string>

#include "eos/cli/cli.h"
#include "eos/grid/job.h"
#include "eos/model/registry.h"
#include "eos/util/number.h"
#include "eos/gd/settings.h"

namespace eos {
namespace {

std::string describe(const KeySpec& k) {
  std::string type = k.type == KeyType::Real ? "real" : k.type == KeyType::Integer ? "integer" : "text";
  if (!k.choices.empty()) {
    type = "";
    for (const auto& c : k.choices) type += (type.empty() ? "" : "|") + c;
  }
  std::string range;
  if (k.type != KeyType::Text) {
    if (k.min != -INFINITY) range += std::string(k.min_exclusive ? "> " : ">= ") + format_double(k.min);
    if (k.max != INFINITY)
      range += (range.empty() ? "" : ", ") + std::string(k.max_exclusive ? "< " : "<= ") + format_double(k.max);
  }
  return "| `" + k.name + "` | " + type + (range.empty() ? "" : " (" + range + ")") + " | " +
         (k.default_value.empty() ? "—" : "`" + k.default_value + "`") + " | " + (k.axis ? "yes" : "no") + " | " +
         (!k.in_id ? "no" : k.in_id_at_default ? "yes" : "unless default") + " | " + k.doc + " |\n";
}

void table(const std::vector<KeySpec>& keys) {
  std::printf("| key | type | default | axis | in id | meaning |\n|---|---|---|---|---|---|\n");
  for (const auto& k : keys) std::fputs(describe(k).c_str(), stdout);
}

}  // namespace

int cmd_keys(int argc, char** argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  if (!only.empty() && !find_model(only)) return input_error("keys", "unknown model '" + only + "'");
  if (only.empty()) {
    std::printf("### Keys of every job\n\n");
    table(job_keys());
  }
  for (const auto& m : model_registry()) {
    if (!only.empty() && m.name != only) continue;
    std::printf("\n### model = %s\n\n%s.", m.name.c_str(), m.doc.c_str());
    if (m.eta_star) std::printf(" Has a critical step size η*, so jobs may give `eta_rel`.");
    std::printf("\n\n");
    table(m.keys);
    std::printf("\nColumns: tracked every step (`NAME_final`, `NAME_tail`):");
    for (const auto& t : m.tracked) std::printf(" `%s`", t.c_str());
    std::printf("; end of run:");
    for (const auto& r : m.end_columns()) std::printf(" `%s`", r.c_str());
    std::printf(".\n");
  }
  return 0;
}

}  // namespace eos

// libFuzzer target for the job-file parser: any bytes either load as a job or give one InputError
// of one short line; what loads is consistent (see fuzz/README.md for building and running).
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "eos/config/axis.h"
#include "eos/config/job_text.h"
#include "eos/grid/grid.h"

namespace {

[[noreturn]] void broken(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "job_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

// An InputError message must be one line of bounded size.
void check_message(const std::string& msg) {
  if (msg.empty()) broken("empty error message", "");
  if (msg.find('\n') != std::string::npos || msg.find('\r') != std::string::npos) broken("message spans lines", msg);
  if (msg.size() > 2000) broken("message too long", msg.substr(0, 300));
}

// Where the scanner accepts a text, Program_options must read the same keys and values.
void check_scanner(const std::string& text) {
  std::vector<eos::JobLine> mine;
  try {
    mine = eos::scan_job_text(text, "fuzz");
  } catch (const eos::InputError& e) {
    check_message(e.what());
    return;
  }
  namespace po = boost::program_options;
  std::istringstream in(text);
  po::parsed_options parsed(nullptr);
  try {
    parsed = po::parse_config_file(in, po::options_description(), true);
  } catch (const std::exception& e) {
    broken("scanner accepted what Program_options refuses", e.what());
  }
  if (parsed.options.size() != mine.size()) broken("scanner and Program_options disagree on the line count", text);
  for (std::size_t i = 0; i < mine.size(); ++i)
    if (parsed.options[i].string_key != mine[i].key || parsed.options[i].value.at(0) != mine[i].value)
      broken("scanner and Program_options disagree", mine[i].key + " = " + mine[i].value);
}

// The axis syntax alone, on a real and an integer axis.
void check_axis(const std::string& text) {
  for (eos::KeyType type : {eos::KeyType::Real, eos::KeyType::Integer}) {
    eos::KeySpec spec;
    spec.name = "x";
    spec.type = type;
    spec.axis = true;
    double size = -1;
    try {
      size = eos::axis_size(spec, text);
    } catch (const eos::InputError& e) {
      check_message(e.what());
    }
    try {
      const auto values = eos::expand_axis(spec, text);
      if (static_cast<double>(values.size()) != size) broken("axis_size disagrees with expand_axis", text);
      // Canonical values are fixed points.
      std::string again;
      for (const auto& v : values) again += (again.empty() ? "" : ",") + v;
      if (eos::expand_axis(spec, again) != values) broken("canonical values do not read back", again);
    } catch (const eos::InputError& e) {
      check_message(e.what());
    }
  }
}

void check_job(const std::string& text) {
  eos::Job job;
  try {
    std::istringstream in(text);
    job = eos::parse_job(in, "fuzz.ini", {});
  } catch (const eos::InputError& e) {
    check_message(e.what());
    return;
  }
  const double n = job.point_count();
  if (!(n >= 1 && n <= eos::kMaxPoints)) broken("a loaded job has a bad point count", std::to_string(n));
  const eos::Point first = eos::point_at(job, 0);
  const eos::Point last = eos::point_at(job, static_cast<std::size_t>(n) - 1);
  for (const auto* p : {&first, &last})
    if (p->id.size() != 16 || p->id.find_first_not_of("0123456789abcdef") != std::string::npos) broken("bad id", p->id);
  // The resolved job, written back as a job file, loads to the same grid and ids.
  std::string canon = "model = " + job.model->name + "\n";
  for (const auto& [spec, vals] : job.values) {
    canon += spec->name + " =";
    for (std::size_t i = 0; i < vals.size(); ++i) canon += (i ? ", " : " ") + vals[i];
    canon += "\n";
  }
  eos::Job again;
  try {
    std::istringstream in(canon);
    again = eos::parse_job(in, "canonical.ini", {});
  } catch (const eos::InputError& e) {
    broken(std::string("the canonical job does not load: ") + e.what(), canon);
  }
  if (again.point_count() != n) broken("the canonical job has another size", canon);
  if (eos::point_at(again, 0).id != first.id || eos::point_at(again, static_cast<std::size_t>(n) - 1).id != last.id)
    broken("the canonical job has other ids", canon);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_scanner(text);
  check_job(text);
  // The first line as an axis value (keeps the range syntax reachable without a whole job).
  const std::string line = text.substr(0, std::min(text.find('\n'), std::size_t{4096}));
  check_axis(line);
  return 0;
}

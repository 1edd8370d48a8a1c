// Manifest records as JSON lines.
#include "eos/io/manifest.h"

#include <boost/version.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "eos/io/results_store.h"
#include "eos/numerics/blas.h"
#include "eos/numerics/simd.h"
#include "eos/util/version.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

std::string json(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

// A JSON string at s[i] (the opening quote) into out; i moves past it. False when malformed.
bool read_string(const std::string& s, std::size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '"') return false;
  out.clear();
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') return ++i, true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) return false;
    if (s[i] == 'u') {  // the writer escapes control characters only
      if (i + 4 >= s.size()) return false;
      out += static_cast<char>(std::stoi(s.substr(i + 1, 4), nullptr, 16));
      i += 4;
    } else {
      out += s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
    }
  }
  return false;
}

void skip_space(const std::string& s, std::size_t& i) {
  while (i < s.size() && s[i] == ' ') ++i;
}

// The flat object of strings after "job": in one manifest line; nullopt when there is none.
std::optional<std::map<std::string, std::string>> job_of_line(const std::string& line) {
  const std::string tag = "\"job\": {";
  std::size_t i = line.find(tag);
  if (i == std::string::npos) return std::nullopt;
  i += tag.size();
  std::map<std::string, std::string> job;
  std::string k, v;
  for (skip_space(line, i); i < line.size() && line[i] != '}'; skip_space(line, i)) {
    if (!read_string(line, i, k)) return std::nullopt;
    skip_space(line, i);
    if (i >= line.size() || line[i++] != ':') return std::nullopt;
    skip_space(line, i);
    if (!read_string(line, i, v)) return std::nullopt;
    job[k] = v;
    skip_space(line, i);
    if (i < line.size() && line[i] == ',') ++i;
  }
  return job;
}

}  // namespace

std::map<std::string, std::string> last_job(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::map<std::string, std::string> job;
  std::string line;
  while (std::getline(in, line))
    if (auto j = job_of_line(line)) job = std::move(*j);
  return job;
}

std::map<std::string, std::string> results_job(const std::vector<std::string>& inputs) {
  std::error_code ec;
  for (const auto& in : inputs) {
    const fs::path dir = fs::is_directory(in, ec) ? fs::path(in) : fs::path(in).parent_path();
    auto job = last_job(ResultsStore(dir.string()).manifest());
    if (!job.empty()) return job;
  }
  return {};
}

std::map<std::string, std::string> resolved_job(const Job& job) {
  std::map<std::string, std::string> m;
  m["model"] = job.model->name;
  for (const auto& [spec, vals] : job.values) {
    std::string s;
    for (const auto& v : vals) s += (s.empty() ? "" : ", ") + v;
    m[spec->name] = s;
  }
  return m;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string manifest_line(const RunRecord& r) {
  std::string o = "{";
  auto kv = [&o](const std::string& k, const std::string& v, bool quote = true) {
    if (o.size() > 1) o += ", ";
    o += json(k) + ": " + (quote ? json(v) : v);
  };
  kv("run_id", r.run_id);
  kv("event", r.event);
  kv("time", r.time);
  kv("status", r.status);
  kv("eos_sweep_version", version());
  kv("git_commit", git_commit());
  kv("compiler", EOS_CXX_COMPILER);
  kv("boost", EOS_BOOST_VERSION);
  kv("eigen", EOS_EIGEN_VERSION);
  kv("simd", simd_name(simd_path()));  // this rank's vector path (numerics/simd.h)
  kv("matmul", matmul_backend());       // and what its products run on (numerics/blas.h)
  kv("mpi_library", r.mpi_library);
  kv("ranks", std::to_string(r.ranks), false);
  std::string hosts = "[";
  for (std::size_t i = 0; i < r.hosts.size(); ++i) hosts += (i ? ", " : "") + json(r.hosts[i]);
  kv("hosts", hosts + "]", false);
  kv("command", r.command);
  kv("points_total", std::to_string(r.points_total), false);
  kv("points_skipped", std::to_string(r.points_skipped), false);
  kv("points_done", std::to_string(r.points_done), false);
  std::string job = "{";
  for (const auto& [k, v] : r.job) job += (job.size() > 1 ? ", " : "") + json(k) + ": " + json(v);
  kv("job", job + "}", false);
  return o + "}\n";
}

void append_manifest(const std::string& path, const RunRecord& r) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << manifest_line(r);
  out.flush();
  if (!out) throw std::runtime_error(path + ": cannot write manifest");
}

}  // namespace eos

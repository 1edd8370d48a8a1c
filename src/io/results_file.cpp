// Results rows: formatting, crash-safe appending, and tolerant reading.
#include "eos/io/results_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eos/util/csv.h"
#include "eos/util/files.h"
#include "eos/util/number.h"

namespace eos {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<std::string> result_header(const ModelInfo& model) {
  std::vector<std::string> h = {"id", "model"};
  for (const auto& k : model.keys) h.push_back(k.name);
  for (const char* c : {"eta", "eta_rel", "eta_star", "steps"}) h.push_back(c);
  for (const auto& c : runner_columns()) h.push_back(c);
  for (const auto& t : model.tracked) {
    h.push_back(t + "_final");
    h.push_back(t + "_tail");
  }
  for (const auto& r : model.reports) h.push_back(r);
  h.push_back("wall_s");
  h.push_back("message");
  return h;
}

std::vector<std::string> result_row(const ModelInfo& model, const Point& point, const RunResult* result,
                                    double wall_s, const std::string& message) {
  const auto header = result_header(model);
  std::vector<std::string> row = {point.id, model.name};
  for (const auto& k : model.keys) row.push_back(point.params.has(k.name) ? point.params.text(k.name) : "");
  const double eta = point.params.real("eta");
  const double star = model.eta_star ? model.eta_star(point.params) : std::nan("");
  row.push_back(point.params.text("eta"));
  row.push_back(point.params.has("eta_rel") ? point.params.text("eta_rel") : model.eta_star ? format_double(eta / star) : "");
  row.push_back(model.eta_star ? format_double(star) : "");
  row.push_back(point.params.text("steps"));
  if (result) {
    for (const auto& [k, v] : result->columns) row.push_back(v);
  } else {
    row.push_back("error");
    row.resize(header.size() - 2);
  }
  row.push_back(format_double(std::round(wall_s * 1e6) / 1e6));
  row.push_back(message);
  if (row.size() != header.size()) throw std::logic_error("result row has " + std::to_string(row.size()) + " fields, header " + std::to_string(header.size()));
  return row;
}

int ResultsTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

ResultsTable read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read results file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ResultsTable t;
  t.path = path;
  std::size_t pos = 0, lineno = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    ++lineno;
    if (nl == std::string::npos) {
      t.warnings.push_back(path + ":" + std::to_string(lineno) + ": skipped a truncated last row (no end of line)");
      break;
    }
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    auto fields = csv_split(line);
    if (t.header.empty()) {
      if (!fields || fields->empty() || (*fields)[0] != "id") throw InputError(path + ": not an eos-sweep results file (no header)");
      t.header = *fields;
      continue;
    }
    if (!fields || fields->size() != t.header.size()) {
      t.warnings.push_back(path + ":" + std::to_string(lineno) + ": skipped a damaged row");
      continue;
    }
    t.rows.push_back(std::move(*fields));
  }
  if (t.header.empty()) throw InputError(path + ": empty results file (no header)");
  return t;
}

ResultsWriter::ResultsWriter(const std::string& path, const std::vector<std::string>& header, bool drop_errors)
    : path_(path) {
  const std::string head = csv_line(header);
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw InputError(path + ": exists and is not a regular file");
  std::ifstream probe(path, std::ios::binary);
  if (probe) {
    std::string text((std::istreambuf_iterator<char>(probe)), std::istreambuf_iterator<char>());
    probe.close();
    // A header cut short by a crash or a full disk counts as an empty file.
    const bool partial_header = text.size() < head.size() && head.compare(0, text.size(), text) == 0;
    if (partial_header && ::truncate(path.c_str(), 0) != 0) throw InputError(sys_error("truncate", path));
    if (!text.empty() && !partial_header) {
      if (text.compare(0, head.size(), head) != 0)
        throw InputError(path + ": holds results of a different model or with different columns; use another --out folder");
      // Keep whole, well-formed rows only; note which ids are done.
      std::string kept = head;
      std::size_t pos = head.size();
      int regime_col = -1;
      for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == "regime") regime_col = static_cast<int>(i);
      bool rewrite = false;
      while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {
          rewrite = true;  // a row cut short
          break;
        }
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        auto fields = csv_split(line);
        if (!fields || fields->size() != header.size() || done_.count((*fields)[0])) {
          rewrite = true;
          continue;
        }
        const bool is_error = regime_col >= 0 && (*fields)[regime_col] == "error";
        if (is_error && drop_errors) {
          rewrite = true;
          continue;
        }
        errors_ += is_error;
        done_.insert((*fields)[0]);
        kept += line + '\n';
      }
      if (rewrite) {
        // Replace the file atomically by its good rows.
        const std::string tmp = path + ".tmp";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) throw InputError(sys_error("write", tmp));
        if (::write(fd, kept.data(), kept.size()) != static_cast<ssize_t>(kept.size()) || ::fsync(fd) != 0) {
          ::close(fd);
          ::unlink(tmp.c_str());
          throw InputError(sys_error("write", tmp));
        }
        ::close(fd);
        if (::rename(tmp.c_str(), path.c_str()) != 0) throw InputError(sys_error("replace", path));
      }
    }
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw InputError(sys_error("write", path));
  if (::lseek(fd_, 0, SEEK_END) == 0) append(head);
  sync();
}

ResultsWriter::~ResultsWriter() {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
  }
}

void ResultsWriter::append(const std::string& line) {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t w = ::write(fd_, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(sys_error("write", path_));
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  if (now_s() - last_sync_ > 1.0) sync();
}

void ResultsWriter::sync() {
  ::fsync(fd_);
  last_sync_ = now_s();
}

}  // namespace eos

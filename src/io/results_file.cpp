// Results files: resuming and crash-safe appending, and tolerant reading.
#include "eos/io/results_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/hash.h"
#include "eos/util/files.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int ResultsTable::column(const std::string& name) const { return index_of(header, name); }

ResultsReader::ResultsReader(const std::string& path, std::uint64_t limit) : path_(path), limit_(limit) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError(path + ": cannot read results file");
  buf_.resize(1u << 20);
  std::string_view line;
  bool complete = false;
  if (!next_line(line, complete)) throw InputError(path + ": empty results file (no header)");
  lineno_ = 1;
  std::vector<std::string_view> head;
  if (!complete || !csv_split_views(line, head, scratch_) || head.empty() || head[0] != "id")
    throw InputError(path + ": not an eos-sweep results file (no header)");
  header_.assign(head.begin(), head.end());
}

ResultsReader::~ResultsReader() {
  if (fd_ >= 0) ::close(fd_);
}

int ResultsReader::column(const std::string& name) const { return index_of(header_, name); }

std::pair<std::uint64_t, std::uint64_t> ResultsReader::identity() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return {0, 0};
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

// The next line without its '\n' (complete), or the bytes after the last '\n' (not complete);
// false when nothing is left.
bool ResultsReader::next_line(std::string_view& line, bool& complete) {
  for (std::size_t scanned = pos_;;) {
    if (const void* nl = std::memchr(buf_.data() + scanned, '\n', len_ - scanned)) {
      const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data());
      line = std::string_view(buf_.data() + pos_, at - pos_);
      row_offset_ = buf_offset_ + pos_;
      pos_ = at + 1;
      complete = true;
      return true;
    }
    scanned = len_;
    if (at_end_) {
      if (pos_ == len_) return false;
      line = std::string_view(buf_.data() + pos_, len_ - pos_);
      row_offset_ = buf_offset_ + pos_;
      pos_ = len_;
      complete = false;
      return true;
    }
    // Keep the start of the line, make room, read on.
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
      buf_offset_ += pos_;
      len_ -= pos_;
      scanned -= pos_;
      pos_ = 0;
    }
    if (len_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
    const std::uint64_t at_file = buf_offset_ + len_;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size() - len_, limit_ > at_file ? limit_ - at_file : 0));
    ssize_t got = 0;
    do {
      got = want == 0 ? 0 : ::read(fd_, buf_.data() + len_, want);
    } while (got < 0 && errno == EINTR);
    if (got < 0) throw InputError(sys_error("read", path_));
    if (got == 0) at_end_ = true;
    len_ += static_cast<std::size_t>(got);
  }
}

bool ResultsReader::next(std::vector<std::string_view>& fields) {
  std::string_view line;
  bool complete = false;
  while (!done_ && next_line(line, complete)) {
    ++lineno_;
    if (!complete) {  // no end of line
      warnings_.push_back(path_ + ":" + std::to_string(lineno_) + ": skipped a truncated last row (no end of line)");
      done_ = true;
      return false;
    }
    if (!csv_split_views(line, fields, scratch_) || fields.size() != header_.size()) {
      warnings_.push_back(path_ + ":" + std::to_string(lineno_) + ": skipped a damaged row");
      continue;
    }
    return true;
  }
  return false;
}

bool ResultsReader::next(std::vector<std::string>& fields) {
  if (!next(views_)) return false;
  fields.assign(views_.begin(), views_.end());
  return true;
}

RowFetcher::~RowFetcher() {
  for (const auto& [path, fd] : open_) ::close(fd);
}

bool RowFetcher::fetch(const std::string& path, std::uint64_t offset, std::size_t columns,
                       std::vector<std::string>& fields) {
  constexpr std::size_t kOpen = 16;
  auto it = std::find_if(open_.begin(), open_.end(), [&](const auto& e) { return e.first == path; });
  if (it == open_.end()) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path + ": cannot read results file");
    if (open_.size() == kOpen) {
      ::close(open_.front().second);
      open_.erase(open_.begin());
    }
    open_.emplace_back(path, fd);
  } else {
    std::rotate(it, it + 1, open_.end());
  }
  const int fd = open_.back().second;
  std::string line;
  char chunk[4096];
  for (;;) {
    const ssize_t got = ::pread(fd, chunk, sizeof chunk, static_cast<off_t>(offset + line.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    const void* nl = std::memchr(chunk, '\n', static_cast<std::size_t>(got));
    line.append(chunk, nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - chunk) : static_cast<std::size_t>(got));
    if (nl) break;
  }
  auto f = csv_split(line);
  if (!f || f->size() != columns) return false;
  fields = std::move(*f);
  return true;
}

std::vector<std::string> existing_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || in.eof()) return {};
  auto h = csv_split(line);
  return h && !h->empty() && (*h)[0] == "id" ? *h : std::vector<std::string>{};
}

ResultsTable read_results(const std::string& path) {
  ResultsReader reader(path);
  ResultsTable t;
  t.path = path;
  t.header = reader.header();
  std::vector<std::string> fields;
  while (reader.next(fields)) t.rows.push_back(fields);
  t.warnings = reader.warnings();
  return t;
}

struct ResultsFile::Scan {
  std::uintmax_t good_end = 0;  // the byte after the last complete line
  bool truncated = false;       // a last line without its end
  bool rewrite = false;         // damaged, repeated or dropped rows before the end
};

namespace {

// Whether a complete line is a good row of columns fields (its id into id), and an error row.
// The line is split into views in buffers kept per thread (no string per field: a resume reads
// millions of rows).
bool good_row(const std::string& line, std::size_t columns, int regime_col, std::uint64_t& id, bool& is_error) {
  thread_local std::vector<std::string_view> fields;
  thread_local std::string scratch;
  if (!csv_split_views(line, fields, scratch) || fields.size() != columns || !parse_hex_id(fields[0], id))
    return false;
  is_error = regime_col >= 0 && fields[static_cast<std::size_t>(regime_col)] == "error";
  return true;
}

// Why a file's header is not the one expected: its first column that differs.
std::string header_mismatch(const std::string& path, const std::vector<std::string>& header) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);
  const auto got = csv_split(line).value_or(std::vector<std::string>{});
  if (got.empty() || got[0] != "id") return "is not an eos-sweep results file";
  std::size_t k = 0;
  while (k < got.size() && k < header.size() && got[k] == header[k]) ++k;
  return "holds results of a different model or with other columns (column " + std::to_string(k + 1) +
         ": the file has " + (k < got.size() ? got[k] : "none") + ", this job writes " +
         (k < header.size() ? header[k] : "none") + (k < header.size() && header[k] == "refine_depth"
                                                        ? ": the file is of a sweep without refine)"
                                                        : ")");
}

}  // namespace

ResultsFile::Scan ResultsFile::scan(const Layout& l, bool drop_errors) {
  Scan sc;
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw InputError(sys_error("read", path_));
  in.seekg(static_cast<std::streamoff>(l.head.size()));
  sc.good_end = l.head.size();
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) {  // no end of line: a row cut short
      sc.truncated = true;
      break;
    }
    sc.good_end += line.size() + 1;
    std::uint64_t id = 0;
    bool is_error = false;
    if (!good_row(line, l.columns, l.regime_col, id, is_error) || (is_error && drop_errors)) {
      sc.rewrite = true;
      continue;
    }
    errors_ += is_error;
    done_.add(id);
  }
  if (in.bad()) throw InputError(sys_error("read", path_));
  if (done_.sorted() > 0) sc.rewrite = true;  // an id twice: keep the first
  return sc;
}

namespace {

// A good row of the file's layout as a row of another: field k is the row's field map[k], or
// fill[k] where map[k] < 0.
std::string mapped_row(const std::string& line, const std::vector<int>& map, const std::vector<std::string>& fill) {
  thread_local std::vector<std::string_view> fields;
  thread_local std::string scratch;
  csv_split_views(line, fields, scratch);
  std::vector<std::string> out(map.size());
  for (std::size_t k = 0; k < map.size(); ++k)
    out[k] = map[k] < 0 ? fill[k] : std::string(fields[static_cast<std::size_t>(map[k])]);
  return csv_line(out);
}

}  // namespace

void ResultsFile::rewrite(const Layout& from, const Layout& to, bool drop_errors, const std::vector<int>& map,
                          const std::vector<std::string>& fill) {
  std::ifstream in(path_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from.head.size()));
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw InputError(sys_error("write", tmp));
  std::string out = to.head;
  std::unordered_set<std::uint64_t> seen;
  done_ = DoneIds();
  errors_ = 0;
  std::string line;
  auto flush = [&](bool last) {
    if (out.size() < (last ? 1 : 1u << 20)) return true;
    const bool ok = ::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size());
    out.clear();
    return ok;
  };
  bool ok = true;
  while (ok && std::getline(in, line) && !in.eof()) {
    std::uint64_t id = 0;
    bool is_error = false;
    if (!good_row(line, from.columns, from.regime_col, id, is_error) || (is_error && drop_errors) ||
        !seen.insert(id).second)
      continue;
    errors_ += is_error;
    done_.add(id);
    if (map.empty()) {
      out += line;
      out += '\n';
    } else {
      out += mapped_row(line, map, fill);
    }
    ok = flush(false);
  }
  ok = ok && flush(true) && ::fsync(fd) == 0;
  if (!ok) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw InputError(sys_error("write", tmp));
  }
  ::close(fd);
  done_.sorted();
  if (::rename(tmp.c_str(), path_.c_str()) != 0) throw InputError(sys_error("replace", path_));
}

namespace {

// The first line of a file with its end of line ("" when it has none).
std::string first_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || in.eof()) return "";
  return line + '\n';
}

// Is old the header of an older results file of the same rows as header: its columns, fewer, all
// among header's and in the same order?
bool older_header(const std::vector<std::string>& old, const std::vector<std::string>& header) {
  if (old.empty() || old.size() >= header.size() || old[0] != "id") return false;
  std::size_t k = 0;
  for (const auto& c : header)
    if (k < old.size() && old[k] == c) ++k;
  return k == old.size();
}

}  // namespace

ResultsFile::ResultsFile(const std::string& path, const std::vector<std::string>& header, bool drop_errors,
                         const OldValue& old_value)
    : path_(path), header_(header), old_value_(old_value) {
  const Layout mine = layout(header);
  const std::string& head = mine.head;
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) throw InputError(path + ": exists and is not a regular file");
  const std::uintmax_t size = fs::exists(path, ec) ? fs::file_size(path, ec) : 0;
  std::string start(std::min<std::uintmax_t>(size, head.size()), '\0');
  if (size > 0) {
    std::ifstream probe(path, std::ios::binary);
    probe.read(start.data(), static_cast<std::streamsize>(start.size()));
    if (!probe) throw InputError(sys_error("read", path));
  }
  // A header cut short by a crash or a full disk counts as an empty file.
  const bool partial_header = size < head.size() && head.compare(0, start.size(), start) == 0;
  if (partial_header && size > 0 && ::truncate(path.c_str(), 0) != 0) throw InputError(sys_error("truncate", path));
  if (!partial_header) {
    Layout theirs = mine;
    if (start != head) {
      const std::string line = first_line(path);
      const auto old = line.empty() ? std::vector<std::string>{} : csv_split(line.substr(0, line.size() - 1)).value_or(
                                                                          std::vector<std::string>{});
      if (!older_header(old, header))
        throw InputError(path + ": " + header_mismatch(path, header) + "; use another --out folder");
      old_header_ = old;
      theirs = layout(old);
    }
    const Scan sc = scan(theirs, drop_errors);
    if (sc.rewrite) {
      rewrite(theirs, theirs, drop_errors);
    } else if (sc.truncated && ::truncate(path.c_str(), static_cast<off_t>(sc.good_end)) != 0) {
      throw InputError(sys_error("truncate", path));
    }
  }
  if (!old_header_.empty()) widen();
  open_for_append();
  if (::lseek(fd_, 0, SEEK_END) == 0) append(head);
  sync();
}

ResultsFile::Layout ResultsFile::layout(const std::vector<std::string>& header) {
  Layout l{csv_line(header), header.size(), -1};
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == "regime") l.regime_col = static_cast<int>(i);
  return l;
}

void ResultsFile::open_for_append() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw InputError(sys_error("write", path_));
}

void ResultsFile::widen() {
  std::vector<int> map;
  std::vector<std::string> fill;
  for (const auto& c : header_) {
    const auto at = std::find(old_header_.begin(), old_header_.end(), c);
    map.push_back(at == old_header_.end() ? -1 : static_cast<int>(at - old_header_.begin()));
    fill.push_back(at == old_header_.end() && old_value_ ? old_value_(c) : "");
  }
  rewrite(layout(old_header_), layout(header_), false, map, fill);
  old_header_.clear();
}

ResultsFile::~ResultsFile() {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
  }
}

void ResultsFile::append(const std::string& line) {
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

void ResultsFile::sync() {
  ::fsync(fd_);
  last_sync_ = now_s();
}

}  // namespace eos

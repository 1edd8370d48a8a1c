// Repeated ids by sorted runs: in memory while they fit a chunk, spilled to temporary files, merged.
#include "eos/grid/id_census.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <queue>
#include <stdexcept>

#include "eos/util/files.h"

namespace eos {
namespace {

// A sorted run read back one id at a time: from memory or, in blocks, from a file.
class RunReader {
 public:
  explicit RunReader(const std::vector<std::uint64_t>& ids) : ids_(&ids) {}
  explicit RunReader(const std::string& path) : file_(std::make_unique<std::ifstream>(path, std::ios::binary)) {
    if (!*file_) throw std::runtime_error(sys_error("read", path));
  }
  bool next(std::uint64_t& v) {
    if (ids_) {
      if (pos_ >= ids_->size()) return false;
      v = (*ids_)[pos_++];
      return true;
    }
    if (pos_ == block_.size()) refill();
    if (pos_ == block_.size()) return false;
    v = block_[pos_++];
    return true;
  }

 private:
  void refill() {
    block_.resize(1 << 16);
    file_->read(reinterpret_cast<char*>(block_.data()), static_cast<std::streamsize>(block_.size() * sizeof(std::uint64_t)));
    block_.resize(static_cast<std::size_t>(file_->gcount()) / sizeof(std::uint64_t));
    pos_ = 0;
  }
  const std::vector<std::uint64_t>* ids_ = nullptr;
  std::unique_ptr<std::ifstream> file_;
  std::vector<std::uint64_t> block_;
  std::size_t pos_ = 0;
};

// A temporary file for one run, in TMPDIR (or /tmp).
std::string temporary_path() {
  std::string path = (std::filesystem::temp_directory_path() / "eos-sweep-ids-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) throw std::runtime_error(sys_error("create a temporary file", path));
  ::close(fd);
  return path;
}

}  // namespace

IdCensus::IdCensus(std::size_t chunk) : chunk_(std::max<std::size_t>(1, chunk)) {}

IdCensus::~IdCensus() {
  for (const auto& f : files_) std::remove(f.c_str());
}

void IdCensus::Part::add(std::uint64_t id) {
  if (buffer_.empty()) buffer_.reserve(census_.chunk_);  // no doubling past the chunk
  buffer_.push_back(id);
  if (buffer_.size() < census_.chunk_) return;
  std::sort(buffer_.begin(), buffer_.end());
  census_.spill(buffer_);
  buffer_.clear();
}

void IdCensus::spill(std::vector<std::uint64_t>& sorted) {
  const std::string path = temporary_path();
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_.push_back(path);  // listed first, so that it is removed whatever happens next
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(sorted.data()), static_cast<std::streamsize>(sorted.size() * sizeof(std::uint64_t)));
  out.flush();
  if (!out) throw std::runtime_error(sys_error("write", path));
}

void IdCensus::close(Part& part) {
  std::sort(part.buffer_.begin(), part.buffer_.end());
  std::lock_guard<std::mutex> lock(mu_);
  memory_.push_back(std::move(part.buffer_));
  part.buffer_.clear();
}

std::vector<std::uint64_t> IdCensus::repeated() {
  std::vector<RunReader> runs;
  for (const auto& m : memory_) runs.emplace_back(m);
  for (const auto& f : files_) runs.emplace_back(f);
  // k-way merge: the smallest head first; equal neighbours in the merged order are repeats.
  using Head = std::pair<std::uint64_t, std::size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  for (std::size_t r = 0; r < runs.size(); ++r)
    if (std::uint64_t v = 0; runs[r].next(v)) heads.push({v, r});
  std::vector<std::uint64_t> out;
  bool have_last = false;
  std::uint64_t last = 0;
  while (!heads.empty()) {
    const auto [v, r] = heads.top();
    heads.pop();
    if (have_last && v == last && (out.empty() || out.back() != v)) out.push_back(v);
    last = v;
    have_last = true;
    if (std::uint64_t w = 0; runs[r].next(w)) heads.push({w, r});
  }
  return out;
}

}  // namespace eos

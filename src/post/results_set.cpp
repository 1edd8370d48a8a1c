// Result sets: finding results files and merging them, each id once, on the fly or whole.
#include "eos/post/results_set.h"

#include <algorithm>
#include <bit>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "eos/io/results_file.h"
#include "eos/io/results_store.h"
#include "eos/io/schema.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/hash.h"
#include "eos/util/text.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr std::size_t kMaxDifferWarnings = 5;

// The files without repeats (a folder and one of its files name it twice).
std::vector<std::string> unique_files(const std::vector<std::string>& files) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : files) {
    std::error_code ec;
    const std::string canon = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : canon).second) unique.push_back(f);
  }
  return unique;
}

[[noreturn]] void different_models(const ResultsHead& head, const std::string& path, std::string_view other) {
  throw InputError("results of different models: " + head.files[0] + " holds " + head.model + ", " + path + " holds " +
                   std::string(other));
}

// Where an id's kept row is, in 64 bits: the file (19 bits), the offset of its line (44 bits: 16
// TiB), whether it is an error row (the low bit).
constexpr int kOffsetBits = 44;
std::uint64_t pack(std::size_t file, std::uint64_t offset, bool error) {
  if (file >= (1u << 19) || offset >> kOffsetBits) throw InputError("too many or too large results files to merge");
  return (static_cast<std::uint64_t>(file) << (kOffsetBits + 1)) | (offset << 1) | (error ? 1 : 0);
}
std::size_t file_of(std::uint64_t loc) { return static_cast<std::size_t>(loc >> (kOffsetBits + 1)); }
std::uint64_t offset_of(std::uint64_t loc) { return (loc >> 1) & ((std::uint64_t{1} << kOffsetBits) - 1); }
bool error_at(std::uint64_t loc) { return loc & 1; }

// A hash map from 64-bit keys to 64-bit values, open addressing in 16 bytes a slot (key 0 marks
// an empty slot and is kept aside), at most half full.
class IdMap {
 public:
  std::uint64_t* find_or_add(std::uint64_t key, std::uint64_t value, bool& added) {
    added = false;
    if (key == 0) {
      if (!has_zero_) zero_ = value, has_zero_ = added = true;
      return &zero_;
    }
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (std::size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) {
        slots_[i] = {key, value};
        ++size_;
        added = true;
        return &slots_[i].value;
      }
    }
  }
  const std::uint64_t* find(std::uint64_t key) const {
    if (key == 0) return has_zero_ ? &zero_ : nullptr;
    if (slots_.empty()) return nullptr;
    for (std::size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0, value = 0;
  };
  std::size_t slot(std::uint64_t key) const { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_); }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(1024, 2 * slots_.size()));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      std::size_t i = slot(s.key);
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0, mask_ = 0;
  int shift_ = 64;
  bool has_zero_ = false;
  std::uint64_t zero_ = 0;
};

// The header of one more file: the first sets it (and the model, from the first row of the first
// file with rows); the others must repeat it.
void check_header(ResultsHead& head, ResultsReader& r, const std::string& path) {
  const auto& h = r.header();
  if (h.size() < 3 || h[1] != "model" || r.column("regime") < 0)
    throw InputError(path + ": not an eos-sweep results file (no model and regime columns)");
  std::vector<std::string_view> first;
  const bool rows = r.next(first);
  if (head.header.empty()) head.header = h;
  if (h != head.header) {
    if (!head.model.empty() && rows && first[1] != head.model) different_models(head, path, first[1]);
    throw InputError(path + ": different columns from " + head.files[0] +
                     " (another model, or another eos-sweep version)");
  }
  if (head.model.empty() && rows) head.model = first[1];
}

}  // namespace

// Every id's kept row; and, for an id whose error row gave way to a finished row, where the
// error row stood (the replacing row's place in the merged order).
struct MergedResults::Ids {
  IdMap hex;                                            // ids of 16 hex digits, as every sweep writes
  std::unordered_map<std::string, std::uint64_t> text;  // any other id
  std::unordered_map<std::string, std::uint64_t> first;

  std::uint64_t* find_or_add(std::string_view id, std::uint64_t loc, bool& added) {
    std::uint64_t h = 0;
    if (parse_hex_id(id, h)) return hex.find_or_add(h, loc, added);
    const auto [it, fresh] = text.emplace(std::string(id), loc);
    added = fresh;
    return &it->second;
  }
  std::uint64_t find(std::string_view id) const {
    std::uint64_t h = 0;
    const std::uint64_t* loc = nullptr;
    if (parse_hex_id(id, h)) {
      loc = hex.find(h);
    } else if (const auto it = text.find(std::string(id)); it != text.end()) {
      loc = &it->second;
    }
    if (!loc) throw std::runtime_error("the results files changed while being read; run again");
    return *loc;
  }
};

std::vector<std::string> find_results_files(const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw InputError("no results file or folder given");
  return unique_files(input_files(inputs, ResultsStore::is_results_name, "no results*.csv file in this folder"));
}

int ResultsHead::column(const std::string& name) const { return index_of(header, name); }

std::vector<std::string> ResultsHead::parameters() const { return parameter_columns(header); }

std::vector<std::string> ResultsHead::model_keys() const { return model_key_columns(header); }

bool ResultSet::is_error(const std::vector<std::string>& row) const {
  const int r = column("regime");
  return r >= 0 && row[static_cast<std::size_t>(r)] == "error";
}

void SetRows::scan(RowSink& sink) {
  std::vector<std::string_view> views;
  for (const auto& row : set_.rows) {
    views.assign(row.begin(), row.end());
    sink.add(views);
  }
}

void SetRows::replay(const std::function<void(RowView)>& each) {
  std::vector<std::string_view> views;
  for (const auto& row : set_.rows) {
    views.assign(row.begin(), row.end());
    each(views);
  }
}

MergedResults::MergedResults(const std::vector<std::string>& files) {
  for (const auto& path : files) {
    ResultsReader r(path);
    head_.files.push_back(path);
    check_header(head_, r, path);
  }
}

MergedResults::~MergedResults() = default;

// What scan() needs for a row whose id came before: the kept row read back, how many ids differed,
// and the warnings of the file being read.
struct MergedResults::Repeats {
  RowFetcher fetcher;
  std::vector<std::string> kept;
  std::vector<std::string_view> kept_views;
  int wall = -1;
  std::size_t differing = 0;
  std::vector<std::string> warnings;
};

void MergedResults::scan(RowSink& sink) {
  ids_ = std::make_unique<Ids>();
  rows_ = duplicates_ = 0;
  warnings_.clear();
  read_to_.assign(head_.files.size(), 0);
  identity_.assign(head_.files.size(), {});
  rows_in_.assign(head_.files.size(), 0);
  const std::size_t regime = static_cast<std::size_t>(head_.column("regime"));
  Repeats rep;
  rep.wall = head_.column("wall_s");
  std::vector<std::string_view> row;
  for (std::size_t fi = 0; fi < head_.files.size(); ++fi) {
    const std::string& path = head_.files[fi];
    ResultsReader r(path);
    if (r.header() != head_.header) throw std::runtime_error(path + ": changed while being read; run again");
    identity_[fi] = r.identity();
    rep.warnings.clear();
    while (r.next(row)) {
      ++rows_in_[fi];
      if (row[1] != head_.model) different_models(head_, path, row[1]);
      const std::uint64_t here = pack(fi, r.offset(), row[regime] == "error");
      bool added = false;
      std::uint64_t* loc = ids_->find_or_add(row[0], here, added);
      if (added) ++rows_, sink.add(row);
      else repeated(sink, rep, *loc, here, row);
    }
    read_to_[fi] = r.read_to();
    warnings_.insert(warnings_.end(), r.warnings().begin(), r.warnings().end());
    warnings_.insert(warnings_.end(), rep.warnings.begin(), rep.warnings.end());
  }
  if (rep.differing > kMaxDifferWarnings)
    warnings_.push_back(std::to_string(rep.differing - kMaxDifferWarnings) + " more ids appear twice with different values");
}

// A row (at here) whose id's kept row is at loc: a finished row takes an error row's place;
// otherwise the first stays, and a finished row that differs in more than wall_s is warned about.
void MergedResults::repeated(RowSink& sink, Repeats& rep, std::uint64_t& loc, std::uint64_t here, RowView row) {
  ++duplicates_;
  const std::string& kept_path = head_.files[file_of(loc)];
  if (!rep.fetcher.fetch(kept_path, offset_of(loc), head_.header.size(), rep.kept))
    throw std::runtime_error(kept_path + ": changed while being read; run again");
  rep.kept_views.assign(rep.kept.begin(), rep.kept.end());
  if (error_at(loc) && !error_at(here)) {
    ids_->first.emplace(std::string(row[0]), loc);
    sink.replace(rep.kept_views, row);
    loc = here;
    return;
  }
  if (error_at(here)) return;
  bool differ = false;
  for (std::size_t i = 0; i < row.size() && !differ; ++i) differ = static_cast<int>(i) != rep.wall && row[i] != rep.kept[i];
  if (differ && ++rep.differing <= kMaxDifferWarnings)
    rep.warnings.push_back("id " + rep.kept[0] + " appears in " + kept_path + " and " + head_.files[file_of(here)] +
                           " with different values; kept the first");
}

void MergedResults::replay(const std::function<void(RowView)>& each) {
  if (!ids_) throw std::logic_error("MergedResults::replay before scan");
  RowFetcher fetcher;
  std::vector<std::string_view> row, kept_views;
  std::vector<std::string> kept;
  for (std::size_t fi = 0; fi < head_.files.size(); ++fi) {
    const std::string& path = head_.files[fi];
    const std::string changed = path + ": changed while being read; run again";
    ResultsReader r(path, read_to_[fi]);
    if (r.identity() != identity_[fi]) throw std::runtime_error(changed);
    std::size_t n = 0;
    while (r.next(row)) {
      if (++n > rows_in_[fi]) throw std::runtime_error(changed);
      if (duplicates_ == 0) {
        each(row);
        continue;
      }
      const std::uint64_t loc = ids_->find(row[0]), here = pack(fi, r.offset(), false) >> 1;
      const auto first = ids_->first.empty() ? ids_->first.end() : ids_->first.find(std::string(row[0]));
      if (first == ids_->first.end()) {
        if (loc >> 1 == here) each(row);  // the id's one kept row; else a repeat
      } else if (first->second >> 1 == here) {  // an error row that gave way: its replacement here
        if (!fetcher.fetch(head_.files[file_of(loc)], offset_of(loc), head_.header.size(), kept))
          throw std::runtime_error(changed);
        kept_views.assign(kept.begin(), kept.end());
        each(kept_views);
      }
    }
    if (n != rows_in_[fi]) throw std::runtime_error(changed);
  }
}

ResultSet load_results(const std::vector<std::string>& files) {
  MergedResults merged(files);
  // The rows kept, an error row replaced in its place (found by id: only error rows give way).
  struct Keep : RowSink {
    ResultSet set;
    std::size_t regime = 0;
    std::unordered_map<std::string, std::size_t> errors;
    void add(RowView row) override {
      if (row[regime] == "error") errors.emplace(std::string(row[0]), set.rows.size());
      set.rows.emplace_back(row.begin(), row.end());
    }
    void replace(RowView old, RowView row) override {
      const auto it = errors.find(std::string(old[0]));
      set.rows[it->second].assign(row.begin(), row.end());
      errors.erase(it);
    }
  } keep;
  static_cast<ResultsHead&>(keep.set) = merged.head();
  keep.regime = static_cast<std::size_t>(keep.set.column("regime"));
  merged.scan(keep);
  keep.set.duplicates = merged.duplicates();
  keep.set.warnings = merged.warnings();
  return std::move(keep.set);
}

}  // namespace eos

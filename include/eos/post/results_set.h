// The results files of a sweep read together: found from files and folders, merged so that each
// id counts once, checked to hold one model with one set of columns. Merged on the fly (a pass
// over the files keeps 16 bytes per id, not the rows) or read whole into a ResultSet.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eos {

// The results files that inputs name: a file as given, a folder by every results*.csv in it
// (SLURM shards write results.shard-I-of-N.csv), sorted. Throws InputError.
std::vector<std::string> find_results_files(const std::vector<std::string>& inputs);

// What results files are of: their model and their columns.
struct ResultsHead {
  std::string model;                 // of the first row
  std::vector<std::string> files;
  std::vector<std::string> header;

  int column(const std::string& name) const;
  // The parameter columns: the model's keys, then eta, eta_rel, eta_star, steps (the columns
  // between "model" and the runner's).
  std::vector<std::string> parameters() const;
  // The model's own keys (the parameters before "eta").
  std::vector<std::string> model_keys() const;
};

// The rows of one or more results files of one model, each id once.
struct ResultSet : ResultsHead {
  std::vector<std::vector<std::string>> rows;  // error rows included
  std::size_t duplicates = 0;                  // rows dropped because their id came earlier
  std::vector<std::string> warnings;           // damaged rows, duplicates that differ

  // Is this row an error row (regime = error)?
  bool is_error(const std::vector<std::string>& row) const;
};

// A row as views of its fields, valid during the call that shows it.
using RowView = std::span<const std::string_view>;

// What a first pass over merged rows sees: each id once, when it first comes, and a finished row
// that takes the place of an error row of the same id, read earlier.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void add(RowView row) = 0;
  virtual void replace(RowView old, RowView row) = 0;
};

// Merged rows that can be read more than once: a first pass with the merge's events, then
// passes over the merged rows in the order of a ResultSet (a replacing row in its error row's
// place).
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual const ResultsHead& head() const = 0;
  virtual void scan(RowSink& sink) = 0;
  virtual void replay(const std::function<void(RowView)>& each) = 0;
};

// The rows of a ResultSet as a RowSource.
class SetRows : public RowSource {
 public:
  explicit SetRows(const ResultSet& set) : set_(set) {}
  const ResultsHead& head() const override { return set_; }
  void scan(RowSink& sink) override;
  void replay(const std::function<void(RowView)>& each) override;

 private:
  const ResultSet& set_;
};

// Results files merged as they are read. Opening checks every file's header (throws InputError:
// unreadable, different models or columns); scan() reads them through, keeping for each id where
// its row is and whether it is an error row, and throws InputError for a row of another model.
// A row whose id came before counts once: an error row gives way to a finished one; otherwise
// the first is kept, with a warning when the two differ in more than wall_s. replay() reads the
// files again as far as scan() did (a sweep may still be appending), in the order of
// load_results.
class MergedResults : public RowSource {
 public:
  explicit MergedResults(const std::vector<std::string>& files);
  ~MergedResults() override;
  const ResultsHead& head() const override { return head_; }
  void scan(RowSink& sink) override;
  void replay(const std::function<void(RowView)>& each) override;

  // After scan(): how many ids, how many rows were dropped as repeats, and the warnings (damaged
  // rows, duplicates that differ), in the order load_results gives them.
  std::size_t rows() const { return rows_; }
  std::size_t duplicates() const { return duplicates_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Ids;
  struct Repeats;
  void repeated(RowSink& sink, Repeats& rep, std::uint64_t& loc, std::uint64_t here, RowView row);
  ResultsHead head_;
  std::unique_ptr<Ids> ids_;
  // Per file, after scan(): how far it was read, which file it was, how many good rows it had.
  std::vector<std::uint64_t> read_to_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> identity_;
  std::vector<std::size_t> rows_in_;
  std::size_t rows_ = 0, duplicates_ = 0;
  std::vector<std::string> warnings_;
};

// Read and merge results files whole (throws InputError as MergedResults does).
ResultSet load_results(const std::vector<std::string>& files);

}  // namespace eos

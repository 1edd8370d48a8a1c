// The results file DIR/results.csv: a header line and one row per finished grid point. Rows are
// appended whole, by one process, each with a single write; a reader skips a damaged or
// truncated row (with a warning), so a crash at any moment never leaves a row that counts.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "eos/grid/job.h"
#include "eos/gd/run.h"

namespace eos {

// Column names for a model: id, model, the model's keys, eta, eta_rel, eta_star, steps, the
// runner's columns, NAME_final/NAME_tail per tracked scalar, the model's reports, wall_s, message.
std::vector<std::string> result_header(const ModelInfo& model);

// One row, aligned to result_header(). A null result is an error row: regime "error", the
// message in the last column.
std::vector<std::string> result_row(const ModelInfo& model, const Point& point, const RunResult* result,
                                    double wall_s, const std::string& message);

struct ResultsTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> warnings;  // one line per skipped row
  // Index of a column, or -1.
  int column(const std::string& name) const;
};

// Read a results file (throws InputError when it cannot be read or has no header).
ResultsTable read_results(const std::string& path);

class ResultsWriter {
 public:
  // Open path for appending rows under header, creating it if needed. An existing file must
  // have exactly this header (else InputError: a different model or version). A damaged tail
  // (a row cut short by a crash) is removed. With drop_errors, error rows are removed first so
  // their points run again.
  ResultsWriter(const std::string& path, const std::vector<std::string>& header, bool drop_errors);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Ids of the rows already in the file.
  const std::set<std::string>& done() const { return done_; }
  std::size_t error_rows() const { return errors_; }
  // Append one complete line (ending in '\n') with a single write.
  void append(const std::string& line);
  // Flush to disk (fsync).
  void sync();

 private:
  int fd_ = -1;
  std::string path_;
  std::set<std::string> done_;
  std::size_t errors_ = 0;
  double last_sync_ = 0;
};

}  // namespace eos

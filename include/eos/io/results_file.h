// The results file DIR/results.csv: a header line and one row per finished grid point. Rows are
// appended whole, by one process, each with a single write; on opening, a row cut short by a
// crash is dropped, so a crash at any moment never leaves a row that counts. Readers skip a
// damaged row with a warning.
#pragma once
#include <fstream>
#include <string>
#include <vector>

#include "eos/io/done_ids.h"

namespace eos {

// Appends rows to a results file, resuming one that exists.
class ResultsFile {
 public:
  // Open path for appending rows under header, creating it if needed. An existing file must have
  // exactly this header (else InputError: a different model or version). It is read once, line by
  // line, keeping only the ids of its rows: a damaged tail is cut off; damaged or repeated rows
  // (and, with drop_errors, error rows, so that their points run again) are removed by rewriting
  // the file under a temporary name.
  ResultsFile(const std::string& path, const std::vector<std::string>& header, bool drop_errors);
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  // Ids of the rows already in the file.
  const DoneIds& done() const { return done_; }
  std::size_t error_rows() const { return errors_; }
  // Append one complete line (ending in '\n') with a single write; synced at most every second.
  void append(const std::string& line);
  // Flush to disk (fsync).
  void sync();

 private:
  struct Scan;
  Scan scan(const std::string& head, std::size_t columns, int regime_col, bool drop_errors);
  void rewrite(const std::string& head, std::size_t columns, int regime_col, bool drop_errors);
  int fd_ = -1;
  std::string path_;
  DoneIds done_;
  std::size_t errors_ = 0;
  double last_sync_ = 0;
};

// A results file read row by row, in constant memory: its header, then each good row; a damaged
// row, or a last row cut short, is skipped with a warning.
class ResultsReader {
 public:
  // Opens path and reads the header (throws InputError when it cannot be read or has none).
  explicit ResultsReader(const std::string& path);
  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  // Index of a column, or -1.
  int column(const std::string& name) const;
  // The next good row into fields; false at the end of the file.
  bool next(std::vector<std::string>& fields);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::vector<std::string> header_;
  std::vector<std::string> warnings_;
  std::string line_;
  std::size_t lineno_ = 0;
};

// A results file read whole, for small files and tools (aggregate reads through this too).
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

}  // namespace eos

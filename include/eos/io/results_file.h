// The results file DIR/results.csv: a header line and one row per finished grid point. Rows are
// appended whole, by one process, each with a single write; on opening, a row cut short by a
// crash is dropped, so a crash at any moment never leaves a row that counts. Readers skip a
// damaged row with a warning.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
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
// row, or a last row cut short, is skipped with a warning. Read in large blocks: a row comes as
// views of its fields, or copied into strings.
class ResultsReader {
 public:
  // Opens path and reads the header (throws InputError when it cannot be read or has none).
  // With limit, the file ends there for the reader (a second pass over a file still growing).
  explicit ResultsReader(const std::string& path, std::uint64_t limit = UINT64_MAX);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;
  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  // Index of a column, or -1.
  int column(const std::string& name) const;
  // The next good row into fields; false at the end of the file.
  bool next(std::vector<std::string>& fields);
  // The same as views, valid until the next call.
  bool next(std::vector<std::string_view>& fields);
  // Where the row last returned starts in the file, and how far the file has been read.
  std::uint64_t offset() const { return row_offset_; }
  std::uint64_t read_to() const { return buf_offset_ + pos_; }
  // The file's device and inode: the same file read again, or another one renamed over it.
  std::pair<std::uint64_t, std::uint64_t> identity() const;
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  bool next_line(std::string_view& line, bool& complete);
  std::string path_;
  int fd_ = -1;
  std::uint64_t limit_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;    // unread bytes are buf_[pos_, len_)
  std::uint64_t buf_offset_ = 0;     // where buf_[0] is in the file
  std::uint64_t row_offset_ = 0;
  bool at_end_ = false;              // nothing more to read from the file
  bool done_ = false;                // a last line cut short was seen
  std::vector<std::string> header_;
  std::vector<std::string> warnings_;
  std::vector<std::string_view> views_;
  std::string scratch_;
  std::size_t lineno_ = 0;
};

// Rows read back by where they start (the first row of an id met again, to compare them): files
// opened on demand and kept open, a few at a time.
class RowFetcher {
 public:
  RowFetcher() = default;
  ~RowFetcher();
  RowFetcher(const RowFetcher&) = delete;
  RowFetcher& operator=(const RowFetcher&) = delete;
  // The line of path at offset split into fields; false when it is not a row of columns fields.
  bool fetch(const std::string& path, std::uint64_t offset, std::size_t columns, std::vector<std::string>& fields);

 private:
  std::vector<std::pair<std::string, int>> open_;  // most recently used last
};

// A results file read whole, for small files and tools.
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

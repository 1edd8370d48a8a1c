// The results file DIR/results.csv: a header line and one row per finished grid point. Rows are
// appended whole, by one process, each with a single write; on opening, a row cut short by a
// crash is dropped, so a crash at any moment never leaves a row that counts. Readers skip a
// damaged row with a warning.
#pragma once
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eos/io/done_ids.h"

namespace eos {

// What an older row holds in a column its file lacks (Schema::old_value).
using OldValue = std::function<std::string(const std::string& column)>;

// Appends rows to a results file, resuming one that exists.
class ResultsFile {
 public:
  // Open path for appending rows under header, creating it if needed. An existing file must have
  // this header, or be an older file of the same rows whose header lacks some of its columns (its
  // own in the same order; else InputError: a different model, or columns this version does not
  // write). It is read once, line by line, keeping only the ids of its rows: a damaged tail is
  // cut off; damaged or repeated rows (and, with drop_errors, error rows, so that their points run
  // again) are removed by rewriting the file under a temporary name. An older file is widened
  // here (old_value fills its rows' new cells), crash-safely: written whole under a temporary
  // name, synced, renamed over; if that fails (InputError) the old file is left as it was.
  ResultsFile(const std::string& path, const std::vector<std::string>& header, bool drop_errors,
              const OldValue& old_value = {});
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
  // The rows of a file whose header is head (a line) with these columns and this regime column.
  struct Layout {
    std::string head;
    std::size_t columns = 0;
    int regime_col = -1;
  };
  Scan scan(const Layout& in, bool drop_errors);
  // Rewrite the file's good rows, each id once, from layout in to out (mapped: out's column k
  // holds in's column map[k], or fill[k] where map[k] < 0).
  void rewrite(const Layout& in, const Layout& out, bool drop_errors, const std::vector<int>& map = {},
               const std::vector<std::string>& fill = {});
  static Layout layout(const std::vector<std::string>& header);
  void open_for_append();
  void widen();
  int fd_ = -1;
  std::string path_;
  std::vector<std::string> header_, old_header_;  // old_header_: an older file's, while it is widened
  OldValue old_value_;
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

// The header of the results file at path; empty when there is none (no file, or no complete
// first line).
std::vector<std::string> existing_header(const std::string& path);

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

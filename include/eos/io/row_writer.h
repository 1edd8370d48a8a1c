// Where finished rows go: a RowWriter takes the typed row of a point and formats it at the edge.
// The CSV writer, the first implementation, appends one line per row to a results file.
#pragma once
#include <string>

#include "eos/io/result.h"
#include "eos/io/results_file.h"
#include "eos/io/schema.h"

namespace eos {

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  // Write the row of a finished point (throws std::runtime_error when it cannot).
  virtual void write(const Point& point, const PointResult& result) = 0;
  // Make every row written so far durable.
  virtual void flush() = 0;
};

// One CSV line per row, in the schema's column order, appended to a results file.
class CsvRowWriter final : public RowWriter {
 public:
  CsvRowWriter(const Schema& schema, ResultsFile& file) : schema_(schema), file_(file) {}
  void write(const Point& point, const PointResult& result) override;
  void flush() override { file_.sync(); }

 private:
  const Schema& schema_;
  ResultsFile& file_;
};

// The CSV line (ending in '\n') of a row.
std::string csv_row(const Schema& schema, const Point& point, const PointResult& result);

}  // namespace eos

// The CSV row writer.
#include "eos/io/row_writer.h"

#include "eos/util/csv.h"

namespace eos {

std::string csv_row(const Schema& schema, const Point& point, const PointResult& result) {
  std::vector<std::string> fields;
  for (const Field& f : schema.row(point, result)) fields.push_back(format_field(f));
  return csv_line(fields);
}

void CsvRowWriter::write(const Point& point, const PointResult& result) { file_.append(csv_row(schema_, point, result)); }

}  // namespace eos

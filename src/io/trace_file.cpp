// Trace files: writing and reading.
#include "eos/io/trace_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include "eos/io/schema.h"
#include "eos/util/csv.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {

const std::vector<std::string>& trace_fixed_columns() {
  static const std::vector<std::string> cols = {"step", "loss", "sharpness", "two_over_eta"};
  return cols;
}

std::string trace_column_label(const ModelInfo* model, const std::string& column) {
  if (column == "loss") return "training loss";
  if (column == "sharpness") return "sharpness S";
  if (column == "two_over_eta") return "2/η";
  if (column == "psharpness") return "preconditioned sharpness λ₁(P⁻¹H)";
  if (column == "edge_level") return "edge level";
  return column_label(model, column);
}

TraceWriter::TraceWriter(const std::vector<std::string>& tracked, double eta) : two_over_eta_(format_double(2.0 / eta)) {
  std::vector<std::string> head = trace_fixed_columns();
  head.insert(head.end(), tracked.begin(), tracked.end());
  text_ = csv_line(head);
}

void TraceWriter::add(long step, double loss, double sharpness, const std::vector<double>& tracked) {
  text_ += std::to_string(step) + ',' + format_double(loss) + ',' + format_double(sharpness) + ',' + two_over_eta_;
  for (double v : tracked) text_ += ',' + format_double(v);
  text_ += '\n';
}

void TraceWriter::save(const std::string& path) const {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_atomic(path, text_);
}

int TraceTable::column(const std::string& name) const { return index_of(columns, name); }

std::vector<double> TraceTable::numbers(const std::string& name) const {
  std::vector<double> out(rows.size(), NAN);
  const int k = column(name);
  if (k < 0) return out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!parse_number(rows[i][static_cast<std::size_t>(k)], out[i])) out[i] = NAN;
  return out;
}

TraceTable read_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read trace file");
  std::string line;
  if (!std::getline(in, line)) throw InputError(path + ": empty trace file");
  auto head = csv_split(line);
  const auto& fixed = trace_fixed_columns();
  if (!head || head->size() < fixed.size() || !std::equal(fixed.begin(), fixed.end(), head->begin()))
    throw InputError(path + ": not an eos-sweep trace file (expected columns step, loss, sharpness, two_over_eta, ...)");
  TraceTable t;
  t.columns = *head;
  while (std::getline(in, line)) {
    auto fields = csv_split(line);
    if (fields && fields->size() == t.columns.size()) t.rows.push_back(std::move(*fields));
  }
  if (t.rows.empty()) throw InputError(path + ": trace file without rows");
  return t;
}

}  // namespace eos

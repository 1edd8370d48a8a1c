// Per-step traces, DIR/traces/ID.csv: every k-th step, the columns step, loss, sharpness (nan
// where not computed), two_over_eta, then the model's tracked scalars. Written whole under a
// temporary name and renamed, so a trace file is complete or absent; read back for figures.
#pragma once
#include <string>
#include <vector>

#include "eos/model/model.h"

namespace eos {

// The columns every trace starts with.
const std::vector<std::string>& trace_fixed_columns();

// The label of a trace column for figures: "step", "training loss", "sharpness S", "2/η" for the
// fixed columns; a tracked scalar's is column_label's (the model's, when model is not null).
std::string trace_column_label(const ModelInfo* model, const std::string& column);

// A trace being recorded in memory.
class TraceWriter {
 public:
  TraceWriter(const std::vector<std::string>& tracked, double eta);
  void add(long step, double loss, double sharpness, const std::vector<double>& tracked);
  // Write the trace whole to path (creating its folder); throws std::runtime_error.
  void save(const std::string& path) const;
  // The rows so far as text (what a checkpoint keeps), and the same restored.
  const std::string& text() const { return text_; }
  void restore(std::string text) { text_ = std::move(text); }

 private:
  std::string text_;
  std::string two_over_eta_;
};

// A trace file read back (rows that do not match the header are skipped).
struct TraceTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // Index of a column, or -1.
  int column(const std::string& name) const;
  // A column as numbers: NaN where a cell is not a number, all NaN when the trace lacks it.
  std::vector<double> numbers(const std::string& name) const;
};

// Read a trace file (throws InputError: unreadable, empty, not a trace, no rows).
TraceTable read_trace(const std::string& path);

}  // namespace eos

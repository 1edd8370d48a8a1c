// The one schema of a results row, built from the declarations of the runner (gd/stats.h) and of
// the model: id, model, the model's keys, eta, eta_rel, eta_star, steps, the method keys (when the
// job uses them), the runner's columns, NAME_final and NAME_tail per tracked scalar, the model's
// end-of-run columns (theory, reports, diagnostics), wall_s, message, and in a refining job
// refine_depth. Column names exist here and in those declarations only. The schema grows: a group
// of columns added since 0.1 is in a results file only when its job uses it, and a file written
// without a group is widened when a job that uses it appends (io/results_file.h).
#pragma once
#include <string>
#include <vector>

#include "eos/grid/grid.h"
#include "eos/io/result.h"
#include "eos/model/model.h"
#include "eos/util/field.h"

namespace eos {

enum class ColumnRole {
  Id, Model, Key, Eta, EtaRel, EtaStar, Steps, RunKey, Entry, Run, TrackedFinal, TrackedTail, End, Wall, Message, Depth
};

// The optional column groups of a results file.
struct SchemaOptions {
  bool refining = false;  // refine_depth (0 for a grid point, k for a point added k bisections below)
  bool methods = false;   // the method keys the model does not declare itself (gd/settings.h
                          // method_keys) and ColumnGroup::Method's run columns (edge_level, psharpness_*)
  bool flows = false;     // the companion keys (companion_keys) and ColumnGroup::Flows's run columns
  bool branches = false;  // init_state and where it was saved: parent_id, parent_step
  bool batches = false;   // the batch keys (batch_keys) and ColumnGroup::Batch's run columns
  SchemaOptions operator|(const SchemaOptions& o) const {
    return {refining || o.refining, methods || o.methods, flows || o.flows, branches || o.branches,
            batches || o.batches};
  }
};
// The groups a job's rows need: refining when it refines, methods when it gives a method key,
// flows when it gives a companion key, branches when it gives init_state, batches when it gives a
// batch key.
SchemaOptions schema_options(const Job& job);
// The groups a results file's header holds.
SchemaOptions schema_options(const std::vector<std::string>& header);

struct Column {
  std::string name;
  ColumnRole role;
  std::size_t slot = 0;  // which key, run column, tracked scalar or end-of-run value
};

class Schema {
 public:
  explicit Schema(const ModelInfo& model, const SchemaOptions& options = {});
  const ModelInfo& model() const { return model_; }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<std::string> header() const;
  // The position of a column, or -1.
  int index(const std::string& name) const;
  // The typed values of a row, aligned with columns().
  std::vector<Field> row(const Point& point, const PointResult& result) const;
  // One value of a row by column name (std::monostate for an unknown name).
  Field field(const Point& point, const PointResult& result, const std::string& name) const;
  // What a row of a file written without a column holds there, when this schema widens it: a
  // key's default (the value every row before the key existed computed with), else empty.
  std::string old_value(const std::string& column) const;

 private:
  Field value(const Column& c, const Point& point, const PointResult& result) const;
  const ModelInfo& model_;
  std::vector<Column> columns_;
};

// The human label of a column of a model's results (the runner's, the model's or a key's; the
// derived eta_star and steps too); the name itself when there is none. model may be null. In a
// file with methods (SchemaOptions::methods), the edge columns are S over the method's edge level.
std::string column_label(const ModelInfo* model, const std::string& column, bool methods = false);

// The parameter columns of a results file's header: those after id and model, before the first
// runner column (the model's keys, then eta, eta_rel, eta_star, steps). Works for the files of
// any eos-sweep version that wrote this layout.
std::vector<std::string> parameter_columns(const std::vector<std::string>& header);
// The model's keys among them: the parameter columns before eta.
std::vector<std::string> model_key_columns(const std::vector<std::string>& header);

}  // namespace eos

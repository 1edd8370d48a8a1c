// The results row schema.
#include "eos/io/schema.h"

#include <algorithm>
#include <cmath>

#include "eos/gd/settings.h"
#include "eos/gd/stats.h"
#include "eos/grid/refine.h"
#include "eos/util/number.h"

namespace eos {

PointResult PointResult::failure(std::string message, double wall_s) {
  PointResult r;
  r.run.stats.regime = Regime::Error;
  r.wall_s = wall_s;
  r.message = std::move(message);
  return r;
}

namespace {

// The runner keys of a model's rows in the groups chosen: those of gd/settings.h it does not
// declare itself.
std::vector<const KeySpec*> run_key_columns(const ModelInfo& model, const SchemaOptions& o) {
  std::vector<const KeySpec*> keys;
  auto add = [&](const std::vector<KeySpec>& group) {
    for (const auto& k : group)
      if (!find_key(model.keys, k.name)) keys.push_back(&k);
  };
  if (o.methods) add(method_keys());
  if (o.flows) add(companion_keys());
  if (o.batches) add(batch_keys());
  return keys;
}

bool given_any(const Job& job, const std::vector<KeySpec>& keys) {
  for (const auto& k : keys)
    if (std::find(job.given.begin(), job.given.end(), k.name) != job.given.end()) return true;
  return false;
}

// Is run column c in a file with the groups o?
bool in_schema(const RunColumn& c, const SchemaOptions& o) {
  switch (c.group) {
    case ColumnGroup::Base: return true;
    case ColumnGroup::Method: return o.methods;
    case ColumnGroup::Flows: return o.flows;
    case ColumnGroup::Batch: return o.batches;
  }
  return false;
}

}  // namespace

SchemaOptions schema_options(const Job& job) {
  SchemaOptions o;
  o.refining = refine_spec(job).enabled();
  o.methods = given_any(job, method_keys());
  o.flows = given_any(job, companion_keys());
  o.branches = std::find(job.given.begin(), job.given.end(), "init_state") != job.given.end();
  o.batches = given_any(job, batch_keys());
  return o;
}

SchemaOptions schema_options(const std::vector<std::string>& header) {
  auto has = [&](const char* c) { return std::find(header.begin(), header.end(), c) != header.end(); };
  return {.refining = has("refine_depth"), .methods = has("edge_level"), .flows = has("cf_loss_err"),
          .branches = has("parent_id"), .batches = has("batch_sharpness_final")};
}

Schema::Schema(const ModelInfo& model, const SchemaOptions& options) : model_(model) {
  auto add = [this](std::string name, ColumnRole role, std::size_t slot = 0) {
    columns_.push_back({std::move(name), role, slot});
  };
  add("id", ColumnRole::Id);
  add("model", ColumnRole::Model);
  for (std::size_t k = 0; k < model.keys.size(); ++k) add(model.keys[k].name, ColumnRole::Key, k);
  add("eta", ColumnRole::Eta);
  add("eta_rel", ColumnRole::EtaRel);
  add("eta_star", ColumnRole::EtaStar);
  add("steps", ColumnRole::Steps);
  for (const KeySpec* k : run_key_columns(model, options)) add(k->name, ColumnRole::RunKey);
  if (options.branches) {  // a branch: its saved state, and the point and step it was saved at
    add("init_state", ColumnRole::RunKey);
    add("parent_id", ColumnRole::Entry);
    add("parent_step", ColumnRole::Entry);
  }
  for (std::size_t k = 0; k < run_columns().size(); ++k)
    if (in_schema(run_columns()[k], options)) add(run_columns()[k].name, ColumnRole::Run, k);
  for (std::size_t k = 0; k < model.tracked.size(); ++k) {
    add(final_column(model.tracked[k]), ColumnRole::TrackedFinal, k);
    add(tail_column(model.tracked[k]), ColumnRole::TrackedTail, k);
  }
  const auto ends = model.end_columns();
  for (std::size_t k = 0; k < ends.size(); ++k) add(ends[k], ColumnRole::End, k);
  add("wall_s", ColumnRole::Wall);
  add("message", ColumnRole::Message);
  if (options.refining) add("refine_depth", ColumnRole::Depth);
}

std::string Schema::old_value(const std::string& column) const {
  if (column == "refine_depth") return "0";
  const int i = index(column);
  if (i < 0) return "";
  const Column& c = columns_[static_cast<std::size_t>(i)];
  const KeySpec* k = c.role == ColumnRole::RunKey ? find_key(runner_keys(), column)
                     : c.role == ColumnRole::Key   ? &model_.keys[c.slot]
                                                   : nullptr;
  return k && !k->default_value.empty() ? canonical_value(*k, k->default_value) : "";
}

std::vector<std::string> Schema::header() const {
  std::vector<std::string> h;
  for (const auto& c : columns_) h.push_back(c.name);
  return h;
}

int Schema::index(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

// The end-of-run value k: theory, then reports, then diagnostics.
double end_value(const PointResult& r, std::size_t k) {
  if (k < r.theory.size()) return r.theory[k];
  k -= r.theory.size();
  if (k < r.run.reports.size()) return r.run.reports[k];
  k -= r.run.reports.size();
  return k < r.run.diagnostics.size() ? r.run.diagnostics[k] : RunStats::kNaN;
}

}  // namespace

Field Schema::value(const Column& c, const Point& point, const PointResult& r) const {
  const Params& p = point.params;
  auto star = [&] { return model_.eta_star(p); };
  switch (c.role) {
    case ColumnRole::Id: return point.id;
    case ColumnRole::Model: return model_.name;
    case ColumnRole::Key:
    case ColumnRole::RunKey: return p.has(c.name) ? p.text(c.name) : std::string();
    case ColumnRole::Entry: {
      const std::string entry = c.name == "parent_id" ? "init_state_parent" : "init_state_step";
      return p.has(entry) ? p.text(entry) : std::string();
    }
    case ColumnRole::Eta: return p.text("eta");
    case ColumnRole::EtaRel:
      if (p.has("eta_rel")) return p.text("eta_rel");
      return model_.eta_star ? format_double(p.real("eta") / star()) : std::string();
    case ColumnRole::EtaStar: return model_.eta_star ? format_double(star()) : std::string();
    case ColumnRole::Steps: return p.text("steps");
    case ColumnRole::Wall: return std::round(r.wall_s * 1e6) / 1e6;
    case ColumnRole::Message: return r.message;
    case ColumnRole::Depth: return point.depth;
    default: break;
  }
  if (r.error()) return c.role == ColumnRole::Run && c.slot == 0 ? Field(std::string("error")) : Field();
  switch (c.role) {
    case ColumnRole::Run: return run_columns()[c.slot].value(r.run.stats);
    case ColumnRole::TrackedFinal: return r.run.tracked_final.at(c.slot);
    case ColumnRole::TrackedTail: return r.run.tracked_tail.at(c.slot);
    case ColumnRole::End: return end_value(r, c.slot);
    default: return {};
  }
}

std::vector<Field> Schema::row(const Point& point, const PointResult& result) const {
  std::vector<Field> out;
  out.reserve(columns_.size());
  for (const auto& c : columns_) out.push_back(value(c, point, result));
  return out;
}

Field Schema::field(const Point& point, const PointResult& result, const std::string& name) const {
  const int i = index(name);
  return i < 0 ? Field() : value(columns_[static_cast<std::size_t>(i)], point, result);
}

std::string column_label(const ModelInfo* model, const std::string& column, bool methods) {
  if (const RunColumn* r = find_run_column(column)) return methods && r->method_label ? r->method_label : r->label;
  if (const KeySpec* k = find_key(runner_keys(), column); k && !k->label.empty()) return k->label;
  if (column == "eta_star") return "η*";
  return model ? model->label(column) : column;
}

std::vector<std::string> parameter_columns(const std::vector<std::string>& header) {
  std::vector<std::string> p;
  for (std::size_t i = 2; i < header.size() && !find_run_column(header[i]); ++i) p.push_back(header[i]);
  return p;
}

std::vector<std::string> model_key_columns(const std::vector<std::string>& header) {
  std::vector<std::string> p;
  for (const auto& k : parameter_columns(header)) {
    if (k == "eta") break;
    p.push_back(k);
  }
  return p;
}

}  // namespace eos

// Phase-table rows as they stream past: numbered texts, fine cells, and the passes in row order.
#include "aggregate_rows.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos::agg {
namespace {

std::size_t mix(std::size_t h) { return (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL; }

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

[[noreturn]] void changed() { throw std::runtime_error("the results files changed while being read; run again"); }

}  // namespace

// --- ColumnValues

int ColumnValues::find(std::string_view text) const {
  if (last_ >= 0 && text_[static_cast<std::size_t>(last_)] == text) return last_;
  if (slots_.empty()) return -1;
  const std::size_t h = std::hash<std::string_view>{}(text);
  for (std::size_t i = slot(mix(h));; i = (i + 1) & (slots_.size() - 1)) {
    const int s = slots_[i];
    if (s == 0) return -1;
    if (hash_[static_cast<std::size_t>(s - 1)] == h && text_[static_cast<std::size_t>(s - 1)] == text) return s - 1;
  }
}

int ColumnValues::sid(std::string_view text) {
  if (last_ >= 0 && text_[static_cast<std::size_t>(last_)] == text) return last_;
  if (2 * (text_.size() + 1) > slots_.size()) grow();
  const std::size_t h = std::hash<std::string_view>{}(text);
  std::size_t i = slot(mix(h));
  for (;; i = (i + 1) & (slots_.size() - 1)) {
    const int s = slots_[i];
    if (s == 0) break;
    if (hash_[static_cast<std::size_t>(s - 1)] == h && text_[static_cast<std::size_t>(s - 1)] == text) return last_ = s - 1;
  }
  const int id = static_cast<int>(text_.size());
  slots_[i] = id + 1;
  text_.emplace_back(text);
  hash_.push_back(h);
  double x = 0;
  if (!parse_number(text, x)) x = kNaN;
  number_.push_back(x);
  // Numbers equal as values share a cid (0 and -0 too); every other text ("nan" too) is its own.
  int c = static_cast<int>(cid_sid_.size());
  if (!std::isnan(x)) c = by_value_.emplace(x == 0 ? 0 : std::bit_cast<std::uint64_t>(x), c).first->second;
  if (c == static_cast<int>(cid_sid_.size())) cid_sid_.push_back(id);
  cid_.push_back(c);
  return last_ = id;
}

void ColumnValues::grow() {
  slots_.assign(std::max<std::size_t>(64, 2 * slots_.size()), 0);
  for (std::size_t s = 0; s < text_.size(); ++s) {
    std::size_t i = slot(mix(hash_[s]));
    while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = static_cast<int>(s) + 1;
  }
}

std::vector<int> ColumnValues::cid_ranks() const {
  std::vector<int> order(cid_sid_.size());
  std::iota(order.begin(), order.end(), 0);
  // value_less: numbers by value, before text, text by bytes (no two cids are equal numbers).
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const double x = number(cid_sid_[a]), y = number(cid_sid_[b]);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) == std::isnan(y) ? text(cid_sid_[a]) < text(cid_sid_[b]) : !std::isnan(x);
    return x < y;
  });
  std::vector<int> rank(order.size());
  for (std::size_t r = 0; r < order.size(); ++r) rank[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  return rank;
}

// --- TupleIndex

std::size_t TupleIndex::hash(const int* t) const {
  std::size_t h = 0x9E3779B97F4A7C15ULL;
  for (std::size_t i = 0; i < width_; ++i) h = mix(h ^ static_cast<std::size_t>(static_cast<unsigned>(t[i])));
  return h;
}

int TupleIndex::find(const int* t) const {
  if (slots_.empty()) return -1;
  for (std::size_t i = hash(t) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
    const int s = slots_[i];
    if (s == 0) return -1;
    if (std::equal(t, t + width_, at(s - 1))) return s - 1;
  }
}

int TupleIndex::find_or_add(const int* t, bool& added) {
  added = false;
  if (2 * (count_ + 1) > slots_.size()) grow();
  std::size_t i = hash(t) & (slots_.size() - 1);
  for (;; i = (i + 1) & (slots_.size() - 1)) {
    const int s = slots_[i];
    if (s == 0) break;
    if (std::equal(t, t + width_, at(s - 1))) return s - 1;
  }
  slots_[i] = static_cast<int>(count_) + 1;
  keys_.insert(keys_.end(), t, t + width_);
  added = true;
  return static_cast<int>(count_++);
}

void TupleIndex::grow() {
  slots_.assign(std::max<std::size_t>(64, 2 * slots_.size()), 0);
  for (std::size_t k = 0; k < count_; ++k) {
    std::size_t i = hash(at(static_cast<int>(k))) & (slots_.size() - 1);
    while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = static_cast<int>(k) + 1;
  }
}

// --- Rows

Rows::Rows(const ResultsHead& head, const Grouping& g, const std::vector<ValueSpec>& values) : fine_cells_(0) {
  regime_ = static_cast<std::size_t>(head.column("regime"));
  const auto keys = head.model_keys();
  for (const auto& name : head.parameters()) {
    Param p{.name = name, .col = static_cast<std::size_t>(head.column(name)), .model_key = contains(keys, name),
            .averaged = is_replicate_key(name) || contains(g.over, name)};
    if (!is_replicate_key(name) || contains(g.axes, name)) {
      p.f = static_cast<int>(fine_.size());
      fine_.push_back(params.size());
    }
    params.push_back(std::move(p));
  }
  for (const auto& [col, vals] : g.where) {
    std::vector<SameValue> any;
    for (const auto& v : split_list(vals)) any.emplace_back(v);
    where_.emplace_back(static_cast<std::size_t>(head.column(col)), std::move(any));
  }
  for (const auto& v : values)
    values_.push_back({static_cast<std::size_t>(head.column(v.column)),
                       v.fraction ? std::optional<SameValue>(SameValue(v.equals)) : std::nullopt});
  eta_star_ = {fine_of("eta_star"), head.column("eta_star")};
  eta_ = {fine_of("eta"), head.column("eta")};
  steps_ = {fine_of("steps"), head.column("steps")};
  columns_.resize(fine_.size());
  fine_cells_ = TupleIndex(fine_.size());
  key_.assign(fine_.size(), 0);
  sids_.assign(fine_.size(), 0);
  numeric.assign(values.size(), 0);
  text.assign(values.size(), 0);
  example.assign(values.size(), "");
  acc_.resize(values.size());
}

int Rows::param_index(const std::string& name) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == name) return static_cast<int>(i);
  return -1;
}

int Rows::fine_of(const std::string& name) const {
  const int i = param_index(name);
  return i < 0 ? -1 : params[static_cast<std::size_t>(i)].f;
}

const std::string& Rows::first_text(const Param& p) const {
  return p.f >= 0 ? columns_[static_cast<std::size_t>(p.f)].text(p.first_sid) : p.first;
}

Use Rows::use(RowView row) const {
  for (const auto& [col, any] : where_)
    if (std::none_of(any.begin(), any.end(), [&](const SameValue& v) { return v(row[col]); })) return Use::Filtered;
  return row[regime_] == "error" ? Use::Error : Use::Used;
}

bool Rows::value(RowView row, std::size_t v, double& x) const {
  const std::string_view f = row[values_[v].col];
  if (values_[v].equals) {
    x = (*values_[v].equals)(f) ? 1.0 : 0.0;
    return true;
  }
  return finite_number(f, x);
}

bool Rows::accumulate(RowView row, std::size_t v, Acc& a, std::size_t& texts, std::string& first) const {
  double x = 0;
  if (value(row, v, x)) {
    a.add(x);
    return true;
  }
  ++a.missing;
  const std::string_view f = row[values_[v].col];
  if (!f.empty() && !parse_number(f, x) && texts++ == 0) first = f;
  return false;
}

// A number of a row's column: read once per text through a fine column, else from the field.
double Rows::number(RowView row, Column c) const {
  if (c.fine >= 0) return columns_[static_cast<std::size_t>(c.fine)].number(sids_[static_cast<std::size_t>(c.fine)]);
  double x = kNaN;
  if (c.col < 0 || !parse_number(row[static_cast<std::size_t>(c.col)], x)) return kNaN;
  return x;
}

std::size_t& Rows::tally(Use u) { return u == Use::Filtered ? filtered : errors; }

void Rows::add(RowView row) {
  ++merged;
  const Use u = use(row);
  if (u == Use::Used) take(row, false);
  else ++tally(u);
}

void Rows::replace(RowView old, RowView row) {
  const Use was = use(old);  // an error row: left out by --where, or counted as an error
  if (was == Use::Used) throw std::logic_error("a row that counts was replaced");
  --tally(was);
  const Use u = use(row);
  if (u == Use::Used) take(row, true);
  else ++tally(u);
}

void Rows::take(RowView row, bool late) {
  ++used;
  dirty = dirty || late;
  see_params(row);
  const int cell = fine_cell(row);
  for (std::size_t v = 0; v < values_.size(); ++v)
    numeric[v] += accumulate(row, v, acc_[v][static_cast<std::size_t>(cell)], text[v], example[v]) && !values_[v].equals;
  widen_horizon(row);
}

// The row's texts of every parameter: numbered (fine columns, into sids_ and key_), and whether
// each parameter varies.
void Rows::see_params(RowView row) {
  for (auto& p : params) {
    const std::string_view s = row[p.col];
    if (p.f < 0) {
      if (!p.seen) p.first.assign(s), p.seen = true;
      else p.varies = p.varies || s != p.first;
      continue;
    }
    const auto j = static_cast<std::size_t>(p.f);
    const int sid = columns_[j].sid(s);
    sids_[j] = sid;
    key_[j] = columns_[j].cid(sid);
    if (!p.seen) p.first_sid = sid, p.seen = true;
    else p.varies = p.varies || sid != p.first_sid;
  }
}

// The fine cell of the row just seen, made when new; its η* and which of its texts vary.
int Rows::fine_cell(RowView row) {
  bool added = false;
  const int cell = fine_cells_.find_or_add(key_.data(), added);
  const std::size_t n = fine_.size(), at = static_cast<std::size_t>(cell) * n;
  double e = number(row, eta_star_);
  if (!std::isfinite(e)) e = kNaN;
  if (added) {
    first_sid_.insert(first_sid_.end(), sids_.begin(), sids_.end());
    mixed_.insert(mixed_.end(), n, 0);
    eta_star_at_.push_back(e);
    for (auto& a : acc_) a.emplace_back();
    return cell;
  }
  for (std::size_t j = 0; j < n; ++j) mixed_[at + j] |= sids_[j] != first_sid_[at + j];
  double& known = eta_star_at_[static_cast<std::size_t>(cell)];
  if (!(known == e)) known = kNaN;
  return cell;
}

// The horizon h with steps = ⌈h/η⌉ on every row: (steps − 1)·η < h <= steps·η.
void Rows::widen_horizon(RowView row) {
  const double eta = number(row, eta_), steps = number(row, steps_);
  if (!std::isfinite(eta) || !std::isfinite(steps)) {
    horizon_ok = false;
    return;
  }
  horizon_lo = std::max(horizon_lo, (steps - 1) * eta);
  horizon_hi = std::min(horizon_hi, steps * eta);
}

int Rows::locate(RowView row) {
  if (use(row) != Use::Used) return -1;
  for (std::size_t j = 0; j < fine_.size(); ++j) {
    const int sid = columns_[j].find(row[params[fine_[j]].col]);
    if (sid < 0) changed();
    sids_[j] = sid;
    key_[j] = columns_[j].cid(sid);
  }
  const int cell = fine_cells_.find(key_.data());
  if (cell < 0) changed();
  return cell;
}

Rows::Unions Rows::unite(const std::vector<std::size_t>& gf) const {
  Unions u;
  TupleIndex index(gf.size());
  std::vector<int> key(gf.size());
  u.of.resize(fine_cells_.size());
  for (std::size_t c = 0; c < fine_cells_.size(); ++c) {
    for (std::size_t i = 0; i < gf.size(); ++i) key[i] = fine_cells_.at(static_cast<int>(c))[gf[i]];
    bool added = false;
    u.of[c] = index.find_or_add(key.data(), added);
    if (added) u.first.push_back(static_cast<int>(c));
    u.gathered = u.gathered || !added;
  }
  return u;
}

int Rows::union_of(RowView row, const Unions& u) {
  const int c = locate(row);
  return c < 0 ? -1 : u.of[static_cast<std::size_t>(c)];
}

bool Rows::determined_by(std::size_t pf, const std::vector<std::string>& g, RowSource& source) {
  std::vector<std::size_t> gf, gr;  // fine columns, and replicates
  for (const auto& name : g) {
    const Param& p = params[static_cast<std::size_t>(param_index(name))];
    if (p.f >= 0) gf.push_back(static_cast<std::size_t>(p.f));
    else gr.push_back(p.col);
  }
  // Fine cells that agree on the fine columns of g: one text of p among them, or a conflict.
  const Unions classes = unite(gf);
  const std::size_t n = fine_.size();
  std::vector<char> conflict(classes.first.size(), 0);
  bool any = false;
  for (std::size_t c = 0; c < fine_cells_.size(); ++c) {
    const auto k = static_cast<std::size_t>(classes.of[c]);
    const int first = first_sid_[static_cast<std::size_t>(classes.first[k]) * n + pf];
    if (mixed_[c * n + pf] || first_sid_[c * n + pf] != first) conflict[k] = 1, any = true;
  }
  if (!any) return true;
  return !gr.empty() && replicates_tell(pf, gr, classes, conflict, source);
}

// The replicates may tell apart the rows of conflicting classes: a pass over every row, one text
// of p for each class and replicates' values.
bool Rows::replicates_tell(std::size_t pf, const std::vector<std::size_t>& gr, const Unions& classes,
                           const std::vector<char>& conflict, RowSource& source) {
  std::vector<ColumnValues> rep(gr.size());
  TupleIndex seen(1 + gr.size());
  std::vector<int> seen_sid, key(1 + gr.size());
  bool determined = true;
  source.replay([&](RowView row) {
    const int k = determined ? union_of(row, classes) : -1;
    if (k < 0 || !conflict[static_cast<std::size_t>(k)]) return;
    key[0] = k;
    for (std::size_t r = 0; r < gr.size(); ++r) key[r + 1] = rep[r].cid(rep[r].sid(row[gr[r]]));
    bool added = false;
    const int i = seen.find_or_add(key.data(), added);
    if (added) seen_sid.push_back(sids_[pf]);
    else determined = seen_sid[static_cast<std::size_t>(i)] == sids_[pf];
  });
  return determined;
}

Rows::Cells Rows::cells(const std::vector<std::size_t>& group, RowSource& source) {
  std::vector<std::size_t> gf;
  for (auto p : group) gf.push_back(static_cast<std::size_t>(params[p].f));
  const Unions finals = unite(gf);  // the table's cells: fine cells that agree on the group
  Cells out = first_rows(gf, finals);
  if (!finals.gathered && !dirty) {
    for (std::size_t v = 0; v < values_.size(); ++v)
      for (std::size_t k = 0; k < finals.first.size(); ++k) out.acc[v][k] = acc_[v][static_cast<std::size_t>(finals.first[k])];
  } else {
    sum_again(out, gf, finals, source);
  }
  add_deviations(out, finals, source);
  return out;
}

// The cells' keys (of their first fine cells), ranks and η*, before their sums.
Rows::Cells Rows::first_rows(const std::vector<std::size_t>& gf, const Unions& finals) const {
  const std::size_t n = fine_.size(), m = finals.first.size();
  Cells out;
  out.keys.resize(m);
  out.ranks.resize(m);
  out.eta_star.assign(m, kNaN);
  out.acc.assign(values_.size(), std::vector<Acc>(m));
  out.example = example;
  std::vector<std::vector<int>> ranks;
  for (auto j : gf) ranks.push_back(columns_[j].cid_ranks());
  for (std::size_t k = 0; k < m; ++k) {
    const auto c = static_cast<std::size_t>(finals.first[k]);
    out.eta_star[k] = eta_star_at_[c];
    for (std::size_t i = 0; i < gf.size(); ++i) {
      const int sid = first_sid_[c * n + gf[i]];
      out.keys[k].push_back(columns_[gf[i]].text(sid));
      out.ranks[k].push_back(ranks[i][static_cast<std::size_t>(columns_[gf[i]].cid(sid))]);
    }
  }
  for (std::size_t c = 0; c < fine_cells_.size(); ++c) {
    double& e = out.eta_star[static_cast<std::size_t>(finals.of[c])];
    if (!(e == eta_star_at_[c])) e = kNaN;
  }
  return out;
}

// Sums, extremes, the cells' first rows and the first text again, in row order.
void Rows::sum_again(Cells& out, const std::vector<std::size_t>& gf, const Unions& finals, RowSource& source) {
  std::vector<char> keyed(finals.first.size(), 0);
  std::vector<std::size_t> texts(values_.size(), 0);
  source.replay([&](RowView row) {
    const int k = union_of(row, finals);
    if (k < 0) return;
    const auto kk = static_cast<std::size_t>(k);
    if (!keyed[kk]) {
      keyed[kk] = 1;
      for (std::size_t i = 0; i < gf.size(); ++i) out.keys[kk][i] = columns_[gf[i]].text(sids_[gf[i]]);
    }
    for (std::size_t v = 0; v < values_.size(); ++v) accumulate(row, v, out.acc[v][kk], texts[v], out.example[v]);
  });
}

// The sample std in two passes (summarize): squared deviations from each cell's mean, in row order.
void Rows::add_deviations(Cells& out, const Unions& finals, RowSource& source) {
  bool spread = false;
  for (const auto& per_value : out.acc)
    for (const auto& a : per_value) spread = spread || a.count > 1;
  if (!spread) return;
  std::vector<std::vector<double>> mean(values_.size());
  for (std::size_t v = 0; v < values_.size(); ++v)
    for (const auto& a : out.acc[v]) mean[v].push_back(a.sum / static_cast<double>(a.count));
  source.replay([&](RowView row) {
    const int k = union_of(row, finals);
    if (k < 0) return;
    for (std::size_t v = 0; v < values_.size(); ++v) {
      Acc& a = out.acc[v][static_cast<std::size_t>(k)];
      const double m = mean[v][static_cast<std::size_t>(k)];
      double x = 0;
      if (a.count > 1 && value(row, v, x)) a.ss += (x - m) * (x - m);
    }
  });
}

}  // namespace eos::agg

// Phase tables: merging results files, grouping rows by parameters, statistics over seeds.
#include "eos/post/aggregate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "eos/io/results_file.h"
#include "eos/io/schema.h"
#include "eos/util/error.h"
#include "eos/util/csv.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// COLUMN=VALUE or COLUMN=V1,V2 matching, numbers compared as numbers.
bool same_value(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  if (parse_number(a, x) && parse_number(b, y)) return x == y || (std::isnan(x) && std::isnan(y));
  return a == b;
}

// Normal form of a value name for alias lookup: lower case, no spaces, η → eta, · × → *,
// "sharpness" → "s".
std::string alias_form(const std::string& text) {
  std::string s;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\xce\xb7") == 0) {  // η
      s += "eta";
      ++i;
    } else if (text.compare(i, 2, "\xc2\xb7") == 0 || text.compare(i, 2, "\xc3\x97") == 0) {  // · ×
      s += '*';
      ++i;
    } else if (text[i] != ' ') {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
  }
  for (std::size_t p; (p = s.find("sharpness")) != std::string::npos;) s.replace(p, 9, "s");
  return s;
}

struct KeyLess {
  bool operator()(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (value_less(a[i], b[i])) return true;
      if (value_less(b[i], a[i])) return false;
    }
    return a.size() < b.size();
  }
};

bool is_error_row(const ResultSet& set, const std::vector<std::string>& row) {
  const int r = set.column("regime");
  return r >= 0 && row[static_cast<std::size_t>(r)] == "error";
}

}  // namespace

bool value_less(const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  const bool na = parse_number(a, x) && !std::isnan(x), nb = parse_number(b, y) && !std::isnan(y);
  if (na && nb) return x < y;
  if (na != nb) return na;
  return a < b;
}

std::vector<std::string> find_results_files(const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw InputError("no results file or folder given");
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name.rfind("results", 0) == 0 && name.size() >= 4 &&
            name.compare(name.size() - 4, 4, ".csv") == 0)
          found.push_back(e.path().string());
      }
      if (ec) throw InputError(in + ": cannot list folder (" + ec.message() + ")");
      if (found.empty()) throw InputError(in + ": no results*.csv file in this folder");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(in, ec)) {
      files.push_back(in);
    } else {
      throw InputError(in + ": no such file or folder");
    }
  }
  // The same file named twice (a folder and one of its files) is read once.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : files) {
    std::error_code ec;
    const std::string canon = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : canon).second) unique.push_back(f);
  }
  return unique;
}

int ResultSet::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> ResultSet::parameters() const { return parameter_columns(header); }

std::vector<std::string> ResultSet::model_keys() const { return model_key_columns(header); }

ResultSet load_results(const std::vector<std::string>& files) {
  ResultSet set;
  std::map<std::string, std::pair<std::size_t, std::string>> by_id;  // id → (row, file)
  std::size_t differing = 0;
  for (const auto& path : files) {
    ResultsTable t = read_results(path);
    set.files.push_back(path);
    for (auto& w : t.warnings) set.warnings.push_back(w);
    if (t.header.size() < 3 || t.header[1] != "model" || t.column("regime") < 0)
      throw InputError(path + ": not an eos-sweep results file (no model and regime columns)");
    if (set.header.empty()) {
      set.header = t.header;
    } else if (t.header != set.header) {
      const std::string other_model = t.rows.empty() ? "" : t.rows[0][1];
      if (!set.model.empty() && !other_model.empty() && other_model != set.model)
        throw InputError("results of different models: " + set.files[0] + " holds " + set.model + ", " + path +
                         " holds " + other_model);
      throw InputError(path + ": different columns from " + set.files[0] +
                       " (another model, or another eos-sweep version)");
    }
    const int wall = t.column("wall_s");
    for (auto& row : t.rows) {
      if (set.model.empty()) set.model = row[1];
      if (row[1] != set.model)
        throw InputError("results of different models: " + set.files[0] + " holds " + set.model + ", " + path +
                         " holds " + row[1]);
      auto it = by_id.find(row[0]);
      if (it == by_id.end()) {
        by_id.emplace(row[0], std::make_pair(set.rows.size(), path));
        set.rows.push_back(std::move(row));
        continue;
      }
      ++set.duplicates;
      auto& kept = set.rows[it->second.first];
      bool differ = false;
      for (std::size_t i = 0; i < row.size(); ++i)
        if (static_cast<int>(i) != wall && row[i] != kept[i]) differ = true;
      if (is_error_row(set, kept) && !is_error_row(set, row)) {
        kept = std::move(row);  // a finished run replaces an error row
        it->second.second = path;
        continue;
      }
      if (differ && !is_error_row(set, row)) {
        if (++differing <= 5)
          set.warnings.push_back("id " + kept[0] + " appears in " + it->second.second + " and " + path +
                                 " with different values; kept the first");
      }
    }
  }
  if (differing > 5)
    set.warnings.push_back(std::to_string(differing - 5) + " more ids appear twice with different values");
  if (set.model.empty()) set.model = "";
  return set;
}

const std::vector<std::pair<std::string, std::string>>& value_aliases() {
  static const std::vector<std::pair<std::string, std::string>> a = {
      {"eta*S_max/2", "edge_max"},   {"eta*S_tail/2", "edge_tail"}, {"eta*S_final/2", "edge_final"},
      {"eta*S/2", "edge_tail"},      {"edge", "edge_tail"},
  };
  return a;
}

std::string ValueSpec::label() const {
  if (fraction) return "fraction of " + column + " = " + equals;
  if (column == "edge_max") return "η·S_max/2";
  if (column == "edge_tail") return "η·S_tail/2";
  if (column == "edge_final") return "η·S_final/2";
  return column;
}

std::string ValueSpec::stem() const {
  if (!fraction) return column;
  std::string s = "frac-" + column + "-";
  for (char c : equals) s += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return s;
}

bool ValueSpec::is_edge() const { return !fraction && column.rfind("edge_", 0) == 0 && column != "edge_samples"; }

ValueSpec parse_value(const std::string& text, const ResultSet& set) {
  ValueSpec v;
  v.text = text;
  const auto eq = text.find('=');
  std::string name = eq == std::string::npos ? text : text.substr(0, eq);
  if (eq != std::string::npos) {
    v.fraction = true;
    v.equals = text.substr(eq + 1);
    if (name.empty() || v.equals.empty())
      throw InputError("--value '" + text + "': a fraction is COLUMN=VALUE, e.g. regime=eos");
  }
  if (set.column(name) < 0) {
    const std::string form = alias_form(name);
    for (const auto& [alias, col] : value_aliases())
      if (alias_form(alias) == form && set.column(col) >= 0) name = col;
  }
  if (set.column(name) < 0) {
    std::vector<std::string> cols(set.header.begin() + 2, set.header.end());
    throw InputError("--value: no column '" + name + "' in the results (columns: " + join(cols, ", ") + ")");
  }
  if (name == "id" || name == "model" || name == "message")
    throw InputError("--value: column '" + name + "' holds text; use " + name + "=VALUE for a fraction");
  v.column = name;
  return v;
}

bool is_replicate_key(const std::string& name) {
  const std::string n = lower(name);
  return n == "seed" || n.rfind("seed_", 0) == 0 || (n.size() > 5 && n.compare(n.size() - 5, 5, "_seed") == 0);
}

Stats summarize(const std::vector<double>& values, long missing) {
  Stats s;
  s.missing = missing;
  s.count = static_cast<long>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / static_cast<double>(values.size());
  if (values.size() > 1) {
    double ss = 0;  // two passes: no cancellation
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / static_cast<double>(values.size() - 1));
  }
  return s;
}

std::vector<std::string> AggregateTable::keys() const {
  std::vector<std::string> k = axes;
  k.insert(k.end(), splits.begin(), splits.end());
  return k;
}

std::string AggregateTable::param(const Cell& c, const std::string& name) const {
  const auto k = keys();
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i] == name) return c.key[i];
  for (const auto& [n, v] : constants)
    if (n == name) return v;
  return "";
}

AggregateTable aggregate(const ResultSet& set, const AggregateSpec& spec) {
  const auto params = set.parameters();
  const auto model_keys = set.model_keys();
  auto is_param = [&](const std::string& n) { return std::find(params.begin(), params.end(), n) != params.end(); };
  const std::vector<std::string> flags = {"--x", "--y"};
  if (spec.axes.empty() || spec.axes.size() > 2) throw InputError("give one axis (--x) or two (--x and --y)");
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const auto& a = spec.axes[i];
    if (!is_param(a)) {
      if (set.column(a) >= 0)
        throw InputError(flags[i] + " " + a + ": a result column, not a parameter (parameters: " + join(params, ", ") + ")");
      throw InputError(flags[i] + " " + a + ": no such parameter (parameters: " + join(params, ", ") + ")");
    }
  }
  if (spec.axes.size() == 2 && spec.axes[0] == spec.axes[1]) throw InputError("--x and --y are both " + spec.axes[0]);
  for (const auto& o : spec.over)
    if (!is_param(o)) throw InputError("--over " + o + ": no such parameter (parameters: " + join(params, ", ") + ")");
  std::vector<std::pair<int, std::vector<std::string>>> where;
  for (const auto& [col, vals] : spec.where) {
    const int c = set.column(col);
    if (c < 0) throw InputError("--where " + col + ": no such column");
    const std::vector<std::string> list = split_list(vals);
    if (list.empty()) throw InputError("--where " + col + "=: no value");
    where.emplace_back(c, list);
  }

  AggregateTable t;
  t.model = set.model;
  t.axes = spec.axes;
  t.value = spec.value;

  // The rows that count.
  std::vector<const std::vector<std::string>*> rows;
  for (const auto& r : set.rows) {
    bool keep = true;
    for (const auto& [c, list] : where) {
      bool any = false;
      for (const auto& v : list) any = any || same_value(r[static_cast<std::size_t>(c)], v);
      keep = keep && any;
    }
    if (!keep) {
      ++t.filtered_rows;
      continue;
    }
    if (is_error_row(set, r)) {
      ++t.error_rows;
      continue;
    }
    rows.push_back(&r);
  }
  if (rows.empty()) {
    if (set.rows.empty()) throw InputError("the results files hold no rows");
    if (t.filtered_rows == set.rows.size()) throw InputError("no row matches the --where conditions");
    throw InputError("every row is an error row (see their message column)");
  }
  t.rows_used = rows.size();

  auto col = [&](const std::string& n) { return static_cast<std::size_t>(set.column(n)); };
  auto distinct = [&](const std::string& n) {
    std::set<std::string> s;
    for (const auto* r : rows) s.insert((*r)[col(n)]);
    return s.size();
  };
  // Is column n a function of the columns in g over the rows?
  auto determined_by = [&](const std::string& n, const std::vector<std::string>& g) {
    std::map<std::vector<std::string>, std::string, KeyLess> seen;
    for (const auto* r : rows) {
      std::vector<std::string> k;
      for (const auto& c : g) k.push_back((*r)[col(c)]);
      auto [it, fresh] = seen.emplace(k, (*r)[col(n)]);
      if (!fresh && it->second != (*r)[col(n)]) return false;
    }
    return true;
  };

  // Which other parameters split the table: model keys that vary (unless averaged over), then
  // eta, eta_rel, eta_star, steps when they vary and are not fixed by the columns chosen so far
  // and those averaged over (eta is fixed by eta_rel and d, say).
  std::vector<std::string> group = spec.axes;
  auto chosen = [&](const std::string& n) { return std::find(group.begin(), group.end(), n) != group.end(); };
  auto averaged = [&](const std::string& n) {
    return is_replicate_key(n) || std::find(spec.over.begin(), spec.over.end(), n) != spec.over.end();
  };
  for (const auto& p : params) {
    if (chosen(p)) continue;
    if (distinct(p) < 2) {
      t.constants.emplace_back(p, (*rows[0])[col(p)]);
      continue;
    }
    if (averaged(p)) {
      t.over.push_back(p);
      continue;
    }
    const bool model_key = std::find(model_keys.begin(), model_keys.end(), p) != model_keys.end();
    if (model_key) {
      t.splits.push_back(p);
      group.push_back(p);
    }
  }
  for (const auto& p : params) {
    const bool model_key = std::find(model_keys.begin(), model_keys.end(), p) != model_keys.end();
    if (model_key || chosen(p) || distinct(p) < 2 || averaged(p)) continue;
    // Fixed by the grouping columns and those averaged over (eta_rel by eta and d when d is).
    std::vector<std::string> with_over = group;
    with_over.insert(with_over.end(), t.over.begin(), t.over.end());
    if (determined_by(p, with_over)) continue;
    t.splits.push_back(p);
    group.push_back(p);
  }

  // Values per row.
  const std::size_t vc = col(spec.value.column);
  std::map<std::vector<std::string>, std::pair<std::vector<double>, long>, KeyLess> groups;
  // η* per group: NaN when absent, +inf once two rows disagree.
  std::map<std::vector<std::string>, double, KeyLess> star;
  const int sc = set.column("eta_star");
  std::size_t numeric = 0, text = 0;
  std::string text_example;
  for (const auto* r : rows) {
    std::vector<std::string> k;
    for (const auto& c : group) k.push_back((*r)[col(c)]);
    auto& g = groups[k];
    if (sc >= 0) {
      double e = kNaN;
      if (!finite_number((*r)[static_cast<std::size_t>(sc)], e)) e = kNaN;
      auto [it, fresh] = star.emplace(k, e);
      if (!fresh && !(it->second == e)) it->second = INFINITY;
    }
    const std::string& f = (*r)[vc];
    if (spec.value.fraction) {
      g.first.push_back(same_value(f, spec.value.equals) ? 1.0 : 0.0);
      continue;
    }
    double x = 0;
    if (finite_number(f, x)) {
      g.first.push_back(x);
      ++numeric;
    } else {
      ++g.second;
      if (!f.empty() && !parse_number(f, x)) {
        ++text;
        if (text_example.empty()) text_example = f;
      }
    }
  }
  if (!spec.value.fraction && text > 0 && numeric == 0)
    throw InputError("--value " + spec.value.column + ": not a numeric column (holds e.g. '" + text_example + "'); use " +
                     spec.value.column + "=" + text_example + " for the fraction of rows with that value");
  if (!spec.value.fraction && numeric == 0)
    throw InputError("--value " + spec.value.column + ": no row has a value (every field is empty or nan)");

  // Cells, sorted by splits then axes (last axis slowest).
  for (auto& [k, g] : groups) {
    Cell c{k, summarize(g.first, g.second), kNaN};
    auto it = star.find(k);
    if (it != star.end() && std::isfinite(it->second)) c.eta_star = it->second;
    t.cells.push_back(std::move(c));
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < t.splits.size(); ++i) order.push_back(spec.axes.size() + i);
  for (std::size_t i = spec.axes.size(); i-- > 0;) order.push_back(i);
  std::stable_sort(t.cells.begin(), t.cells.end(), [&](const Cell& a, const Cell& b) {
    for (auto i : order) {
      if (value_less(a.key[i], b.key[i])) return true;
      if (value_less(b.key[i], a.key[i])) return false;
    }
    return false;
  });
  return t;
}

std::string table_csv(const AggregateTable& t) {
  auto num = [](double v) { return std::isfinite(v) ? format_double(v) : std::string(); };
  std::vector<std::string> head = t.keys();
  for (const char* c : {"value", "mean", "std", "min", "max", "count", "missing"}) head.push_back(c);
  std::string out = csv_line(head);
  const std::string name = t.value.fraction ? t.value.column + "=" + t.value.equals : t.value.column;
  for (const auto& c : t.cells) {
    std::vector<std::string> row = c.key;
    row.push_back(name);
    row.push_back(num(c.stats.mean));
    row.push_back(num(c.stats.std));
    row.push_back(num(c.stats.min));
    row.push_back(num(c.stats.max));
    row.push_back(std::to_string(c.stats.count));
    row.push_back(std::to_string(c.stats.missing));
    out += csv_line(row);
  }
  return out;
}

}  // namespace eos

// golden_diff EXPECTED.csv ACTUAL.csv [--key COLUMN] [--ignore COLUMN]...: compares two CSV files
// row by row, matched by the key column (default: the first), numbers to 1e-12 relative (nan
// equals nan, inf equals inf of the same sign), text exactly. The headers must be identical.
// Exit 0 when they agree (prints the largest relative difference seen), 1 with the first few
// differences otherwise, 2 on bad usage. Its CSV reader is its own, independent of eos-sweep.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using Row = std::vector<std::string>;

// One CSV record (RFC 4180 quoting), without its line end.
Row split(const std::string& line) {
  Row out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

struct Table {
  Row header;
  std::vector<Row> rows;
};

Table read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "golden_diff: cannot read %s\n", path);
    std::exit(2);
  }
  Table t;
  std::string line;
  while (std::getline(in, line)) {
    if (t.header.empty()) {
      t.header = split(line);
    } else {
      t.rows.push_back(split(line));
    }
  }
  return t;
}

bool number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Relative difference of two fields, or -1 when they differ in kind (text, empty, nan).
double difference(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  double x = 0, y = 0;
  if (!number(a, x) || !number(b, y)) return -1;
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y) ? 0 : -1;
  if (std::isinf(x) || std::isinf(y)) return x == y ? 0 : -1;
  const double scale = std::max(std::fabs(x), std::fabs(y));
  return scale == 0 ? 0 : std::fabs(x - y) / scale;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: golden_diff EXPECTED.csv ACTUAL.csv [--key COLUMN] [--ignore COLUMN]...\n");
    return 2;
  }
  std::string key;
  std::set<std::string> ignore;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--key") key = argv[i + 1];
    else if (flag == "--ignore") ignore.insert(argv[i + 1]);
    else return 2;
  }
  const Table want = read(argv[1]), got = read(argv[2]);
  if (want.header != got.header) {
    std::fprintf(stderr, "golden_diff: %s and %s have different headers\n", argv[1], argv[2]);
    return 1;
  }
  std::size_t kc = 0;
  for (std::size_t c = 0; c < want.header.size(); ++c)
    if (want.header[c] == key) kc = c;
  std::map<std::string, const Row*> by_key;
  for (const auto& r : got.rows) by_key[r.at(kc)] = &r;
  int problems = 0;
  double worst = 0;
  auto report = [&](const std::string& what) {
    if (++problems <= 8) std::fprintf(stderr, "golden_diff: %s\n", what.c_str());
  };
  if (got.rows.size() != want.rows.size())
    report(std::to_string(want.rows.size()) + " rows expected, " + std::to_string(got.rows.size()) + " found");
  for (const auto& w : want.rows) {
    auto it = by_key.find(w.at(kc));
    if (it == by_key.end()) {
      report("row " + w.at(kc) + " is missing");
      continue;
    }
    const Row& g = *it->second;
    if (g.size() != w.size()) {
      report("row " + w.at(kc) + " has " + std::to_string(g.size()) + " fields");
      continue;
    }
    for (std::size_t c = 0; c < w.size(); ++c) {
      if (ignore.count(want.header[c])) continue;
      const double d = difference(w[c], g[c]);
      if (d < 0 || d > 1e-12)
        report("row " + w.at(kc) + ", " + want.header[c] + ": expected '" + w[c] + "', got '" + g[c] + "'");
      else
        worst = std::max(worst, d);
    }
  }
  if (problems) {
    if (problems > 8) std::fprintf(stderr, "golden_diff: %d more differences\n", problems - 8);
    return 1;
  }
  std::printf("%zu rows equal (largest relative difference %g)\n", want.rows.size(), worst);
  return 0;
}

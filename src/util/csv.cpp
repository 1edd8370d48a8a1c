// CSV quoting and splitting.
#include "eos/util/csv.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace eos {
namespace {

// A line with quotes (its '\r' ending already cut), field by field, by the rules of csv_split: a
// quote opens a field only at its start, a doubled quote inside is one quote, nothing may follow
// the closing quote but a comma.
bool split_quoted(std::string_view line, std::vector<std::string_view>& out, std::string& scratch) {
  scratch.clear();
  scratch.reserve(line.size());  // views into scratch stay valid: it never grows past this
  const std::size_t n = line.size();
  for (std::size_t i = 0;;) {
    if (i < n && line[i] == '"') {
      const std::size_t start = scratch.size();
      for (++i; i < n && (line[i] != '"' || (i + 1 < n && line[i + 1] == '"')); ++i) {
        if (line[i] == '"') ++i;  // a doubled quote
        scratch += line[i];
      }
      if (i == n) return false;  // never closed
      out.emplace_back(scratch.data() + start, scratch.size() - start);
      if (++i == n) return true;
      if (line[i++] != ',') return false;
      continue;
    }
    std::size_t end = i;
    while (end < n && line[end] != ',' && line[end] != '"') ++end;
    if (end < n && line[end] == '"') return false;  // a quote inside an unquoted field
    out.push_back(line.substr(i, end - i));
    if (end == n) return true;
    i = end + 1;
  }
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += (c == '\n' || c == '\r') ? ' ' : c;  // a row stays on one line
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line + '\n';
}

bool csv_split_views(std::string_view line, std::vector<std::string_view>& out, std::string& scratch) {
  out.clear();
  // A '\r' ending the line is dropped: outside quotes it is the end of a CRLF line, inside them
  // the quote is never closed either way.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const char* const p = line.data();
  const std::size_t n = line.size();
  std::size_t start = 0, i = 0;
  auto cut = [&](std::size_t at) {
    out.emplace_back(p + start, at - start);
    start = at + 1;
  };
#if defined(__SSE2__)
  // Sixteen bytes at a time: the commas as bits; any quote sends the line to the slow path.
  const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote))) break;
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, comma))); m; m &= m - 1)
      cut(i + static_cast<std::size_t>(__builtin_ctz(m)));
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == '"') {
      out.clear();
      return split_quoted(line, out, scratch);
    }
    if (p[i] == ',') cut(i);
  }
  out.emplace_back(p + start, n - start);
  return true;
}

std::optional<std::vector<std::string>> csv_split(const std::string& line) {
  std::vector<std::string_view> views;
  std::string scratch;
  if (!csv_split_views(line, views, scratch)) return std::nullopt;
  return std::vector<std::string>(views.begin(), views.end());
}

}  // namespace eos

// Reading data files: whole files (gunzipped when gzip), CSV and IDX.
#include "eos/data/readers.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "parse.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/memory.h"
#include "eos/util/text.h"

namespace eos {
namespace {

// The uncompressed size a gzip member's trailer states (ISIZE, the size modulo 2³²), as a hint for
// the output's first allocation: capped at 1032 times the compressed size (deflate's largest
// ratio), so that a damaged trailer cannot make it allocate much more than a well-formed file would.
std::size_t gzip_size_hint(const std::string& gz) {
  if (gz.size() < 18) return 0;
  std::uint32_t isize = 0;
  for (int k = 3; k >= 0; --k) isize = isize << 8 | static_cast<unsigned char>(gz[gz.size() - 4 + static_cast<std::size_t>(k)]);
  return std::min<std::size_t>(isize, 1032 * gz.size());
}

// Inflates straight into the output (sized from the last member's trailer, doubled when more
// members or a wrong hint need more): no bounce buffer, no copy per chunk.
std::string gunzip(const std::string& gz, const std::string& path) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw InputError(path + ": cannot start gzip decompression");
  std::string out;
  reserve_advised(out, std::max<std::size_t>(gzip_size_hint(gz), 1 << 16));
  out.resize(out.capacity());
  std::size_t used = 0;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (used == out.size()) out.resize(2 * out.size());
    const std::size_t room = std::min<std::size_t>(out.size() - used, 1u << 30);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    used += room - zs.avail_out;
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) break;  // input ended early
    // Another member follows (cat a.gz b.gz, as gzip reads it): inflate it too. Other bytes after
    // the last member (padding) are ignored, as they were before.
    if (rc == Z_STREAM_END && zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
      if (inflateReset(&zs) != Z_OK) break;
      rc = Z_OK;
    }
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) throw InputError(path + ": corrupt or truncated gzip data");
  out.resize(used);
  return out;
}

// A cell as a finite double.
bool cell_number(std::string_view s, double& v) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

std::vector<std::string_view> cells_of(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      cells.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  return cells;
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// The CSV row at line number ln into the set (its first data row fixes the width).
void add_csv_row(Dataset& d, const std::vector<std::string_view>& cells, long ln, const std::string& path) {
  const std::string where = path + ":" + std::to_string(ln);
  if (d.features == 0) {
    if (cells.size() < 2) throw InputError(where + ": a row needs features and a label (got one column)");
    d.features = static_cast<long>(cells.size()) - 1;
  }
  if (static_cast<long>(cells.size()) != d.features + 1)
    throw InputError(where + ": ragged row: " + std::to_string(cells.size()) + " columns, expected " +
                     std::to_string(d.features + 1));
  for (std::size_t c = 0; c < cells.size(); ++c) {
    double v = 0;
    if (!cell_number(cells[c], v))
      throw InputError(where + ": column " + std::to_string(c + 1) + ": not a number: " + quote_input(std::string(cells[c])));
    if (c + 1 < cells.size()) d.values.push_back(v);
    else d.labels.push_back(class_of(v, where));
  }
}

std::uint32_t big_endian(const std::string& b, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

// An IDX file's dimensions, checked: unsigned bytes, ndims as expected (at least min_dims), the
// data exactly as long as they say.
std::vector<long> idx_dims(const std::string& b, const std::string& path, std::size_t min_dims, std::size_t max_dims) {
  if (b.size() < 4 || b[0] != 0 || b[1] != 0) throw InputError(path + ": not an IDX file (wrong magic number)");
  if (static_cast<unsigned char>(b[2]) != 0x08) throw InputError(path + ": IDX data type is not unsigned bytes (0x08)");
  const std::size_t nd = static_cast<unsigned char>(b[3]);
  if (nd < min_dims || nd > max_dims)
    throw InputError(path + ": IDX file has " + std::to_string(nd) + " dimensions, expected " +
                     (min_dims == max_dims ? std::to_string(min_dims) : std::to_string(min_dims) + " or more"));
  if (b.size() < 4 + 4 * nd) throw InputError(path + ": short IDX file (header cut off)");
  std::vector<long> dims;
  double total = 1;
  for (std::size_t k = 0; k < nd; ++k) {
    dims.push_back(static_cast<long>(big_endian(b, 4 + 4 * k)));
    total *= static_cast<double>(dims.back());
  }
  const double have = static_cast<double>(b.size() - 4 - 4 * nd);
  if (have < total) throw InputError(path + ": short IDX file: " + format_label(have) + " data bytes, expected " + format_label(total));
  if (have > total) throw InputError(path + ": IDX file longer than its dimensions say");
  return dims;
}

}  // namespace

int class_of(double v, const std::string& where) {
  if (!(v >= 0) || v != std::floor(v) || v >= kMaxClasses)
    throw InputError(where + ": label " + format_label(v) + " is not a class number (0, 1, ... below " +
                     std::to_string(kMaxClasses) + ")");
  return static_cast<int>(v);
}

std::string format_label(double v) {
  std::string s = std::to_string(v);
  if (v == std::floor(v) && std::fabs(v) < 1e15) s = std::to_string(static_cast<long long>(v));
  return s;
}

std::string read_file_bytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a data file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(sys_error("read", path));
  std::string bytes;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && std::filesystem::is_regular_file(path, ec)) {  // one read of the whole file
    reserve_advised(bytes, static_cast<std::size_t>(size));
    bytes.resize(static_cast<std::size_t>(size));
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != size) throw InputError(sys_error("read", path));
  } else {  // a pipe or a special file: until its end
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputError(sys_error("read", path));
  }
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b)
    return gunzip(bytes, path);
  return bytes;
}

Dataset read_csv(const std::string& path) {
  const std::string text = read_file_bytes(path);
  Dataset d;
  std::string_view rest(text);
  long ln = 0;
  bool first = true;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++ln;
    if (blank(line)) continue;
    const auto cells = cells_of(line);
    double v = 0;
    if (first && std::none_of(cells.begin(), cells.end(), [&](std::string_view c) { return cell_number(c, v); })) {
      first = false;  // a header of column names
      continue;
    }
    first = false;
    add_csv_row(d, cells, ln, path);
  }
  d.samples = static_cast<long>(d.labels.size());
  if (d.samples == 0) throw InputError(path + ": no data rows");
  return finish_dataset(std::move(d));
}

Dataset read_idx(const std::string& images, const std::string& labels) {
  const std::string ib = read_file_bytes(images), lb = read_file_bytes(labels);
  const auto idims = idx_dims(ib, images, 2, 8), ldims = idx_dims(lb, labels, 1, 1);
  if (ldims[0] != idims[0])
    throw InputError(labels + ": " + std::to_string(ldims[0]) + " labels for " + std::to_string(idims[0]) + " images in " + images);
  Dataset d;
  d.samples = idims[0];
  d.features = 1;
  for (std::size_t k = 1; k < idims.size(); ++k) d.features *= idims[k];
  const std::size_t ih = 4 + 4 * idims.size();
  reserve_advised(d.bytes, ib.size() - ih);
  d.bytes.assign(ib.begin() + static_cast<long>(ih), ib.end());
  for (long i = 0; i < d.samples; ++i) d.labels.push_back(static_cast<unsigned char>(lb[static_cast<std::size_t>(8 + i)]));
  if (d.samples == 0) throw InputError(images + ": no images");
  return finish_dataset(std::move(d));
}

std::string labels_path(const std::string& features) {
  const std::filesystem::path p(features);
  std::string name = p.filename().string();
  const std::size_t at = name.rfind("images");
  if (at != std::string::npos) {
    name.replace(at, 6, "labels");
    const std::size_t idx = name.find("idx3");
    if (idx != std::string::npos) name.replace(idx, 4, "idx1");
  } else {
    const std::string ext = p.extension().string();
    name = p.stem().string() + "-labels" + ext;
  }
  return (p.parent_path() / name).string();
}

Dataset finish_dataset(Dataset d) {
  int top = -1;
  for (int y : d.labels) top = std::max(top, y);
  d.classes = top + 1;
  double mx = 0;
  if (!d.bytes.empty()) mx = *std::max_element(d.bytes.begin(), d.bytes.end());
  for (double v : d.values) mx = std::max(mx, std::fabs(v));
  d.max_value = mx;
  return d;
}

}  // namespace eos

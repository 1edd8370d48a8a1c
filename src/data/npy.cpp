// NPY and NPZ files: the header parsed (descr, fortran_order, shape), the numeric types numpy
// writes for features and labels, zip archives stored or deflated; flat float64 vectors and NPZ
// archives of named arrays written.
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>

#include "eos/data/readers.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "parse.h"

namespace eos {
namespace {

std::string shape_text(const std::vector<long>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

template <class T>
void convert(const char* p, std::size_t count, std::vector<double>& out) {
  out.resize(count);
  for (std::size_t k = 0; k < count; ++k) {
    T v;
    std::memcpy(&v, p + k * sizeof(T), sizeof(T));
    out[k] = static_cast<double>(v);
  }
}

// The element size of a little-endian numeric descr, and its values converted.
std::size_t element_size(const std::string& descr, const std::string& path) {
  static const std::regex re(R"([<|=]([fiu])([1248]))");
  std::smatch m;
  if (!std::regex_match(descr, m, re) || (m[1] == "f" && (m[2] == "1" || m[2] == "2")))
    throw InputError(path + ": unsupported NPY element type '" + descr + "' (little-endian numbers only)");
  return static_cast<std::size_t>(std::stoi(m[2]));
}

void convert_values(const std::string& descr, const char* p, std::size_t count, std::vector<double>& out) {
  const char kind = descr[1];
  const int size = descr[2] - '0';
  if (kind == 'f') return size == 8 ? convert<double>(p, count, out) : convert<float>(p, count, out);
  if (kind == 'u') {
    if (size == 1) return convert<std::uint8_t>(p, count, out);
    if (size == 2) return convert<std::uint16_t>(p, count, out);
    if (size == 4) return convert<std::uint32_t>(p, count, out);
    return convert<std::uint64_t>(p, count, out);
  }
  if (size == 1) return convert<std::int8_t>(p, count, out);
  if (size == 2) return convert<std::int16_t>(p, count, out);
  if (size == 4) return convert<std::int32_t>(p, count, out);
  convert<std::int64_t>(p, count, out);
}

// The header dictionary's fields (throws InputError naming path).
void parse_header(const std::string& h, NpyArray& a, const std::string& path) {
  static const std::regex descr(R"('descr'\s*:\s*'([^']*)')"), fortran(R"('fortran_order'\s*:\s*(True|False))"),
      shape(R"('shape'\s*:\s*\(([^)]*)\))");
  std::smatch m;
  if (!std::regex_search(h, m, descr)) throw InputError(path + ": NPY header without descr");
  a.descr = m[1];
  if (!std::regex_search(h, m, fortran)) throw InputError(path + ": NPY header without fortran_order");
  if (m[1] == "True") throw InputError(path + ": NPY array in Fortran order (save it C-ordered)");
  if (!std::regex_search(h, m, shape)) throw InputError(path + ": NPY header without shape");
  const std::string dims = m[1];
  static const std::regex num(R"(\d+)");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it)
    a.shape.push_back(std::stol(it->str()));
}

// A byte string: one of numpy's '|Sn' (a 0-d array or one of one element).
bool is_string(const NpyArray& a) { return a.descr.size() > 2 && a.descr.compare(0, 2, "|S") == 0; }

NpyArray read_string(const std::string& data, NpyArray a, const std::string& path) {
  long width = 0;
  for (std::size_t k = 2; k < a.descr.size(); ++k) {
    if (a.descr[k] < '0' || a.descr[k] > '9' || width > 1000000) throw InputError(path + ": bad NPY string type '" + a.descr + "'");
    width = 10 * width + (a.descr[k] - '0');
  }
  long count = 1;
  for (long d : a.shape) count *= d;
  if (count != 1) throw InputError(path + ": an NPY array of strings, not one string");
  if (static_cast<long>(data.size()) < width) throw InputError(path + ": short NPY file (its string cut off)");
  a.text = data.substr(0, static_cast<std::size_t>(width));
  a.text.erase(a.text.find_last_not_of('\0') + 1);
  return a;
}

NpyArray parse_npy(const std::string& b, const std::string& path) {
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) throw InputError(path + ": not an NPY file (wrong magic)");
  const int major = static_cast<unsigned char>(b[6]);
  const std::size_t lenbytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3) throw InputError(path + ": unknown NPY version " + std::to_string(major));
  if (b.size() < 8 + lenbytes) throw InputError(path + ": short NPY file (header cut off)");
  std::size_t hlen = 0;
  for (std::size_t k = 0; k < lenbytes; ++k) hlen |= std::size_t(static_cast<unsigned char>(b[8 + k])) << (8 * k);
  const std::size_t start = 8 + lenbytes + hlen;
  if (b.size() < start) throw InputError(path + ": short NPY file (header cut off)");
  NpyArray a;
  parse_header(b.substr(8 + lenbytes, hlen), a, path);
  if (is_string(a)) return read_string(b.substr(start), std::move(a), path);
  const std::size_t es = element_size(a.descr, path);
  double count = 1;
  for (long d : a.shape) count *= static_cast<double>(d);
  const double have = static_cast<double>(b.size() - start);
  if (have < count * static_cast<double>(es))
    throw InputError(path + ": short NPY file: " + format_label(have) + " data bytes for shape " + shape_text(a.shape));
  convert_values(a.descr, b.data() + start, static_cast<std::size_t>(count), a.values);
  return a;
}

// Features (n, ...) and labels (n,) into a data set.
Dataset dataset_of(const NpyArray& x, const NpyArray& y, const std::string& xpath, const std::string& ypath) {
  if (x.shape.size() < 2) throw InputError(xpath + ": features need shape (samples, features...), got " + shape_text(x.shape));
  if (y.shape.size() != 1) throw InputError(ypath + ": labels need shape (samples,), got " + shape_text(y.shape));
  if (y.shape[0] != x.shape[0])
    throw InputError(ypath + ": " + std::to_string(y.shape[0]) + " labels for " + std::to_string(x.shape[0]) + " samples");
  Dataset d;
  d.samples = x.shape[0];
  d.features = 1;
  for (std::size_t k = 1; k < x.shape.size(); ++k) d.features *= x.shape[k];
  if (d.samples == 0 || d.features == 0) throw InputError(xpath + ": empty features " + shape_text(x.shape));
  for (double v : x.values)
    if (!std::isfinite(v)) throw InputError(xpath + ": features hold a value that is not finite");
  d.values = x.values;
  for (long i = 0; i < d.samples; ++i) d.labels.push_back(class_of(y.values[static_cast<std::size_t>(i)], ypath + ": sample " + std::to_string(i)));
  return finish_dataset(std::move(d));
}

std::uint32_t le(const std::string& b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int k = 0; k < bytes; ++k) v |= std::uint32_t(static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)])) << (8 * k);
  return v;
}

std::string inflate_raw(const std::string& in, std::size_t size, const std::string& path) {
  std::string out(size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw InputError(path + ": cannot start decompression");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(size);
  const int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) throw InputError(path + ": corrupt compressed member in NPZ archive");
  return out;
}

// The members of a zip archive by name (stored or deflated), from its central directory.
std::vector<std::pair<std::string, std::string>> zip_members(const std::string& b, const std::string& path) {
  std::size_t eocd = std::string::npos;
  for (std::size_t k = b.size() >= 22 ? b.size() - 22 : 0; b.size() >= 22; --k) {
    if (le(b, k, 4) == 0x06054b50) { eocd = k; break; }
    if (k == 0 || b.size() - k > 65557) break;
  }
  if (eocd == std::string::npos) throw InputError(path + ": not an NPZ file (no zip directory)");
  std::size_t at = le(b, eocd + 16, 4);
  const std::size_t count = le(b, eocd + 10, 2);
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t e = 0; e < count; ++e) {
    if (at + 46 > b.size() || le(b, at, 4) != 0x02014b50) throw InputError(path + ": corrupt NPZ zip directory");
    const std::size_t method = le(b, at + 10, 2), csize = le(b, at + 20, 4), usize = le(b, at + 24, 4);
    const std::uint32_t crc = le(b, at + 16, 4);
    const std::size_t nlen = le(b, at + 28, 2), xlen = le(b, at + 30, 2), clen = le(b, at + 32, 2), off = le(b, at + 42, 4);
    const std::string name = b.substr(at + 46, nlen);
    at += 46 + nlen + xlen + clen;
    if (off + 30 > b.size()) throw InputError(path + ": short NPZ file");
    const std::size_t data = off + 30 + le(b, off + 26, 2) + le(b, off + 28, 2);
    if (data + csize > b.size()) throw InputError(path + ": short NPZ file (member " + name + " cut off)");
    const std::string raw = b.substr(data, csize);
    if (method != 0 && method != 8) throw InputError(path + ": NPZ member " + name + " uses an unsupported compression");
    std::string member = method == 0 ? raw : inflate_raw(raw, usize, path);
    if (crc32(0, reinterpret_cast<const Bytef*>(member.data()), static_cast<uInt>(member.size())) != crc)
      throw InputError(path + ": NPZ member " + name + " is damaged (its CRC-32 does not match)");
    out.emplace_back(name, std::move(member));
  }
  return out;
}

}  // namespace

Dataset read_npy_pair(const std::string& features, const std::string& labels) {
  const NpyArray x = parse_npy(read_file_bytes(features), features);
  return dataset_of(x, parse_npy(read_file_bytes(labels), labels), features, labels);
}

Dataset read_npz(const std::string& path) {
  const auto members = zip_members(read_file_bytes(path), path);
  const NpyArray *x = nullptr, *y = nullptr;
  std::vector<NpyArray> arrays;
  arrays.reserve(members.size());
  for (const auto& [name, bytes] : members) {
    arrays.push_back(parse_npy(bytes, path + ":" + name));
    const std::string stem = name.size() > 4 ? name.substr(0, name.size() - 4) : name;
    if (stem == "x" || stem == "X" || stem == "images" || stem == "data") x = &arrays.back();
    if (stem == "y" || stem == "labels" || stem == "target") y = &arrays.back();
  }
  if (!x || !y) throw InputError(path + ": NPZ archive needs arrays x (features) and y (labels)");
  return dataset_of(*x, *y, path + ":x", path + ":y");
}

std::vector<double> read_npy_vector(const std::string& path) {
  const NpyArray a = parse_npy(read_file_bytes(path), path);
  if (a.descr != "<f8" || a.shape.size() != 1)
    throw InputError(path + ": expected a flat float64 vector, got '" + a.descr + "' of shape " + shape_text(a.shape));
  for (double v : a.values)
    if (!std::isfinite(v)) throw InputError(path + ": holds a value that is not finite");
  return a.values;
}

namespace {

// An NPY file's bytes: version 1.0 header (padded to 64 bytes) and the raw little-endian data.
std::string npy_bytes(const std::string& descr, const std::vector<long>& shape, const char* data, std::size_t size) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(data, size);
  return out;
}

// The array's values in its descr: <f8 doubles, <i8 integers, |u1 bytes, |Sn a string.
std::string raw_values(const NpyArray& a, const std::string& name) {
  if (is_string(a)) return a.text + std::string(std::stoul(a.descr.substr(2)) - a.text.size(), '\0');
  std::string raw;
  auto put = [&raw](const auto& v) { raw.append(reinterpret_cast<const char*>(&v), sizeof v); };
  for (double v : a.values) {
    if (a.descr == "<f8") put(v);
    else if (a.descr == "<i8") put(static_cast<std::int64_t>(v));
    else if (a.descr == "|u1") put(static_cast<std::uint8_t>(v));
    else throw std::runtime_error("write_npz: array " + name + " of unsupported type " + a.descr);
  }
  return raw;
}

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int k = 0; k < bytes; ++k) out += static_cast<char>((v >> (8 * k)) & 0xff);
}

// A zip archive of stored (uncompressed) members, as numpy.savez writes.
std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out, directory;
  for (const auto& [name, data] : members) {
    if (data.size() >= 0xffffffffu || out.size() >= 0xffffffffu) throw std::runtime_error("write_npz: archive over 4 GiB");
    const auto crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                                                      static_cast<uInt>(data.size())));
    const auto offset = static_cast<std::uint32_t>(out.size()), size = static_cast<std::uint32_t>(data.size());
    std::string common;  // version needed, flags, method (stored), time, date, crc, sizes, name length
    put_le(common, 20, 2), put_le(common, 0, 2), put_le(common, 0, 2), put_le(common, 0, 2), put_le(common, 0x21, 2);
    put_le(common, crc, 4), put_le(common, size, 4), put_le(common, size, 4);
    put_le(common, static_cast<std::uint32_t>(name.size()), 2);
    put_le(out, 0x04034b50, 4);
    out += common;
    put_le(out, 0, 2);  // extra length
    out += name;
    out += data;
    put_le(directory, 0x02014b50, 4);
    put_le(directory, 20, 2);  // version made by
    directory += common;
    put_le(directory, 0, 2), put_le(directory, 0, 2), put_le(directory, 0, 2), put_le(directory, 0, 2);
    put_le(directory, 0, 4), put_le(directory, offset, 4);  // external attributes, local header's offset
    directory += name;
  }
  const auto dir_offset = static_cast<std::uint32_t>(out.size()), dir_size = static_cast<std::uint32_t>(directory.size());
  out += directory;
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 2), put_le(out, 0, 2);
  put_le(out, static_cast<std::uint32_t>(members.size()), 2), put_le(out, static_cast<std::uint32_t>(members.size()), 2);
  put_le(out, dir_size, 4), put_le(out, dir_offset, 4), put_le(out, 0, 2);
  return out;
}

}  // namespace

void write_npy_vector(const std::string& path, const double* values, long count) {
  write_atomic(path, npy_bytes("<f8", {count}, reinterpret_cast<const char*>(values),
                               static_cast<std::size_t>(count) * sizeof(double)));
}

NamedArrays read_npz_arrays(const std::string& path) {
  NamedArrays out;
  for (const auto& [name, bytes] : zip_members(read_file_bytes(path), path)) {
    const std::string stem = name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0
                                 ? name.substr(0, name.size() - 4)
                                 : name;
    out.emplace_back(stem, parse_npy(bytes, path + ":" + name));
  }
  return out;
}

const NpyArray* find_array(const NamedArrays& arrays, const std::string& name) {
  for (const auto& [n, a] : arrays)
    if (n == name) return &a;
  return nullptr;
}

void write_npz(const std::string& path, const NamedArrays& arrays) {
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& [name, a] : arrays) {
    const std::string raw = raw_values(a, name);
    members.emplace_back(name + ".npy", npy_bytes(a.descr, a.shape, raw.data(), raw.size()));
  }
  write_atomic(path, zip_stored(members));
}

}  // namespace eos

// Named data sets, file formats by name, and the per-process caches of digests and loaded sets.
#include "eos/data/catalog.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <mutex>

#include "eos/data/readers.h"
#include "eos/util/error.h"
#include "eos/util/files.h"
#include "eos/util/hash.h"

namespace eos {
namespace {

struct NamedSet {
  const char* name;
  const char* package;
  std::vector<std::string> files;  // train features, train labels, test features, test labels; or one CSV
};

const std::vector<NamedSet>& named_sets() {
  static const std::string fm = "/usr/share/datasets/fashion-mnist/";
  static const std::vector<NamedSet> sets = {
      {"digits", "python3-sklearn", {"/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"}},
      {"fashion-mnist", "dataset-fashion-mnist",
       {fm + "train-images-idx3-ubyte.gz", fm + "train-labels-idx1-ubyte.gz", fm + "t10k-images-idx3-ubyte.gz",
        fm + "t10k-labels-idx1-ubyte.gz"}},
  };
  return sets;
}

const NamedSet* named(const std::string& value) {
  for (const auto& s : named_sets())
    if (value == s.name) return &s;
  return nullptr;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

enum class Format { Csv, Npz, Npy, Idx };

Format format_of(const std::string& path) {
  if (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) return Format::Csv;
  if (ends_with(path, ".npz")) return Format::Npz;
  if (ends_with(path, ".npy")) return Format::Npy;
  if (path.find("idx3-ubyte") != std::string::npos) return Format::Idx;
  throw InputError(path + ": unknown data format (expected digits, fashion-mnist, or a .csv, .csv.gz, .npz, .npy or "
                   "*-images-idx3-ubyte[.gz] file)");
}

// The value for key made once per process by make() (under a lock of this cache's own, Tag),
// then kept: a second point asking for the same file or set finds it made.
template <class Tag, class V, class Make>
V once_per_key(const std::string& key, Make make) {
  static std::mutex mu;
  static std::map<std::string, V> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  V v = make();
  cache.emplace(key, v);
  return v;
}

// The bytes of one file hashed with their count.
std::uint64_t hash_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(sys_error("read", path));
  std::uint64_t h = kFnvOffset;
  std::size_t size = 0;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    h = fnv1a(std::string_view(buf.data(), got), h);
    size += got;
  }
  if (in.bad()) throw InputError(sys_error("read", path));
  return fnv1a(std::to_string(size), h);
}

// The digest of one file's bytes and size, by (path, size, inode, mtime), once per process.
std::uint64_t file_hash(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(sys_error("read", path));
  if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory, not a data file");
  const std::string key = path + '\n' + std::to_string(st.st_size) + '\n' + std::to_string(st.st_ino) + '\n' +
                          std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
  struct Digests;
  return once_per_key<Digests, std::uint64_t>(key, [&] { return hash_bytes(path); });
}

DataSource read_source(const std::string& value, const std::vector<std::string>& files) {
  DataSource src;
  if (const NamedSet* s = named(value); s && files.size() == 4) {
    src.train = std::make_shared<const Dataset>(read_idx(files[0], files[1]));
    src.test = std::make_shared<const Dataset>(read_idx(files[2], files[3]));
    src.scale = 255;
    return src;
  }
  const std::string& f = files[0];
  switch (format_of(f)) {
    case Format::Csv: src.train = std::make_shared<const Dataset>(read_csv(f)); break;
    case Format::Npz: src.train = std::make_shared<const Dataset>(read_npz(f)); break;
    case Format::Npy: src.train = std::make_shared<const Dataset>(read_npy_pair(f, files[1])); break;
    case Format::Idx: src.train = std::make_shared<const Dataset>(read_idx(f, files[1])); break;
  }
  src.scale = value == "digits" ? 16 : format_of(f) == Format::Idx ? 255 : src.train->max_value;
  if (!(src.scale > 0)) src.scale = 1;
  return src;
}

}  // namespace

std::vector<std::string> dataset_files(const std::string& value) {
  if (const NamedSet* s = named(value)) {
    for (const auto& f : s->files) {
      struct stat st {};
      if (::stat(f.c_str(), &st) != 0)
        throw InputError(value + " is not installed: " + f + " is missing (install it: apt-get install " + s->package + ")");
    }
    return s->files;
  }
  const Format fmt = format_of(value);
  if (fmt == Format::Npy || fmt == Format::Idx) return {value, labels_path(value)};
  return {value};
}

std::string files_digest(const std::vector<std::string>& paths) {
  std::uint64_t h = kFnvOffset;
  for (const auto& p : paths) h = fnv1a(hex_id(file_hash(p)), h);
  return hex_id(h);
}

std::string dataset_digest(const std::string& value) { return files_digest(dataset_files(value)); }

DataSource load_data(const std::string& value) {
  const auto files = dataset_files(value);
  const std::string digest = files_digest(files);
  struct Sets;
  return once_per_key<Sets, DataSource>(digest, [&] {
    DataSource src = read_source(value, files);
    src.digest = digest;
    return src;
  });
}

std::shared_ptr<const std::vector<double>> load_vector(const std::string& path) {
  using Vector = std::shared_ptr<const std::vector<double>>;
  struct Vectors;
  return once_per_key<Vectors, Vector>(files_digest({path}),
                                       [&] { return std::make_shared<const std::vector<double>>(read_npy_vector(path)); });
}

namespace {

const NpyArray& member(const NamedArrays& arrays, const std::string& name, const std::string& path) {
  if (const NpyArray* a = find_array(arrays, name)) return *a;
  throw InputError(path + ": not a saved state of eos-sweep (no array '" + name + "')");
}

StateHeader read_state_header(const std::string& path) {
  const NamedArrays arrays = read_npz_arrays(path);
  auto text = [&](const char* name) {
    const NpyArray& a = member(arrays, name, path);
    if (a.descr.compare(0, 2, "|S") != 0) throw InputError(path + ": not a saved state of eos-sweep ('" + name + "' is not a string)");
    return a.text;
  };
  StateHeader h{.model = text("model"), .method = text("method"), .point_id = text("point_id")};
  const NpyArray& step = member(arrays, "step", path);
  if (step.values.size() != 1) throw InputError(path + ": not a saved state of eos-sweep (its step is not a number)");
  h.step = static_cast<long>(step.values[0]);
  h.dim = static_cast<long>(member(arrays, "theta", path).values.size());
  return h;
}

}  // namespace

std::shared_ptr<const StateHeader> load_state_header(const std::string& path) {
  using Header = std::shared_ptr<const StateHeader>;
  struct Headers;
  return once_per_key<Headers, Header>(files_digest({path}),
                                       [&] { return std::make_shared<const StateHeader>(read_state_header(path)); });
}

}  // namespace eos

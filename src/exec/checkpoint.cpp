// Checkpoint files: encoding, durable writing, checked reading, setting aside.
#include "eos/exec/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eos/gd/state_io.h"
#include "eos/util/files.h"
#include "eos/util/hash.h"
#include "eos/util/version.h"

namespace fs = std::filesystem;

namespace eos {
namespace {

constexpr const char* kMagic = "eos-sweep checkpoint";
constexpr long kFormat = 1;
constexpr std::size_t kDigestRecord = 1 + 8 + 16;  // a text record of 16 hex digits

// What a checkpoint must be of: this code and this point with these values.
std::string code_identity() { return std::string(version()) + " " + git_commit(); }

std::string params_digest(const Params& p) {
  std::uint64_t h = kFnvOffset;
  for (const auto& e : p.all()) h = fnv1a(e.text, fnv1a("=", fnv1a(e.key, fnv1a(";", h))));
  return hex_id(h);
}

std::string file_digest(std::string_view bytes) { return hex_id(fnv1a(bytes)); }

void write_durable(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(sys_error("write", tmp));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const std::string msg = sys_error("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(msg);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(sys_error("sync", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(sys_error("rename", tmp));
  const int dir = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // the rename itself survives a crash
    ::close(dir);
  }
}

}  // namespace

std::string encode_checkpoint(const Point& p, const Checkpoint& c) {
  StateWriter w;
  w.put(std::string(kMagic));
  w.put(kFormat);
  w.put(code_identity());
  w.put(p.id);
  w.put(params_digest(p.params));
  w.put(c.step);
  w.put(c.wall_s);
  w.put(c.run_state);
  w.put(c.trace);
  std::string bytes = w.bytes();
  StateWriter tail;
  tail.put(file_digest(bytes));
  return bytes + tail.bytes();
}

std::optional<Checkpoint> decode_checkpoint(const Point& p, const std::string& bytes, std::string& why) {
  auto refuse = [&why](std::string reason) {
    why = std::move(reason);
    return std::nullopt;
  };
  try {
    StateReader r(bytes);
    if (r.value<std::string>() != kMagic) return refuse("not a checkpoint");
    if (r.value<long>() != kFormat) return refuse("another checkpoint format");
    const std::string code = r.value<std::string>();
    if (code != code_identity()) return refuse("written by another build (" + code + ")");
    if (r.value<std::string>() != p.id) return refuse("of another point");
    if (r.value<std::string>() != params_digest(p.params)) return refuse("of other settings of this point");
    Checkpoint c;
    r.get(c.step);
    r.get(c.wall_s);
    r.get(c.run_state);
    r.get(c.trace);
    const std::string digest = r.value<std::string>();  // the last record: the digest of the rest
    if (!r.at_end() || digest != file_digest(std::string_view(bytes).substr(0, bytes.size() - kDigestRecord)))
      return refuse("damaged (its digest does not match)");
    return c;
  } catch (const StateError& e) {
    return refuse(std::string("damaged or cut short (") + e.what() + ")");
  }
}

void write_checkpoint(const ResultsStore& store, const Point& p, const Checkpoint& c) {
  fs::create_directories(store.checkpoints());
  write_durable(store.checkpoint(p.id), encode_checkpoint(p, c));
}

std::string set_checkpoint_aside(const ResultsStore& store, const Point& p, const std::string& reason) {
  const std::string aside = store.set_aside(p.id);
  std::error_code ec;
  fs::rename(store.checkpoint(p.id), aside, ec);
  return "checkpoint " + store.checkpoint(p.id) + ": " + reason + "; set aside as " + aside +
         ", the point starts again from step 0";
}

std::optional<Checkpoint> read_checkpoint(const ResultsStore& store, const Point& p, std::string& why) {
  const std::string path = store.checkpoint(p.id);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string reason;
  auto c = decode_checkpoint(p, bytes.str(), reason);
  if (!c) why = set_checkpoint_aside(store, p, reason);
  return c;
}

void remove_checkpoint(const ResultsStore& store, const Point& p) {
  std::error_code ec;
  fs::remove(store.checkpoint(p.id), ec);
  fs::remove(store.checkpoint(p.id) + ".tmp", ec);  // a write a kill cut short
}

}  // namespace eos

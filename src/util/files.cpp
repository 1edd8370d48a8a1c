// Output folders and whole-file writes.
#include "eos/util/files.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "eos/util/error.h"

namespace fs = std::filesystem;

namespace eos {

void prepare_dir(const std::string& dir, const std::string& flag) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw InputError(flag + ": " + dir + " exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw InputError(flag + ": cannot create " + dir + " (" + ec.message() + ")");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) throw InputError(flag + ": " + dir + " is not writable");
}

void write_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error("cannot write " + path);
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot write " + path + " (" + ec.message() + ")");
}

namespace {

std::vector<std::string> files_in(const std::string& dir, const std::function<bool(const std::string&)>& match,
                                  const std::string& none_found) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && match(e.path().filename().string())) found.push_back(e.path().string());
  if (ec) throw InputError(dir + ": cannot list folder (" + ec.message() + ")");
  if (found.empty()) throw InputError(dir + ": " + none_found);
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::vector<std::string> input_files(const std::vector<std::string>& inputs,
                                     const std::function<bool(const std::string&)>& match,
                                     const std::string& none_found) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      const auto found = files_in(in, match, none_found);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(in, ec)) {
      files.push_back(in);
    } else {
      throw InputError(in + ": no such file or folder");
    }
  }
  return files;
}

std::string sys_error(const std::string& what, const std::string& path) {
  return path + ": cannot " + what + " (" + std::strerror(errno) + ")";
}

}  // namespace eos

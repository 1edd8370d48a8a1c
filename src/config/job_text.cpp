// Reading and scanning job-file text.
#include "eos/config/job_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "eos/util/error.h"
#include "eos/util/text.h"

namespace eos {
namespace {

// Program_options trims " \t\r\n"; any other control character means a binary or damaged file.
void check_characters(const std::string& s, const std::string& at) {
  if (s.find('\0') != std::string::npos) throw InputError(at + "NUL byte: not a text job file");
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool trailing_cr = c == '\r' && s.find_first_not_of("\r \t", i) == std::string::npos;
    if ((c < 0x20 && c != '\t' && !trailing_cr) || c == 0x7F)
      throw InputError(at + "control character " + quote_input(std::string(1, static_cast<char>(c))) +
                       ": not a text job file");
  }
}

}  // namespace

std::vector<JobLine> scan_job_text(const std::string& text, const std::string& name) {
  std::vector<JobLine> out;
  int line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string s = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    const std::string at = name + ":" + std::to_string(line) + ": ";
    check_characters(s, at);
    const std::size_t hash = s.find('#');
    if (hash != std::string::npos) s.resize(hash);
    s = trim(s);
    if (s.empty()) continue;
    if (s.front() == '[')
      throw InputError(at + "INI sections such as " + quote_input(s) + " are not supported: write KEY = VALUE lines only");
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos) throw InputError(at + quote_input(s) + " is not KEY = VALUE (is the file cut short?)");
    JobLine jl{line, trim(s.substr(0, eq)), trim(s.substr(eq + 1))};
    if (jl.key.empty()) throw InputError(at + "no key before '=' in " + quote_input(s));
    out.push_back(std::move(jl));
  }
  return out;
}

std::string read_job_text(std::istream& in, const std::string& name) {
  std::string text(kMaxJobFileBytes + 1, '\0');  // one byte more tells that it is too long
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxJobFileBytes)
    throw InputError(name + ": job file larger than " + std::to_string(kMaxJobFileBytes) + " bytes");
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
  return text;
}

std::string read_job_file(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(st)) throw InputError(path + ": is a directory, not a job file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw InputError(path + ": cannot read job file" + (err ? " (" + std::string(std::strerror(err)) + ")" : std::string()));
  }
  if (std::filesystem::is_regular_file(st)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxJobFileBytes)
      throw InputError(path + ": job file larger than " + std::to_string(kMaxJobFileBytes) + " bytes");
  }
  std::string text = read_job_text(in, path);
  if (in.bad()) throw InputError(path + ": cannot read job file (read error)");
  return text;
}

}  // namespace eos

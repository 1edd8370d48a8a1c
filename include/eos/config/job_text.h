// The text of a job file: read with a size bound, and scanned into KEY = VALUE lines exactly as
// Boost.Program_options reads an INI file, refusing what it would misread.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace eos {

// Job files larger than this are refused before parsing.
constexpr std::uintmax_t kMaxJobFileBytes = 1 << 20;

// One KEY = VALUE line of a job file (line counts from 1).
struct JobLine {
  int line;
  std::string key, value;
};

// The KEY = VALUE lines of a job text ('#' starts a comment, blank lines skipped, key and value
// trimmed), refusing [sections], lines without '=', an empty key, NUL bytes and other control
// characters. Errors are "NAME:LINE: ..." (throws InputError). Cost linear in the text.
std::vector<JobLine> scan_job_text(const std::string& text, const std::string& name);

// The text of a stream, at most kMaxJobFileBytes, without a UTF-8 byte-order mark (throws
// InputError naming name when it is larger).
std::string read_job_text(std::istream& in, const std::string& name);

// The text of the job file at path (throws InputError: missing, a folder, too large, unreadable).
std::string read_job_file(const std::string& path);

}  // namespace eos

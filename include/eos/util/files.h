// Files and folders: an output folder made ready before anything is written, a file written
// whole or not at all, and system errors as one-line messages.
#pragma once
#include <string>

namespace eos {

// Create dir (and its parents) and check that it can be written; throws InputError whose
// message starts with flag ("--out: ...").
void prepare_dir(const std::string& dir, const std::string& flag = "--out");
// Write a file whole: under a temporary name beside it, then renamed over path, so a reader sees
// the old file or the new one, never a part. Throws std::runtime_error.
void write_atomic(const std::string& path, const std::string& text);
// "PATH: cannot WHAT (strerror(errno))".
std::string sys_error(const std::string& what, const std::string& path);

}  // namespace eos

// Files and folders: an output folder made ready before anything is written, a file written
// whole or not at all, and system errors as one-line messages.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace eos {

// Create dir (and its parents) and check that it can be written; throws InputError whose
// message starts with flag ("--out: ...").
void prepare_dir(const std::string& dir, const std::string& flag = "--out");
// Write a file whole: under a temporary name beside it, then renamed over path, so a reader sees
// the old file or the new one, never a part. Throws std::runtime_error.
void write_atomic(const std::string& path, const std::string& text);
// The files that inputs name: a file as given; a folder by the regular files in it whose names
// match (sorted; none is an InputError "DIR: none_found"); anything else an InputError.
std::vector<std::string> input_files(const std::vector<std::string>& inputs,
                                     const std::function<bool(const std::string& name)>& match,
                                     const std::string& none_found);

// "PATH: cannot WHAT (strerror(errno))".
std::string sys_error(const std::string& what, const std::string& path);

}  // namespace eos

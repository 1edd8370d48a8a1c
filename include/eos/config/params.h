// The resolved values of one grid point: every key of the model and the runner, in canonical
// text, read back as text, reals or integers. Kept sorted by key with each number parsed once,
// so the grid can rebuild millions of points cheaply.
#pragma once
#include <string>
#include <vector>

namespace eos {

class Params {
 public:
  struct Entry {
    std::string key, text;
    double number = 0;     // the text as a number, when it is one
    bool numeric = false;
    bool operator==(const Entry& o) const { return key == o.key && text == o.text; }
  };
  void set(const std::string& key, const std::string& canonical);
  // The same, when the caller knows the number the text stands for (no parsing).
  void set(const std::string& key, const std::string& canonical, double number);
  // Where key is in all() (npos when absent), and setting an entry there: the grid walker keeps
  // the positions of its keys, which do not move while no key is added.
  std::size_t position(const std::string& key) const;
  void set_at(std::size_t position, const std::string& canonical, double number, bool numeric);
  bool has(const std::string& key) const { return find(key) != nullptr; }
  const std::string& text(const std::string& key) const;
  double real(const std::string& key) const;
  long integer(const std::string& key) const;
  // Every key with its value, sorted by key.
  const std::vector<Entry>& all() const { return entries_; }
  bool operator==(const Params& o) const { return entries_ == o.entries_; }

 private:
  const Entry* find(const std::string& key) const;
  std::vector<Entry> entries_;
};

}  // namespace eos

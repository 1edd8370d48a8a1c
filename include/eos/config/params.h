// The resolved values of one grid point: every key of the model and the runner, in canonical
// text, read back as text, reals or integers. Kept sorted by key with each number parsed once,
// so the grid can rebuild millions of points cheaply; a recording tells which entries a piece of
// code read or wrote by name, so the grid reruns a point's checks only when those change.
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
  const std::vector<Entry>& all() const {
    if (tap_.to) tap_.to->everything = true;
    return entries_;
  }
  bool operator==(const Params& o) const { return entries_ == o.entries_; }

  // What the by-name accessors (has, text, real, integer, position, set) and set_at touched while
  // a Recording was on. A key asked for and absent is no entry: code run again on the same keys
  // finds it absent again.
  struct Touches {
    std::vector<std::size_t> positions;  // in all(), in the order touched (repeats kept)
    bool rewritten = false;              // a write changed an entry's text
    bool everything = false;             // all() was read, or a key was added (positions moved)
  };
  // Records the touches of one Params from construction to destruction (one at a time; a copy
  // of the Params made meanwhile records nothing).
  class Recording {
   public:
    explicit Recording(const Params& params) : params_(params) { params_.tap_.to = &touches_; }
    ~Recording() { params_.tap_.to = nullptr; }
    Recording(const Recording&) = delete;
    Recording& operator=(const Recording&) = delete;
    const Touches& touches() const { return touches_; }

   private:
    const Params& params_;
    Touches touches_;
  };

 private:
  // Where a Recording writes: nothing when off (one test of a pointer per access); a copy or an
  // assignment of the Params does not carry it.
  struct Tap {
    Touches* to = nullptr;
    Tap() = default;
    Tap(const Tap&) {}
    Tap& operator=(const Tap&) { return *this; }
  };
  const Entry* find(const std::string& key) const;
  Entry& entry_for(const std::string& key);
  void note_write(const Entry& e, const std::string& canonical) const;
  std::vector<Entry> entries_;
  mutable Tap tap_;
};

}  // namespace eos

// A run's state as bytes, for checkpoints: typed records written and read back in the same order.
// Each record carries its type, so bytes of another layout are refused (StateError) instead of
// read as something else; numbers are copied bit for bit, so a restored run continues exactly.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "eos/numerics/linalg.h"

namespace eos {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class StateWriter {
 public:
  void put(double v);
  void put(long v);
  void put(bool v);
  void put(const std::string& s);
  void put(const Vec& v);
  void put(const Mat& m);
  void put(const std::vector<double>& v);
  const std::string& bytes() const { return out_; }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : in_(bytes) {}
  void get(double& v);
  void get(long& v);
  void get(int& v);
  void get(bool& v);
  void get(std::string& s);
  void get(Vec& v);
  void get(Mat& m);
  void get(std::vector<double>& v);
  // Read a value of the type of v, in a line: reader.value<long>().
  template <class T>
  T value() {
    T v{};
    get(v);
    return v;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  void raw(void* p, std::size_t n);
  void expect(char tag);
  std::int64_t count(std::int64_t n, std::size_t width) const;
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace eos

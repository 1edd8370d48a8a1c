// Typed state records.
#include "eos/gd/state_io.h"

#include <cstring>

namespace eos {
namespace {

constexpr char kReal = 'd', kInteger = 'l', kFlag = 'b', kText = 's', kVec = 'v', kMat = 'm', kReals = 'r';
constexpr std::int64_t kMaxLength = std::int64_t{1} << 40;

}  // namespace

void StateWriter::put(double v) {
  out_ += kReal;
  raw(&v, sizeof v);
}

void StateWriter::put(long v) {
  out_ += kInteger;
  const std::int64_t x = v;
  raw(&x, sizeof x);
}

void StateWriter::put(bool v) {
  out_ += kFlag;
  out_ += v ? '\1' : '\0';
}

void StateWriter::put(const std::string& s) {
  out_ += kText;
  const std::int64_t n = static_cast<std::int64_t>(s.size());
  raw(&n, sizeof n);
  out_ += s;
}

void StateWriter::put(const Vec& v) {
  out_ += kVec;
  const std::int64_t n = v.size();
  raw(&n, sizeof n);
  raw(v.data(), sizeof(double) * static_cast<std::size_t>(n));
}

void StateWriter::put(const Mat& m) {
  out_ += kMat;
  const std::int64_t r = m.rows(), c = m.cols();
  raw(&r, sizeof r);
  raw(&c, sizeof c);
  raw(m.data(), sizeof(double) * static_cast<std::size_t>(r * c));
}

void StateWriter::put(const std::vector<double>& v) {
  out_ += kReals;
  const std::int64_t n = static_cast<std::int64_t>(v.size());
  raw(&n, sizeof n);
  raw(v.data(), sizeof(double) * v.size());
}

void StateReader::raw(void* p, std::size_t n) {
  if (in_.size() - pos_ < n) throw StateError("state cut short");
  std::memcpy(p, in_.data() + pos_, n);
  pos_ += n;
}

void StateReader::expect(char tag) {
  char t = 0;
  raw(&t, 1);
  if (t != tag) throw StateError(std::string("state record of another type (") + t + " for " + tag + ")");
}

// A record's count of items of `width` bytes, checked against the bytes left before anything is
// allocated: a damaged length is an error, never a huge allocation.
std::int64_t StateReader::count(std::int64_t n, std::size_t width) const {
  if (n < 0 || n > kMaxLength || static_cast<std::size_t>(n) > (in_.size() - pos_) / width)
    throw StateError("state record of a bad length");
  return n;
}

void StateReader::get(double& v) {
  expect(kReal);
  raw(&v, sizeof v);
}

void StateReader::get(long& v) {
  expect(kInteger);
  std::int64_t x = 0;
  raw(&x, sizeof x);
  v = static_cast<long>(x);
}

void StateReader::get(int& v) {
  long x = 0;
  get(x);
  v = static_cast<int>(x);
}

void StateReader::get(bool& v) {
  expect(kFlag);
  char c = 0;
  raw(&c, 1);
  v = c != 0;
}

void StateReader::get(std::string& s) {
  expect(kText);
  std::int64_t n = 0;
  raw(&n, sizeof n);
  s.resize(static_cast<std::size_t>(count(n, 1)));
  raw(s.data(), s.size());
}

void StateReader::get(Vec& v) {
  expect(kVec);
  std::int64_t n = 0;
  raw(&n, sizeof n);
  v.resize(count(n, sizeof(double)));
  raw(v.data(), sizeof(double) * static_cast<std::size_t>(n));
}

void StateReader::get(Mat& m) {
  expect(kMat);
  std::int64_t r = 0, c = 0;
  raw(&r, sizeof r);
  raw(&c, sizeof c);
  count(c, sizeof(double));
  if (c > 0) count(r, sizeof(double) * static_cast<std::size_t>(c));
  else count(r, 1);
  m.resize(r, c);
  raw(m.data(), sizeof(double) * static_cast<std::size_t>(r * c));
}

void StateReader::get(std::vector<double>& v) {
  expect(kReals);
  std::int64_t n = 0;
  raw(&n, sizeof n);
  v.resize(static_cast<std::size_t>(count(n, sizeof(double))));
  raw(v.data(), sizeof(double) * v.size());
}

}  // namespace eos

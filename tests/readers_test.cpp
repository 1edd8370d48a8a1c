// Reading whole data files (data/readers.h): plain files; gzip read straight into a buffer sized
// from the trailer's stated size, grown when several members need more (all of them read, as gzip
// reads them); a wrong stated size or a truncated file refused.
// The expected bytes are made here, compressed with zlib's own gzip writer.
#define BOOST_TEST_MODULE readers
#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "eos/data/readers.h"
#include "eos/util/error.h"

using namespace eos;

namespace {

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("eos-readers-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// One gzip member holding text (zlib's deflate with a gzip wrapper).
std::string gzip(const std::string& text) {
  z_stream zs{};
  BOOST_REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A text of n lines, compressible but not trivially.
std::string lines(int n, int salt) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::to_string(i * 7919 % 1009 + salt) + "," + std::to_string(i % 3) + "\n";
  return s;
}

// gz with the trailer's size field (its last four bytes, little-endian) replaced.
std::string with_isize(std::string gz, std::uint32_t isize) {
  for (int k = 0; k < 4; ++k) gz[gz.size() - 4 + static_cast<std::size_t>(k)] = static_cast<char>(isize >> (8 * k) & 0xff);
  return gz;
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_and_gzip_files_read_whole) {
  const std::string text = lines(50000, 3);
  write(scratch("plain.csv"), text);
  BOOST_TEST(read_file_bytes(scratch("plain.csv")) == text);
  write(scratch("one.csv.gz"), gzip(text));
  BOOST_TEST(read_file_bytes(scratch("one.csv.gz")) == text);
  write(scratch("empty.csv"), "");
  BOOST_TEST(read_file_bytes(scratch("empty.csv")).empty());
  write(scratch("empty.csv.gz"), gzip(""));
  BOOST_TEST(read_file_bytes(scratch("empty.csv.gz")).empty());
}

// The stated size sizes the first allocation, but a wrong one is corrupt data: zlib checks it.
BOOST_AUTO_TEST_CASE(a_wrong_stated_size_is_refused) {
  const std::string text = lines(30000, 5), gz = gzip(text);
  for (std::uint32_t isize : {0u, static_cast<std::uint32_t>(text.size() / 3), 0xffffffffu}) {
    write(scratch("lying.csv.gz"), with_isize(gz, isize));
    BOOST_CHECK_THROW(read_file_bytes(scratch("lying.csv.gz")), InputError);
  }
}

BOOST_AUTO_TEST_CASE(every_member_of_a_concatenated_gzip_is_read) {
  // The last member, whose trailer sizes the buffer, is the smallest: the buffer grows five times.
  const std::string a = lines(20000, 1), b = lines(40000, 4), c = lines(100, 2);
  write(scratch("members.csv.gz"), gzip(a) + gzip(b) + gzip(c));
  BOOST_TEST(read_file_bytes(scratch("members.csv.gz")) == a + b + c);
  // As a data set: every row of every member.
  const Dataset d = read_csv(scratch("members.csv.gz"));
  BOOST_TEST(d.samples == 60100);
}

BOOST_AUTO_TEST_CASE(a_truncated_gzip_is_refused) {
  const std::string gz = gzip(lines(20000, 9));
  write(scratch("cut.csv.gz"), gz.substr(0, gz.size() / 2));
  BOOST_CHECK_THROW(read_file_bytes(scratch("cut.csv.gz")), InputError);
  std::filesystem::remove_all(std::filesystem::path(scratch("x")).parent_path());
}

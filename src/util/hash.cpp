// Ids as hex.
#include "eos/util/hash.h"


namespace eos {

void hex_id_into(std::uint64_t h, std::string& out) {
  static const char kDigits[] = "0123456789abcdef";
  out.resize(16);
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kDigits[h & 15];
}

std::string hex_id(std::uint64_t h) {
  std::string s;
  hex_id_into(h, s);
  return s;
}

bool parse_hex_id(std::string_view text, std::uint64_t& out) {
  if (text.size() != 16) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  out = v;
  return true;
}

}  // namespace eos

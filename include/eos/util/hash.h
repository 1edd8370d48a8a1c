// 64-bit FNV-1a hashing (the stable point ids and shard assignment) and ids as 16 hex digits.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace eos {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// FNV-1a 64 of the bytes of s, continuing from state h.
inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = kFnvOffset) {
  for (unsigned char c : s) h = (h ^ c) * kFnvPrime;
  return h;
}

// h as exactly 16 lower-case hex digits (into out, reusing its storage).
std::string hex_id(std::uint64_t h);
void hex_id_into(std::uint64_t h, std::string& out);
// The value of a 16-digit lower-case hex id; false for anything else.
bool parse_hex_id(std::string_view text, std::uint64_t& out);

}  // namespace eos

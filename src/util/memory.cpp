// madvise(MADV_HUGEPAGE) on the whole 2 MiB pages of a large buffer (util/memory.h).
#include "eos/util/memory.h"

#include <cstdint>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace eos {

void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  if (!data || bytes < 2 * kHuge) return;
  const auto from = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (from + kHuge - 1) & ~(kHuge - 1), last = (from + bytes) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice: failure is harmless
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace eos

// Large buffers: the advice that lets the kernel back them with transparent huge pages.
#pragma once
#include <cstddef>

namespace eos {

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with transparent huge
// pages (Linux in madvise or always mode; elsewhere, or for less than 4 MiB, nothing): for a large
// buffer first touched once, one page fault per 2 MiB instead of 512, which on a virtual machine
// is most of the cost of filling it. The memory used is the same; the contents are untouched.
// Advise before the first touch (after a reserve, before the fill).
void advise_huge_pages(void* data, std::size_t bytes);

// c.reserve(n), then the advice on c's storage: for a container (std::string, std::vector) about
// to be filled.
template <class C>
void reserve_advised(C& c, std::size_t n) {
  c.reserve(n);
  advise_huge_pages(c.data(), c.capacity() * sizeof(typename C::value_type));
}

}  // namespace eos

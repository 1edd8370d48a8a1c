// Dense symmetric eigenvalues.
#include "eos/numerics/linalg.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <cstdint>

#include <Eigen/Eigenvalues>

namespace eos {

double top_eigenvalue(const Mat& sym) {
  if (sym.rows() == 1) return sym(0, 0);
  Eigen::SelfAdjointEigenSolver<Mat> es(sym, Eigen::EigenvaluesOnly);
  return es.eigenvalues().maxCoeff();
}

std::vector<double> top_eigenvalues(const Mat& sym, long k) {
  Eigen::SelfAdjointEigenSolver<Mat> es(sym, Eigen::EigenvaluesOnly);
  std::vector<double> out;
  for (long i = sym.rows() - 1; i >= 0 && static_cast<long>(out.size()) < k; --i) out.push_back(es.eigenvalues()[i]);
  return out;
}

void advise_huge_pages(Mat& m) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const std::uintptr_t bytes = static_cast<std::uintptr_t>(m.size()) * sizeof(double);
  if (bytes < 2 * kHuge) return;
  const auto from = reinterpret_cast<std::uintptr_t>(m.data());
  const std::uintptr_t first = (from + kHuge - 1) & ~(kHuge - 1), last = (from + bytes) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice: failure is harmless
#else
  (void)m;
#endif
}

}  // namespace eos

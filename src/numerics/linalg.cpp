// Dense symmetric eigenvalues.
#include "eos/numerics/linalg.h"


#include <Eigen/Eigenvalues>

#include "eos/util/memory.h"

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

void advise_huge_pages(Mat& m) { advise_huge_pages(m.data(), static_cast<std::size_t>(m.size()) * sizeof(double)); }

}  // namespace eos

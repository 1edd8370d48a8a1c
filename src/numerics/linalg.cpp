// Dense symmetric eigenvalues.
#include "eos/numerics/linalg.h"

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

}  // namespace eos

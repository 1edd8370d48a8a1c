// Dense symmetric eigenvalues.
#include "eos/numerics/linalg.h"

#include <Eigen/Eigenvalues>

namespace eos {

double top_eigenvalue(const Mat& sym) {
  if (sym.rows() == 1) return sym(0, 0);
  Eigen::SelfAdjointEigenSolver<Mat> es(sym, Eigen::EigenvaluesOnly);
  return es.eigenvalues().maxCoeff();
}

}  // namespace eos

// The vector and matrix types of every numerical layer (Eigen, double precision), and the dense
// top eigenvalue of a symmetric matrix.
#pragma once
#include <Eigen/Dense>

namespace eos {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

// Largest algebraic eigenvalue of a symmetric matrix.
double top_eigenvalue(const Mat& sym);

}  // namespace eos

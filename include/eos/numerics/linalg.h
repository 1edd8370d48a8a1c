// The vector and matrix types of every numerical layer (Eigen, double precision; single for the
// float32 passes), and the dense
// top eigenvalue of a symmetric matrix.
#pragma once
#include <Eigen/Dense>
#include <vector>

namespace eos {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
// Single precision, for the float32 passes of the large models (reductions stay in double).
using VecF = Eigen::VectorXf;
using MatF = Eigen::MatrixXf;

// Largest algebraic eigenvalue of a symmetric matrix.
double top_eigenvalue(const Mat& sym);
// The k largest algebraic eigenvalues, largest first (fewer when the matrix is smaller).
std::vector<double> top_eigenvalues(const Mat& sym, long k);

// util/memory.h's advise_huge_pages on m's storage (the block solver's basis, allocated afresh and
// first touched by each solve when too large to keep).
void advise_huge_pages(Mat& m);

}  // namespace eos

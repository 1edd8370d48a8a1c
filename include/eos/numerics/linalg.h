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

// Asks the kernel to back the whole 2 MiB pages inside m's storage with transparent huge pages
// (Linux, madvise mode; elsewhere, or for less than 4 MiB, nothing): for a large buffer
// allocated afresh and first touched by each solve, one page fault per 2 MiB instead of 512. The
// memory used is the same; the contents are untouched.
void advise_huge_pages(Mat& m);

}  // namespace eos

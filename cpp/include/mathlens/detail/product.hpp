// The core's matrix products. Every distinct Eigen product expression (Lᵀ S L, B Bᵀ, V D Vᵀ, …)
// instantiates its own copy of Eigen's GEMM driver, about 2 KB of wasm apiece; modules therefore
// multiply two plain MatrixXd through these functions and transpose explicitly (O(n²) next to the
// O(n³) product). Hot kernels with their own layout (attention's blocked GEMM) are the exception.
// Out of line (noinline, one copy in the binary): an inlined product dispatch at every call site
// would cost size for no speed.
#pragma once

#include <Eigen/Core>

#if defined(__GNUC__)
#define MATHLENS_OUT_OF_LINE __attribute__((noinline))
#else
#define MATHLENS_OUT_OF_LINE
#endif

namespace mathlens::detail {

/// out = a b (out is resized; it must not be a or b).
MATHLENS_OUT_OF_LINE inline void product(Eigen::MatrixXd& out, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  out.noalias() = a * b;
}

/// a b
MATHLENS_OUT_OF_LINE inline Eigen::MatrixXd product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd c(a.rows(), b.cols());
  c.noalias() = a * b;
  return c;
}

/// aᵀ as a matrix of its own.
MATHLENS_OUT_OF_LINE inline Eigen::MatrixXd transposed(const Eigen::MatrixXd& a) { return a.transpose(); }

}  // namespace mathlens::detail

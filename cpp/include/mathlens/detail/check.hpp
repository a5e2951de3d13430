// Shared input checks for every module. Each check throws mathlens::Error("<fn>: <arg> ...").
// Header-only and free of iostreams (they would add ~125 KB to the wasm).
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <string>

#include "mathlens/error.hpp"

namespace mathlens::detail {

/// Short, locale-free rendering of a number for error messages ("0.001", "-2.5e-09", "inf").
inline std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

inline std::string shape(Eigen::Index r, Eigen::Index c) {
  return std::to_string(r) + "x" + std::to_string(c);
}

[[noreturn]] inline void fail(const char* fn, const std::string& what) {
  throw Error(std::string(fn) + ": " + what);
}

template <class Derived>
void require_finite(const Eigen::DenseBase<Derived>& m, const char* fn, const std::string& arg) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j))) {
        std::string where = m.cols() == 1 ? "[" + std::to_string(i) + "]"
                                          : "(" + std::to_string(i) + ", " + std::to_string(j) + ")";
        fail(fn, arg + " has a non-finite entry (" + num(m(i, j)) + ") at " + where);
      }
}

template <class Derived>
void require_nonempty(const Eigen::DenseBase<Derived>& m, const char* fn, const std::string& arg) {
  if (m.size() == 0) fail(fn, arg + " is empty");
}

template <class Derived>
void require_square(const Eigen::DenseBase<Derived>& m, const char* fn, const std::string& arg) {
  if (m.rows() != m.cols()) fail(fn, arg + " must be square, got " + shape(m.rows(), m.cols()));
}

/// Relative tolerance of the symmetry check: |A - A^T|_max <= kSymmetryTolerance * max(1, |A|_max).
inline constexpr double kSymmetryTolerance = 1e-8;

template <class Derived>
void require_symmetric(const Eigen::MatrixBase<Derived>& m, const char* fn, const std::string& arg) {
  const double scale = std::max(1.0, m.cwiseAbs().maxCoeff());
  const double asym = (m - m.transpose()).cwiseAbs().maxCoeff();
  if (asym > kSymmetryTolerance * scale)
    fail(fn, arg + " is not symmetric (max |A - A^T| = " + num(asym) + ", tolerance " +
                 num(kSymmetryTolerance * scale) + ")");
}

}  // namespace mathlens::detail

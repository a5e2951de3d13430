// Shared helpers for the embind layer. Bindings contain no mathematics: they map wasm-heap
// addresses to Eigen objects, call the core, and turn any C++ exception into a returned JS Error
// (never thrown across the boundary: a throw leaks wasm stack frames; see TOOLCHAIN.md §4).
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <Eigen/Core>

#include <cstdint>
#include <new>
#include <optional>
#include <string>

namespace mathlens::bindings {

using emscripten::val;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Runs f; on a C++ exception returns `new Error(message)` instead of letting it escape.
template <class F>
val guard(const char* fn, F&& f) {
  std::string msg;
  try {
    return f();
  } catch (const std::bad_alloc&) {
    msg = std::string(fn) + ": out of memory";
  } catch (const std::exception& e) {
    msg = e.what();
  } catch (...) {
    msg = std::string(fn) + ": unknown C++ exception";
  }
  return val::global("Error").new_(val(msg));
}

inline const double* at(std::uintptr_t address) { return reinterpret_cast<const double*>(address); }
inline double* out(std::uintptr_t address) { return reinterpret_cast<double*>(address); }

/// A row-major rows×cols matrix at `address`, copied into Eigen's column-major storage.
inline Eigen::MatrixXd matrix(std::uintptr_t address, int rows, int cols) {
  return Eigen::Map<const RowMajor>(at(address), rows, cols);
}
inline Eigen::VectorXd vector(std::uintptr_t address, int n) {
  return Eigen::Map<const Eigen::VectorXd>(at(address), n);
}
/// Writes m row-major at `address`.
inline void write(std::uintptr_t address, const Eigen::MatrixXd& m) {
  Eigen::Map<RowMajor>(out(address), m.rows(), m.cols()) = m;
}

inline val optional(const std::optional<double>& x) { return x ? val(*x) : val::null(); }

}  // namespace mathlens::bindings

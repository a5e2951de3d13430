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
#include <type_traits>

namespace mathlens::bindings {

using emscripten::val;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Calls `call(context)`; on a C++ exception returns `new Error(message)` instead of letting it
/// escape. One out-of-line function holds the catch clauses for every binding (common.cpp): keeping
/// them out of each binding's instantiation saves a large share of the module's size.
val guarded_call(const char* fn, val (*call)(void*), void* context);

/// Runs f; on a C++ exception returns `new Error(message)` (see guarded_call).
template <class F>
val guard(const char* fn, F&& f) {
  using Fn = std::remove_reference_t<F>;
  return guarded_call(
      fn, [](void* c) -> val { return (*static_cast<Fn*>(c))(); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

inline const double* at(std::uintptr_t address) { return reinterpret_cast<const double*>(address); }
inline double* out(std::uintptr_t address) { return reinterpret_cast<double*>(address); }

// The copies between the wasm heap (row-major) and Eigen (column-major) are out of line
// (common.cpp): they are called once per argument, and inlining them into every binding only
// costs size.
/// A row-major rows×cols matrix at `address`, copied into Eigen's column-major storage.
Eigen::MatrixXd matrix(std::uintptr_t address, int rows, int cols);
Eigen::VectorXd vector(std::uintptr_t address, int n);
/// Writes m row-major at `address`.
void write(std::uintptr_t address, const Eigen::MatrixXd& m);
/// Writes a row-major m at `address`: one block copy.
void write_rows(std::uintptr_t address, const RowMajor& m);

inline val optional(const std::optional<double>& x) { return x ? val(*x) : val::null(); }

}  // namespace mathlens::bindings

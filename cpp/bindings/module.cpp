// The wasm module's general entry points. Each module registers its own functions in
// cpp/bindings/<module>.cpp with its own EMSCRIPTEN_BINDINGS block.
#include <emscripten/bind.h>

#include <Eigen/Core>

#include <string>

namespace {
std::string build_info() {
  std::string s = "mathlens 0.1.0; Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                  std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION);
#ifdef EIGEN_VECTORIZE
  s += "; SIMD on (wasm simd128 via SSE2)";
#else
  s += "; SIMD off";
#endif
  return s;
}
}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_module) { emscripten::function("buildInfo", &build_info); }

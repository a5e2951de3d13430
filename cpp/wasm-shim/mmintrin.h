/* Eigen's SSE path includes <mmintrin.h>, which Emscripten 3.1.6 lacks; its SSE-to-wasm-SIMD
   headers provide everything Eigen uses through <xmmintrin.h>. */
#pragma once
#include <xmmintrin.h>

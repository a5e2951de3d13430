// Diagnostics of the wasm heap, for the leak tests and long-running pages (`ml.memory()` in
// web/src/api.ts): the bytes malloc currently has handed out. No mathematics here.
#include <emscripten/bind.h>

#include <malloc.h>

namespace {
/// dlmalloc's in-use total (mallinfo().uordblks, an int that we read as unsigned: up to 4 GB).
double allocated_bytes() { return static_cast<double>(static_cast<unsigned>(mallinfo().uordblks)); }
}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_memory) { emscripten::function("allocatedBytes", &allocated_bytes); }

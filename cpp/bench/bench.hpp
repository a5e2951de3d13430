// The native benchmark driver's shared pieces: best-of-N timing, JSON output, build info, and a
// registry of commands. Each module adds cpp/bench/<module>_bench.cpp with
//   MATHLENS_BENCH_COMMAND(my_command, "usage text") { ... return 0; }
// and `mathlens_bench my-command ...` runs it (underscores become dashes). scripts/bench/<m>.mjs
// drives it and compares with the wasm build in the same run.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace mathlens::bench {

using Clock = std::chrono::steady_clock;

[[noreturn]] inline void die(const std::string& msg) {
  std::fprintf(stderr, "mathlens_bench: %s\n", msg.c_str());
  std::exit(2);
}

// ---------------------------------------------------------------------------------------------
// Timing

struct Timing {
  double best_ms = 0, median_ms = 0;
  int samples = 0;  ///< timed samples (each of `inner` calls)
  int inner = 1;    ///< calls per sample (small d: a batch, so the clock resolution does not matter)
  double value = 0; ///< the function's result (for the agreement check)
};

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/// Best-of-N (the VM is noisy; TOOLCHAIN.md pitfall 12). One call first: if it takes ≥ 50 ms it is
/// kept as a sample; otherwise it is a warm-up, and the batch size (`inner`) is doubled until one
/// batch lasts ≥ 5 ms. Then samples until `max_reps`, or until `budget_ms` is spent once there are
/// at least two. Reported times are per call.
template <class F>
Timing best_of(F f, int max_reps, double budget_ms) {
  Timing t;
  std::vector<double> per_call;
  volatile double sink = 0;
  auto t0 = Clock::now();
  t.value = f();
  const double first = ms_since(t0);
  if (first >= 50.0) {
    per_call.push_back(first);
  } else {
    for (;;) {
      t0 = Clock::now();
      for (int i = 0; i < t.inner; ++i) sink = sink + f();
      const double ms = ms_since(t0);
      if (ms >= 5.0 || t.inner >= (1 << 24)) break;
      t.inner *= 2;
    }
  }
  const auto start = Clock::now();
  while (static_cast<int>(per_call.size()) < max_reps &&
         (per_call.size() < 2 || ms_since(start) < budget_ms)) {
    t0 = Clock::now();
    for (int i = 0; i < t.inner; ++i) sink = sink + f();
    per_call.push_back(ms_since(t0) / t.inner);
  }
  std::sort(per_call.begin(), per_call.end());
  t.samples = static_cast<int>(per_call.size());
  t.best_ms = per_call.front();
  const std::size_t m = per_call.size();
  t.median_ms = m % 2 ? per_call[m / 2] : 0.5 * (per_call[m / 2 - 1] + per_call[m / 2]);
  return t;
}

inline std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

inline std::string build_info() {
  std::string march =
#if defined(__AVX512F__)
      "avx512";
#elif defined(__AVX2__)
      "avx2";
#elif defined(__AVX__)
      "avx";
#else
      "x86-64 baseline (SSE2)";
#endif
  return std::string("{\"compiler\": ") + json_string(std::string("g++ ") + __VERSION__) +
         ", \"eigen\": " +
         json_string(std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                     std::to_string(EIGEN_MINOR_VERSION)) +
         ", \"simd\": " + json_string(Eigen::SimdInstructionSetsInUse()) + ", \"isa\": " + json_string(march) +
#ifdef NDEBUG
         ", \"ndebug\": true"
#else
         ", \"ndebug\": false"
#endif
         + ", \"threads\": 1}";
}


struct Command {
  const char* name;
  const char* usage;
  int (*run)(int argc, char** argv);
};
std::vector<Command>& commands();
inline bool add_command(const Command& c) {
  commands().push_back(c);
  return true;
}

}  // namespace mathlens::bench

/// Defines and registers a command; the body sees `argc`/`argv` (argv[1] is the command name).
#define MATHLENS_BENCH_COMMAND(ident, usage)                                                        \
  static int ident##_run(int argc, char** argv);                                                  \
  static const bool ident##_registered = ::mathlens::bench::add_command({#ident, usage, &ident##_run}); \
  static int ident##_run([[maybe_unused]] int argc, [[maybe_unused]] char** argv)

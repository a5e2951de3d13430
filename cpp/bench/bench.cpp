// mathlens_bench — native timing of the C++ core, the baseline for the wasm build (`npm run bench`).
// Driven by scripts/bench/*.mjs; prints one JSON object to stdout.
//
//   mathlens_bench gaussian-inputs <dir> <d>...
//       Writes <dir>/gaussian-d<d>.bin for each d (the recipe below) and prints the file list.
//   mathlens_bench gaussian <file> [--reps N] [--budget-ms B] [--fns frechet,wasserstein2,compare]
//       Times the listed functions on the two normals in <file>; best-of-N, see best_of().
//
// Input file (little-endian float64 throughout, so that C++, JS and numpy read it the same way):
//   [d, mean_p (d), cov_p (d·d, row-major), mean_q (d), cov_q (d·d)].
// Recipe "gaussian-v1" (scripts/bench/inputs.mjs implements the same generator and checks entries):
//   x(s, k) = 2·(splitmix64_mix(s + (k+1)·γ) >> 11)·2⁻⁵³ − 1 ∈ [−1, 1),  γ = 0x9E3779B97F4A7C15 (mod 2⁶⁴)
//   A_ij = x(s, i·d + j),  μ_i = x(s, d·d + i),  Σ = A Aᵀ/d + 0.1 I
//   s = 1000003·d + 1 for p and 1000003·d + 2 for q.
// The O(d³) product is formed here (Eigen) rather than in JS: at d = 2048 it takes seconds in plain JS.
#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "mathlens/gaussian.hpp"

namespace {

namespace g = mathlens::gaussian;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Inputs

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double recipe_x(std::uint64_t seed, std::uint64_t k) {
  const std::uint64_t state = seed + (k + 1) * 0x9e3779b97f4a7c15ULL;
  return 2.0 * (static_cast<double>(mix64(state) >> 11) * 0x1.0p-53) - 1.0;
}

std::uint64_t recipe_seed(int d, int which) { return 1000003ULL * static_cast<std::uint64_t>(d) + which; }

g::Normal recipe_normal(int d, int which) {
  const std::uint64_t s = recipe_seed(d, which);
  const auto n = static_cast<std::uint64_t>(d);
  Eigen::MatrixXd a(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) a(i, j) = recipe_x(s, static_cast<std::uint64_t>(i) * n + j);
  g::Normal out;
  out.mean.resize(d);
  for (int i = 0; i < d; ++i) out.mean(i) = recipe_x(s, n * n + i);
  Eigen::MatrixXd cov = 0.1 * Eigen::MatrixXd::Identity(d, d);
  cov.selfadjointView<Eigen::Lower>().rankUpdate(a, 1.0 / d);
  out.cov = cov.selfadjointView<Eigen::Lower>();  // exactly symmetric
  return out;
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "mathlens_bench: %s\n", msg.c_str());
  std::exit(2);
}

void write_doubles(std::FILE* f, const double* p, std::size_t n) {
  if (std::fwrite(p, sizeof(double), n, f) != n) die("write failed");
}

void write_normal(std::FILE* f, const g::Normal& x) {
  write_doubles(f, x.mean.data(), static_cast<std::size_t>(x.mean.size()));
  // Row-major on disk; Eigen is column-major, and the matrix is symmetric, but write it properly.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = x.cov;
  write_doubles(f, rm.data(), static_cast<std::size_t>(rm.size()));
}

std::pair<g::Normal, g::Normal> read_inputs(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) die("cannot open " + path);
  double dd = 0;
  if (std::fread(&dd, sizeof dd, 1, f) != 1 || !(dd >= 1 && dd <= 65536) || dd != std::floor(dd))
    die(path + ": bad header");
  const int d = static_cast<int>(dd);
  auto read_normal = [&] {
    g::Normal x;
    x.mean.resize(d);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm(d, d);
    if (std::fread(x.mean.data(), sizeof(double), d, f) != static_cast<std::size_t>(d) ||
        std::fread(rm.data(), sizeof(double), rm.size(), f) != static_cast<std::size_t>(rm.size()))
      die(path + ": truncated");
    x.cov = rm;
    return x;
  };
  g::Normal p = read_normal();
  g::Normal q = read_normal();
  std::fclose(f);
  return {std::move(p), std::move(q)};
}

// ---------------------------------------------------------------------------------------------
// Timing

struct Timing {
  double best_ms = 0, median_ms = 0;
  int samples = 0;  ///< timed samples (each of `inner` calls)
  int inner = 1;    ///< calls per sample (small d: a batch, so the clock resolution does not matter)
  double value = 0; ///< the function's result (for the agreement check)
};

double ms_since(Clock::time_point t0) {
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

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

std::string build_info() {
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

int cmd_inputs(int argc, char** argv) {
  if (argc < 4) die("usage: mathlens_bench gaussian-inputs <dir> <d>...");
  const std::string dir = argv[2];
  std::string files;
  for (int i = 3; i < argc; ++i) {
    const int d = std::atoi(argv[i]);
    if (d < 1 || d > 8192) die(std::string("bad d: ") + argv[i]);
    const std::string path = dir + "/gaussian-d" + std::to_string(d) + ".bin";
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) die("cannot write " + tmp);
    const double dd = d;
    write_doubles(f, &dd, 1);
    write_normal(f, recipe_normal(d, 1));
    write_normal(f, recipe_normal(d, 2));
    if (std::fclose(f) != 0) die("write failed: " + tmp);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) die("rename failed: " + path);
    files += std::string(files.empty() ? "" : ", ") + json_string(path);
  }
  std::printf("{\"recipe\": \"gaussian-v1\", \"files\": [%s]}\n", files.c_str());
  return 0;
}

int cmd_gaussian(int argc, char** argv) {
  if (argc < 3) die("usage: mathlens_bench gaussian <file> [--reps N] [--budget-ms B] [--fns a,b]");
  const std::string path = argv[2];
  int reps = 5;
  double budget_ms = 3000;
  std::string fns = "frechet,wasserstein2";
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) die("missing value after " + a);
    if (a == "--reps") reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--budget-ms") budget_ms = std::atof(argv[++i]);
    else if (a == "--fns") fns = argv[++i];
    else die("unknown option " + a);
  }
  const auto [p, q] = read_inputs(path);
  std::string out = "{\"tool\": \"mathlens_bench\", \"build\": " + build_info() +
                    ", \"file\": " + json_string(path) + ", \"d\": " + std::to_string(p.mean.size()) +
                    ", \"results\": {";
  bool first = true;
  std::size_t start = 0;
  while (start <= fns.size()) {
    const std::size_t comma = std::min(fns.find(',', start), fns.size());
    const std::string fn = fns.substr(start, comma - start);
    start = comma + 1;
    if (fn.empty()) continue;
    Timing t;
    if (fn == "frechet") t = best_of([&] { return g::frechet(p, q); }, reps, budget_ms);
    else if (fn == "wasserstein2") t = best_of([&] { return g::wasserstein2(p, q); }, reps, budget_ms);
    else if (fn == "compare") t = best_of([&] { return g::compare(p, q).wasserstein2; }, reps, budget_ms);
    else die("unknown function " + fn);
    out += std::string(first ? "" : ", ") + json_string(fn) + ": {\"best_ms\": " + json_number(t.best_ms) +
           ", \"median_ms\": " + json_number(t.median_ms) + ", \"samples\": " + std::to_string(t.samples) +
           ", \"inner\": " + std::to_string(t.inner) + ", \"value\": " + json_number(t.value) + "}";
    first = false;
  }
  std::printf("%s}}\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "gaussian-inputs") return cmd_inputs(argc, argv);
    if (cmd == "gaussian") return cmd_gaussian(argc, argv);
    std::fprintf(stderr,
                 "usage: mathlens_bench gaussian-inputs <dir> <d>...\n"
                 "       mathlens_bench gaussian <file> [--reps N] [--budget-ms B] [--fns frechet,wasserstein2,compare]\n"
                 "(normally run through `npm run bench`)\n");
    return 2;
  } catch (const std::exception& e) {
    die(e.what());
  }
}

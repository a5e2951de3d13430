// Native benchmark commands of the gaussian module (driven by scripts/bench/gaussian.mjs).
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
#include "bench.hpp"

#include <cstring>
#include <string>
#include <utility>

#include "mathlens/gaussian.hpp"

using namespace mathlens::bench;

namespace {

namespace g = mathlens::gaussian;

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

}  // namespace

MATHLENS_BENCH_COMMAND(gaussian_inputs, "gaussian-inputs <dir> <d>...") {
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

MATHLENS_BENCH_COMMAND(gaussian, "gaussian <file> [--reps N] [--budget-ms B] [--fns frechet,wasserstein2,compare]") {
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


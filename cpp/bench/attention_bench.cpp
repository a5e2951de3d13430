// Native benchmark command of the attention module (driven by scripts/bench/attention.mjs).
//
//   mathlens_bench attention <n> <d> [--kernels exact,linear,performer,nystrom] [--reps N]
//                            [--budget-ms B] [--landmarks 64] [--features 256] [--write-inputs <file>]
//       Times each kernel on Q, K, V = attention::sample_inputs(n, d, d, random, seed 1) — the same
//       numbers the wasm side draws with ml.attention.sampleInputs(n, d, { seed: 1 }); best-of-N, see
//       bench.hpp. Each value is Σ of the output, for the agreement check. --write-inputs writes
//       [n, d, q (n·d), k (n·d), v (n·d)] (little-endian float64, row-major) for the numpy side.
#include "bench.hpp"

#include <string>

#include "mathlens/attention.hpp"

using namespace mathlens::bench;

namespace {

namespace at = mathlens::attention;

std::string timing_json(const Timing& t) {
  return "{\"best_ms\": " + json_number(t.best_ms) + ", \"median_ms\": " + json_number(t.median_ms) +
         ", \"samples\": " + std::to_string(t.samples) + ", \"inner\": " + std::to_string(t.inner) +
         ", \"value\": " + json_number(t.value) + "}";
}

void write_inputs(const std::string& path, const at::Inputs& x) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) die("cannot write " + path);
  const double header[2] = {static_cast<double>(x.q.rows()), static_cast<double>(x.q.cols())};
  std::fwrite(header, sizeof(double), 2, f);
  for (const Eigen::MatrixXd* m : {&x.q, &x.k, &x.v}) {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = *m;
    if (std::fwrite(rm.data(), sizeof(double), static_cast<std::size_t>(rm.size()), f) != static_cast<std::size_t>(rm.size()))
      die("write failed: " + path);
  }
  std::fclose(f);
}

}  // namespace

MATHLENS_BENCH_COMMAND(attention,
                       "attention <n> <d> [--kernels exact,linear,performer,nystrom] [--reps N] [--budget-ms B] "
                       "[--landmarks M] [--features M] [--write-inputs FILE]") {
  if (argc < 4) die("usage: mathlens_bench attention <n> <d> [options]");
  const int n = std::atoi(argv[2]);
  const int d = std::atoi(argv[3]);
  if (n < 1 || d < 1) die("n and d must be positive");
  std::string kernels = "exact,linear,performer,nystrom", inputs_file;
  int reps = 5, landmarks = 64, features = 256;
  double budget_ms = 3000;
  for (int i = 4; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) die("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--kernels") kernels = value;
    else if (arg == "--reps") reps = std::max(1, std::atoi(value.c_str()));
    else if (arg == "--budget-ms") budget_ms = std::atof(value.c_str());
    else if (arg == "--landmarks") landmarks = std::atoi(value.c_str());
    else if (arg == "--features") features = std::atoi(value.c_str());
    else if (arg == "--write-inputs") inputs_file = value;
    else die("unknown option " + arg);
  }
  const at::Inputs x = at::sample_inputs(n, d, d, at::Structure::random, 1);
  if (!inputs_file.empty()) write_inputs(inputs_file, x);
  std::string out = "{\"tool\": \"mathlens_bench\", \"build\": " + build_info() + ", \"n\": " + std::to_string(n) +
                    ", \"d\": " + std::to_string(d) + ", \"results\": {";
  bool first = true;
  auto add = [&](const char* name, const Timing& t) {
    out += std::string(first ? "" : ", ") + json_string(name) + ": " + timing_json(t);
    first = false;
  };
  auto has = [&](const char* k) { return ("," + kernels + ",").find("," + std::string(k) + ",") != std::string::npos; };
  if (has("exact")) add("exact", best_of([&] { return at::exact(x.q, x.k, x.v).output.sum(); }, reps, budget_ms));
  if (has("linear")) add("linear", best_of([&] { return at::linear(x.q, x.k, x.v).output.sum(); }, reps, budget_ms));
  if (has("performer")) {
    at::PerformerOptions o;
    o.features = features;
    add("performer", best_of([&] { return at::performer(x.q, x.k, x.v, o).output.sum(); }, reps, budget_ms));
  }
  if (has("nystrom")) {
    at::NystromOptions o;
    o.landmarks = std::min(landmarks, n);
    add("nystrom", best_of([&] { return at::nystrom(x.q, x.k, x.v, o).output.sum(); }, reps, budget_ms));
  }
  std::printf("%s}}\n", out.c_str());
  return 0;
}

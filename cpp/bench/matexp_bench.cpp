// Native benchmark commands of the matexp module (driven by scripts/bench/matexp.mjs).
//
//   mathlens_bench matexp <file> [--reps N] [--budget-ms B]
//       Times matexp::expm of the n × n matrix in <file>; best-of-N, see bench.hpp. The value is
//       Σ_ij exp(A)_ij, for the agreement check with the wasm side.
//   mathlens_bench matexp-rank-one <file> [--reps N] [--budget-ms B]
//       Times exp(x yᵀ) by the closed form (exp_rank_one: both d × d matrices, O(d²)) and by the
//       general expm of the formed matrix x yᵀ (O(d³)). Values: Σ_ij exp(x yᵀ)_ij.
//
// Input files (little-endian float64), written by scripts/bench/matexp.mjs:
//   matexp:          [n, A (n·n, row-major)]
//   matexp-rank-one: [d, x (d), y (d)]
#include "bench.hpp"

#include <string>

#include "mathlens/matexp.hpp"

using namespace mathlens::bench;

namespace {

namespace mx = mathlens::matexp;

std::vector<double> read_doubles(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) die("cannot open " + path);
  std::vector<double> data;
  double buf[4096];
  std::size_t got;
  while ((got = std::fread(buf, sizeof(double), 4096, f)) > 0) data.insert(data.end(), buf, buf + got);
  std::fclose(f);
  if (data.empty() || !(data[0] >= 1 && data[0] <= 8192) || data[0] != std::floor(data[0])) die(path + ": bad header");
  return data;
}

std::string timing_json(const Timing& t) {
  return "{\"best_ms\": " + json_number(t.best_ms) + ", \"median_ms\": " + json_number(t.median_ms) +
         ", \"samples\": " + std::to_string(t.samples) + ", \"inner\": " + std::to_string(t.inner) +
         ", \"value\": " + json_number(t.value) + "}";
}

void options(int argc, char** argv, int& reps, double& budget_ms) {
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) die("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--reps") reps = std::max(1, std::atoi(value.c_str()));
    else if (arg == "--budget-ms") budget_ms = std::atof(value.c_str());
    else die("unknown option " + arg);
  }
}

}  // namespace

MATHLENS_BENCH_COMMAND(matexp, "matexp <file> [--reps N] [--budget-ms B]") {
  if (argc < 3) die("usage: mathlens_bench matexp <file> [--reps N] [--budget-ms B]");
  const std::string path = argv[2];
  int reps = 5;
  double budget_ms = 2000;
  options(argc, argv, reps, budget_ms);
  const std::vector<double> data = read_doubles(path);
  const auto n = static_cast<Eigen::Index>(data[0]);
  if (data.size() != static_cast<std::size_t>(1 + n * n)) die(path + ": expected 1 + n² numbers");
  const Eigen::MatrixXd a =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(data.data() + 1, n, n);
  const mx::ExpmResult info = mx::expm_info(a);
  const Timing t = best_of([&] { return mx::expm(a).sum(); }, reps, budget_ms);
  std::printf(
      "{\"tool\": \"mathlens_bench\", \"build\": %s, \"file\": %s, \"n\": %ld, \"degree\": %d, \"squarings\": %d, "
      "\"route\": %s, \"results\": {\"expm\": %s}}\n",
      build_info().c_str(), json_string(path).c_str(), static_cast<long>(n), info.degree, info.squarings,
      json_string(mx::route_name(info.route)).c_str(), timing_json(t).c_str());
  return 0;
}

MATHLENS_BENCH_COMMAND(matexp_rank_one, "matexp-rank-one <file> [--reps N] [--budget-ms B]") {
  if (argc < 3) die("usage: mathlens_bench matexp-rank-one <file> [--reps N] [--budget-ms B]");
  const std::string path = argv[2];
  int reps = 5;
  double budget_ms = 2000;
  options(argc, argv, reps, budget_ms);
  const std::vector<double> data = read_doubles(path);
  const auto d = static_cast<Eigen::Index>(data[0]);
  if (data.size() != static_cast<std::size_t>(1 + 2 * d)) die(path + ": expected 1 + 2d numbers");
  const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(data.data() + 1, d);
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(data.data() + 1 + d, d);
  const Timing closed = best_of([&] { return mx::exp_rank_one(x, y).exp.sum(); }, reps, budget_ms);
  const Timing general = best_of(
      [&] {
        const Eigen::MatrixXd xy = x * y.transpose();
        return mx::expm(xy).sum();
      },
      reps, budget_ms);
  std::printf("{\"tool\": \"mathlens_bench\", \"build\": %s, \"file\": %s, \"d\": %ld, \"results\": {\"closed_form\": %s, "
              "\"general_expm\": %s}}\n",
              build_info().c_str(), json_string(path).c_str(), static_cast<long>(d), timing_json(closed).c_str(),
              timing_json(general).c_str());
  return 0;
}

// Native benchmark command of the orthogonal module (driven by scripts/bench/orthogonal.mjs).
//
//   mathlens_bench orthogonal <file> [--reps N] [--budget-ms B] [--form] [--construction rotation]
//       Times T x by orthogonal::apply (O(d), T never formed) and, with --form, forming T by
//       orthogonal::matrix and multiplying (O(d²)); best-of-N, see bench.hpp. Each value is Σ_i (T x)_i,
//       for the agreement check with the wasm side.
//
// Input file (little-endian float64): [d, a (d), b (d), x (d)], written by scripts/bench/orthogonal.mjs.
#include "bench.hpp"

#include <string>

#include "mathlens/orthogonal.hpp"

using namespace mathlens::bench;

namespace {

namespace o = mathlens::orthogonal;

struct Inputs {
  Eigen::VectorXd a, b, x;
};

Inputs read_inputs(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) die("cannot open " + path);
  double dd = 0;
  if (std::fread(&dd, sizeof dd, 1, f) != 1 || !(dd >= 2 && dd <= 1e8) || dd != std::floor(dd))
    die(path + ": bad header");
  const auto d = static_cast<Eigen::Index>(dd);
  Inputs in{Eigen::VectorXd(d), Eigen::VectorXd(d), Eigen::VectorXd(d)};
  for (Eigen::VectorXd* v : {&in.a, &in.b, &in.x})
    if (std::fread(v->data(), sizeof(double), static_cast<std::size_t>(d), f) != static_cast<std::size_t>(d))
      die(path + ": truncated");
  std::fclose(f);
  return in;
}

std::string timing_json(const Timing& t) {
  return "{\"best_ms\": " + json_number(t.best_ms) + ", \"median_ms\": " + json_number(t.median_ms) +
         ", \"samples\": " + std::to_string(t.samples) + ", \"inner\": " + std::to_string(t.inner) +
         ", \"value\": " + json_number(t.value) + "}";
}

}  // namespace

MATHLENS_BENCH_COMMAND(orthogonal, "orthogonal <file> [--reps N] [--budget-ms B] [--form] [--construction C]") {
  if (argc < 3) die("usage: mathlens_bench orthogonal <file> [--reps N] [--budget-ms B] [--form] [--construction C]");
  const std::string path = argv[2];
  int reps = 5;
  double budget_ms = 2000;
  bool form = false;
  o::Options options;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--form") {
      form = true;
      continue;
    }
    if (i + 1 >= argc) die("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--reps") reps = std::max(1, std::atoi(value.c_str()));
    else if (arg == "--budget-ms") budget_ms = std::atof(value.c_str());
    else if (arg == "--construction")
      options.construction = value == "householder" ? o::Construction::householder
                             : value == "simplest"  ? o::Construction::simplest
                                                    : o::Construction::rotation;
    else die("unknown option " + arg);
  }
  const Inputs in = read_inputs(path);
  const Timing apply = best_of([&] { return o::apply(in.a, in.b, in.x, options).sum(); }, reps, budget_ms);
  std::string out = "{\"tool\": \"mathlens_bench\", \"build\": " + build_info() + ", \"file\": " + json_string(path) +
                    ", \"d\": " + std::to_string(in.a.size()) + ", \"results\": {\"apply\": " + timing_json(apply);
  if (form) {
    const Timing formed = best_of(
        [&] {
          const Eigen::MatrixXd t = o::matrix(in.a, in.b, options);
          const Eigen::VectorXd y = t * in.x;
          return y.sum();
        },
        reps, budget_ms);
    out += ", \"form_and_multiply\": " + timing_json(formed);
  }
  std::printf("%s}}\n", out.c_str());
  return 0;
}

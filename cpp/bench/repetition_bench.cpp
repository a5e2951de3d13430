// Native benchmark command of the repetition module (driven by scripts/bench/repetition.mjs).
//
//   mathlens_bench repetition [--n 100,500,2000] [--reps N] [--budget-ms B] [--fns analyze,rate]
//       Times analyze() (default options) and rate() on the recipe matrix of each n; best-of-N.
//
// Recipe "repetition-v1" (the same as tests/fixtures/gen_repetition.py's recipe_matrix, rebuilt bit for
// bit by the JS bench): h = (7919 i + 104729 j + 12345) mod 1000003; entry (i, j) present iff
// floor(h/7) mod 10 = 0 or j = (i + 1) mod n; v = (h mod 1000) + 1; P_ij = (0.9 v) / V_i with V_i the
// row's integer sum of v. About 10% nonzero, every row leaves 0.1 to EOS, one strongly connected
// component (the j = i + 1 cycle).
#include "bench.hpp"

#include <string>
#include <vector>

#include "mathlens/repetition.hpp"

using namespace mathlens::bench;

namespace {

namespace rp = mathlens::repetition;

Eigen::MatrixXd recipe_matrix(int n) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, n);
  std::vector<long long> v(static_cast<std::size_t>(n));
  for (long long i = 0; i < n; ++i) {
    long long total = 0;
    for (long long j = 0; j < n; ++j) {
      const long long h = (7919 * i + 104729 * j + 12345) % 1000003;
      v[j] = ((h / 7) % 10 == 0 || j == (i + 1) % n) ? h % 1000 + 1 : 0;
      total += v[j];
    }
    for (long long j = 0; j < n; ++j)
      if (v[j] != 0) out(i, j) = (0.9 * static_cast<double>(v[j])) / static_cast<double>(total);
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

MATHLENS_BENCH_COMMAND(repetition, "repetition [--n 100,500,2000] [--reps N] [--budget-ms B] [--fns analyze,rate]") {
  std::string ns = "100,500,2000", fns = "analyze,rate";
  int reps = 5;
  double budget_ms = 3000;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) die("missing value after " + a);
    if (a == "--n") ns = argv[++i];
    else if (a == "--reps") reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--budget-ms") budget_ms = std::atof(argv[++i]);
    else if (a == "--fns") fns = argv[++i];
    else die("unknown option " + a);
  }
  std::string out = "{\"tool\": \"mathlens_bench\", \"recipe\": \"repetition-v1\", \"build\": " + build_info() + ", \"results\": [";
  bool first = true;
  for (const std::string& nstr : split(ns)) {
    const int n = std::atoi(nstr.c_str());
    if (n < 2 || n > 8192) die("bad n: " + nstr);
    const Eigen::MatrixXd p = recipe_matrix(n);
    for (const std::string& fn : split(fns)) {
      Timing t;
      if (fn == "analyze") t = best_of([&] { return rp::analyze(p).rate; }, reps, budget_ms);
      else if (fn == "rate") t = best_of([&] { return rp::rate(p); }, reps, budget_ms);
      else die("unknown function " + fn);
      out += std::string(first ? "" : ", ") + "{\"n\": " + std::to_string(n) + ", \"fn\": " + json_string(fn) +
             ", \"best_ms\": " + json_number(t.best_ms) + ", \"median_ms\": " + json_number(t.median_ms) +
             ", \"samples\": " + std::to_string(t.samples) + ", \"inner\": " + std::to_string(t.inner) +
             ", \"value\": " + json_number(t.value) + "}";
      first = false;
    }
  }
  std::printf("%s]}\n", out.c_str());
  return 0;
}

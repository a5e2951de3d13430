// Native benchmark command of the rope module (driven by scripts/bench/rope.mjs).
//
//   mathlens_bench rope <file> [--dtype f64|f32] [--pairing interleaved|half] [--reps N] [--budget-ms B]
//       Times rope::apply on the n × d batch in <file> (positions 0..n−1, base 10000), out of place into
//       a separate buffer as a C++ caller would; best-of-N, see bench.hpp. --dtype f32 converts the
//       batch to float first (the input of the float32 overload). The value is the checksum
//       Σ_j out_j·((j mod 13) − 6), for the agreement check with the wasm side.
//
// Input file (little-endian float64): [n, d, x (n·d, row-major)], written by scripts/bench/rope.mjs.
#include "bench.hpp"

#include <string>

#include "mathlens/rope.hpp"

using namespace mathlens::bench;

namespace {

namespace r = mathlens::rope;

struct Batch {
  Eigen::Index n = 0, d = 0;
  std::vector<double> x;
};

Batch read_batch(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) die("cannot open " + path);
  double head[2];
  if (std::fread(head, sizeof(double), 2, f) != 2 || !(head[0] >= 1 && head[1] >= 2 && head[0] * head[1] <= 1e9))
    die(path + ": bad header");
  Batch b;
  b.n = static_cast<Eigen::Index>(head[0]);
  b.d = static_cast<Eigen::Index>(head[1]);
  b.x.resize(static_cast<std::size_t>(b.n * b.d));
  if (std::fread(b.x.data(), sizeof(double), b.x.size(), f) != b.x.size()) die(path + ": truncated");
  std::fclose(f);
  return b;
}

}  // namespace

MATHLENS_BENCH_COMMAND(rope, "rope <file> [--dtype f64|f32] [--pairing interleaved|half] [--reps N] [--budget-ms B]") {
  if (argc < 3) die("usage: mathlens_bench rope <file> [--dtype f64|f32] [--pairing interleaved|half] [--reps N] [--budget-ms B]");
  const std::string path = argv[2];
  int reps = 10;
  double budget_ms = 2000;
  bool f32 = false;
  r::Options options;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) die("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--reps") reps = std::max(1, std::atoi(value.c_str()));
    else if (arg == "--budget-ms") budget_ms = std::atof(value.c_str());
    else if (arg == "--dtype") f32 = value == "f32";
    else if (arg == "--pairing") options.pairing = value == "half" ? r::Pairing::half : r::Pairing::interleaved;
    else die("unknown option " + arg);
  }
  const Batch b = read_batch(path);
  // Each timed call rotates the whole batch into `out`; the checksum is taken once afterwards.
  Timing t;
  double sum = 0;
  const auto weight = [](std::size_t j) { return static_cast<double>(j % 13) - 6.0; };
  if (f32) {
    const std::vector<float> x(b.x.begin(), b.x.end());
    std::vector<float> out(x.size());
    t = best_of([&] { r::apply(x.data(), out.data(), b.n, b.d, nullptr, options); return double(out[1]); }, reps, budget_ms);
    for (std::size_t j = 0; j < out.size(); ++j) sum += out[j] * weight(j);
  } else {
    std::vector<double> out(b.x.size());
    t = best_of([&] { r::apply(b.x.data(), out.data(), b.n, b.d, nullptr, options); return out[1]; }, reps, budget_ms);
    for (std::size_t j = 0; j < out.size(); ++j) sum += out[j] * weight(j);
  }
  t.value = sum;
  std::printf(
      "{\"tool\": \"mathlens_bench\", \"build\": %s, \"file\": %s, \"n\": %lld, \"d\": %lld, \"dtype\": \"%s\", "
      "\"pairing\": \"%s\", \"best_ms\": %s, \"median_ms\": %s, \"samples\": %d, \"inner\": %d, \"value\": %s}\n",
      build_info().c_str(), json_string(path).c_str(), static_cast<long long>(b.n), static_cast<long long>(b.d),
      f32 ? "f32" : "f64", options.pairing == r::Pairing::half ? "half" : "interleaved", json_number(t.best_ms).c_str(),
      json_number(t.median_ms).c_str(), t.samples, t.inner, json_number(t.value).c_str());
  return 0;
}

// embind layer for mathlens::repetition. A transition matrix crosses the boundary as one row-major
// block of the wasm heap plus its shape; decoding settings and switches travel as numbers (layout:
// 0 auto, 1 block, 2 full; parts: 0 auto, 1 yes, 2 no; terms: −1 auto). A progress callback is a JS
// function (or undefined) that the TS layer wraps so that it never throws into wasm.
#include "mathlens/repetition.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "common.hpp"

// Conversions run once per call: compile them for size.
#define ML_COLD __attribute__((minsize))

namespace mathlens::bindings {
namespace {

namespace rp = mathlens::repetition;

rp::Layout layout_of(int x) { return x == 1 ? rp::Layout::block : x == 2 ? rp::Layout::full : rp::Layout::automatic; }
rp::Part part_of(int x) { return x == 1 ? rp::Part::yes : x == 2 ? rp::Part::no : rp::Part::automatic; }

rp::Decoding decoding_of(double temperature, int top_k, double top_p, bool greedy) {
  rp::Decoding d;
  d.temperature = temperature;
  d.top_k = top_k;
  d.top_p = top_p;
  d.greedy = greedy;
  return d;
}

rp::Progress progress_of(val fn) {
  if (fn.isUndefined() || fn.isNull()) return {};
  return [fn](double fraction, const char* stage) { fn(fraction, std::string(stage)); };
}

/// A new Float64Array holding a copy of n doubles.
val f64(const double* p, std::size_t n) {
  return val::global("Float64Array").new_(emscripten::typed_memory_view(n, p));
}
val f64(const std::vector<double>& v) { return f64(v.data(), v.size()); }

ML_COLD val series_object(const rp::Series& s) {
  val o = val::object();
  o.set("name", s.name);
  o.set("value", s.value);
  o.set("tailBound", s.tail_bound);
  o.set("terms", s.terms);
  o.set("converged", s.converged);
  o.set("divergent", s.divergent);
  o.set("kind", std::string(s.rigorous ? "rigorous" : "heuristic"));
  return o;
}

#define ML_CHAIN std::uintptr_t p, int rows, int cols, int layout, double temperature, int top_k, double top_p, bool greedy
#define ML_MATRIX matrix(p, rows, cols)
#define ML_DECODING decoding_of(temperature, top_k, top_p, greedy)

ML_COLD val analyze(ML_CHAIN, int eigenvalues, int paper, int terms, val progress) {
  return guard("repetition.analyze", [&] {
    rp::Options o;
    o.layout = layout_of(layout);
    o.decoding = ML_DECODING;
    o.eigenvalues = part_of(eigenvalues);
    o.paper = part_of(paper);
    o.terms = terms;
    o.progress = progress_of(progress);
    const rp::Analysis a = rp::analyze(ML_MATRIX, o);
    val r = val::object();
    r.set("n", a.n);
    r.set("zeta", a.zeta);
    r.set("rate", a.rate);
    r.set("divergent", a.divergent);
    val cycles = val::array();
    for (const auto& c : a.cycles) {
      val cyc = val::array();
      for (int v : c) cyc.call<void>("push", v);
      cycles.call<void>("push", cyc);
    }
    r.set("cycles", cycles);
    r.set("spectralRadius", a.spectral_radius);
    r.set("spectralRadiusLower", a.spectral_radius_lower);
    r.set("spectralRadiusUpper", a.spectral_radius_upper);
    r.set("spectralRadiusIterations", a.spectral_radius_iterations);
    r.set("spectralRadiusConverged", a.spectral_radius_converged);
    r.set("components", a.components);
    if (a.eigenvalues) {
      std::vector<double> re, im;
      for (const auto& l : *a.eigenvalues) {
        re.push_back(l.real());
        im.push_back(l.imag());
      }
      val ev = val::object();
      ev.set("re", f64(re));
      ev.set("im", f64(im));
      r.set("eigenvalues", ev);
    } else {
      r.set("eigenvalues", val::null());
    }
    r.set("rateFromEigenvalues", optional(a.rate_from_eigenvalues));
    r.set("rowSumsS", f64(a.row_sums_s.data(), static_cast<std::size_t>(a.row_sums_s.size())));
    r.set("perronLower", a.perron_lower);
    r.set("perronUpper", a.perron_upper);
    r.set("dominantTerm", a.dominant_term);
    r.set("upperBound", a.upper_bound);
    r.set("rowSumUpperBound", a.row_sum_upper_bound);
    r.set("traces", f64(a.traces));
    r.set("partialSums", f64(a.partial_sums));
    r.set("partialTailBound", a.partial_tail_bound);
    val lb = val::array();
    for (const auto& s : a.lower_bounds) lb.call<void>("push", series_object(s));
    r.set("lowerBounds", lb);
    if (a.paper) {
      const rp::Paper& pp = *a.paper;
      val q = val::object();
      q.set("zeta", pp.zeta);
      q.set("spectralRadiusB2", pp.spectral_radius_b2);
      q.set("theorem1Applies", pp.theorem1_applies);
      q.set("arp", pp.arp);
      q.set("arpSeries", series_object(pp.arp_series));
      q.set("nuclearNorm", pp.nuclear_norm);
      q.set("sigmaMin", pp.sigma_min);
      q.set("bound", pp.bound);
      r.set("paper", q);
    } else {
      r.set("paper", val::null());
    }
    val w = val::array();
    for (const auto& s : a.warnings) w.call<void>("push", s);
    r.set("warnings", w);
    return r;
  });
}

ML_COLD val rate(ML_CHAIN) {
  return guard("repetition.rate", [&] {
    rp::Options o;
    o.layout = layout_of(layout);
    o.decoding = ML_DECODING;
    return val(rp::rate(ML_MATRIX, o));
  });
}

/// Writes the decoded full rows (n × (n+1), row-major, EOS last) at `out`; returns n.
ML_COLD val transform(ML_CHAIN, std::uintptr_t out_address) {
  return guard("repetition.transform", [&] {
    constexpr const char* fn = "repetition.transform";
    rp::check_decoding(ML_DECODING, fn);
    const rp::Chain c = rp::decode(rp::make_chain(ML_MATRIX, layout_of(layout), fn), ML_DECODING, fn);
    const Eigen::Index n = c.block.rows();
    double* dst = out(out_address);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) dst[i * (n + 1) + j] = c.block(i, j);
      dst[i * (n + 1) + n] = c.eos(i);
    }
    return val(static_cast<int>(n));
  });
}

ML_COLD val simulate(ML_CHAIN, double samples, double seed, int max_k, val progress) {
  return guard("repetition.simulate", [&] {
    rp::SimulateOptions o;
    o.layout = layout_of(layout);
    o.decoding = ML_DECODING;
    o.samples = static_cast<std::int64_t>(samples);
    o.seed = static_cast<std::uint64_t>(seed);
    o.max_k = max_k;
    o.progress = progress_of(progress);
    const rp::Simulation s = rp::simulate(ML_MATRIX, o);
    val r = val::object();
    r.set("estimate", s.estimate);
    r.set("standardError", s.standard_error);
    r.set("samples", static_cast<double>(s.samples));
    r.set("maxK", s.max_k);
    r.set("traceEstimates", f64(s.trace_estimates));
    r.set("traceStandardErrors", f64(s.trace_standard_errors));
    r.set("truncatedRate", optional(s.truncated_rate));
    r.set("tailBound", s.tail_bound);
    r.set("meanLength", s.mean_length);
    r.set("eosFraction", s.eos_fraction);
    return r;
  });
}

/// Writes rates, spectral radii and upper bounds (count each) at `out`.
ML_COLD val sweep(ML_CHAIN, std::uintptr_t temps, int count, val progress, std::uintptr_t out_address) {
  return guard("repetition.sweep", [&] {
    rp::Options o;
    o.layout = layout_of(layout);
    o.decoding = ML_DECODING;
    o.progress = progress_of(progress);
    const std::vector<double> t(at(temps), at(temps) + count);
    const rp::Sweep s = rp::sweep(ML_MATRIX, t, o);
    double* dst = out(out_address);
    for (int i = 0; i < count; ++i) {
      dst[i] = s.rates[i];
      dst[count + i] = s.spectral_radii[i];
      dst[2 * count + i] = s.upper_bounds[i];
    }
    return val::undefined();
  });
}

/// Token ids arrive as doubles (exact integers); writes the n × (n+1) model at `out`.
ML_COLD val bigram(std::uintptr_t tokens, int count, int n, double smoothing, std::uintptr_t out_address) {
  return guard("repetition.bigram", [&] {
    std::vector<int> ids(static_cast<std::size_t>(count));
    const double* src = at(tokens);
    for (int i = 0; i < count; ++i) ids[i] = static_cast<int>(src[i]);
    write(out_address, rp::bigram(ids, n, smoothing));
    return val::undefined();
  });
}

#undef ML_CHAIN
#undef ML_MATRIX
#undef ML_DECODING
#undef ML_COLD

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_repetition) {
  using emscripten::function;
  function("repetition_analyze", &analyze);
  function("repetition_rate", &rate);
  function("repetition_transform", &transform);
  function("repetition_simulate", &simulate);
  function("repetition_sweep", &sweep);
  function("repetition_bigram", &bigram);
}

}  // namespace mathlens::bindings

// libFuzzer harness of mathlens::repetition (see tests/fuzz/fuzz.hpp for the rules): transition
// matrices in both layouts (valid stochastic rows, rows summing to 1 ± tiny, negative or non-finite
// entries, deterministic cycles, wrong shapes), decoding strategies with out-of-range settings,
// temperature sweeps and bigram counts. Promises checked: R ≥ 0 (+inf only when divergent), ρ(S) in
// [0, 1], decoded rows stochastic, no NaN anywhere.
#include "mathlens/repetition.hpp"

#include "fuzz.hpp"

namespace r = mathlens::repetition;
using namespace mathlens::fuzz;

namespace {

constexpr int kMaxDim = 6;

/// A transition matrix: usually made stochastic from decoded weights (so that deep code is reached),
/// sometimes raw.
MatrixXd transitions(Input& in, Index n, r::Layout& layout) {
  const int kind = in.pick(6);
  layout = static_cast<r::Layout>(in.pick(3));
  const Index cols = kind == 5 ? in.dim(kMaxDim + 1) : (layout == r::Layout::full ? n + 1 : n);
  MatrixXd m = in.matrix(n, cols);
  if (kind <= 3) {
    // |weights|, optionally with exact zeros and ones, normalised per row (block rows lose some mass).
    m = m.cwiseAbs();
    for (Index i = 0; i < n; ++i) {
      const double s = m.row(i).sum();
      if (s > 0 && std::isfinite(s)) m.row(i) /= (layout == r::Layout::full ? s : s * (1.0 + in.byte() / 64.0));
    }
    if (kind == 3 && n > 0) {  // a deterministic cycle: divergent
      m.setZero();
      for (Index i = 0; i < n; ++i) m(i, (i + 1) % n) = 1.0;
    }
  }
  return m;
}

r::Decoding decoding(Input& in) {
  r::Decoding d;
  if (in.pick(2)) d.temperature = in.number();
  if (in.pick(3) == 0) d.top_k = in.integer(-2, 8);
  if (in.pick(3) == 0) d.top_p = in.number();
  d.greedy = in.pick(6) == 0;
  return d;
}

void check_analysis(const r::Analysis& a) {
  promise_not_nan(a.rate, "repetition.analyze rate");
  if (a.rate < 0) bug("repetition.analyze: R < 0: " + show(a.rate));
  if (std::isinf(a.rate) != a.divergent) bug("repetition.analyze: R = inf iff divergent");
  promise_range(a.spectral_radius, 0, 1, "repetition.analyze spectral radius");
  for (double x : {a.perron_lower, a.perron_upper, a.dominant_term, a.upper_bound, a.row_sum_upper_bound,
                   a.partial_tail_bound})
    promise_not_nan(x, "repetition.analyze field");
  if (a.rate_from_eigenvalues) promise_not_nan(*a.rate_from_eigenvalues, "repetition.analyze rate from eigenvalues");
  for (double x : a.traces) promise_not_nan(x, "repetition.analyze traces");
  for (double x : a.partial_sums) promise_not_nan(x, "repetition.analyze partial sums");
  for (const auto& s : a.lower_bounds) {
    promise_not_nan(s.value, "repetition.analyze lower bound " + s.name);
    if (s.rigorous && !a.divergent && s.value > a.rate * (1 + 1e-9) + 1e-12)
      bug("repetition.analyze: rigorous lower bound " + s.name + " = " + show(s.value) + " > R = " + show(a.rate));
  }
  promise_not_nan(a.chain.block, "repetition.analyze chain");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const int which = in.pick(6);
  const Index n = in.dim(kMaxDim);
  r::Layout layout;
  const MatrixXd m = transitions(in, n, layout);
  r::Options opt;
  opt.layout = layout;
  opt.decoding = decoding(in);
  opt.terms = in.pick(2) ? -1 : in.integer(-3, 40);

  switch (which) {
    case 0: call("repetition.analyze", [&] { check_analysis(r::analyze(m, opt)); }); break;
    case 1:
      call("repetition.rate", [&] {
        const double rate = r::rate(m, opt);
        promise_not_nan(rate, "repetition.rate");
        if (rate < 0) bug("repetition.rate < 0");
      });
      break;
    case 2:
      call("repetition.transform", [&] {
        const r::Chain c = r::decode(r::make_chain(m, layout, "repetition.transform"), opt.decoding, "repetition.transform");
        promise_not_nan(c.block, "repetition.transform block");
        promise_not_nan(c.eos, "repetition.transform eos");
        for (Index i = 0; i < c.block.rows(); ++i) {
          const double s = c.block.row(i).sum() + c.eos(i);
          if (std::abs(s - 1.0) > 1e-12 || c.block.row(i).minCoeff() < 0 || c.eos(i) < 0)
            bug("repetition.transform: row " + std::to_string(i) + " is not stochastic (sum " + show(s) + ")");
        }
      });
      break;
    case 3: {
      r::SimulateOptions so;
      so.layout = layout;
      so.decoding = opt.decoding;
      so.samples = in.integer(-5, 300);
      so.seed = in.u64();
      so.max_k = in.integer(-2, 20);
      call("repetition.simulate", [&] {
        const r::Simulation s = r::simulate(m, so);
        promise_not_nan(s.estimate, "repetition.simulate estimate");
        promise_not_nan(s.standard_error, "repetition.simulate standard error");
        for (double x : s.trace_estimates) promise_not_nan(x, "repetition.simulate trace estimate");
      });
      break;
    }
    case 4: {
      std::vector<double> ts(in.integer(0, 4));
      for (double& t : ts) t = in.number();
      call("repetition.sweep", [&] {
        const r::Sweep s = r::sweep(m, ts, opt);
        for (const auto* v : {&s.rates, &s.spectral_radii, &s.upper_bounds})
          for (double x : *v) promise_not_nan(x, "repetition.sweep");
      });
      break;
    }
    default: {
      std::vector<int> tokens(in.integer(0, 24));
      const int vocab = in.integer(-1, 6);
      for (int& t : tokens) t = in.integer(-2, 7);
      const double smoothing = in.pick(2) ? 0.0 : in.number();
      call("repetition.bigram", [&] {
        const MatrixXd b = r::bigram(tokens, vocab, smoothing);
        promise_not_nan(b, "repetition.bigram");
        for (Index i = 0; i < b.rows(); ++i)
          if (std::abs(b.row(i).sum() - 1.0) > 1e-12) bug("repetition.bigram: a row does not sum to 1");
      });
    }
  }
  return 0;
}

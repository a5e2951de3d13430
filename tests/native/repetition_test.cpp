// Native tests of mathlens::repetition: the worked numbers of spec/MATH.md §6, brute-force
// enumeration of k-cycles, the chain of lower bounds, closed form = series = eigenvalues, the paper's
// Theorem 1, decoding transforms, divergence, the Monte Carlo check, bigram models, fixtures from an
// independent implementation (tests/fixtures/gen_repetition.py: mpmath / numpy) and the exact error
// messages for bad input.
#include "mathlens/repetition.hpp"

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "mathlens/error.hpp"

namespace r = mathlens::repetition;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using json = nlohmann::json;

namespace {

const double kInf = std::numeric_limits<double>::infinity();

MatrixXd mat(std::initializer_list<std::initializer_list<double>> rows) {
  MatrixXd m(rows.size(), rows.begin()->size());
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

/// The spec's test vector (§6 d): each row leaves 0.1 to EOS.
const MatrixXd P3 = mat({{0.5, 0.3, 0.1}, {0.2, 0.2, 0.5}, {0.4, 0.4, 0.1}});

void expect_rel(double actual, double expected, double rtol, const std::string& what = "") {
  EXPECT_NEAR(actual, expected, rtol * std::max(std::abs(expected), 1e-300)) << what;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

r::Options with(r::Decoding d) {
  r::Options o;
  o.decoding = d;
  return o;
}

const r::Series& bound(const r::Analysis& a, const std::string& name) {
  for (const auto& s : a.lower_bounds)
    if (s.name == name) return s;
  throw std::runtime_error("no lower bound " + name);
}

/// A random block with the given density and EOS mass in [eos_lo, eos_hi).
MatrixXd random_block(int n, double density, std::mt19937_64& rng, double eos_lo = 0.05, double eos_hi = 0.3) {
  std::uniform_real_distribution<double> u(0, 1);
  MatrixXd a(n, n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) a(i, j) = u(rng) < density ? u(rng) : 0.0;
    if (a.row(i).sum() == 0) a(i, static_cast<int>(u(rng) * n) % n) = 1;
    a.row(i) *= (1 - (eos_lo + (eos_hi - eos_lo) * u(rng))) / a.row(i).sum();
  }
  return a;
}

/// Σ over all k-tuples (i1..ik) of Π_j P_{i_j i_{j+1}}² (cyclic): Tr(S^k) by brute force.
double brute_force_cycles(const MatrixXd& p, int k) {
  const int n = static_cast<int>(p.rows());
  std::vector<int> idx(k, 0);
  double total = 0;
  for (;;) {
    double prod = 1;
    for (int j = 0; j < k; ++j) {
      const double x = p(idx[j], idx[(j + 1) % k]);
      prod *= x * x;
    }
    total += prod;
    int pos = 0;
    while (pos < k && ++idx[pos] == n) idx[pos++] = 0;
    if (pos == k) break;
  }
  return total;
}

/// The large fixture's integer recipe (tests/fixtures/gen_repetition.py, recipe_matrix).
MatrixXd recipe_matrix(int n) {
  MatrixXd v = MatrixXd::Zero(n, n);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      const long h = (7919 * i + 104729 * j + 12345) % 1000003;
      if ((h / 7) % 10 == 0 || j == (i + 1) % n) v(i, j) = static_cast<double>(h % 1000 + 1);
    }
  MatrixXd out = MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    long total = 0;
    for (int j = 0; j < n; ++j) total += static_cast<long>(v(i, j));
    for (int j = 0; j < n; ++j)
      if (v(i, j) != 0) out(i, j) = (0.9 * v(i, j)) / static_cast<double>(total);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- worked numbers (MATH.md §6 d)

TEST(RepetitionWorked, RateTracesEigenvaluesAndBounds) {
  const r::Analysis a = r::analyze(P3);
  EXPECT_EQ(a.n, 3);
  expect_rel(a.rate, 0.512720388821962, 1e-14, "R");
  ASSERT_GE(a.traces.size(), 4u);
  expect_rel(a.traces[0], 0.30, 1e-14, "Tr S");
  expect_rel(a.traces[1], 0.1546, 1e-14, "Tr S^2");
  expect_rel(a.traces[2], 0.037062, 1e-14, "Tr S^3");
  expect_rel(a.traces[3], 0.01421138, 1e-14, "Tr S^4");
  ASSERT_TRUE(a.eigenvalues.has_value());
  const auto& ev = *a.eigenvalues;  // by decreasing modulus
  EXPECT_NEAR(ev[0].real(), 0.340198837339, 1e-12);
  EXPECT_NEAR(ev[1].real(), -0.158042845137, 1e-12);
  EXPECT_NEAR(ev[2].real(), 0.117844007798, 1e-12);
  for (const auto& l : ev) EXPECT_EQ(l.imag(), 0.0);
  expect_rel(a.spectral_radius, 0.340198837339473, 1e-13, "rho");
  EXPECT_LE(a.spectral_radius_lower, 0.340198837339473 * (1 + 1e-14));
  EXPECT_GE(a.spectral_radius_upper, 0.340198837339473 * (1 - 1e-14));
  EXPECT_TRUE(a.spectral_radius_converged);
  expect_rel(a.upper_bound, 1.5468243613015855, 1e-13, "n rho/(1 - rho)");
  expect_rel(a.dominant_term, 0.5156081204338618, 1e-13, "rho/(1 - rho)");
  expect_rel(a.row_sums_s(0), 0.35, 1e-15);
  expect_rel(a.row_sums_s(1), 0.33, 1e-15);
  expect_rel(a.row_sums_s(2), 0.33, 1e-15);
  expect_rel(a.perron_lower, 0.33, 1e-15);
  expect_rel(a.perron_upper, 0.35, 1e-15);
  expect_rel(bound(a, "power").value, 0.3296757831039277, 1e-14, "Σ (Tr P^k)²/n^k");
  expect_rel(bound(a, "per-node").value, 0.419271424807312, 1e-14, "Σ Tr(P^k∘P^k)/n^(k−1)");
  EXPECT_TRUE(bound(a, "power").rigorous);
  EXPECT_TRUE(bound(a, "power").converged);
  EXPECT_FALSE(bound(a, "zeta").rigorous);
  EXPECT_FALSE(bound(a, "zeta-per-node").rigorous);
  // ζ = 1 here, so the count-based and ζ-based series equal the n^k ones.
  EXPECT_DOUBLE_EQ(a.zeta, 1.0);
  expect_rel(bound(a, "count").value, 0.3296757831039277, 1e-14);
  expect_rel(bound(a, "zeta").value, 0.3296757831039277, 1e-14);
  EXPECT_FALSE(a.divergent);
  EXPECT_TRUE(a.cycles.empty());
  EXPECT_TRUE(a.warnings.empty()) << a.warnings[0];
}

TEST(RepetitionWorked, PaperArpAndTheorem1) {
  const r::Analysis a = r::analyze(P3);
  ASSERT_TRUE(a.paper.has_value());
  const r::Paper& p = *a.paper;
  expect_rel(p.zeta, 1.0, 0);
  EXPECT_TRUE(p.theorem1_applies);
  expect_rel(p.arp, 0.40041869650590484, 1e-14, "tr(B²(3I − B²)^-1)");
  expect_rel(p.nuclear_norm, 0.9186798039524593, 1e-14, "‖B²‖_*");
  expect_rel(p.sigma_min, 2.183460103981443, 1e-14, "σ_min(3I − B²)");
  expect_rel(p.bound, 0.4207449461876071, 1e-14, "Theorem 1 bound");
  EXPECT_GE(p.bound, p.arp);
  // Definition 2.2 summed term by term equals the closed form.
  EXPECT_TRUE(p.arp_series.converged);
  expect_rel(p.arp_series.value, p.arp, 1e-14, "ARP series");
}

TEST(RepetitionWorked, DecodingTransforms) {
  // Greedy: P = [[1,0,0],[0,0,1],[1,0,0]], ρ(S) = 1, R = ∞ because of the self-loop at token 0.
  r::Decoding greedy;
  greedy.greedy = true;
  const r::Chain g = r::decode(r::make_chain(P3, r::Layout::automatic), greedy);
  EXPECT_EQ(g.block, mat({{1, 0, 0}, {0, 0, 1}, {1, 0, 0}}));
  EXPECT_EQ(g.eos, VectorXd::Zero(3));
  const r::Analysis ag = r::analyze(P3, with(greedy));
  EXPECT_TRUE(ag.divergent);
  EXPECT_EQ(ag.rate, kInf);
  EXPECT_EQ(ag.spectral_radius, 1.0);
  EXPECT_EQ(ag.upper_bound, kInf);
  ASSERT_EQ(ag.cycles.size(), 1u);
  EXPECT_EQ(ag.cycles[0], std::vector<int>{0});
  EXPECT_NEAR(ag.zeta, 1.0 / 3, 1e-16);
  EXPECT_EQ(r::rate(P3, with(greedy)), kInf);
  // top-1 is greedy.
  r::Decoding top1;
  top1.top_k = 1;
  EXPECT_EQ(r::decode(r::make_chain(P3, r::Layout::block), top1).block, g.block);

  // Top-2 (row 2 keeps the first of its tied 0.2s): R = 1.1409523809523812, ρ = 0.5388190699209314, ζ = 2/3.
  r::Decoding top2;
  top2.top_k = 2;
  const r::Analysis a2 = r::analyze(P3, with(top2));
  expect_rel(a2.rate, 1.1409523809523812, 1e-14, "top-2 R");
  expect_rel(a2.spectral_radius, 0.5388190699209314, 1e-13, "top-2 rho");
  EXPECT_NEAR(a2.zeta, 2.0 / 3, 1e-16);
  expect_rel(a2.chain.block(1, 0), 0.2 / 0.7, 1e-15);
  EXPECT_EQ(a2.chain.block(1, 1), 0.0);

  // Temperature: t = 0.5 raises R, t = 2 lowers it.
  r::Decoding cold, hot;
  cold.temperature = 0.5;
  hot.temperature = 2;
  // (spec value 1.3045654574307783; mpmath on the float64 input gives 1.30456545743077895, see the fixtures)
  expect_rel(r::rate(P3, with(cold)), 1.3045654574307783, 2e-15, "t = 0.5");
  expect_rel(r::rate(P3, with(hot)), 0.3120081325452374, 1e-14, "t = 2");
  // Uniform rows 0.3: R = 0.27/0.73.
  expect_rel(r::rate(MatrixXd::Constant(3, 3, 0.3)), 0.3698630136986301, 1e-15, "uniform");
}

// ---------------------------------------------------------------- properties (MATH.md §6 c)

TEST(RepetitionProperties, TracesEqualBruteForceEnumerationOfCycles) {
  std::mt19937_64 rng(11);
  for (int n : {2, 3, 4, 5}) {
    for (double density : {1.0, 0.5}) {
      const MatrixXd p = random_block(n, density, rng);
      r::Options o;
      o.terms = 5;
      const r::Analysis a = r::analyze(p, o);
      ASSERT_EQ(a.traces.size(), 5u);
      for (int k = 1; k <= 5; ++k)
        expect_rel(a.traces[k - 1], brute_force_cycles(p, k), 1e-13,
                   "n = " + std::to_string(n) + ", k = " + std::to_string(k));
    }
  }
}

TEST(RepetitionProperties, ClosedFormEqualsSeriesAndEigenvalues) {
  std::mt19937_64 rng(3);
  for (int n : {1, 2, 3, 6, 10, 24}) {
    for (double density : {1.0, 0.3}) {
      const MatrixXd p = random_block(n, density, rng);
      const r::Analysis a = r::analyze(p);
      const std::string what = "n = " + std::to_string(n);
      ASSERT_FALSE(a.partial_sums.empty());
      // partial ≤ R ≤ partial + tail bound (the series stops at its term cap when ρ(S) is close to 1).
      EXPECT_LE(a.partial_sums.back(), a.rate * (1 + 1e-13)) << what;
      EXPECT_GE(a.partial_sums.back() + a.partial_tail_bound, a.rate * (1 - 1e-13)) << what;
      if (a.partial_tail_bound <= 1e-16 * a.rate) expect_rel(a.partial_sums.back(), a.rate, 1e-13, what + " truncated series");
      ASSERT_TRUE(a.rate_from_eigenvalues.has_value());
      expect_rel(*a.rate_from_eigenvalues, a.rate, 1e-12, what + " Σλ/(1−λ)");
      // R = Σλ/(1−λ) is real even when eigenvalues come in complex pairs.
      double max_mod = 0;
      for (const auto& l : *a.eigenvalues) max_mod = std::max(max_mod, std::abs(l));
      expect_rel(a.spectral_radius, max_mod, 1e-12, what + " rho = max |λ|");
      EXPECT_LE(a.spectral_radius_lower, max_mod * (1 + 1e-13)) << what;
      EXPECT_GE(a.spectral_radius_upper, max_mod * (1 - 1e-13)) << what;
      // The partial sums increase to R.
      for (std::size_t k = 1; k < a.partial_sums.size(); ++k) EXPECT_GE(a.partial_sums[k], a.partial_sums[k - 1]);
      // The rate alone equals analyze's.
      EXPECT_EQ(r::rate(p), a.rate) << what;
    }
  }
}

TEST(RepetitionProperties, ChainOfLowerBoundsTermByTerm) {
  // Tr(S^k) ≥ Σ_i((P^k)_ii)²/(B^k)_ii ≥ Tr(P^k∘P^k)/n^(k−1) ≥ (Tr P^k)²/n^k and Tr(S^k) ≥ (Tr P^k)²/N_k ≥ (Tr P^k)²/n^k.
  // Terms are recovered as differences of the partial sums for terms = K and K − 1.
  std::mt19937_64 rng(5);
  for (int n : {2, 4, 7}) {
    for (double density : {1.0, 0.4}) {
      const MatrixXd p = random_block(n, density, rng);
      std::vector<r::Analysis> a;
      for (int k = 1; k <= 6; ++k) {
        r::Options o;
        o.terms = k;
        o.eigenvalues = o.paper = r::Part::no;
        a.push_back(r::analyze(p, o));
      }
      for (int k = 1; k <= 6; ++k) {
        auto term = [&](const std::string& name) {
          return bound(a[k - 1], name).value - (k > 1 ? bound(a[k - 2], name).value : 0.0);
        };
        const double trs = a[5].traces[k - 1];
        const double tol = 1e-14 * std::max(trs, 1e-300);
        const std::string what = "n = " + std::to_string(n) + ", k = " + std::to_string(k);
        EXPECT_GE(trs + tol, term("per-node-count")) << what;
        EXPECT_GE(term("per-node-count") + tol, term("per-node")) << what;
        EXPECT_GE(term("per-node") + tol, term("power")) << what;
        EXPECT_GE(trs + tol, term("count")) << what;
        EXPECT_GE(term("count") + tol, term("power")) << what;
      }
      // The full sums: R ≥ every rigorous bound.
      const r::Analysis full = r::analyze(p);
      for (const auto& s : full.lower_bounds)
        if (s.rigorous) EXPECT_GE(full.rate * (1 + 1e-14), s.value) << s.name;
    }
  }
}

TEST(RepetitionProperties, UpperBoundsAndPerronBracket) {
  std::mt19937_64 rng(9);
  for (int n : {2, 5, 12, 30}) {
    const MatrixXd p = random_block(n, 0.5, rng, 0.0, 0.2);
    const r::Analysis a = r::analyze(p);
    EXPECT_LE(a.rate, a.upper_bound);
    EXPECT_LE(a.upper_bound, a.row_sum_upper_bound * (1 + 1e-14));
    EXPECT_LE(a.perron_lower, a.spectral_radius * (1 + 1e-14));
    EXPECT_GE(a.perron_upper, a.spectral_radius * (1 - 1e-14));
    // Σ_j P_ij² ≥ (Σ_j P_ij)²/n, with equality for uniform rows.
    for (int i = 0; i < n; ++i) {
      const double r = p.row(i).sum();
      EXPECT_GE(a.row_sums_s(i) * (1 + 1e-15), r * r / n);
    }
  }
  const r::Analysis u = r::analyze(MatrixXd::Constant(4, 4, 0.2));
  for (int i = 0; i < 4; ++i) expect_rel(u.row_sums_s(i), 0.8 * 0.8 / 4, 1e-15);
}

TEST(RepetitionProperties, TemperatureIsMonotoneOnTheExample) {
  std::vector<double> ts;
  for (double t = 0.3; t <= 4; t *= 1.25) ts.push_back(t);
  const r::Sweep s = r::sweep(P3, ts);
  ASSERT_EQ(s.rates.size(), ts.size());
  for (std::size_t i = 1; i < ts.size(); ++i) EXPECT_LT(s.rates[i], s.rates[i - 1]) << "t = " << ts[i];
  // Each point equals rate() with that temperature.
  for (std::size_t i = 0; i < ts.size(); ++i) {
    r::Decoding d;
    d.temperature = ts[i];
    EXPECT_EQ(s.rates[i], r::rate(P3, with(d)));
    EXPECT_LE(s.rates[i], s.upper_bounds[i]);
  }
  const double base = r::rate(P3);
  r::Decoding d;
  d.temperature = 0.9;
  EXPECT_GT(r::rate(P3, with(d)), base);
  d.temperature = 1.1;
  EXPECT_LT(r::rate(P3, with(d)), base);
}

TEST(RepetitionProperties, TruncationRaisesRepetition) {
  // Spec §6 (e): truncating decoders zero entries out; on the example R grows from sampling to top-2 to greedy.
  r::Decoding k2, k1;
  k2.top_k = 2;
  k1.top_k = 1;
  EXPECT_LT(r::rate(P3), r::rate(P3, with(k2)));
  EXPECT_EQ(r::rate(P3, with(k1)), kInf);
  r::Decoding p9;
  p9.top_p = 0.9;
  EXPECT_LT(r::rate(P3), r::rate(P3, with(p9)));
}

TEST(RepetitionDecoding, TopPTiesCombinationsAndEos) {
  const r::Chain c = r::make_chain(P3, r::Layout::block);
  // top-p 0.8 keeps 0.5 + 0.3 (= 0.8 up to rounding) in row 0, 0.5 + 0.2 + 0.2 in row 1, 0.4 + 0.4 in row 2.
  r::Decoding p8;
  p8.top_p = 0.8;
  const r::Chain d = r::decode(c, p8);
  expect_rel(d.block(0, 0), 0.625, 1e-15);
  expect_rel(d.block(0, 1), 0.375, 1e-15);
  EXPECT_EQ(d.block(0, 2), 0.0);
  EXPECT_EQ(d.eos(0), 0.0);
  expect_rel(d.block(1, 2), 0.5 / 0.9, 1e-15);
  expect_rel(d.block(1, 0), 0.2 / 0.9, 1e-15);
  expect_rel(d.block(2, 0), 0.5, 1e-15);
  // Temperature is applied before the truncation: t → 0 is greedy, t → ∞ is uniform over the support.
  r::Decoding freeze;
  freeze.temperature = 1e-300;
  EXPECT_EQ(r::decode(c, freeze).block.row(0), mat({{1, 0, 0}}).row(0));
  r::Decoding melt;
  melt.temperature = 1e300;
  expect_rel(r::decode(c, melt).block(1, 1), 0.25, 1e-15);
  expect_rel(r::decode(c, melt).eos(1), 0.25, 1e-15);
  // An EOS-dominated row decodes greedily to "end": its block row becomes 0 (no loop through it).
  const MatrixXd q = mat({{0.1, 0.2}, {0.6, 0.1}});  // row 0: EOS 0.7
  r::Decoding g;
  g.greedy = true;
  const r::Chain qg = r::decode(r::make_chain(q, r::Layout::block), g);
  EXPECT_EQ(qg.block.row(0).sum(), 0.0);
  EXPECT_EQ(qg.eos(0), 1.0);
  EXPECT_EQ(qg.block(1, 0), 1.0);
  EXPECT_EQ(r::rate(q, with(g)), 0.0);
  // Every transformed row sums to 1 with its EOS, and its slack is 1 − Σ P².
  r::Decoding mix;
  mix.temperature = 0.7;
  mix.top_k = 3;
  mix.top_p = 0.9;
  const r::Chain m = r::decode(c, mix);
  for (int i = 0; i < 3; ++i) {
    expect_rel(m.block.row(i).sum() + m.eos(i), 1.0, 1e-15);
    expect_rel(m.slack(i), 1 - m.block.row(i).squaredNorm(), 1e-14);
  }
}

TEST(RepetitionDivergence, DeterministicCyclesAreReported) {
  // Greedy turns 0 → 1 → 2 → 0 into a deterministic 3-cycle; token 3 feeds into it.
  const MatrixXd p = mat({{0.1, 0.6, 0.2, 0}, {0.1, 0.1, 0.7, 0}, {0.5, 0.2, 0.2, 0}, {0.3, 0, 0, 0.6}});
  r::Decoding g;
  g.greedy = true;
  const r::Analysis a = r::analyze(p, with(g));
  ASSERT_TRUE(a.divergent);
  ASSERT_EQ(a.cycles.size(), 2u);  // {0, 1, 2} and the self-loop {3}
  EXPECT_EQ(a.cycles[0], (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(a.cycles[1], std::vector<int>{3});
  EXPECT_EQ(a.rate, kInf);
  EXPECT_EQ(*a.rate_from_eigenvalues, kInf);
  // The eigenvalues of the 3-cycle are the cube roots of unity.
  int on_circle = 0;
  for (const auto& l : *a.eigenvalues) on_circle += std::abs(std::abs(l) - 1) < 1e-12;
  EXPECT_EQ(on_circle, 4);
  // A cycle only needs P = 1 along it; a chain with every row < 1 stays finite, however close.
  const MatrixXd near = mat({{0, 1 - 1e-12, 0}, {0, 0, 1 - 3e-12}, {1 - 7e-13, 0, 2e-13}});
  const r::Analysis b = r::analyze(near);
  EXPECT_FALSE(b.divergent);
  EXPECT_TRUE(std::isfinite(b.rate));
  EXPECT_GT(b.rate, 1e11);
  ASSERT_FALSE(b.warnings.empty());
  EXPECT_EQ(b.warnings[0].rfind("ρ(S) is within", 0), 0u) << b.warnings[0];
}

TEST(RepetitionAccuracy, NearDivergentKeepsFullRelativeAccuracy) {
  // P00 = 1 − 3e-10: ρ(S) ≈ 1 − 6e-10. mpmath (50 digits) on the float64 input: 1666666528.1177082
  // (tests/fixtures/repetition.json has it and more); GTH pivots keep every digit.
  const MatrixXd p = mat({{1 - 3e-10, 1e-10}, {0.3, 0.3}});
  expect_rel(r::rate(p), 1666666528.1177082, 1e-14);
  // The same chain given as full rows with an exact EOS column.
  const MatrixXd full = mat({{1 - 3e-10, 1e-10, 2e-10}, {0.3, 0.3, 0.4}});
  const double rf = r::rate(full);
  EXPECT_TRUE(std::isfinite(rf));
  expect_rel(rf, 1666666528.1177082, 1e-6);  // a different input (EOS given, not 1 − Σ): close, not equal
  // A softmax row with a tiny EOS mass that the block alone cannot show (1 − 1e-20 rounds to 1):
  const MatrixXd soft = mat({{1.0, 1e-20}});
  const r::Analysis a = r::analyze(soft);
  EXPECT_FALSE(a.divergent);
  expect_rel(a.rate, 0.5e20, 1e-14);  // S = (1 − 1e-20)², R = S/(1 − S) ≈ 1/(2·1e-20)
  EXPECT_EQ(r::analyze(mat({{1.0}})).rate, kInf);
}

TEST(RepetitionAccuracy, SelfLoopOfOneNextToATinyLeakIsNeverNaN) {
  // Row 1 = (ε, 1): P11 rounds to 1 and σ1 ≈ 2ε, so R ≈ 1/(2ε). A denormal ε overflows R: +∞, not the
  // NaN that inverting the tiny pivot used to give (hostile fuzz cases, tests/fixtures/gen_hostile.py).
  const MatrixXd denormal = mat({{0.29127281820455114, 0.12163040760190047}, {2.7165535227968745e-312, 1}});
  EXPECT_EQ(r::rate(denormal), kInf);
  const r::Analysis a = r::analyze(denormal);
  EXPECT_EQ(a.rate, kInf);
  ASSERT_TRUE(a.rate_from_eigenvalues.has_value());
  EXPECT_EQ(*a.rate_from_eigenvalues, kInf);
  EXPECT_FALSE(a.warnings.empty());
  // ε = 1e-300: R is finite and huge, but S has an eigenvalue of exactly 1, so Σλ/(1−λ) is 0/0:
  // not reported, with a warning, instead of NaN.
  for (const MatrixXd& p : {mat({{0.5, 0.4}, {1e-300, 1}}), mat({{0, 0.49612403100775193, 0.50387596899224807}, {1e-300, 1, 0}})}) {
    r::Options o;
    if (p.cols() == 3) o.layout = r::Layout::full;
    const r::Analysis b = r::analyze(p, o);
    EXPECT_FALSE(std::isnan(b.rate));
    EXPECT_GT(b.rate, 1e250);
    EXPECT_FALSE(b.rate_from_eigenvalues.has_value());
    bool warned = false;
    for (const auto& w : b.warnings) warned |= w.rfind("an eigenvalue of S rounds to 1", 0) == 0;
    EXPECT_TRUE(warned);
    EXPECT_FALSE(std::isnan(r::rate(p, o)));
  }
}

TEST(RepetitionRegression, OverflowingRateIsReportedAsDivergent) {
  // Fuzz finding (repetition.analyze "R = inf iff divergent", tests/fuzz/corpus/repetition/): row 0 =
  // (1, 3.05e-310 | EOS 0) leaks σ0 = 6.1e-310 past a self-loop that rounds to 1, so R ≈ 1/σ0 =
  // 1.6e309 overflows to +∞ while `divergent` said false. ρ(S) = 1 to working precision: the chain is
  // now reported as divergent, with the self-loop {0} as its cycle and a warning.
  const MatrixXd p = mat({{1, 3.0512017784984503e-310, 0},
                          {1.4487240028586098e-09, 0.31111111066039698, 0.68888888789087899}});
  r::Options o;
  o.layout = r::Layout::full;
  const r::Analysis a = r::analyze(p, o);
  EXPECT_EQ(a.rate, kInf);
  EXPECT_TRUE(a.divergent);
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.cycles[0], std::vector<int>{0});
  EXPECT_EQ(a.spectral_radius, 1.0);
  EXPECT_EQ(a.upper_bound, kInf);
  ASSERT_TRUE(a.rate_from_eigenvalues.has_value());
  EXPECT_EQ(*a.rate_from_eigenvalues, kInf);
  bool warned = false;
  for (const auto& w : a.warnings)
    warned |= w == "R overflows double precision (it exceeds 1.8e308): ρ(S) = 1 to working precision, so the chain is "
                   "reported as divergent although no row is exactly deterministic";
  EXPECT_TRUE(warned);
  for (const auto& w : a.warnings) EXPECT_EQ(w.find("ρ(S) is within"), std::string::npos) << w;
  EXPECT_EQ(r::rate(p, o), kInf);
  const r::Sweep sw = r::sweep(p, {1.0}, o);
  EXPECT_EQ(sw.rates[0], kInf);
  EXPECT_EQ(sw.spectral_radii[0], 1.0);
  // The block-layout case of SelfLoopOfOneNextToATinyLeakIsNeverNaN is divergent in the same sense.
  const r::Analysis b = r::analyze(mat({{0.29127281820455114, 0.12163040760190047}, {2.7165535227968745e-312, 1}}));
  EXPECT_EQ(b.rate, kInf);
  EXPECT_TRUE(b.divergent);
  ASSERT_EQ(b.cycles.size(), 1u);
  EXPECT_EQ(b.cycles[0], std::vector<int>{1});
  // A leak that R can still represent stays finite and not divergent (R ≈ 1/(2·1e-300)).
  const r::Analysis c = r::analyze(mat({{0.5, 0.4}, {1e-300, 1}}));
  EXPECT_FALSE(c.divergent);
  EXPECT_TRUE(std::isfinite(c.rate));
}

TEST(RepetitionRegression, BigramWithHugeSmoothingIsUniformNotZero) {
  // Fuzz finding (FUZZ_RUNS=200000 FUZZ_SEED=1, fresh corpus): smoothing = 1.8e308 made k(n + 1)
  // overflow, and every row was (c + k)/inf = 0 instead of summing to 1.
  const double k = std::numeric_limits<double>::max();
  const MatrixXd b = r::bigram({0, 3, 3, 0, 0, -1, 1}, 5, k);
  ASSERT_EQ(b.rows(), 5);
  ASSERT_EQ(b.cols(), 6);
  for (Eigen::Index i = 0; i < 5; ++i) {
    EXPECT_NEAR(b.row(i).sum(), 1.0, 1e-15) << i;
    for (Eigen::Index j = 0; j < 6; ++j) EXPECT_NEAR(b(i, j), 1.0 / 6.0, 1e-15) << i << ", " << j;
  }
  // Large but finite k(n + 1): the usual formula, nearly uniform with the counts still visible.
  const MatrixXd c = r::bigram({0, 0, 1}, 2, 1e300);
  EXPECT_NEAR(c.row(0).sum(), 1.0, 1e-15);
  EXPECT_NEAR(c(0, 0), 1.0 / 3.0, 1e-15);
}

TEST(RepetitionStructure, PeriodicReducibleAndEmptyRows) {
  // 2-periodic (bipartite) chain: eigenvalues ±; power iteration needs the shift to converge.
  const MatrixXd bip = mat({{0, 0, 0.6, 0.3}, {0, 0, 0.2, 0.7}, {0.5, 0.4, 0, 0}, {0.1, 0.8, 0, 0}});
  const r::Analysis a = r::analyze(bip);
  EXPECT_TRUE(a.spectral_radius_converged);
  EXPECT_EQ(a.components, 1);
  for (std::size_t k = 0; k < a.traces.size(); k += 2) EXPECT_EQ(a.traces[k], 0.0);  // odd powers
  expect_rel(a.partial_sums.back(), a.rate, 1e-13);
  // Reducible: ρ is the largest over the strongly connected components.
  const MatrixXd red = mat({{0.7, 0.2, 0, 0, 0}, {0.5, 0.4, 0, 0, 0}, {0, 0, 0.1, 0.85, 0}, {0, 0, 0.9, 0, 0},
                            {0.3, 0, 0.3, 0, 0.3}});
  const r::Analysis b = r::analyze(red);
  EXPECT_EQ(b.components, 3);
  expect_rel(b.spectral_radius, std::abs((*b.eigenvalues)[0]), 1e-13);
  // A row that only ends (all EOS) and the all-EOS chain.
  const r::Analysis z = r::analyze(MatrixXd::Zero(3, 3));
  EXPECT_EQ(z.rate, 0.0);
  EXPECT_EQ(z.spectral_radius, 0.0);
  EXPECT_EQ(z.zeta, 0.0);
  for (const auto& s : z.lower_bounds) EXPECT_EQ(s.value, 0.0) << s.name;
}

TEST(RepetitionScale, LargeDenseAgreesWithAPlainSolve) {
  std::mt19937_64 rng(1);
  const int n = 400;
  const MatrixXd p = random_block(n, 1.0, rng, 0.01, 0.05);
  const MatrixXd s = p.cwiseAbs2();
  const MatrixXd x = (MatrixXd::Identity(n, n) - s).partialPivLu().solve(s);
  const r::Analysis a = r::analyze(p);  // n > 256: no eigenvalues, no paper, 2 series terms
  expect_rel(a.rate, x.trace(), 1e-12);
  EXPECT_FALSE(a.eigenvalues.has_value());
  EXPECT_FALSE(a.paper.has_value());
  EXPECT_EQ(a.traces.size(), 2u);
  EXPECT_TRUE(a.spectral_radius_converged);
  EXPECT_LE(a.rate, a.upper_bound);
  for (const auto& b : a.lower_bounds) {
    EXPECT_EQ(b.terms, 2) << b.name;
    if (b.rigorous) EXPECT_LE(b.value, a.rate) << b.name;
  }
  // The cheap k ≤ 2 formulas equal the products.
  r::Options o;
  o.terms = 3;
  o.eigenvalues = o.paper = r::Part::no;
  const r::Analysis c = r::analyze(p.topLeftCorner(60, 60), o);
  r::Options o2 = o;
  o2.terms = 2;
  const r::Analysis c2 = r::analyze(p.topLeftCorner(60, 60), o2);
  expect_rel(c2.traces[1], c.traces[1], 1e-13);
  for (std::size_t i = 0; i < c.lower_bounds.size(); ++i) {
    const double two = c2.lower_bounds[i].value;
    EXPECT_LE(two, c.lower_bounds[i].value * (1 + 1e-14));
  }
}

TEST(RepetitionProgress, ReportsMonotoneStagesUpToOne) {
  std::mt19937_64 rng(2);
  const MatrixXd p = random_block(300, 0.2, rng);
  std::vector<std::pair<double, std::string>> seen;
  r::Options o;
  o.progress = [&](double f, const char* stage) { seen.emplace_back(f, stage); };
  const r::Analysis a = r::analyze(p, o);
  ASSERT_GE(seen.size(), 5u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].first, seen[i - 1].first) << seen[i].second;
  EXPECT_EQ(seen.back().first, 1.0);
  bool factorize = false;
  for (const auto& s : seen) factorize = factorize || s.second == "factorize";
  EXPECT_TRUE(factorize);
  EXPECT_TRUE(std::isfinite(a.rate));
}

// ---------------------------------------------------------------- Monte Carlo

TEST(RepetitionSimulate, AgreesWithTheClosedFormAndIsSeeded) {
  r::SimulateOptions o;
  o.samples = 60000;
  o.seed = 7;
  const r::Simulation a = r::simulate(P3, o);
  const r::Simulation b = r::simulate(P3, o);
  EXPECT_EQ(a.estimate, b.estimate);
  EXPECT_EQ(a.trace_estimates, b.trace_estimates);
  o.seed = 8;
  EXPECT_NE(r::simulate(P3, o).estimate, a.estimate);
  ASSERT_TRUE(a.truncated_rate.has_value());
  EXPECT_LE(a.tail_bound, 1e-6);
  expect_rel(*a.truncated_rate, 0.512720388821962, 1e-5);
  EXPECT_LT(std::abs(a.estimate - *a.truncated_rate), 4 * a.standard_error);
  EXPECT_GT(a.standard_error, 0.0);
  EXPECT_LT(a.standard_error, 0.01);
  // Per k: the estimates of Tr(S^k).
  const double exact[4] = {0.30, 0.1546, 0.037062, 0.01421138};
  for (int k = 0; k < 4; ++k)
    EXPECT_LT(std::abs(a.trace_estimates[k] - exact[k]), 4 * a.trace_standard_errors[k] + 1e-12) << "k = " << k + 1;
  // Mean length of a sequence: 1 + 0.9/0.1 = 10 tokens when nothing truncates (EOS 0.1 per step), a bit less here.
  EXPECT_GT(a.mean_length, 8.0);
  EXPECT_LT(a.mean_length, 10.0);
  // With a decoding strategy: top-2, R = 1.1409523809523812.
  o.decoding.top_k = 2;
  const r::Simulation t = r::simulate(P3, o);
  EXPECT_LT(std::abs(t.estimate - *t.truncated_rate), 4 * t.standard_error);
  expect_rel(*t.truncated_rate, 1.1409523809523812, 1e-5);
}

TEST(RepetitionSimulate, DivergentChainRepeatsEveryTime) {
  r::SimulateOptions o;
  o.decoding.greedy = true;
  o.samples = 300;
  o.max_k = 10;
  const r::Simulation s = r::simulate(P3, o);
  EXPECT_EQ(s.tail_bound, kInf);
  // Token 0 loops forever (10 repetitions), token 2 → 0 → … (k = 1… from position 0 needs 2 at both ends: never
  // for k odd; the self-loop at 0 is not a loop from 2), token 1 → 2 → 0 → 0 …: no repetition from the start.
  EXPECT_EQ(s.trace_estimates[0], 1.0);
  EXPECT_EQ(s.estimate, 10.0);
  EXPECT_EQ(s.standard_error, 0.0);
  EXPECT_EQ(s.eos_fraction, 0.0);
}

// ---------------------------------------------------------------- bigram models

TEST(RepetitionBigram, CountsAndSmoothing) {
  const std::vector<int> tokens = {0, 1, 0, -1, 1, 1};
  const MatrixXd a = r::bigram(tokens, 2, 0);
  // Sequences "0 1 0" and "1 1": 0 → 1, 0 → EOS; 1 → 0, 1 → 1, 1 → EOS.
  EXPECT_EQ(a.row(0), mat({{0, 0.5, 0.5}}).row(0));
  for (int j = 0; j < 3; ++j) expect_rel(a(1, j), 1.0 / 3, 1e-15);
  const MatrixXd b = r::bigram(tokens, 3, 1);  // token 2 never occurs: uniform row under add-one
  expect_rel(b(0, 1), 2.0 / 6, 1e-15);
  expect_rel(b(2, 3), 0.25, 1e-15);
  // The model is a valid full-layout input.
  EXPECT_TRUE(std::isfinite(r::rate(b)));
}

// ---------------------------------------------------------------- bad input: exact messages

TEST(RepetitionErrors, ExactMessages) {
  const double nan = std::nan("");
  EXPECT_EQ(error_of([] { r::analyze(MatrixXd(0, 0)); }), "repetition.analyze: P is empty");
  EXPECT_EQ(error_of([] { r::analyze(mat({{0.5, 0.2, 0.3, 0}, {0.1, 0.1, 0.1, 0}})); }),
            "repetition.analyze: P must be n×n (the non-EOS block) or n×(n+1) (full rows with an EOS column), got 2x4");
  EXPECT_EQ(error_of([] { r::rate(mat({{0.5, -0.1}, {0.2, 0.2}})); }),
            "repetition.rate: P has a negative entry (-0.1) at (0, 1)");
  EXPECT_EQ(error_of([&] { r::analyze(mat({{0.5, nan}, {0.2, 0.2}})); }),
            "repetition.analyze: P has a non-finite entry (nan) at (0, 1)");
  EXPECT_EQ(error_of([] { r::analyze(mat({{0.5, 0.5}, {0.7, 0.5}})); }),
            "repetition.analyze: P row 1 sums to 1.2 > 1 (tolerance 1e-09)");
  EXPECT_EQ(error_of([] { r::analyze(mat({{0.5, 0.5}, {0.5, 0.5000001}})); }),
            "repetition.analyze: P row 1 sums to 1.0000001 > 1 (tolerance 1e-09)");
  EXPECT_EQ(error_of([] { r::analyze(mat({{0.5, 0.3, 0.1}, {0.2, 0.2, 0.6}})); }),
            "repetition.analyze: P row 0 sums to 0.9, expected 1 (a full row includes EOS; tolerance 1e-09)");
  r::Options full;
  full.layout = r::Layout::full;
  EXPECT_EQ(error_of([&] { r::analyze(mat({{0.5, 0.5}, {0.5, 0.5}}), full); }),
            "repetition.analyze: P: the last row of an (n+1)×(n+1) matrix must be the EOS row (0 … 0 1), got 0.5 at (1, 0)");
  r::Options block;
  block.layout = r::Layout::block;
  EXPECT_EQ(error_of([&] { r::analyze(mat({{0.5, 0.5, 0}}), block); }),
            "repetition.analyze: P must be square (the non-EOS block), got 1x3");
  r::Decoding d;
  d.temperature = 0;
  EXPECT_EQ(error_of([&] { r::analyze(P3, with(d)); }), "repetition.analyze: temperature must be a positive number, got 0");
  d.temperature = 1;
  d.top_p = 1.5;
  EXPECT_EQ(error_of([&] { r::rate(P3, with(d)); }), "repetition.rate: topP must be in (0, 1] (1 = off), got 1.5");
  d.top_p = 1;
  d.top_k = -2;
  EXPECT_EQ(error_of([&] { r::decode(r::make_chain(P3, r::Layout::block), d); }),
            "repetition.transform: topK must be a non-negative integer (0 = off), got -2");
  r::SimulateOptions so;
  so.samples = 5;
  EXPECT_EQ(error_of([&] { r::simulate(P3, so); }),
            "repetition.simulate: samples must be an integer from 2n = 6 to 100000000, got 5");
  so.samples = 100;
  so.max_k = 1001;
  EXPECT_EQ(error_of([&] { r::simulate(P3, so); }),
            "repetition.simulate: maxK must be an integer from 1 to 1000 (0 = automatic), got 1001");
  EXPECT_EQ(error_of([] { r::sweep(P3, {}); }), "repetition.sweep: temperatures is empty");
  EXPECT_EQ(error_of([] { r::sweep(P3, {1, -1}); }),
            "repetition.sweep: temperatures[1] must be a positive number, got -1");
  EXPECT_EQ(error_of([] { r::bigram({}, 3, 1); }), "repetition.bigram: tokens is empty");
  EXPECT_EQ(error_of([] { r::bigram({0, 3}, 3, 1); }),
            "repetition.bigram: tokens[1] = 3 is not a token id in [0, 3) or −1 (end of sequence)");
  EXPECT_EQ(error_of([] { r::bigram({0, 1}, 3, 0); }),
            "repetition.bigram: token 2 never occurs and smoothing is 0, so its row is undefined");
  EXPECT_EQ(error_of([] { r::bigram({-1, -1}, 3, 1); }), "repetition.bigram: tokens has no token ids (only −1)");
  EXPECT_EQ(error_of([] { r::bigram({0}, 3, -1); }), "repetition.bigram: smoothing must be a non-negative number, got -1");
  EXPECT_EQ(error_of([] { r::bigram({0}, 0, 1); }), "repetition.bigram: vocabSize must be an integer from 1 to 10000, got 0");
  // The core keeps working after errors.
  expect_rel(r::rate(P3), 0.512720388821962, 1e-14);
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

json load_fixtures() {
  std::ifstream f(std::string(MATHLENS_FIXTURES) + "/repetition.json");
  if (!f) ADD_FAILURE() << "missing tests/fixtures/repetition.json (run tests/fixtures/gen_repetition.py)";
  return f ? json::parse(f) : json::object();
}

MatrixXd decode_matrix(const json& m) {
  MatrixXd out(m.size(), m[0].size());
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t j = 0; j < m[i].size(); ++j) out(i, j) = m[i][j].get<double>();
  return out;
}

r::Options options_of(const json& c) {
  r::Options o;
  const std::string layout = c["layout"];
  o.layout = layout == "block" ? r::Layout::block : layout == "full" ? r::Layout::full : r::Layout::automatic;
  const json& d = c["decoding"];
  if (d.contains("temperature")) o.decoding.temperature = d["temperature"];
  if (d.contains("topK")) o.decoding.top_k = d["topK"];
  if (d.contains("topP")) o.decoding.top_p = d["topP"];
  if (d.contains("greedy")) o.decoding.greedy = d["greedy"];
  return o;
}

}  // namespace

TEST(RepetitionFixtures, EveryCase) {
  const json fx = load_fixtures();
  ASSERT_TRUE(fx.contains("cases"));
  ASSERT_GE(fx["cases"].size(), 20u);
  for (const json& c : fx["cases"]) {
    const std::string name = c["name"];
    const MatrixXd m = decode_matrix(c["matrix"]);
    const r::Options o = options_of(c);
    const r::Analysis a = r::analyze(m, o);
    const int n = c["n"];
    ASSERT_EQ(a.n, n) << name;
    // The decoded chain.
    const MatrixXd block = decode_matrix(c["decoded_block"]);
    EXPECT_LT((a.chain.block - block).cwiseAbs().maxCoeff(), 4e-15) << name << " decoded block";
    for (int i = 0; i < n; ++i) EXPECT_NEAR(a.chain.eos(i), c["decoded_eos"][i].get<double>(), 4e-15) << name;
    expect_rel(a.zeta, c["zeta"], 1e-15, name + " zeta");
    for (int i = 0; i < n; ++i) expect_rel(a.row_sums_s(i), c["row_sums_s"][i], 1e-13, name + " row sums of S");
    // R.
    EXPECT_EQ(a.divergent, c["divergent"].get<bool>()) << name;
    if (c["rate"].is_null()) {
      EXPECT_EQ(a.rate, kInf) << name;
    } else {
      expect_rel(a.rate, c["rate"], c["rtol"], name + " R");
      // ρ(S) has absolute accuracy ~ε, so n ρ/(1 − ρ) has relative accuracy ~ε/(1 − ρ).
      const double rho_ref = c["spectral_radius"];
      expect_rel(a.upper_bound, c["upper_bound"], 1e-12 + 64 * 2.2e-16 / (1 - rho_ref), name + " upper bound");
    }
    const double rho = c["spectral_radius"];
    expect_rel(a.spectral_radius, rho, 1e-12, name + " rho");
    // Tr(S^k).
    for (int k = 0; k < 6 && k < static_cast<int>(a.traces.size()); ++k)
      expect_rel(a.traces[k], c["traces"][k], 1e-13, name + " Tr S^" + std::to_string(k + 1));
    // Eigenvalues as sorted by modulus (complex pairs: compare moduli and the multiset of real parts).
    if (c.contains("eigenvalues") && a.eigenvalues) {
      ASSERT_EQ(a.eigenvalues->size(), c["eigenvalues"].size()) << name;
      for (std::size_t i = 0; i < a.eigenvalues->size(); ++i) {
        const double re = c["eigenvalues"][i][0], im = c["eigenvalues"][i][1];
        EXPECT_NEAR(std::abs((*a.eigenvalues)[i]), std::hypot(re, im), 1e-11) << name << " |λ" << i << "|";
      }
    }
    // Lower bounds: full sums where the reference converged, and the first six partial sums.
    if (c["lower_bounds"].is_object()) {
      for (const auto& s : a.lower_bounds) {
        const double want = c["lower_bounds"][s.name];
        if (std::isinf(s.value)) ADD_FAILURE() << name << " " << s.name << " diverged";
        else expect_rel(s.value, want, 1e-13, name + " " + s.name);
      }
    }
    for (int k = 1; k <= 6; ++k) {
      r::Options ok = o;
      ok.terms = k;
      ok.eigenvalues = ok.paper = r::Part::no;
      const r::Analysis ak = r::analyze(m, ok);
      for (const auto& s : ak.lower_bounds) {
        if (s.divergent) continue;  // a proven-divergent heuristic stops at once
        expect_rel(s.value, c["lower_bounds_first6"][s.name][k - 1], 1e-13,
                   name + " " + s.name + " with " + std::to_string(k) + " terms");
      }
    }
    // Fu et al.
    ASSERT_TRUE(a.paper.has_value()) << name;
    const json& p = c["paper"];
    EXPECT_EQ(a.paper->theorem1_applies, p["theorem1_applies"].get<bool>()) << name;
    if (!p["arp"].is_null()) {
      expect_rel(a.paper->arp, p["arp"], 1e-12, name + " arp");
      if (a.paper->arp_series.converged) expect_rel(a.paper->arp_series.value, p["arp"], 1e-12, name + " arp series");
    } else {
      EXPECT_EQ(a.paper->arp, kInf) << name;
    }
    expect_rel(a.paper->nuclear_norm, p["nuclear_norm"], 1e-12, name + " nuclear norm");
    EXPECT_NEAR(a.paper->sigma_min, p["sigma_min"].get<double>(), 1e-13 * std::max(1.0, a.paper->nuclear_norm))
        << name << " sigma_min";
  }
}

TEST(RepetitionFixtures, LargeRecipeCase) {
  const json fx = load_fixtures();
  const json& c = fx["large"];
  const int n = c["n"];
  const MatrixXd p = recipe_matrix(n);
  expect_rel(static_cast<double>((p.array() > 0).count()) / (n * n), c["zeta"], 1e-15, "zeta of the recipe");
  const r::Analysis a = r::analyze(p);
  expect_rel(a.rate, c["rate"], c["rtol"], "R");
  expect_rel(a.spectral_radius, c["spectral_radius"], 1e-11, "rho");
}

TEST(RepetitionFixtures, Bigram) {
  const json fx = load_fixtures();
  const std::vector<int> tokens = fx["bigram"]["tokens"].get<std::vector<int>>();
  for (const json& c : fx["bigram"]["cases"]) {
    const int n = c["vocab_size"];
    const double k = c["smoothing"];
    if (c["matrix"].is_null()) {
      EXPECT_NE(error_of([&] { r::bigram(tokens, n, k); }), "(no error)");
      continue;
    }
    const MatrixXd want = decode_matrix(c["matrix"]);
    const MatrixXd got = r::bigram(tokens, n, k);
    EXPECT_LT((got - want).cwiseAbs().maxCoeff(), 2e-16) << "n = " << n << ", k = " << k;
  }
}

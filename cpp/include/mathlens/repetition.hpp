// mathlens::repetition — why decoders repeat themselves: the Markov-chain theory of Su's post
// "Seq2Seq重复解码现象的理论分析尝试" (kexue.fm/archives/8128, spec/MATH.md §6) and the ARP of Fu et al.
// (AAAI 2021, arXiv 2012.14660, Definition 2.2 and Theorem 1).
//
// A bigram decoder is a Markov chain on n tokens plus an absorbing end-of-sequence token (EOS). P is
// the n×n non-EOS block of its transition matrix (rows sum to ≤ 1; the rest of each row is the EOS
// probability e_i). With S = P∘P (entrywise square) the post's repetition rate is
//   R = Σ_{k≥1} Tr(S^k) = Tr(S (I − S)^{-1}) = Σ_i λ_i(S) / (1 − λ_i(S)),
// the sum over start tokens w1 and loop lengths k of the probability that the path w1→…→wk→w1 is
// walked twice in a row. R is finite iff ρ(S) < 1, which fails exactly when the chain has a
// deterministic cycle (P = 1 along it, e.g. greedy decoding with a cycle): then R = +∞.
//
// Numerics: I − S is a diagonally dominant M-matrix. R is computed from an LU factorization without
// pivoting whose pivots are formed from accurately known row sums (the GTH idea, Grassmann–Taksar–
// Heyman 1985; Alfa, Xue & Ye 2002) and from nonnegative triangular inverses, so every operation adds
// numbers of one sign: R keeps full relative accuracy even when ρ(S) is within 1e-12 of 1, where
// (I − S)^{-1} computed the usual way loses all digits. O(4/3 n³), blocked (Eigen GEMM/TRMM).
// Every function throws mathlens::Error("repetition.<jsName>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <complex>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mathlens::repetition {

/// How the rows of an input matrix are laid out.
enum class Layout {
  automatic,  ///< n×n → block; n×(n+1) → full
  block,      ///< the n×n non-EOS block; rows sum to ≤ 1, e_i = 1 − Σ_j P_ij
  full,       ///< rows including EOS as the last column, summing to 1: n×(n+1), or (n+1)×(n+1)
              ///< with the absorbing EOS row (0 … 0 1) last (Fu et al. Definition 2.1)
};

/// Absolute tolerance on row sums: a block row may sum to 1 + tol, a full row to 1 ± tol. Rows are
/// then rescaled to sum exactly to 1 (block rows only when they exceed 1).
inline constexpr double kRowTolerance = 1e-9;

/// A decoding strategy, applied to every full row (EOS included) in this order: temperature, top-k,
/// top-p, renormalisation (spec §6 (b)). Ties are broken towards the lower index (EOS is last).
struct Decoding {
  double temperature = 1.0;  ///< t > 0: p_j^{1/t} / Σ p_l^{1/t}
  int top_k = 0;             ///< keep the k most probable entries; 0 = off
  double top_p = 1.0;        ///< nucleus: the shortest prefix (by decreasing p) with mass ≥ top_p; 1 = off
  bool greedy = false;       ///< one-hot argmax, the same as top_k = 1
};

/// The non-EOS block P (n×n), the EOS probabilities e (n), with P·1 + e = 1, and the row slacks
/// σ_i = 1 − Σ_j P_ij² of I − S, computed without cancellation from the rows as given (sums in
/// double-double, 1 − ΣP² = e(e + 2r) + 2Σ_{j<l} P_ij P_il for r = Σ_j P_ij): the numbers that let R be
/// computed accurately when ρ(S) is close to 1.
struct Chain {
  Eigen::MatrixXd block;
  Eigen::VectorXd eos;
  Eigen::VectorXd slack;
};

/// Validates and splits a transition matrix (`fn` names the caller in error messages).
Chain make_chain(const Eigen::MatrixXd& m, Layout layout, const char* fn = "repetition.chain");
/// Applies a decoding strategy to every full row. JS: repetition.transform.
Chain decode(const Chain& c, const Decoding& d, const char* fn = "repetition.transform");
/// Validates a decoding strategy (throws with `fn`).
void check_decoding(const Decoding& d, const char* fn);

/// Progress callback: fraction done in [0, 1] and the stage ("transform", "factorize", "spectral
/// radius", "series", "eigenvalues", "paper", "simulate", "sweep").
using Progress = std::function<void(double, const char*)>;

/// Which optional parts of analyze() to compute. `automatic` decides by size (cheap for n ≤ 256).
enum class Part { automatic, yes, no };

struct Options {
  Layout layout = Layout::automatic;
  Decoding decoding;
  Part eigenvalues = Part::automatic;  ///< all eigenvalues of S (Hessenberg QR, O(25 n³)); auto: n ≤ 256
  Part paper = Part::automatic;        ///< Fu et al.'s ARP, Theorem 1 and its bound; auto: n ≤ 256
  int terms = -1;  ///< cap on the terms of every matrix-power series (Tr S^k, lower bounds, ARP series);
                   ///< −1 = auto: 200 for n ≤ 64, 30 for n ≤ 256, else 2 (terms k ≤ 2 cost O(n²), later ones
                   ///< O(n³) each); each series also stops once a proven tail bound is below 1e-16 of its sum
  Progress progress;
};

/// One series Σ_k t_k of nonnegative terms (a lower bound on R, or the paper's ARP series).
struct Series {
  std::string name;
  double value = 0;        ///< the sum of the terms computed (+inf when divergent)
  double tail_bound = 0;   ///< proven bound on the omitted terms: the full sum is in [value, value + tail_bound]
  int terms = 0;           ///< number of terms summed
  bool converged = false;  ///< tail_bound ≤ 1e-16 · value (or both 0)
  bool divergent = false;  ///< proven to diverge (value = +inf)
  bool rigorous = false;   ///< a proven lower bound on R; false = the post's ζ-based heuristic
};

/// Fu et al. (AAAI 2021) with B = P: Definition 2.2 and Theorem 1 (spec §6 (a')), as the paper states them
/// (Su notes that tr(B^{2k}) is not his R). Corollaries 1.1/1.2 and Theorem 2 are not implemented: their
/// constants could not be verified from the available text (spec §6, open question 4).
struct Paper {
  double zeta = 0;                ///< ζ = (1/n²) Σ_ij 1(B_ij > 0)
  double spectral_radius_b2 = 0;  ///< ρ(B²) = ρ(B)²
  bool theorem1_applies = false;  ///< ζn > ρ(B²)
  double arp = 0;                 ///< R_paper = tr(B²(ζnI − B²)^{-1}) (Theorem 1); +inf if ζn ≤ ρ(B²)
  Series arp_series;              ///< Σ_k tr(B^{2k})/(ζn)^k, summed term by term (Definition 2.2)
  double nuclear_norm = 0;        ///< ‖B²‖_*
  double sigma_min = 0;           ///< σ_min(ζnI − B²)
  double bound = 0;               ///< ‖B²‖_* / σ_min(ζnI − B²) ≥ R_paper (Theorem 1)
};

/// Everything analyze() computes. Quantities that were not computed are empty.
struct Analysis {
  int n = 0;
  double zeta = 0;  ///< fraction of nonzero entries of P
  Chain chain;      ///< the analysed chain (after decoding)

  // The repetition rate.
  double rate = 0;        ///< R = Tr(S(I − S)^{-1}); +inf exactly when divergent
  bool divergent = false; ///< ρ(S) = 1: a deterministic cycle, or (with a warning) R beyond the double
                          ///< range, i.e. ρ(S) = 1 to working precision
  std::vector<std::vector<int>> cycles;  ///< the deterministic cycles (P = 1 along each) that cause divergence;
                                         ///< for R beyond the double range, the cycles whose rows leak < 1/1.8e308

  // The spectrum of S.
  double spectral_radius = 0;                          ///< ρ(S)
  double spectral_radius_lower = 0, spectral_radius_upper = 0;  ///< proven Collatz–Wielandt bracket
  int spectral_radius_iterations = 0;
  bool spectral_radius_converged = false;
  int components = 0;                                 ///< strongly connected components of S's pattern
  std::optional<std::vector<std::complex<double>>> eigenvalues;  ///< of S, by decreasing modulus
  std::optional<double> rate_from_eigenvalues;        ///< Σ λ/(1 − λ), the real part

  // Upper bounds.
  Eigen::VectorXd row_sums_s;    ///< Σ_j P_ij², the row sums of S
  double perron_lower = 0, perron_upper = 0;  ///< min/max row sum of S: a bracket of ρ(S)
  double dominant_term = 0;      ///< ρ/(1 − ρ)
  double upper_bound = 0;        ///< n ρ/(1 − ρ) ≥ R, with the bracket's upper end for ρ
  double row_sum_upper_bound = 0;  ///< n r/(1 − r) ≥ R, r = max row sum of S (no eigenvalues needed)

  // Series.
  std::vector<double> traces;        ///< Tr(S^k), k = 1…K
  std::vector<double> partial_sums;  ///< Σ_{j≤k} Tr(S^j)
  double partial_tail_bound = 0;     ///< R − partial_sums.back() ≤ this
  std::vector<Series> lower_bounds;  ///< count, power, per-node, per-node-count (rigorous); zeta, zeta-per-node (heuristic)

  std::optional<Paper> paper;
  std::vector<std::string> warnings;
};

/// R, ρ(S), bounds, lower bounds, partial sums, eigenvalues and the paper's ARP. JS: repetition.analyze.
Analysis analyze(const Eigen::MatrixXd& m, const Options& options = {});
/// R alone (the O(4/3 n³) factorization and nothing else); +inf when divergent. JS: repetition.rate.
double rate(const Eigen::MatrixXd& m, const Options& options = {});

/// R = Tr(S(I − S)^{-1}) for S ≥ 0 given its accurate row slacks σ = 1 − S·1 ≥ 0 (GTH-style LU).
/// Returns +inf if a pivot vanishes (ρ(S) ≥ 1). Exposed for tests and the paper's ARP.
double trace_resolvent(const Eigen::MatrixXd& s, const Eigen::VectorXd& slack, const Progress& progress = {},
                       double progress_from = 0, double progress_to = 1);

/// ρ(A) of a nonnegative matrix with a proven bracket: strongly connected components, and in each the
/// shifted power iteration x ← (A_C + I)x with Collatz–Wielandt bounds min/max (A_C x)_i / x_i.
struct SpectralRadius {
  double value = 0, lower = 0, upper = 0;
  int iterations = 0;
  bool converged = false;
  int components = 0;
};
SpectralRadius spectral_radius(const Eigen::MatrixXd& a);

/// Monte Carlo check: sequences started from every token in turn (stratified), sampled from the
/// decoded chain until EOS or 2K+1 tokens, counting the events "tokens 0…k equal tokens k…2k"
/// (the loop w1→…→wk→w1 walked twice) for k = 1…K. Their mean count summed over start tokens
/// estimates R_K = Σ_{k≤K} Tr(S^k). JS: repetition.simulate.
struct SimulateOptions {
  Layout layout = Layout::automatic;
  Decoding decoding;
  std::int64_t samples = 20000;  ///< sequences; at least 2n, at most 10^8
  std::uint64_t seed = 1;
  int max_k = 0;                 ///< K; 0 = auto (the tail Σ_{k>K} Tr S^k ≤ 1e-6, at most 1000)
  Progress progress;
};
struct Simulation {
  double estimate = 0;         ///< of R_K
  double standard_error = 0;
  std::int64_t samples = 0;
  int max_k = 0;
  std::vector<double> trace_estimates;  ///< of Tr(S^k), k = 1…K
  std::vector<double> trace_standard_errors;
  std::optional<double> truncated_rate;  ///< exact R_K (when n³K is small enough to compute)
  double tail_bound = 0;                 ///< R − R_K ≤ tail_bound (+inf when divergent)
  double mean_length = 0;                ///< mean number of tokens per sequence (start token included)
  double eos_fraction = 0;               ///< fraction of sequences that reached EOS within 2K+1 tokens
};
Simulation simulate(const Eigen::MatrixXd& m, const SimulateOptions& options = {});

/// R and ρ(S) over a list of temperatures (other decoding settings as given). JS: repetition.sweep.
struct Sweep {
  std::vector<double> temperatures, rates, spectral_radii, upper_bounds;
};
Sweep sweep(const Eigen::MatrixXd& m, const std::vector<double>& temperatures, const Options& options = {});

/// A bigram model from token ids in [0, n), with −1 ending a sequence (a transition to EOS; the end
/// of the list ends one too), add-k smoothed over the n + 1 outcomes of each row:
/// A_ij = (c_ij + k)/(c_i + k(n + 1)). Returns the n×(n+1) full matrix (last column EOS).
/// JS: repetition.bigram.
Eigen::MatrixXd bigram(const std::vector<int>& tokens, int n, double smoothing);

}  // namespace mathlens::repetition

// mathlens::matexp — the matrix exponential and two posts built on it (spec/MATH.md §7, §8):
//   "An explicit, always-invertible matrix" (kexue.fm/archives/6407): exp(x yᵀ) in closed form;
//   "The identity det(exp A) = exp(Tr A)" (kexue.fm/archives/6377).
//
// expm is the scaling-and-squaring method with Padé approximants of degree 3, 5, 7, 9 or 13 chosen
// from 1-norms of matrix powers — Higham (2005) with the refinements of Al-Mohy & Higham (2009,
// Algorithm 5.1: η-based scaling from ‖A^k‖^{1/k}, the backward-error correction ell(A, m), and the
// exact diagonal/superdiagonal of triangular matrices, Code Fragment 2.1) — plus optional LAPACK
// gebal-style balancing (permutation + power-of-2 scaling), undone after, a real Schur route for
// strongly non-normal matrices with real spectrum, the symmetric eigensolver for symmetric matrices,
// and the terminating Taylor series for matrices with B² = 0, B⁴ = 0 or B⁶ = 0 (see Route). 1-norms of powers: exact
// (product formed) for n ≤ kExactNormMaxN, otherwise the block estimator of Higham & Tisseur (2000);
// ‖|A|^p‖₁ in ell() is always exact (p matrix–vector products with a nonnegative matrix).
// Every function throws mathlens::Error("matexp.<jsName>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <complex>
#include <vector>

namespace mathlens::matexp {

/// Whether expm balances A first (B = D⁻¹PᵀAPD, exp(A) = PD exp(B) D⁻¹Pᵀ).
enum class Balance {
  automatic,  ///< balance, and use the balanced matrix only if it has a smaller 1-norm (default)
  always,     ///< always use the balanced matrix
  never,      ///< never balance
};

/// How expm evaluated exp(B) (B = the balanced matrix, or A).
enum class Route {
  pade,    ///< scaling and squaring on B (Code Fragment 2.1 when B is triangular)
  schur,   ///< B = Q T Qᵀ (real Schur, T triangular), exp(B) = Q exp(T) Qᵀ with exp(T) as above:
           ///< taken when ell() flags strong non-normality (|B|^k ≫ |B^k|), the spectrum is real
           ///< and B is well scaled; extra squarings would otherwise amplify rounding errors
  taylor,  ///< B^k = 0 exactly for k ∈ {2, 4, 6} (as computed): the series Σ_{j<k} B^j/j! is exact
  symmetric,  ///< B = Bᵀ (exactly): exp(B) = V e^Λ Vᵀ from the symmetric eigensolver
};
const char* route_name(Route r);

/// exp(A) and how it was computed.
struct ExpmResult {
  Eigen::MatrixXd value;
  int degree = 0;          ///< Padé degree m ∈ {3, 5, 7, 9, 13}; 0 for the Taylor route
  int squarings = 0;       ///< s: exp(A) = r_m(2^{-s} A)^{2^s}
  bool balanced = false;   ///< whether the balanced matrix was exponentiated
  bool triangular = false; ///< a triangular matrix was exponentiated (B itself, or T of the Schur route)
  Route route = Route::pade;
  double norm1 = 0;        ///< ‖A‖₁
  double norm1_used = 0;   ///< ‖B‖₁ of the matrix actually exponentiated (= norm1 unless balanced)
};

/// exp(A) = Σ Aⁿ/n! (spec §8a) for a square, finite A. Throws when an entry overflows.
Eigen::MatrixXd expm(const Eigen::MatrixXd& a, Balance balance = Balance::automatic);
/// expm with the choices it made.
ExpmResult expm_info(const Eigen::MatrixXd& a, Balance balance = Balance::automatic);

/// exp(x yᵀ) = I + φ(s) x yᵀ and its inverse exp(−x yᵀ) = I − ψ(s) x yᵀ, s = yᵀx (spec §7a).
struct RankOne {
  double s = 0;        ///< yᵀx, as a compensated dot product (Dot2: as if in twice the precision)
  double phi = 1;      ///< φ(s) = (eˢ − 1)/s = expm1(s)/s, φ(0) = 1
  double psi = 1;      ///< ψ(s) = (1 − e⁻ˢ)/s = −expm1(−s)/s, ψ(0) = 1
  double det = 1;      ///< det exp(x yᵀ) = eˢ (0 when eˢ underflows; log_det is exact)
  double log_det = 0;  ///< s
  /// Row-major: the layout of the wasm heap and of NumPy, so the d² entries cross the boundary as
  /// one block copy (the closed form is O(d²), and a transposing copy doubled its cost).
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix exp;      ///< I + φ x yᵀ
  Matrix inverse;  ///< I − ψ x yᵀ
};
/// Both matrices (d × d) and the scalars. Throws when an entry overflows (|s| ≳ 709).
RankOne exp_rank_one(const Eigen::VectorXd& x, const Eigen::VectorXd& y);
/// The scalars only, O(d).
RankOne exp_rank_one_scalars(const Eigen::VectorXd& x, const Eigen::VectorXd& y);
/// exp(x yᵀ) v = v + φ(s) (yᵀv) x (or the inverse, v − ψ(s)(yᵀv) x) for every column v of `v`,
/// in O(d) per column without forming a matrix.
Eigen::MatrixXd exp_rank_one_apply(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                   const Eigen::MatrixXd& v, bool inverse = false);

/// The identity det(exp A) = exp(Tr A) (spec §8), both sides in the log domain.
struct DetExp {
  double trace = 0;         ///< Tr A (compensated sum)
  double log_abs_det = 0;   ///< log|det exp(A)| from the LU factors of the computed exp(A)
  int sign = 1;             ///< sign of det exp(A) from the LU factors (+1 in exact arithmetic)
  double det = 1;           ///< sign · e^{log_abs_det}: ±inf or 0 outside the double range
  double exp_trace = 1;     ///< e^{Tr A}: inf or 0 outside the double range
  double log_difference = 0;       ///< log|det exp(A)| − Tr A
  double relative_difference = 0;  ///< |det exp(A) − e^{Tr A}| / e^{Tr A}, without overflow
  double shift = 0;  ///< c: exp(A) was formed as e^c exp(A − cI), c = Tr A / n (0 unless needed)
  int degree = 0, squarings = 0;
  bool balanced = false;
};
/// Throws when Tr A itself is beyond the double range (then so is log det exp(A) = Tr A), or when
/// exp(A) is out of range even as e^c exp(A − cI).
DetExp det_exp(const Eigen::MatrixXd& a, Balance balance = Balance::automatic);

/// log det(I + M) = Tr log(I + M) = Σ_{k≥1} (−1)^{k−1} Tr(M^k)/k for ρ(M) < 1 (spec §8a, b).
struct LogDetSeries {
  double value = 0;            ///< the partial sum of `terms` terms
  int terms = 0;
  double remainder_bound = 0;  ///< |tail| ≤ n ρ^{N+1} / ((N+1)(1 − ρ)), since |Tr(M^k)| ≤ n ρ^k
  double spectral_radius = 0;  ///< ρ(M) (the series converges iff ρ < 1)
  double norm2 = 0;            ///< ‖M‖₂ (the post's sufficient condition is ‖M‖₂ < 1)
  double log_det = 0;          ///< log det(I + M) from an LU factorisation of I + M, as a check
                               ///< (the series is the more accurate of the two when M is small)
  double difference = 0;       ///< value − log_det
  std::vector<double> partial_sums;  ///< after 1, 2, …, terms terms
};
/// Sums until the remainder bound is ≤ tolerance · scale, scale = max(|log det(I + M)|, |Tr M|,
/// |Tr M²|/2) (the LU value of log det decides the number of terms in advance). Each Tr(M^k) is
/// summed with error-free products. ρ(M) comes from the eigenvalues of the balanced M (entries at
/// both ends of the double range would otherwise underflow inside the eigensolver), ‖M‖₂ from
/// 2^{-e}M. Throws when ρ(M) ≥ 1 (divergence), when more than max_terms terms would be needed, or
/// when a Tr(M^k) overflows.
LogDetSeries log_det_series(const Eigen::MatrixXd& m, int max_terms = 1000, double tolerance = 1e-16);

/// Eigenvalues λ of A (of the balanced A, as LAPACK's dgeev) and their images e^λ, the eigenvalues
/// of exp(A) (sorted by Re λ, then Im λ, descending).
struct Spectrum {
  Eigen::VectorXcd eigenvalues;
  Eigen::VectorXcd exp_eigenvalues;
};
Spectrum spectrum(const Eigen::MatrixXd& a);

/// Largest n for which 1-norms of matrix products are computed exactly (the product formed).
inline constexpr Eigen::Index kExactNormMaxN = 32;

/// ‖F₁F₂⋯F_k‖₁ without forming the product: the block 1-norm estimator of Higham & Tisseur
/// (SIAM J. Matrix Anal. Appl. 21, 2000, Alg. 2.4) with t = 2 columns, at most 5 iterations and a
/// fixed-seed ±1 start (deterministic). A lower bound that is usually exact. Factors are n × n.
double norm1_product_estimate(const std::vector<const Eigen::MatrixXd*>& factors);

/// The coefficients b₀…b_m of the degree-m Padé approximant p_m(x)/p_m(−x) of eˣ (Higham 2005),
/// for m ∈ {3, 5, 7, 9, 13}; b_m = 1.
std::vector<double> pade_coefficients(int m);

}  // namespace mathlens::matexp

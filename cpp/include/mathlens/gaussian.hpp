// mathlens::gaussian — KL divergence, Bhattacharyya distance and W2 distance between two
// multivariate normals (spec/MATH.md §2, kexue.fm/archives/8512).
//
// p = N(mean_p, cov_p), q = N(mean_q, cov_q) on R^n. Natural logs (nats) throughout.
// KL, Bhattacharyya, Hellinger and entropy need positive definite covariances; the W2 family
// (wasserstein2, frechet) accepts positive semidefinite ones. Covariances must be symmetric up to a
// relative tolerance of detail::kSymmetryTolerance and are symmetrised before use.
// Every function throws mathlens::Error("gaussian.<name>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mathlens::gaussian {

/// A multivariate normal N(mean, cov). Shapes are checked by every function, not here.
struct Normal {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
};

/// How the W2 trace term Tr((Σp^½ Σq Σp^½)^½) was computed.
enum class Route {
  cholesky_p,  ///< Σp = LLᵀ, eigenvalues of LᵀΣqL (the cheap symmetric route)
  cholesky_q,  ///< Σp singular: the same with p and q swapped (the term is symmetric)
  eigen,       ///< both singular: Σp^½ from a symmetric eigendecomposition (PSD fallback)
};
const char* route_name(Route r);

/// Which of the post's two equal W2 formulas to evaluate.
enum class Formula {
  symmetric,  ///< version 1: Tr((Σp^½ Σq Σp^½)^½), symmetric eigenproblem (default, fast, robust)
  product,    ///< version 2 (FID's): Tr((Σp Σq)^½) from the eigenvalues of the non-symmetric Σp Σq
};

/// KL(p‖q) = ½[Δᵀ Σq⁻¹ Δ − log det(Σq⁻¹Σp) + Tr(Σq⁻¹Σp) − n], Δ = μp − μq.
/// Evaluated as ½[Δᵀ Σq⁻¹ Δ + Σ(λ − 1 − log λ)] over the eigenvalues λ of Lq⁻¹ Σp Lq⁻ᵀ, which keeps
/// full relative accuracy when p ≈ q.
double kl(const Normal& p, const Normal& q);

/// Bhattacharyya distance −log ∫√(pq) = ½ log(det Σ / √(det Σp det Σq)) + ⅛ Δᵀ Σ⁻¹ Δ, Σ = (Σp+Σq)/2.
double bhattacharyya(const Normal& p, const Normal& q);
/// Bhattacharyya coefficient ∫√(pq) = exp(−BD).
double bhattacharyya_coefficient(const Normal& p, const Normal& q);
/// Hellinger distance with the post's normalisation H² = ½∫(√p − √q)² = 1 − exp(−BD); returns H.
double hellinger(const Normal& p, const Normal& q);

/// Differential entropy H(p) = n/2 (1 + log 2π) + ½ log det Σp.
double entropy(const Normal& p);

/// W2² = ‖Δ‖² + Tr Σp + Tr Σq − 2 Tr((Σp^½ Σq Σp^½)^½), clamped at 0 against round-off.
double wasserstein2_squared(const Normal& p, const Normal& q, Formula formula = Formula::symmetric);
/// W2 = √(W2²).
double wasserstein2(const Normal& p, const Normal& q, Formula formula = Formula::symmetric);
/// Fréchet distance as FID reports it: the squared W2 distance between the two fitted normals.
double frechet(const Normal& p, const Normal& q);

/// Cross-covariance C* = Σp^½ R Σp^{-½}, R = (Σp^½ Σq Σp^½)^½, of the optimal (W2) coupling of p and q,
/// i.e. Cov(x, y) for the optimal pair; Tr C* = Tr R. Needs one of the covariances positive definite.
Eigen::MatrixXd coupling(const Normal& p, const Normal& q);

/// Sample mean and unbiased (N − 1) covariance of the rows of `samples` (N × n, N ≥ 2).
Normal fit(const Eigen::MatrixXd& samples);
/// FID from two sample sets (rows are samples): frechet(fit(a), fit(b)).
double frechet_from_samples(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

/// Monte Carlo estimate of KL(p‖q) = E_p[log p − log q] with its standard error.
struct MonteCarlo {
  double estimate;
  double standard_error;
  std::int64_t samples;
};
MonteCarlo kl_monte_carlo(const Normal& p, const Normal& q, std::int64_t samples, std::uint64_t seed);

/// Everything at once, with diagnostics. Quantities that need positive definite covariances are
/// empty (and a warning says why) when a covariance is only semidefinite.
struct Comparison {
  int dim = 0;
  std::optional<double> kl_pq, kl_qp, bhattacharyya, bhattacharyya_coefficient, hellinger,
      entropy_p, entropy_q;
  double wasserstein2 = 0, wasserstein2_squared = 0;
  /// Version 2 of the formula, as a cross-check; computed for n ≤ kProductCheckMaxDim only (the
  /// non-symmetric eigensolver costs ~30× the symmetric route: 13 s at n = 1024).
  std::optional<double> wasserstein2_squared_product;
  double trace_term = 0;                    ///< Tr((Σp^½ Σq Σp^½)^½)
  double mean_distance_squared = 0;         ///< ‖μp − μq‖²
  std::optional<Eigen::MatrixXd> coupling;  ///< C*, when one covariance is positive definite
  // diagnostics
  double min_eigenvalue_p = 0, max_eigenvalue_p = 0, min_eigenvalue_q = 0, max_eigenvalue_q = 0;
  double condition_p = 0, condition_q = 0;  ///< λmax/λmin (inf when singular)
  bool positive_definite_p = false, positive_definite_q = false;
  Route route = Route::cholesky_p;
  std::vector<std::string> warnings;
};
Comparison compare(const Normal& p, const Normal& q);
inline constexpr int kProductCheckMaxDim = 256;

}  // namespace mathlens::gaussian

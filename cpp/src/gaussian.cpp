// mathlens::gaussian — implementation. Formulas: spec/MATH.md §2.
#include "mathlens/gaussian.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "mathlens/detail/check.hpp"
#include "mathlens/detail/product.hpp"
#include "mathlens/detail/random.hpp"

namespace mathlens::gaussian {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::fail;
using detail::num;
using detail::product;
using detail::transposed;
using LLT = Eigen::LLT<MatrixXd>;

const char* route_name(Route r) {
  switch (r) {
    case Route::cholesky_p: return "cholesky(p)";
    case Route::cholesky_q: return "cholesky(q)";
    case Route::eigen: return "eigen";
  }
  return "?";
}

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kLog2Pi = 1.8378770664093454835606594728112;

/// max(0, x) against round-off, but NaN stays NaN (std::max(0.0, NaN) is 0: a silently wrong result).
double clamp0(double x) { return x < 0.0 ? 0.0 : x; }

/// The last line of defence against a silent NaN: inputs of extreme magnitude (entries near the
/// limits of double precision) can overflow intermediate values (Inf − Inf); say so instead.
double representable(double x, const char* fn) {
  if (std::isnan(x))
    fail(fn, "the result is not representable in double precision (intermediate overflow or underflow); "
             "rescale the inputs");
  return x;
}
MatrixXd representable(MatrixXd m, const char* fn) {
  if (m.hasNaN()) representable(std::numeric_limits<double>::quiet_NaN(), fn);
  return m;
}

// Matrix products only through detail::product (see mathlens/detail/product.hpp).
/// B Bᵀ
MatrixXd gram(const MatrixXd& b) { return product(b, transposed(b)); }
/// Lᵀ S L
MatrixXd congruence(const MatrixXd& l, const MatrixXd& s) { return product(product(transposed(l), s), l); }
/// V diag(√max(λ, 0)) Vᵀ from a symmetric eigendecomposition: the PSD square root.
MatrixXd psd_sqrt(const Eigen::SelfAdjointEigenSolver<MatrixXd>& es) {
  const VectorXd d = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  MatrixXd vd = es.eigenvectors();
  for (Eigen::Index j = 0; j < vd.cols(); ++j) vd.col(j) *= d(j);
  return product(vd, transposed(es.eigenvectors()));
}

/// Relative tolerance for "positive semidefinite": λmin ≥ −tol·λmax.
double psd_tolerance(Eigen::Index n) { return 64.0 * static_cast<double>(n) * kEps; }

/// A validated, symmetrised copy of a normal.
struct Checked {
  VectorXd mean;
  MatrixXd cov;
  Eigen::Index dim() const { return mean.size(); }
};

Checked check_normal(const Normal& x, const char* fn, const char* name) {
  const std::string mean_arg = std::string("mean of ") + name;
  const std::string cov_arg = std::string("cov of ") + name;
  detail::require_nonempty(x.mean, fn, mean_arg);
  detail::require_nonempty(x.cov, fn, cov_arg);
  detail::require_square(x.cov, fn, cov_arg);
  if (x.mean.size() != x.cov.rows())
    fail(fn, mean_arg + " has " + std::to_string(x.mean.size()) + " entries but " + cov_arg + " is " +
                 detail::shape(x.cov.rows(), x.cov.cols()));
  detail::require_finite(x.mean, fn, mean_arg);
  detail::require_finite(x.cov, fn, cov_arg);
  detail::require_symmetric(x.cov, fn, cov_arg);
  return {x.mean, 0.5 * x.cov + 0.5 * x.cov.transpose()};  // halves first: no overflow near DBL_MAX
}

std::pair<Checked, Checked> check_pair(const Normal& p, const Normal& q, const char* fn) {
  Checked cp = check_normal(p, fn, "p");
  Checked cq = check_normal(q, fn, "q");
  if (cp.dim() != cq.dim())
    fail(fn, "p and q have different dimensions (" + std::to_string(cp.dim()) + " and " +
                 std::to_string(cq.dim()) + ")");
  return {std::move(cp), std::move(cq)};
}

double smallest_eigenvalue(const MatrixXd& a) {
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(a, Eigen::EigenvaluesOnly);
  return es.eigenvalues()(0);
}

LLT cholesky_pd(const MatrixXd& cov, const char* fn, const char* name) {
  LLT llt(cov);
  if (llt.info() != Eigen::Success)
    fail(fn, std::string("cov of ") + name + " is not positive definite (Cholesky failed)");
  return llt;
}

[[noreturn]] void fail_not_psd(const MatrixXd& cov, const char* fn, const char* name) {
  fail(fn, std::string("cov of ") + name + " is not positive semidefinite (smallest eigenvalue " +
               num(smallest_eigenvalue(cov)) + ")");
}

/// Eigenvalues (ascending) of a PSD matrix with the PSD check; tiny negatives are clamped to 0.
VectorXd psd_eigenvalues(const MatrixXd& a, const MatrixXd& owner_cov, const char* fn, const char* name) {
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(a, Eigen::EigenvaluesOnly);
  VectorXd ev = es.eigenvalues();
  const double scale = std::max(std::abs(ev(ev.size() - 1)), std::abs(ev(0)));
  if (ev(0) < -psd_tolerance(a.rows()) * scale) fail_not_psd(owner_cov, fn, name);
  return ev.cwiseMax(0.0);
}

double log_det(const LLT& llt) { return 2.0 * llt.matrixLLT().diagonal().array().log().sum(); }

/// λ − 1 − log λ without cancellation near λ = 1.
double lambda_minus_one_minus_log(double lambda) {
  const double t = lambda - 1.0;
  if (std::abs(t) < 1e-2) {
    // Σ_{k≥2} (−1)^k t^k / k; |t| < 1e-2 ⇒ 12 terms reach full precision.
    double term = t * t, sum = 0.0;
    for (int k = 2; k <= 13; ++k) {
      sum += ((k % 2 == 0) ? term : -term) / k;
      term *= t;
    }
    return sum;
  }
  return t - std::log1p(t);
}

/// KL(p‖q) given both Cholesky factors.
double kl_impl(const Checked& p, const Checked& q, const LLT& lp, const LLT& lq) {
  const Eigen::Index n = p.dim();
  const auto Lq = lq.matrixL();
  const VectorXd z = Lq.solve(p.mean - q.mean);
  const double maha = z.squaredNorm();
  // B = Lq⁻¹ Lp; the eigenvalues of B Bᵀ = Lq⁻¹ Σp Lq⁻ᵀ are the λ's of Σq⁻¹Σp.
  MatrixXd lp_dense = lp.matrixL();
  const MatrixXd b = Lq.solve(lp_dense);
  const double frob2 = b.squaredNorm();
  const MatrixXd a = gram(b);
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(a, Eigen::EigenvaluesOnly);
  const VectorXd& lambda = es.eigenvalues();
  double divergence;
  if (lambda(0) > 0.5 && lambda(n - 1) < 2.0) {
    // Near p ≈ q the trace form cancels catastrophically; the eigenvalue form does not.
    divergence = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) divergence += lambda_minus_one_minus_log(lambda(i));
  } else {
    // Far from equality: the trace form with exact Cholesky log-dets is robust to tiny λ.
    // log det(Σq⁻¹Σp) = 2 Σ log b_ii (B is lower triangular) avoids the cancellation of
    // log det Σp − log det Σq when both are large (Σ = 1e100·I lost 2–3 digits that way).
    double log_det_ratio = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double bii = b(i, i);
      log_det_ratio += std::isnormal(bii) ? 2.0 * std::log(bii)
                                          : 2.0 * (std::log(lp.matrixLLT()(i, i)) - std::log(lq.matrixLLT()(i, i)));
    }
    divergence = frob2 - static_cast<double>(n) - log_det_ratio;
  }
  return clamp0(0.5 * (maha + divergence));
}

double bhattacharyya_impl(const Checked& p, const Checked& q, const LLT& lp, const LLT& lq,
                          const char* fn) {
  const Eigen::Index n = p.dim();
  const MatrixXd avg = 0.5 * p.cov + 0.5 * q.cov;
  LLT lavg(avg);
  if (lavg.info() != Eigen::Success) fail(fn, "(cov of p + cov of q)/2 is not positive definite");
  const VectorXd z = lavg.matrixL().solve(p.mean - q.mean);
  const double maha = z.squaredNorm();
  // μ = eigenvalues of Lp⁻¹ Σq Lp⁻ᵀ; log(det Σ / √(det Σp det Σq)) = Σ ½ log1p((μ−1)²/(4μ)).
  MatrixXd lq_dense = lq.matrixL();
  const MatrixXd b = lp.matrixL().solve(lq_dense);
  const MatrixXd bbt = gram(b);
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(bbt, Eigen::EigenvaluesOnly);
  const VectorXd& mu = es.eigenvalues();
  double log_term;
  if (mu(0) > 0.5 && mu(n - 1) < 2.0) {
    log_term = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double d = mu(i) - 1.0;
      log_term += 0.5 * std::log1p(d * d / (4.0 * mu(i)));
    }
  } else {
    // Σ = Lp ½(I + BBᵀ) Lpᵀ and Σq = Lp BBᵀ Lpᵀ with B = Lp⁻¹Lq lower triangular, so the term is
    // log det(½(I + BBᵀ)) − Σ log b_ii: no cancellation between large log-determinants (Σ = 1e250·I
    // lost 3 digits as log det Σ − ½(log det Σp + log det Σq)). That form is the fallback.
    const MatrixXd half = 0.5 * (MatrixXd::Identity(n, n) + bbt);
    const LLT lhalf(half);
    double t = lhalf.info() == Eigen::Success ? log_det(lhalf) : std::numeric_limits<double>::quiet_NaN();
    for (Eigen::Index i = 0; i < n; ++i) t -= std::log(b(i, i));
    log_term = std::isfinite(t) ? t : log_det(lavg) - 0.5 * (log_det(lp) + log_det(lq));
  }
  return clamp0(0.5 * log_term + 0.125 * maha);
}

struct TraceTerm {
  double value;
  Route route;
};

/// Tr((Σp^½ Σq Σp^½)^½) and the PSD checks of both covariances.
/// A power-of-two scale a for the degree-4 products (Lᵀ Σq L, Σp Σq) of the W2 trace term and the
/// coupling: 1 unless the covariances' entries are so large or small that those products would
/// overflow or underflow (then, e.g., Σ = 1e-300·I gave a trace term of 0). Both quantities are
/// homogeneous of degree 1 under (Σp, Σq) → (aΣp, aΣq).
double joint_scale(const MatrixXd& a, const MatrixXd& b) {
  const double m = std::max(a.cwiseAbs().maxCoeff(), b.cwiseAbs().maxCoeff());
  if (m == 0 || (m < 0x1p400 && m > 0x1p-400)) return 1.0;
  return std::ldexp(1.0, std::ilogb(m));
}

TraceTerm trace_term_impl(const Checked& p, const Checked& q, const LLT& lp, const char* fn) {
  if (const double a = joint_scale(p.cov, q.cov); a != 1.0) {
    const Checked sp{p.mean, p.cov / a}, sq{q.mean, q.cov / a};
    TraceTerm t = trace_term_impl(sp, sq, LLT(sp.cov), fn);
    t.value *= a;
    return t;
  }
  if (lp.info() == Eigen::Success) {
    const MatrixXd l = lp.matrixL();
    const MatrixXd m = congruence(l, q.cov);  // congruent to Σq: same inertia
    const VectorXd nu = psd_eigenvalues(m, q.cov, fn, "q");
    return {nu.cwiseSqrt().sum(), Route::cholesky_p};
  }
  if (const LLT lq(q.cov); lq.info() == Eigen::Success) {
    const MatrixXd l = lq.matrixL();
    const MatrixXd m = congruence(l, p.cov);
    const VectorXd nu = psd_eigenvalues(m, p.cov, fn, "p");
    return {nu.cwiseSqrt().sum(), Route::cholesky_q};
  }
  // Both singular: Σp^½ from its eigendecomposition.
  Eigen::SelfAdjointEigenSolver<MatrixXd> ep(p.cov);
  const VectorXd& lam = ep.eigenvalues();
  const double scale_p = std::max(std::abs(lam(lam.size() - 1)), std::abs(lam(0)));
  if (lam(0) < -psd_tolerance(p.dim()) * scale_p) fail_not_psd(p.cov, fn, "p");
  psd_eigenvalues(q.cov, q.cov, fn, "q");
  const MatrixXd half = psd_sqrt(ep);
  const MatrixXd m = product(product(half, q.cov), half);
  const MatrixXd sym = 0.5 * (m + m.transpose());  // solvers take a MatrixXd: one instantiation each (wasm size)
  Eigen::SelfAdjointEigenSolver<MatrixXd> em(sym, Eigen::EigenvaluesOnly);
  return {em.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum(), Route::eigen};
}

/// Version 2: Tr((Σp Σq)^½) = Σ √λ over the eigenvalues of the non-symmetric product.
double trace_term_product(const Checked& p, const Checked& q) {
  const double a = joint_scale(p.cov, q.cov);
  const MatrixXd pq = product(p.cov / a, q.cov / a);
  Eigen::EigenSolver<MatrixXd> es(pq, false);
  double sum = 0.0;
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) sum += std::sqrt(es.eigenvalues()(i)).real();
  return a * sum;
}

double w2_squared_from(const Checked& p, const Checked& q, double trace_term) {
  const double value =
      (p.mean - q.mean).squaredNorm() + p.cov.trace() + q.cov.trace() - 2.0 * trace_term;
  return clamp0(value);
}

double entropy_impl(const LLT& l, Eigen::Index n) {
  return 0.5 * static_cast<double>(n) * (1.0 + kLog2Pi) + 0.5 * log_det(l);
}

MatrixXd coupling_from(const Checked& p, const LLT& lp, const Checked& q) {
  if (const double a = joint_scale(p.cov, q.cov); a != 1.0) {
    const Checked sp{p.mean, p.cov / a}, sq{q.mean, q.cov / a};
    if (const LLT lsp(sp.cov); lsp.info() == Eigen::Success) return a * coupling_from(sp, lsp, sq);
  }
  const MatrixXd l = lp.matrixL();
  const MatrixXd ltql = congruence(l, q.cov);
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(ltql);
  const MatrixXd half = psd_sqrt(es);
  // C* = L M^½ L⁻¹, computed as the solution of Lᵀ C*ᵀ = (L M^½)ᵀ.
  const MatrixXd x = product(l, half);
  return lp.matrixU().solve(x.transpose()).transpose();
}

}  // namespace

double kl(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.kl";
  auto [cp, cq] = check_pair(p, q, fn);
  const LLT lp = cholesky_pd(cp.cov, fn, "p");
  const LLT lq = cholesky_pd(cq.cov, fn, "q");
  return representable(kl_impl(cp, cq, lp, lq), fn);
}

double bhattacharyya(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.bhattacharyya";
  auto [cp, cq] = check_pair(p, q, fn);
  const LLT lp = cholesky_pd(cp.cov, fn, "p");
  const LLT lq = cholesky_pd(cq.cov, fn, "q");
  return representable(bhattacharyya_impl(cp, cq, lp, lq, fn), fn);
}

double bhattacharyya_coefficient(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.bhattacharyyaCoefficient";
  auto [cp, cq] = check_pair(p, q, fn);
  const LLT lp = cholesky_pd(cp.cov, fn, "p");
  const LLT lq = cholesky_pd(cq.cov, fn, "q");
  return std::exp(-representable(bhattacharyya_impl(cp, cq, lp, lq, fn), fn));
}

double hellinger(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.hellinger";
  auto [cp, cq] = check_pair(p, q, fn);
  const LLT lp = cholesky_pd(cp.cov, fn, "p");
  const LLT lq = cholesky_pd(cq.cov, fn, "q");
  return std::sqrt(-std::expm1(-representable(bhattacharyya_impl(cp, cq, lp, lq, fn), fn)));
}

double entropy(const Normal& p) {
  constexpr const char* fn = "gaussian.entropy";
  const Checked cp = check_normal(p, fn, "p");
  return representable(entropy_impl(cholesky_pd(cp.cov, fn, "p"), cp.dim()), fn);
}

namespace {
double w2_squared_impl(const Normal& p, const Normal& q, Formula formula, const char* fn) {
  auto [cp, cq] = check_pair(p, q, fn);
  // The symmetric route also validates both covariances as PSD.
  const TraceTerm t = trace_term_impl(cp, cq, LLT(cp.cov), fn);
  const double trace = formula == Formula::symmetric ? t.value : trace_term_product(cp, cq);
  return representable(w2_squared_from(cp, cq, trace), fn);
}
}  // namespace

double wasserstein2_squared(const Normal& p, const Normal& q, Formula formula) {
  return w2_squared_impl(p, q, formula, "gaussian.wasserstein2Squared");
}

double wasserstein2(const Normal& p, const Normal& q, Formula formula) {
  return std::sqrt(w2_squared_impl(p, q, formula, "gaussian.wasserstein2"));
}

double frechet(const Normal& p, const Normal& q) {
  return w2_squared_impl(p, q, Formula::symmetric, "gaussian.frechet");
}

MatrixXd coupling(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.coupling";
  auto [cp, cq] = check_pair(p, q, fn);
  const LLT lp(cp.cov);
  const LLT lq(cq.cov);
  trace_term_impl(cp, cq, lp, fn);  // PSD checks with the same messages as wasserstein2
  if (lp.info() == Eigen::Success) return representable(coupling_from(cp, lp, cq), fn);
  if (lq.info() == Eigen::Success) return representable(coupling_from(cq, lq, cp).transpose(), fn);
  fail(fn, "cov of p and cov of q are both singular; the coupling needs one of them positive definite");
}

namespace {
Normal fit_impl(const MatrixXd& samples, const char* fn, const std::string& arg) {
  detail::require_nonempty(samples, fn, arg);
  if (samples.rows() < 2)
    fail(fn, arg + " has " + std::to_string(samples.rows()) + " row; at least 2 samples are needed");
  detail::require_finite(samples, fn, arg);
  const Eigen::Index n = samples.rows(), d = samples.cols();
  // Each column is scaled by a power of two (exact) to |x| < 2, so that sums cannot overflow on the
  // way to a representable mean or covariance (found by tests/fuzz/gaussian_fuzz.cpp: samples near
  // DBL_MAX gave a NaN covariance).
  VectorXd scale(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const double m = samples.col(j).cwiseAbs().maxCoeff();
    scale(j) = m > 0 ? std::ldexp(1.0, std::ilogb(m)) : 1.0;
  }
  const MatrixXd scaled = samples * scale.cwiseInverse().asDiagonal();
  const VectorXd mean = scaled.colwise().mean().transpose();
  const MatrixXd centered = scaled.rowwise() - mean.transpose();
  MatrixXd cov = MatrixXd::Zero(d, d);
  cov.selfadjointView<Eigen::Lower>().rankUpdate(centered.transpose(), 1.0 / static_cast<double>(n - 1));
  Normal out;
  out.mean = mean.cwiseProduct(scale);
  out.cov = scale.asDiagonal() * MatrixXd(cov.selfadjointView<Eigen::Lower>()) * scale.asDiagonal();
  if (!out.cov.allFinite())
    fail(fn, arg + " is too large in magnitude: its covariance overflows double precision (largest |entry| " +
                 num(samples.cwiseAbs().maxCoeff()) + ")");
  return out;
}
}  // namespace

Normal fit(const MatrixXd& samples) { return fit_impl(samples, "gaussian.fit", "samples"); }

double frechet_from_samples(const MatrixXd& a, const MatrixXd& b) {
  constexpr const char* fn = "gaussian.frechetFromSamples";
  const Normal p = fit_impl(a, fn, "a");
  const Normal q = fit_impl(b, fn, "b");
  if (p.mean.size() != q.mean.size())
    fail(fn, "a and b have different numbers of columns (" + std::to_string(p.mean.size()) + " and " +
                 std::to_string(q.mean.size()) + ")");
  return w2_squared_impl(p, q, Formula::symmetric, fn);
}

MonteCarlo kl_monte_carlo(const Normal& p, const Normal& q, std::int64_t samples, std::uint64_t seed) {
  constexpr const char* fn = "gaussian.klMonteCarlo";
  auto [cp, cq] = check_pair(p, q, fn);
  if (samples < 2 || samples > 100000000)
    fail(fn, "samples must be an integer from 2 to 100000000, got " + std::to_string(samples));
  const LLT lp = cholesky_pd(cp.cov, fn, "p");
  const LLT lq = cholesky_pd(cq.cov, fn, "q");
  const Eigen::Index n = cp.dim();
  const double half_log_det_ratio = 0.5 * (log_det(lq) - log_det(lp));
  const MatrixXd lpm = lp.matrixL();
  detail::Random rng(seed);
  VectorXd z(n), x(n);
  double mean = 0.0, m2 = 0.0;  // Welford
  for (std::int64_t s = 0; s < samples; ++s) {
    for (Eigen::Index i = 0; i < n; ++i) z(i) = rng.normal();
    x.noalias() = lpm.triangularView<Eigen::Lower>() * z;
    x += cp.mean - cq.mean;
    const double w = lq.matrixL().solve(x).squaredNorm();
    const double value = half_log_det_ratio - 0.5 * z.squaredNorm() + 0.5 * w;
    const double delta = value - mean;
    mean += delta / static_cast<double>(s + 1);
    m2 += delta * (value - mean);
  }
  const double var = m2 / static_cast<double>(samples - 1);
  return {representable(mean, fn), representable(std::sqrt(var / static_cast<double>(samples)), fn), samples};
}

Comparison compare(const Normal& p, const Normal& q) {
  constexpr const char* fn = "gaussian.compare";
  auto [cp, cq] = check_pair(p, q, fn);
  Comparison r;
  r.dim = static_cast<int>(cp.dim());
  const LLT lp(cp.cov);
  const LLT lq(cq.cov);
  r.positive_definite_p = lp.info() == Eigen::Success;
  r.positive_definite_q = lq.info() == Eigen::Success;

  const TraceTerm t = trace_term_impl(cp, cq, lp, fn);
  r.route = t.route;
  r.trace_term = t.value;
  r.wasserstein2_squared = w2_squared_from(cp, cq, t.value);
  r.wasserstein2 = std::sqrt(r.wasserstein2_squared);
  if (r.dim <= kProductCheckMaxDim)
    r.wasserstein2_squared_product = w2_squared_from(cp, cq, trace_term_product(cp, cq));
  r.mean_distance_squared = (cp.mean - cq.mean).squaredNorm();

  const auto spectrum = [](const MatrixXd& a, double& lo, double& hi, double& cond) {
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(a, Eigen::EigenvaluesOnly);
    lo = es.eigenvalues()(0);
    hi = es.eigenvalues()(a.rows() - 1);
    cond = lo > 0 ? hi / lo : std::numeric_limits<double>::infinity();
  };
  spectrum(cp.cov, r.min_eigenvalue_p, r.max_eigenvalue_p, r.condition_p);
  spectrum(cq.cov, r.min_eigenvalue_q, r.max_eigenvalue_q, r.condition_q);

  if (r.positive_definite_p) r.entropy_p = entropy_impl(lp, cp.dim());
  if (r.positive_definite_q) r.entropy_q = entropy_impl(lq, cq.dim());
  if (r.positive_definite_p && r.positive_definite_q) {
    r.kl_pq = kl_impl(cp, cq, lp, lq);
    r.kl_qp = kl_impl(cq, cp, lq, lp);
    r.bhattacharyya = bhattacharyya_impl(cp, cq, lp, lq, fn);
    r.bhattacharyya_coefficient = std::exp(-*r.bhattacharyya);
    r.hellinger = std::sqrt(-std::expm1(-*r.bhattacharyya));
  } else {
    const std::string which = !r.positive_definite_p && !r.positive_definite_q ? "cov of p and cov of q are"
                              : !r.positive_definite_p                         ? "cov of p is"
                                                                               : "cov of q is";
    r.warnings.push_back(which +
                         " singular (only semidefinite): KL, Bhattacharyya and Hellinger are not defined, "
                         "only W2 is");
  }
  if (r.positive_definite_p) r.coupling = coupling_from(cp, lp, cq);
  else if (r.positive_definite_q) r.coupling = coupling_from(cq, lq, cp).transpose();

  for (const auto& [name, cond] : {std::pair{"p", r.condition_p}, std::pair{"q", r.condition_q}})
    if (std::isfinite(cond) && cond > 1e10)
      r.warnings.push_back(std::string("cov of ") + name + " is ill-conditioned (condition number " +
                           num(cond) + "): about " + num(std::floor(std::log10(cond))) +
                           " of 16 digits may be lost");
  const double scale = r.mean_distance_squared + cp.cov.trace() + cq.cov.trace();
  const double diff =
      r.wasserstein2_squared_product ? std::abs(r.wasserstein2_squared - *r.wasserstein2_squared_product) : 0.0;
  if (diff > 1e-8 * std::max(scale, 1e-300))
    r.warnings.push_back("the two W2 formulas differ by " + num(diff) +
                         " (the symmetric route, version 1, is the reliable one)");
  for (const auto& x : {r.kl_pq, r.kl_qp, r.bhattacharyya, r.entropy_p, r.entropy_q})
    if (x) representable(*x, fn);
  for (double x : {r.wasserstein2_squared, r.trace_term, r.mean_distance_squared, r.min_eigenvalue_p,
                   r.max_eigenvalue_p, r.min_eigenvalue_q, r.max_eigenvalue_q})
    representable(x, fn);
  if (r.coupling) representable(*r.coupling, fn);
  // The product form is only a cross-check: if it broke down, drop it and say so.
  if (r.wasserstein2_squared_product && std::isnan(*r.wasserstein2_squared_product)) {
    r.wasserstein2_squared_product.reset();
    r.warnings.push_back("the product form of W2 (version 2) broke down in double precision; only version 1 is given");
  }
  return r;
}

}  // namespace mathlens::gaussian

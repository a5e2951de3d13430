// mathlens::matexp — implementation. Formulas: spec/MATH.md §7, §8. The expm algorithm is
// Algorithm 5.1 of A. H. Al-Mohy and N. J. Higham, "A new scaling and squaring algorithm for the
// matrix exponential", SIAM J. Matrix Anal. Appl. 31(3), 2009, built on N. J. Higham, "The scaling
// and squaring method for the matrix exponential revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005.
#include "mathlens/matexp.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "mathlens/detail/check.hpp"
#include "mathlens/detail/product.hpp"
#include "mathlens/detail/random.hpp"

namespace mathlens::matexp {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::fail;
using detail::num;
using detail::product;
using detail::transposed;

namespace {

// ------------------------------------------------------------------------------------------------
// Padé data (Higham 2005, Table 2.3 and eq. (2.11); Al-Mohy & Higham 2009, Table 3.1)

constexpr double kB3[] = {120., 60., 12., 1.};
constexpr double kB5[] = {30240., 15120., 3360., 420., 30., 1.};
constexpr double kB7[] = {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.};
constexpr double kB9[] = {17643225600., 8821612800., 2075673600., 302702400., 30270240.,
                          2162160.,     110880.,     3960.,       90.,        1.};
constexpr double kB13[] = {64764752532480000., 32382376266240000., 7771770303897600.,
                           1187353796428800.,  129060195264000.,   10559470521600.,
                           670442572800.,      33522128640.,       1323241920.,
                           40840800.,          960960.,            16380.,
                           182.,               1.};

/// θ_m: the largest ‖2^{-s}A‖ (in the η sense) for which r_m has backward error ≤ u = 2⁻⁵³.
double theta(int m) {
  switch (m) {
    case 3: return 1.495585217958292e-2;
    case 5: return 2.539398330063230e-1;
    case 7: return 9.504178996162932e-1;
    case 9: return 2.097847961257068e0;
    default: return 5.371920351148152e0;  // 13
  }
}

/// 1/|c_{2m+1}|, c_{2m+1} = (m!)² / ((2m)! (2m+1)!): the leading coefficient of the backward error
/// series of r_m (Al-Mohy & Higham 2009, eq. (5.1) and below).
double ell_coefficient_reciprocal(int m) {
  switch (m) {
    case 3: return 100800.;
    case 5: return 10059033600.;
    case 7: return 4487938430976000.;
    case 9: return 5914384781877411840000.;
    default: return 113250775606021113483283660800000000.;  // 13
  }
}

const double* coefficients(int m) {
  switch (m) {
    case 3: return kB3;
    case 5: return kB5;
    case 7: return kB7;
    case 9: return kB9;
    default: return kB13;
  }
}

// ------------------------------------------------------------------------------------------------
// Small helpers

// (Plain loops instead of Eigen expressions in this file keep the wasm small: every distinct
// expression template becomes code. Matrix products all go through one GEMM driver,
// detail::product.)

double norm1(const MatrixXd& a) {
  double best = 0.0;
  for (Index j = 0; j < a.cols(); ++j) {
    const double* c = a.data() + j * a.rows();
    double sum = 0.0;
    for (Index i = 0; i < a.rows(); ++i) sum += std::abs(c[i]);
    best = std::max(best, sum);
  }
  return best;
}

double dot(const double* a, const double* b, Index n) {
  double sum = 0.0;
  for (Index i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

bool all_zero(const MatrixXd& a) {
  const double* p = a.data();
  for (Index k = 0; k < a.size(); ++k)
    if (p[k] != 0.0) return false;
  return true;
}

#if defined(__GNUC__)
#define MATEXP_NOINLINE __attribute__((noinline))
#else
#define MATEXP_NOINLINE
#endif


struct Term {
  double c;
  const MatrixXd* m;
};

/// out = Σ c_k M_k + d·I for square matrices of one size.
MATEXP_NOINLINE void combine(MatrixXd& out, std::initializer_list<Term> terms, double d) {
  const MatrixXd& first = *terms.begin()->m;
  out.resize(first.rows(), first.cols());
  double* o = out.data();
  const Index size = out.size();
  std::fill(o, o + size, 0.0);
  for (const Term& t : terms) {
    const double* p = t.m->data();
    for (Index k = 0; k < size; ++k) o[k] += t.c * p[k];
  }
  for (Index i = 0; i < out.rows(); ++i) out(i, i) += d;
}

void scale_column(MatrixXd& a, Index j, double c) {
  double* p = a.data() + j * a.rows();
  for (Index i = 0; i < a.rows(); ++i) p[i] *= c;
}

void scale_by(MatrixXd& a, double c) {
  double* p = a.data();
  for (Index k = 0; k < a.size(); ++k) p[k] *= c;
}

/// Whether every entry is finite. Not Eigen's allFinite(): that forms a − a and tests it for NaN, and
/// took exp(x yᵀ) at d = 256 from 0.14 to 0.27 ms in wasm (measured); x·0 summed is one vectorised
/// pass (0 for finite x, NaN for ±inf and NaN).
template <class M>
bool all_finite(const M& a) {
  return std::isfinite((a.array() * 0.0).sum());
}

void swap_rows_and_columns(MatrixXd& a, Index i, Index j) {
  for (Index k = 0; k < a.cols(); ++k) std::swap(a(i, k), a(j, k));
  for (Index k = 0; k < a.rows(); ++k) std::swap(a(k, i), a(k, j));
}

bool is_upper_triangular(const MatrixXd& a) {
  for (Index j = 0; j < a.cols(); ++j)
    for (Index i = j + 1; i < a.rows(); ++i)
      if (a(i, j) != 0.0) return false;
  return true;
}

bool is_symmetric(const MatrixXd& a) {
  for (Index j = 1; j < a.cols(); ++j)
    for (Index i = 0; i < j; ++i)
      if (a(i, j) != a(j, i)) return false;
  return true;
}

bool is_lower_triangular(const MatrixXd& a) {
  for (Index j = 1; j < a.cols(); ++j)
    for (Index i = 0; i < j; ++i)
      if (a(i, j) != 0.0) return false;
  return true;
}

void check_square(const MatrixXd& a, const char* fn, const std::string& arg) {
  detail::require_nonempty(a, fn, arg);
  detail::require_square(a, fn, arg);
  detail::require_finite(a, fn, arg);
}

void check_vector(const VectorXd& v, const char* fn, const std::string& arg) {
  detail::require_nonempty(v, fn, arg);
  detail::require_finite(v, fn, arg);
}

/// Neumaier's compensated sum.
class Sum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    comp_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + comp_; }

 private:
  double sum_ = 0.0, comp_ = 0.0;
};

/// a·b = p + e exactly (Dekker's product; the fused multiply–add where the hardware has one).
inline void two_product(double a, double b, double& p, double& e) {
  p = a * b;
#ifdef FP_FAST_FMA
  e = std::fma(a, b, -p);
#else
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ca = kSplit * a, cb = kSplit * b;
  const double ah = ca - (ca - a), al = a - ah;
  const double bh = cb - (cb - b), bl = b - bh;
  e = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
#endif
}

/// xᵀy as if in twice the working precision, then rounded (Dot2 of Ogita, Rump & Oishi 2005).
double dot2(const VectorXd& x, const VectorXd& y) {
  double p = 0.0, s = 0.0;
  for (Index i = 0; i < x.size(); ++i) {
    double h, r;
    two_product(x(i), y(i), h, r);
    const double t = p + h;
    const double z = t - p;
    const double q = (p - (t - z)) + (h - z);
    p = t;
    s += q + r;
  }
  const double result = p + s;
  // Dekker's splitting overflows for entries beyond ~2^996; fall back to the plain product.
  return std::isfinite(result) ? result : x.dot(y);
}

/// Tr(AB) = Σ_ij a_ij b_ji with error-free products and compensated sums (as in dot2).
double trace_product(const MatrixXd& a, const MatrixXd& b) {
  double p = 0.0, s = 0.0;
  for (Index j = 0; j < a.cols(); ++j)
    for (Index i = 0; i < a.rows(); ++i) {
      double h, r;
      two_product(a(i, j), b(j, i), h, r);
      const double t = p + h;
      const double z = t - p;
      s += ((p - (t - z)) + (h - z)) + r;
      p = t;
    }
  const double result = p + s;
  return std::isfinite(result) ? result : (a.cwiseProduct(b.transpose())).sum();
}

// ------------------------------------------------------------------------------------------------
// 1-norms of matrix products

/// F₁F₂⋯F_k·X (the last factor first).
MATEXP_NOINLINE MatrixXd apply_product(const std::vector<const MatrixXd*>& f, const MatrixXd& x) {
  MatrixXd y = x, t;
  for (std::size_t k = f.size(); k-- > 0;) {
    product(t, *f[k], y);
    y.swap(t);
  }
  return y;
}

/// (F₁F₂⋯F_k)ᵀ·S = F_kᵀ⋯F₁ᵀ·S (the first factor first), as dot products with columns of F.
MATEXP_NOINLINE MatrixXd apply_product_transpose(const std::vector<const MatrixXd*>& f, const MatrixXd& s) {
  MatrixXd z = s, t(s.rows(), s.cols());
  for (const MatrixXd* m : f) {
    const Index n = m->rows();
    for (Index j = 0; j < z.cols(); ++j)
      for (Index i = 0; i < n; ++i) t(i, j) = dot(m->data() + i * n, z.data() + j * n, n);
    z.swap(t);
  }
  return z;
}

/// ‖F₁⋯F_k‖₁: exact (the product formed) for n ≤ kExactNormMaxN, else the Higham–Tisseur estimate.
double norm1_product(const std::vector<const MatrixXd*>& f) {
  const Index n = f.front()->rows();
  if (n > kExactNormMaxN) return norm1_product_estimate(f);
  MatrixXd p = *f.back(), t;
  for (std::size_t k = f.size() - 1; k-- > 0;) {
    product(t, *f[k], p);
    p.swap(t);
  }
  return norm1(p);
}

/// ‖F₁⋯F_k‖₁^{1/k}.
double root_norm(const std::vector<const MatrixXd*>& f, int k) {
  return std::pow(norm1_product(f), 1.0 / k);
}

/// ell(A, m) = max(⌈log₂(α/u) / (2m)⌉, 0), α = |c_{2m+1}| ‖|A|^{2m+1}‖₁ / ‖A‖₁ (Al-Mohy & Higham
/// 2009, Alg. 5.1): extra squarings needed when A is so non-normal that the backward error bound
/// in terms of ‖A‖ is too pessimistic in terms of η. ‖|A|^p‖₁ = max(1ᵀ|A|^p) is exact: p products
/// of |A|ᵀ with a vector, normalised at each step (tracked in log₂) so that nothing overflows.
int ell(const MatrixXd& a, int m, double a_norm1) {
  if (a_norm1 == 0.0) return 0;
  const Index n = a.rows();
  MatrixXd abs_a(n, n);
  for (Index k = 0; k < a.size(); ++k) abs_a.data()[k] = std::abs(a.data()[k]);
  VectorXd v = VectorXd::Ones(n), w(n);
  double log2_norm = 0.0;
  for (int k = 0; k < 2 * m + 1; ++k) {
    double top = 0.0;
    for (Index j = 0; j < n; ++j) {  // w = |A|ᵀ v
      w(j) = dot(abs_a.data() + j * n, v.data(), n);
      top = std::max(top, w(j));
    }
    if (top == 0.0) return 0;  // |A| nilpotent: r_m is exact
    log2_norm += std::log2(top);
    for (Index j = 0; j < n; ++j) v(j) = w(j) / top;
  }
  const double log2_alpha_over_u =
      log2_norm - std::log2(ell_coefficient_reciprocal(m)) - std::log2(a_norm1) + 53.0;
  const double value = std::ceil(log2_alpha_over_u / (2.0 * m));
  if (!(value > 0.0)) return 0;
  return static_cast<int>(std::min(value, 64.0));
}

// ------------------------------------------------------------------------------------------------
// Balancing (LAPACK dgebal, job 'B', as in LAPACK 3.12)

struct Balancing {
  std::vector<std::pair<Index, Index>> swaps;  ///< row-and-column exchanges, in the order applied
  VectorXd scale;                              ///< D (powers of 2)
};

/// Replaces a by B = D⁻¹PᵀAPD: first a permutation that isolates eigenvalues (rows/columns with
/// zero off-diagonal parts moved to the bottom/top), then power-of-2 scaling of the remaining block
/// that makes row and column norms comparable.
Balancing balance(MatrixXd& a) {
  const Index n = a.rows();
  Balancing bl;
  bl.scale = VectorXd::Ones(n);
  const auto swap = [&](Index i, Index j) {
    if (i == j) return;
    swap_rows_and_columns(a, i, j);
    bl.swaps.emplace_back(i, j);
  };
  Index k = 0, l = n - 1;
  // Rows isolating an eigenvalue, pushed down.
  for (bool again = true; again;) {
    again = false;
    for (Index i = l; i >= 0; --i) {
      bool isolated = true;
      for (Index j = 0; j <= l; ++j)
        if (i != j && a(i, j) != 0.0) {
          isolated = false;
          break;
        }
      if (!isolated) continue;
      swap(i, l);
      again = true;
      if (l == 0) return bl;  // triangular after permutation: nothing to scale
      --l;
    }
  }
  // Columns isolating an eigenvalue, pushed left.
  for (bool again = true; again;) {
    again = false;
    for (Index j = k; j <= l; ++j) {
      bool isolated = true;
      for (Index i = k; i <= l; ++i)
        if (i != j && a(i, j) != 0.0) {
          isolated = false;
          break;
        }
      if (!isolated) continue;
      swap(j, k);
      again = true;
      ++k;
    }
  }
  // Scaling of rows/columns k..l by powers of 2 (radix), until no step reduces c + r by 5%.
  constexpr double kRadix = 2.0, kFactor = 0.95;
  const double sfmin1 = DBL_MIN / DBL_EPSILON, sfmax1 = 1.0 / sfmin1;
  const double sfmin2 = sfmin1 * kRadix, sfmax2 = 1.0 / sfmin2;
  for (bool again = true; again;) {
    again = false;
    for (Index i = k; i <= l; ++i) {
      double ca = 0.0, ra = 0.0, cm = 0.0, rm = 0.0;
      for (Index j = k; j <= l; ++j) {
        cm = std::max(cm, std::abs(a(j, i)));
        rm = std::max(rm, std::abs(a(i, j)));
      }
      // 2-norms of column and row i over k..l, overflow- and underflow-safe like LAPACK's dnrm2:
      // the squares of entries beyond 1e154 (or below 1e-154) would overflow (or vanish), and a
      // column norm of inf stopped all scaling. Each part is summed scaled by a power of 2 near its
      // largest entry (exact), then scaled back.
      const auto norm2 = [&](bool column, double top) {
        if (top == 0.0) return 0.0;
        const int e = std::ilogb(top);
        double ss = 0.0;
        for (Index j = k; j <= l; ++j) {
          const double x = std::ldexp(column ? a(j, i) : a(i, j), -e);
          ss += x * x;
        }
        return std::ldexp(std::sqrt(ss), e);
      };
      double c = norm2(true, cm), r = norm2(false, rm);
      for (Index j = 0; j <= l; ++j) ca = std::max(ca, std::abs(a(j, i)));
      for (Index j = k; j < n; ++j) ra = std::max(ra, std::abs(a(i, j)));
      if (c == 0.0 || r == 0.0) continue;
      double g = r / kRadix, f = 1.0;
      const double s = c + r;
      while (c < g && std::max({f, c, ca}) < sfmax2 && std::min({r, g, ra}) > sfmin2) {
        f *= kRadix;
        c *= kRadix;
        ca *= kRadix;
        r /= kRadix;
        g /= kRadix;
        ra /= kRadix;
      }
      g = c / kRadix;
      while (g >= r && std::max(r, ra) < sfmax2 && std::min({f, c, g, ca}) > sfmin2) {
        f /= kRadix;
        c /= kRadix;
        g /= kRadix;
        ca /= kRadix;
        r *= kRadix;
        ra *= kRadix;
      }
      if (c + r >= kFactor * s) continue;
      if (f < 1.0 && bl.scale(i) < 1.0 && f * bl.scale(i) <= sfmin1) continue;
      if (f > 1.0 && bl.scale(i) > 1.0 && bl.scale(i) >= sfmax1 / f) continue;
      bl.scale(i) *= f;
      again = true;
      for (Index j = 0; j < n; ++j) a(i, j) /= f;  // exact: f is a power of 2
      for (Index j = 0; j < n; ++j) a(j, i) *= f;
    }
  }
  return bl;
}

/// X ← P D X D⁻¹ Pᵀ: turns exp(B) into exp(A).
void unbalance(MatrixXd& x, const Balancing& bl) {
  const Index n = x.rows();
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < n; ++i) x(i, j) *= bl.scale(i) / bl.scale(j);
  for (auto it = bl.swaps.rbegin(); it != bl.swaps.rend(); ++it) swap_rows_and_columns(x, it->first, it->second);
}

// ------------------------------------------------------------------------------------------------
// Scaling and squaring

/// The (1,2) entry of exp([[λ₁, t], [0, λ₂]]) = t (e^{λ₁} − e^{λ₂})/(λ₁ − λ₂), without cancellation
/// (Higham, Functions of Matrices, 2008, eq. (10.42)).
double exp_superdiagonal(double l1, double l2, double t) {
  if (t == 0.0) return 0.0;
  const double half = 0.5 * (l1 - l2);
  if (half == 0.0) return t * std::exp(l1);
  if (std::abs(half) < 1.0) return t * std::exp(0.5 * (l1 + l2)) * (std::sinh(half) / half);
  return t * (std::exp(l1) - std::exp(l2)) / (l1 - l2);
}

/// Code Fragment 2.1 of Al-Mohy & Higham (2009): for upper triangular T, the diagonal and the first
/// superdiagonal of X ≈ exp(2^{-j} T) are replaced by their exact values.
void fix_triangular(MatrixXd& x, const MatrixXd& t, int j) {
  const Index n = t.rows();
  const double scale = std::ldexp(1.0, -j);
  for (Index i = 0; i < n; ++i) x(i, i) = std::exp(scale * t(i, i));
  for (Index i = 0; i + 1 < n; ++i)
    x(i, i + 1) = exp_superdiagonal(scale * t(i, i), scale * t(i + 1, i + 1), scale * t(i, i + 1));
}

/// The scaling-and-squaring choices for one matrix, and the powers computed on the way.
struct Plan {
  MatrixXd a, a2, a4, a6;  ///< A (pre-scaled by 2^{-s0} if huge) and its even powers (as computed)
  int m = 0;               ///< Padé degree
  int s = 0;               ///< squarings after the pre-scaling
  int s0 = 0;              ///< pre-scaling of huge matrices (‖A‖₁ > 2^90)
  int nonnormal = 0;       ///< squarings or degree steps forced by ell() beyond what η asks for
  int nilpotent = 0;       ///< k ∈ {2, 4, 6} when the computed A^k is exactly 0, else 0
};

/// Algorithm 5.1 of Al-Mohy & Higham (2009), lines 1–21: the Padé degree m and the squarings s from
/// η_k = max(‖A^k‖^{1/k}, …) and the backward-error correction ell(A, m).
Plan plan_for(const MatrixXd& t) {
  Plan p;
  p.a = t;
  {
    // Matrices whose norm exceeds 2^90 are scaled down first so that the powers up to A^10 used
    // below cannot overflow (this only adds squarings for such extreme inputs).
    double nrm = norm1(p.a);
    if (!std::isfinite(nrm)) {
      // The entries are finite (checked) but ‖A‖₁ overflows: scale by 2^{-k} first, with k from
      // the largest entry's exponent (entries then below 1, ‖A‖₁ below n), so log2 stays finite.
      const int k = std::ilogb(p.a.cwiseAbs().maxCoeff()) + 1;
      p.s0 = k;
      scale_by(p.a, std::ldexp(1.0, -k));
      nrm = norm1(p.a);
    }
    if (nrm > 0x1p90) {
      const int k = static_cast<int>(std::ceil(std::log2(nrm) - 90.0));
      p.s0 += k;
      scale_by(p.a, std::ldexp(1.0, -k));
    }
  }
  const MatrixXd& a = p.a;
  const double anorm = norm1(a);
  product(p.a2, a, a);
  if (all_zero(p.a2)) {
    p.nilpotent = 2;
    return p;
  }
  const double d6_est = root_norm({&p.a2, &p.a2, &p.a2}, 6);
  const double eta1 = std::max(root_norm({&p.a2, &p.a2}, 4), d6_est);
  if (eta1 <= theta(3)) {
    const int l = ell(a, 3, anorm);
    if (l == 0) {
      p.m = 3;
      return p;
    }
    p.nonnormal = std::max(p.nonnormal, l);
  }
  product(p.a4, p.a2, p.a2);
  if (all_zero(p.a4)) {
    p.nilpotent = 4;
    return p;
  }
  const double d4 = std::pow(norm1(p.a4), 0.25);
  const double eta2 = std::max(d4, d6_est);
  if (eta2 <= theta(5)) {
    const int l = ell(a, 5, anorm);
    if (l == 0) {
      p.m = 5;
      return p;
    }
    p.nonnormal = std::max(p.nonnormal, l);
  }
  product(p.a6, p.a2, p.a4);
  if (all_zero(p.a6)) {
    p.nilpotent = 6;
    return p;
  }
  const double d6 = std::pow(norm1(p.a6), 1.0 / 6.0);
  const double d8 = root_norm({&p.a4, &p.a4}, 8);
  const double eta3 = std::max(d6, d8);
  for (const int m : {7, 9}) {
    if (eta3 > theta(m)) continue;
    const int l = ell(a, m, anorm);
    if (l == 0) {
      p.m = m;
      return p;
    }
    p.nonnormal = std::max(p.nonnormal, l);
  }
  p.m = 13;
  const double eta4 = std::max(d8, root_norm({&p.a4, &p.a6}, 10));
  const double eta5 = std::min(eta3, eta4);
  const double need = std::ceil(std::log2(eta5 / theta(13)));
  p.s = need > 0.0 ? static_cast<int>(std::min(need, 1100.0)) : 0;
  MatrixXd scaled = a;
  scale_by(scaled, std::ldexp(1.0, -p.s));
  const int l = ell(scaled, 13, norm1(scaled));
  p.s += l;
  p.nonnormal = std::max(p.nonnormal, l);
  return p;
}

/// Σ_{k<K} A^k/k! for A^K = 0 (K = p.nilpotent): the Taylor series terminates, no approximation.
MatrixXd exp_nilpotent(const Plan& p, int total_squarings) {
  MatrixXd x, a3, a5, tmp;
  if (p.nilpotent == 2) {
    combine(x, {{1.0, &p.a}}, 1.0);
  } else {
    product(a3, p.a, p.a2);
    if (p.nilpotent == 4) {
      combine(x, {{1.0, &p.a}, {0.5, &p.a2}, {1.0 / 6.0, &a3}}, 1.0);
    } else {
      product(a5, p.a, p.a4);
      combine(x, {{1.0, &p.a}, {0.5, &p.a2}, {1.0 / 6.0, &a3}, {1.0 / 24.0, &p.a4}, {1.0 / 120.0, &a5}}, 1.0);
    }
  }
  // A was pre-scaled by 2^{-s0} only for ‖A‖ > 2^90: undo by squaring.
  for (int j = 0; j < total_squarings; ++j) {
    product(tmp, x, x);
    x.swap(tmp);
  }
  return x;
}

/// Lines 22–24 of Algorithm 5.1: r_m(2^{-s}A) from U and V, then s squarings. `t` is the unscaled
/// matrix; `upper` says it is upper triangular (Code Fragment 2.1 then applies).
MatrixXd evaluate(Plan& p, const MatrixXd& t, bool upper) {
  const int m = p.m, s = p.s;
  const double* b = coefficients(m);
  MatrixXd& a = p.a;
  MatrixXd u, v, w, tmp;
  if (m == 13) {
    if (s > 0) {  // A, A², A⁴, A⁶ of 2^{-s}A (exact: powers of 2)
      scale_by(a, std::ldexp(1.0, -s));
      scale_by(p.a2, std::ldexp(1.0, -2 * s));
      scale_by(p.a4, std::ldexp(1.0, -4 * s));
      scale_by(p.a6, std::ldexp(1.0, -6 * s));
    }
    combine(tmp, {{b[13], &p.a6}, {b[11], &p.a4}, {b[9], &p.a2}}, 0.0);
    product(w, p.a6, tmp);
    combine(tmp, {{1.0, &w}, {b[7], &p.a6}, {b[5], &p.a4}, {b[3], &p.a2}}, b[1]);
    product(u, a, tmp);
    combine(tmp, {{b[12], &p.a6}, {b[10], &p.a4}, {b[8], &p.a2}}, 0.0);
    product(w, p.a6, tmp);
    combine(v, {{1.0, &w}, {b[6], &p.a6}, {b[4], &p.a4}, {b[2], &p.a2}}, b[0]);
  } else {
    MatrixXd a8;
    if (m == 9) product(a8, p.a4, p.a4);
    // p_m's odd part U = A (b₁I + b₃A² + …), even part V = b₀I + b₂A² + …
    if (m == 3) {
      combine(w, {{b[3], &p.a2}}, b[1]);
      combine(v, {{b[2], &p.a2}}, b[0]);
    } else if (m == 5) {
      combine(w, {{b[5], &p.a4}, {b[3], &p.a2}}, b[1]);
      combine(v, {{b[4], &p.a4}, {b[2], &p.a2}}, b[0]);
    } else if (m == 7) {
      combine(w, {{b[7], &p.a6}, {b[5], &p.a4}, {b[3], &p.a2}}, b[1]);
      combine(v, {{b[6], &p.a6}, {b[4], &p.a4}, {b[2], &p.a2}}, b[0]);
    } else {
      combine(w, {{b[9], &a8}, {b[7], &p.a6}, {b[5], &p.a4}, {b[3], &p.a2}}, b[1]);
      combine(v, {{b[8], &a8}, {b[6], &p.a6}, {b[4], &p.a4}, {b[2], &p.a2}}, b[0]);
    }
    product(u, a, w);
  }
  MatrixXd x;
  {
    MatrixXd denominator, numerator;
    combine(denominator, {{1.0, &v}, {-1.0, &u}}, 0.0);
    combine(numerator, {{1.0, &v}, {1.0, &u}}, 0.0);
    const Eigen::PartialPivLU<MatrixXd> lu(denominator);
    x = lu.solve(numerator);
  }
  const int total = p.s0 + s;
  if (upper) fix_triangular(x, t, total);
  for (int j = total - 1; j >= 0; --j) {
    product(tmp, x, x);
    x.swap(tmp);
    if (upper) fix_triangular(x, t, j);
  }
  return x;
}

/// exp of an upper triangular matrix.
MatrixXd expm_triangular(const MatrixXd& t, int& degree, int& squarings) {
  Plan p = plan_for(t);
  if (p.nilpotent) {
    // Strictly upper triangular: the series terminates; the diagonal and superdiagonal are exact anyway.
    degree = 0;
    squarings = p.s0;
    return exp_nilpotent(p, p.s0);
  }
  degree = p.m;
  squarings = p.s0 + p.s;
  return evaluate(p, t, true);
}

/// Whether B is well scaled: balancing would not shrink its 1-norm by more than half. A real Schur
/// reduction is backward stable relative to ‖B‖, so it is used only for such matrices.
bool well_scaled(const MatrixXd& b) {
  MatrixXd c = b;
  balance(c);
  return norm1(c) >= 0.5 * norm1(b);
}

/// The eigenvalues of A, computed on the balanced matrix D⁻¹PᵀAPD (the same eigenvalues, as
/// LAPACK's dgeev does by default). Eigen's EigenSolver divides A by its largest entry: entries of
/// A = [[1e-300, −1.8e308], [1e-300, 1e-300]] then underflow to 0, and the eigenvalues ±1.34e4·i
/// came out as 0; balancing first makes the row and column norms comparable.
Eigen::VectorXcd eigenvalues_of(const MatrixXd& a, const char* fn, const char* arg) {
  MatrixXd b = a;
  if (b.rows() > 1) balance(b);
  const Eigen::EigenSolver<MatrixXd> es(b, false);
  if (es.info() != Eigen::Success)
    fail(fn, std::string("the eigenvalues of ") + arg + " could not be computed (QR iteration failed)");
  return es.eigenvalues();
}

ExpmResult expm_impl(const MatrixXd& a, Balance balance_mode, const char* fn, bool require_finite) {
  check_square(a, fn, "A");
  const Index n = a.rows();
  ExpmResult r;
  r.norm1 = norm1(a);
  MatrixXd b = a;
  Balancing bl;
  if (balance_mode != Balance::never && n > 1) {
    MatrixXd c = a;
    Balancing t = balance(c);
    if (balance_mode == Balance::always || norm1(c) < r.norm1) {
      b.swap(c);
      bl = std::move(t);
      r.balanced = true;
    }
  }
  r.norm1_used = r.balanced ? norm1(b) : r.norm1;
  const bool upper = is_upper_triangular(b);
  const bool lower = !upper && is_lower_triangular(b);
  if (upper || lower) {
    r.triangular = true;
    if (lower) b = transposed(b);  // exp(Bᵀ) = exp(B)ᵀ
    r.value = expm_triangular(b, r.degree, r.squarings);
    if (lower) r.value = transposed(r.value);
    r.route = r.degree == 0 ? Route::taylor : Route::pade;
  } else if (is_symmetric(b)) {
    // Symmetric: exp(B) = V e^Λ Vᵀ from the symmetric eigensolver (backward stable, no squarings).
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(b);
    if (es.info() != Eigen::Success) fail(fn, "the symmetric eigensolver did not converge");
    const MatrixXd& q = es.eigenvectors();
    MatrixXd qe = q;
    for (Index j = 0; j < n; ++j) scale_column(qe, j, std::exp(es.eigenvalues()(j)));
    product(r.value, qe, transposed(q));
    r.route = Route::symmetric;
  } else {
    Plan p = plan_for(b);
    bool done = false;
    if (p.nilpotent) {
      r.value = exp_nilpotent(p, p.s0);
      r.degree = 0;
      r.squarings = p.s0;
      r.route = Route::taylor;
      done = true;
    } else if (p.nonnormal >= (n <= 16 ? 1 : 4) && well_scaled(b)) {
      // Strongly non-normal: |A|^k ≫ |A^k| forces extra squarings, each of which can amplify
      // rounding errors. With a real spectrum, exp(A) = Q exp(T) Qᵀ for the real Schur form
      // A = Q T Qᵀ, and exp(T) of the triangular T gets the exact diagonal and superdiagonal.
      const Eigen::RealSchur<MatrixXd> schur(b);
      // Entries near the double range can overflow inside the reduction (T with inf/NaN entries):
      // then the Padé route below, which scales such matrices first, is taken instead.
      if (schur.info() == Eigen::Success && all_finite(schur.matrixT()) && all_finite(schur.matrixU())) {
        MatrixXd t = schur.matrixT();
        bool triangular = true;
        for (Index i = 0; i + 1 < n && triangular; ++i) triangular = t(i + 1, i) == 0.0;
        if (triangular) {
          t.triangularView<Eigen::StrictlyLower>().setZero();
          const MatrixXd et = expm_triangular(t, r.degree, r.squarings);
          const MatrixXd& q = schur.matrixU();
          MatrixXd qe;
          product(qe, q, et);
          product(r.value, qe, transposed(q));
          r.route = Route::schur;
          r.triangular = true;
          done = true;
        }
      }
    }
    if (!done) {
      r.degree = p.m;
      r.squarings = p.s0 + p.s;
      r.value = evaluate(p, b, false);
      r.route = Route::pade;
    }
  }
  if (r.balanced) unbalance(r.value, bl);
  if (require_finite && !all_finite(r.value))
    fail(fn, "exp(A) overflows double precision (an entry exceeds 1.8e308)");
  return r;
}

struct LogDet {
  double log_abs = 0;
  int sign = 1;
  bool ok = false;  ///< finite and nonsingular
};

/// log|det X| and the sign of det X from the LU factors with partial pivoting.
LogDet log_det_lu(const MatrixXd& x) {
  LogDet r;
  if (!all_finite(x)) return r;
  const Eigen::PartialPivLU<MatrixXd> lu(x);
  Sum sum;
  int sign = static_cast<int>(lu.permutationP().determinant());
  for (Index i = 0; i < x.rows(); ++i) {
    const double u = lu.matrixLU()(i, i);
    if (u == 0.0 || !std::isfinite(u)) return r;
    if (u < 0) sign = -sign;
    sum.add(std::log(std::abs(u)));
  }
  r.log_abs = sum.value();
  r.sign = sign;
  r.ok = std::isfinite(r.log_abs);
  return r;
}

/// x·2^k with 3 significant digits like num(), for a value that may be beyond the double range.
std::string num_pow2(double x, int k) {
  if (x == 0.0 || !std::isfinite(x)) return num(std::ldexp(x, k));
  const double l = std::log10(std::abs(x)) + k * std::log10(2.0);
  double exponent = std::floor(l);
  double mantissa = std::pow(10.0, l - exponent);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g", mantissa);
  if (std::string(buf) == "10") {
    mantissa = 1.0;
    exponent += 1;
  }
  std::snprintf(buf, sizeof buf, "%s%.3ge%+03d", x < 0 ? "-" : "", mantissa, static_cast<int>(exponent));
  return buf;
}

/// A number with 6 significant digits, for quantities compared with a threshold (ρ vs 1).
std::string num6(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

double phi_of(double s) { return s == 0.0 ? 1.0 : std::expm1(s) / s; }
double psi_of(double s) { return s == 0.0 ? 1.0 : -std::expm1(-s) / s; }

RankOne scalars(const VectorXd& x, const VectorXd& y, const char* fn) {
  check_vector(x, fn, "x");
  check_vector(y, fn, "y");
  if (x.size() != y.size())
    fail(fn, "x has " + std::to_string(x.size()) + " entries but y has " + std::to_string(y.size()));
  RankOne r;
  r.s = dot2(x, y);
  if (!std::isfinite(r.s)) fail(fn, "s = y^T x overflows double precision");
  r.phi = phi_of(r.s);
  r.psi = psi_of(r.s);
  r.log_det = r.s;
  r.det = std::exp(r.s);
  return r;
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Public functions

const char* route_name(Route r) {
  switch (r) {
    case Route::pade: return "pade";
    case Route::schur: return "schur";
    case Route::taylor: return "taylor";
    case Route::symmetric: return "symmetric";
  }
  return "?";
}

std::vector<double> pade_coefficients(int m) {
  if (m != 3 && m != 5 && m != 7 && m != 9 && m != 13)
    fail("matexp.padeCoefficients", "m must be 3, 5, 7, 9 or 13, got " + std::to_string(m));
  const double* b = coefficients(m);
  return std::vector<double>(b, b + m + 1);
}

double norm1_product_estimate(const std::vector<const MatrixXd*>& factors) {
  constexpr const char* fn = "matexp.norm1ProductEstimate";
  if (factors.empty()) fail(fn, "factors is empty");
  const Index n = factors.front()->rows();
  for (const MatrixXd* f : factors)
    if (f->rows() != n || f->cols() != n) fail(fn, "factors must all be square of the same size");
  if (n == 0) return 0.0;
  constexpr int kT = 2, kMaxIterations = 5;
  if (n <= kT) return norm1(apply_product(factors, MatrixXd::Identity(n, n)));

  detail::Random rng(0x6d61746578ULL);  // fixed seed: the same estimate natively and in wasm
  const auto random_signs = [&](MatrixXd& m, Index j) {
    for (Index i = 0; i < n; ++i) m(i, j) = (rng.next() >> 63) ? 1.0 : -1.0;
  };
  const auto parallel = [&](const MatrixXd& p, Index i, const MatrixXd& q, Index j) {
    return std::abs(p.col(i).dot(q.col(j))) == static_cast<double>(n);  // ±1 vectors
  };

  MatrixXd x(n, kT);
  x.col(0).setOnes();
  for (Index j = 1; j < kT; ++j) {
    int tries = 0;
    do random_signs(x, j);
    while (parallel(x, j, x, 0) && ++tries < 100);
  }
  x /= static_cast<double>(n);

  std::vector<char> used(n, 0);
  std::array<Index, kT> ind{};
  ind.fill(-1);
  Index ind_best = -1;
  double est = 0.0, est_old = 0.0;
  MatrixXd s = MatrixXd::Zero(n, kT), s_old;
  for (int k = 1;; ++k) {
    const MatrixXd y = apply_product(factors, x);
    Index j_best = 0;
    est = 0.0;
    for (Index j = 0; j < kT; ++j) {
      double sum = 0.0;
      for (Index i = 0; i < n; ++i) sum += std::abs(y(i, j));
      if (sum > est) {
        est = sum;
        j_best = j;
      }
    }
    if ((est > est_old || k == 2) && k >= 2) ind_best = ind[j_best];
    if (k >= 2 && est <= est_old) {
      est = est_old;
      break;
    }
    est_old = est;
    s_old = s;
    if (k > kMaxIterations) break;
    s.resize(n, kT);
    for (Index k2 = 0; k2 < y.size(); ++k2) s.data()[k2] = y.data()[k2] >= 0.0 ? 1.0 : -1.0;
    if (k >= 2) {
      bool all_parallel = true;
      for (Index j = 0; j < kT && all_parallel; ++j) {
        bool found = false;
        for (Index jj = 0; jj < kT && !found; ++jj) found = parallel(s, j, s_old, jj);
        all_parallel = found;
      }
      if (all_parallel) break;
    }
    // No column of S parallel to an earlier one or to a column of S_old: resample it.
    for (Index j = 0; j < kT; ++j) {
      for (int tries = 0; tries < 100; ++tries) {
        bool clash = false;
        for (Index jj = 0; jj < j && !clash; ++jj) clash = parallel(s, j, s, jj);
        if (k >= 2)
          for (Index jj = 0; jj < kT && !clash; ++jj) clash = parallel(s, j, s_old, jj);
        if (!clash) break;
        random_signs(s, j);
      }
    }
    const MatrixXd z = apply_product_transpose(factors, s);
    VectorXd h(n);
    double h_max = 0.0;
    for (Index i = 0; i < n; ++i) {
      h(i) = std::max(std::abs(z(i, 0)), std::abs(z(i, 1)));
      h_max = std::max(h_max, h(i));
    }
    if (k >= 2 && ind_best >= 0 && h_max == h(ind_best)) break;
    // The t largest h (ties: smaller index first), among all indices and among the unused ones.
    const auto top = [&](bool skip_used, std::array<Index, kT>& out) {
      Index count = 0;
      std::vector<char> taken(static_cast<std::size_t>(n), 0);
      for (; count < kT; ++count) {
        Index best = -1;
        for (Index i = 0; i < n; ++i)
          if (!taken[i] && !(skip_used && used[i]) && (best < 0 || h(i) > h(best))) best = i;
        if (best < 0) break;
        taken[best] = 1;
        out[count] = best;
      }
      return count;
    };
    std::array<Index, kT> first{};
    const Index nfirst = top(false, first);
    bool all_used = true;
    for (Index j = 0; j < nfirst; ++j) all_used = all_used && used[first[j]];
    if (all_used) break;
    const Index count = top(true, ind);
    if (count == 0) break;
    x.setZero();
    for (Index j = 0; j < count; ++j) {
      x(ind[j], j) = 1.0;
      used[ind[j]] = 1;
    }
    for (Index j = count; j < kT; ++j) x.col(j) = x.col(0);
  }
  return est;
}

MatrixXd expm(const MatrixXd& a, Balance balance) {
  return expm_impl(a, balance, "matexp.expm", true).value;
}

ExpmResult expm_info(const MatrixXd& a, Balance balance) {
  return expm_impl(a, balance, "matexp.expmInfo", true);
}

RankOne exp_rank_one_scalars(const VectorXd& x, const VectorXd& y) {
  return scalars(x, y, "matexp.expRankOne");
}

RankOne exp_rank_one(const VectorXd& x, const VectorXd& y) {
  constexpr const char* fn = "matexp.expRankOne";
  RankOne r = scalars(x, y, fn);
  const Index d = x.size();
  const auto outer = [&](double c) {  // I + c x yᵀ, entry by entry (c x_i) y_j + δ_ij, as Eigen's rank-1 update
    RankOne::Matrix e = RankOne::Matrix::Identity(d, d);
    e.noalias() += (c * x) * y.transpose();
    return e;
  };
  r.exp = outer(r.phi);
  if (!all_finite(r.exp))
    fail(fn, "exp(x y^T) overflows double precision (s = y^T x = " + num(r.s) + ")");
  r.inverse = outer(-r.psi);
  if (!all_finite(r.inverse))
    fail(fn, "exp(-x y^T) overflows double precision (s = y^T x = " + num(r.s) + ")");
  return r;
}

MatrixXd exp_rank_one_apply(const VectorXd& x, const VectorXd& y, const MatrixXd& v, bool inverse) {
  constexpr const char* fn = "matexp.expRankOneApply";
  const RankOne r = scalars(x, y, fn);
  detail::require_nonempty(v, fn, "v");
  if (v.rows() != x.size())
    fail(fn, "v has vectors of length " + std::to_string(v.rows()) + " but x and y have length " +
                 std::to_string(x.size()));
  detail::require_finite(v, fn, "v");
  const double c = inverse ? -r.psi : r.phi;
  const Index d = x.size();
  MatrixXd out = v;
  for (Index j = 0; j < v.cols(); ++j) {
    const double k = c * dot(y.data(), v.data() + j * d, d);
    double* o = out.data() + j * d;
    for (Index i = 0; i < d; ++i) o[i] += k * x(i);
  }
  if (!all_finite(out))
    fail(fn, std::string(inverse ? "exp(-x y^T) v" : "exp(x y^T) v") +
                 " overflows double precision (s = y^T x = " + num(r.s) + ")");
  return out;
}

DetExp det_exp(const MatrixXd& a, Balance balance) {
  constexpr const char* fn = "matexp.detExp";
  check_square(a, fn, "A");
  const Index n = a.rows();
  DetExp r;
  Sum trace;
  for (Index i = 0; i < n; ++i) trace.add(a(i, i));
  r.trace = trace.value();
  if (!std::isfinite(r.trace)) {
    // Tr A itself is beyond the double range (its compensated sum is then NaN): so is the exact
    // log det exp(A) = Tr A, and det exp(A) = e^{Tr A} is 0 or inf.
    Sum half;  // Tr A / 2^k, exact up to rounding, to quote its value
    const int k = 1 + static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
    for (Index i = 0; i < n; ++i) half.add(std::ldexp(a(i, i), -k));
    const bool negative = half.value() < 0;
    fail(fn, "tr(A) = " + num_pow2(half.value(), k) + " is beyond the double range, so log det exp(A) = tr(A) " +
                 "overflows to " + (negative ? "-inf (det exp(A) underflows to 0)" : "inf (det exp(A) overflows)") +
                 "; scale A down");
  }

  ExpmResult e = expm_impl(a, balance, fn, false);
  LogDet ld = log_det_lu(e.value);
  if (!ld.ok) {
    // exp(A) itself over- or underflows: exp(A) = e^c exp(A − cI) with c = Tr A / n.
    const double c = r.trace / static_cast<double>(n);
    MatrixXd shifted = a;
    shifted.diagonal().array() -= c;
    if (!all_finite(shifted))
      fail(fn, "exp(A) is out of the double range, and A - cI with c = tr(A)/n = " + num(c) +
                   " has a diagonal entry beyond the double range (the eigenvalues of A are spread too widely)");
    e = expm_impl(shifted, balance, fn, false);
    ld = log_det_lu(e.value);
    if (!ld.ok)
      fail(fn, "exp(A) is out of the double range even as e^c exp(A - cI) with c = tr(A)/n = " + num(c) +
                   " (the eigenvalues of A are spread too widely)");
    r.shift = c;
    ld.log_abs += static_cast<double>(n) * c;
  }
  r.log_abs_det = ld.log_abs;
  r.sign = ld.sign;
  r.det = r.sign * std::exp(r.log_abs_det);
  r.exp_trace = std::exp(r.trace);
  r.log_difference = r.log_abs_det - r.trace;
  r.relative_difference = r.sign > 0 ? std::abs(std::expm1(r.log_difference)) : 1.0 + std::exp(r.log_difference);
  r.degree = e.degree;
  r.squarings = e.squarings;
  r.balanced = e.balanced;
  return r;
}

namespace {
/// Tr(M^k) is not finite although ρ(M) < 1: entries of M so large that its powers overflow before
/// they shrink (e.g. a nilpotent M with entries near 1e300).
[[noreturn]] void fail_power_overflow(const char* fn, int k) {
  fail(fn, "Tr(M^" + std::to_string(k) +
               ") overflows double precision: the entries of M are too large for the series although its "
               "spectral radius is below 1; scale M down or use the LU value of log det(I + M)");
}
}  // namespace

LogDetSeries log_det_series(const MatrixXd& m, int max_terms, double tolerance) {
  constexpr const char* fn = "matexp.logDetSeries";
  check_square(m, fn, "M");
  if (max_terms < 1 || max_terms > 100000)
    fail(fn, "maxTerms must be an integer from 1 to 100000, got " + std::to_string(max_terms));
  if (!(tolerance > 0.0 && tolerance < 1.0))
    fail(fn, "tolerance must be a number between 0 and 1, got " + num(tolerance));
  const Index n = m.rows();
  LogDetSeries r;

  {
    const Eigen::VectorXcd ev = eigenvalues_of(m, fn, "M");
    for (Index i = 0; i < n; ++i) r.spectral_radius = std::max(r.spectral_radius, std::abs(ev(i)));
  }
  {
    // ‖M‖₂ = 2^e ‖2^{-e}M‖₂ with 2^{-e}M's largest entry in [½, 1): MᵀM would overflow (NaN) for
    // entries beyond 1e154 and vanish below 1e-154.
    const double top = m.cwiseAbs().maxCoeff();
    const int e = top > 0.0 ? std::ilogb(top) + 1 : 0;
    const MatrixXd ms = m.unaryExpr([e](double x) { return std::ldexp(x, -e); });
    MatrixXd gram;
    product(gram, transposed(ms), ms);
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(gram, Eigen::EigenvaluesOnly);
    r.norm2 = std::ldexp(std::sqrt(std::max(es.eigenvalues()(n - 1), 0.0)), e);
  }
  const double rho = r.spectral_radius;
  if (rho >= 1.0)
    fail(fn, "the series diverges: the spectral radius of M is " + num6(rho) + " (it must be below 1)");

  {
    MatrixXd ipm = m;
    ipm.diagonal().array() += 1.0;
    const LogDet ld = log_det_lu(ipm);
    r.log_det = ld.ok ? ld.log_abs : -std::numeric_limits<double>::infinity();
  }
  // |Σ_{k>N} (−1)^{k−1} Tr(M^k)/k| ≤ Σ_{k>N} n ρ^k / k ≤ n ρ^{N+1} / ((N+1)(1 − ρ)), in logs.
  const auto log_bound = [&](int terms) {
    if (rho == 0.0) return -std::numeric_limits<double>::infinity();
    return std::log(static_cast<double>(n)) + (terms + 1) * std::log(rho) - std::log(terms + 1.0) -
           std::log1p(-rho);
  };
  // Relative to the size of the answer: |log det(I + M)|, or |Tr M|, |Tr M²|/2 when that cancels.
  double scale = std::max(std::abs(m.trace()), std::abs(trace_product(m, m)) / 2);
  if (!std::isfinite(scale)) fail_power_overflow(fn, 2);
  if (std::isfinite(r.log_det)) scale = std::max(scale, std::abs(r.log_det));
  scale = std::max(scale, 1e-300);
  const double log_target = std::log(tolerance * scale);
  int terms = 0;
  for (int k = 1; k <= max_terms; ++k)
    if (log_bound(k) <= log_target) {
      terms = k;
      break;
    }
  if (terms == 0)
    fail(fn, "the series converges too slowly: with spectral radius " + num6(rho) + " it needs more than maxTerms = " +
                 std::to_string(max_terms) + " terms to reach the tolerance " + num(tolerance) +
                 " (remainder bound after " + std::to_string(max_terms) + " terms: " +
                 num(std::exp(log_bound(max_terms))) + ")");

  // Tr(M^{2j}) = Tr(M^j M^j) and Tr(M^{2j+1}) = Tr(M^{j+1} M^j): one matrix product per two terms;
  // each trace with error-free products and compensated sums (Tr M and Tr M² are then exact to
  // the last bit, which matters when I + M is close to I).
  r.partial_sums.reserve(static_cast<std::size_t>(terms));
  Sum sum;
  const auto add_term = [&](int k, double trace_k) {
    if (!std::isfinite(trace_k)) fail_power_overflow(fn, k);
    sum.add((k % 2 == 1 ? trace_k : -trace_k) / k);
    if (!std::isfinite(sum.value())) fail_power_overflow(fn, k);
    r.partial_sums.push_back(sum.value());
  };
  {
    Sum trace;
    for (Index i = 0; i < n; ++i) trace.add(m(i, i));
    add_term(1, trace.value());
  }
  MatrixXd prev = m, cur;
  for (int j = 1; 2 * j <= terms; ++j) {
    add_term(2 * j, trace_product(prev, prev));
    if (2 * j + 1 > terms) break;
    product(cur, prev, m);
    add_term(2 * j + 1, trace_product(cur, prev));
    prev.swap(cur);
  }
  r.terms = terms;
  r.value = sum.value();
  r.remainder_bound = std::exp(log_bound(terms));
  r.difference = r.value - r.log_det;
  return r;
}

Spectrum spectrum(const MatrixXd& a) {
  constexpr const char* fn = "matexp.spectrum";
  check_square(a, fn, "A");
  const Eigen::VectorXcd eig = eigenvalues_of(a, fn, "A");
  std::vector<std::complex<double>> ev(eig.data(), eig.data() + a.rows());
  const auto before = [](const std::complex<double>& p, const std::complex<double>& q) {
    return p.real() != q.real() ? p.real() > q.real() : p.imag() > q.imag();
  };
  for (std::size_t i = 1; i < ev.size(); ++i)  // insertion sort (std::sort adds kilobytes of wasm)
    for (std::size_t j = i; j > 0 && before(ev[j], ev[j - 1]); --j) std::swap(ev[j], ev[j - 1]);
  Spectrum r;
  r.eigenvalues.resize(a.rows());
  r.exp_eigenvalues.resize(a.rows());
  for (Index i = 0; i < a.rows(); ++i) {
    const std::complex<double> l = ev[static_cast<std::size_t>(i)];
    const double mag = std::exp(l.real());
    // e^{a+ib} = e^a (cos b + i sin b), with an exact 0 imaginary part for real λ (no inf·0).
    r.eigenvalues(i) = l;
    r.exp_eigenvalues(i) = {mag * std::cos(l.imag()), l.imag() == 0.0 ? 0.0 : mag * std::sin(l.imag())};
  }
  return r;
}

}  // namespace mathlens::matexp

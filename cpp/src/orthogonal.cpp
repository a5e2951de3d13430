// mathlens::orthogonal — implementation. Formulas: spec/MATH.md §3; the block form T = αI + F M Fᵀ
// and the degenerate-pair rules are documented in orthogonal.hpp.
#include "mathlens/orthogonal.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <algorithm>
#include <utility>

#include "mathlens/detail/check.hpp"

namespace mathlens::orthogonal {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::fail;
using detail::num;

const char* construction_name(Construction c) {
  switch (c) {
    case Construction::rotation: return "rotation";
    case Construction::householder: return "householder";
    case Construction::simplest: return "simplest";
  }
  return "?";
}

// Code that runs once per call (validation, set-up, the report's bookkeeping) is optimised for size
// in the wasm build; the O(d) and O(d²) loops it calls are not.
#if defined(__EMSCRIPTEN__)
#define ML_SMALL __attribute__((minsize))
#else
#define ML_SMALL
#endif

namespace {

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kSqrt2 = 1.414213562373095048801688724209698079;
/// Sensitivity above which report() warns (a rounding error of the inputs may then move T by ~2e-10).
constexpr double kSensitivityWarning = 1e6;

// ---- accurate O(d) kernels: blocks of kBlock by Eigen (vectorised), block results summed pairwise,
// so the rounding error grows like log2(d / kBlock) instead of d.
constexpr Index kBlock = 256;

using CMap = Eigen::Map<const VectorXd>;

double dot(const double* x, const double* y, Index n) {
  if (n <= kBlock) return CMap(x, n).dot(CMap(y, n));
  const Index half = ((n / kBlock + 1) / 2) * kBlock;
  return dot(x, y, half) + dot(x + half, y + half, n - half);
}

/// p = aᵀx and q = eᵀx in one sweep over x.
void dot2(const double* a, const double* e, const double* x, Index n, double& p, double& q) {
  if (n <= kBlock) {
    const CMap xm(x, n);
    p = CMap(a, n).dot(xm);
    q = CMap(e, n).dot(xm);
    return;
  }
  const Index half = ((n / kBlock + 1) / 2) * kBlock;
  double p1, q1, p2, q2;
  dot2(a, e, x, half, p1, q1);
  dot2(a + half, e + half, x + half, n - half, p2, q2);
  p = p1 + p2;
  q = q1 + q2;
}

/// Σ x_i² (pairwise) and max |x_i| in one sweep over x.
void square_sum_and_max(const double* x, Index n, double& sum, double& max) {
  if (n <= kBlock) {
    const CMap xm(x, n);
    sum = xm.squaredNorm();
    max = n ? xm.cwiseAbs().maxCoeff() : 0.0;
    return;
  }
  const Index half = ((n / kBlock + 1) / 2) * kBlock;
  double s1, m1, s2, m2;
  square_sum_and_max(x, half, s1, m1);
  square_sum_and_max(x + half, n - half, s2, m2);
  sum = s1 + s2;
  max = std::max(m1, m2);
}

/// Validates x (non-empty, finite, non-zero) and writes x/‖x‖ into `out`; `norm` receives ‖x‖
/// (inf if beyond the double range). Σx_i² is used directly when it neither overflows nor loses
/// precision to underflow; otherwise x is scaled by max|x_i| first (1e-320 and 1e300 both work).
/// The sum also detects non-finite entries (it is not finite then), so one sweep does it all.
ML_SMALL void normalise(const VectorRef& x, const char* fn, const char* name, VectorXd& out, double& norm) {
  const Index n = x.size();
  if (n == 0) fail(fn, std::string(name) + " is empty");
  double sum, max;
  square_sum_and_max(x.data(), n, sum, max);
  if (!std::isfinite(sum))
    for (Index i = 0; i < n; ++i)
      if (!std::isfinite(x[i]))
        fail(fn, std::string(name) + " has a non-finite entry (" + num(x[i]) + ") at [" + std::to_string(i) + "]");
  if (max == 0.0) fail(fn, std::string(name) + " is the zero vector");
  if (std::isfinite(sum) && sum >= 1e-280) {
    norm = std::sqrt(sum);
    out = x / norm;
    return;
  }
  out = x / max;  // an exact power of two would be nicer, but max works: max|out_i| = 1
  const double scaled = std::sqrt(dot(out.data(), out.data(), n));
  out /= scaled;
  norm = max * scaled;
}

/// r = b − c a and Σ r_i² (pairwise) in one sweep.
double subtract_scaled(const double* b, double c, const double* a, double* r, Index n) {
  if (n <= kBlock) {
    Eigen::Map<VectorXd> rm(r, n);
    rm = CMap(b, n) - c * CMap(a, n);
    return rm.squaredNorm();
  }
  const Index half = ((n / kBlock + 1) / 2) * kBlock;
  return subtract_scaled(b, c, a, r, half) + subtract_scaled(b + half, c, a + half, r + half, n - half);
}

double squared_distance(const VectorXd& x, const VectorXd& y) {
  double s = 0;
  for (Index i = 0; i < x.size(); ++i) s += (x(i) - y(i)) * (x(i) - y(i));
  return s;
}

/// det by LU with partial pivoting (a few lines instead of Eigen's blocked LU: wasm size).
__attribute__((noinline)) double determinant(MatrixXd m) {
  const Index n = m.rows();
  double det = 1;
  for (Index k = 0; k < n; ++k) {
    Index p = k;
    for (Index i = k + 1; i < n; ++i)
      if (std::abs(m(i, k)) > std::abs(m(p, k))) p = i;
    if (m(p, k) == 0.0) return 0.0;
    if (p != k) {
      for (Index j = k; j < n; ++j) std::swap(m(k, j), m(p, j));
      det = -det;
    }
    const double pivot = m(k, k);
    det *= pivot;
    for (Index i = k + 1; i < n; ++i) m(i, k) /= pivot;
    for (Index j = k + 1; j < n; ++j) {
      const double mkj = m(k, j);
      if (mkj != 0.0)
        for (Index i = k + 1; i < n; ++i) m(i, j) -= m(i, k) * mkj;
    }
  }
  return det;
}

}  // namespace

ML_SMALL Frame frame(const VectorRef& a, const VectorRef& b, const Options& options, const char* fn) {
  if (a.size() == 0) fail(fn, "a is empty");
  if (a.size() < 2) fail(fn, "a must have at least 2 entries, got " + std::to_string(a.size()));
  if (b.size() == 0) fail(fn, "b is empty");
  if (a.size() != b.size())
    fail(fn, "a and b have different lengths (" + std::to_string(a.size()) + " and " + std::to_string(b.size()) + ")");
  const Index d = a.size();
  Frame f;
  f.construction = options.construction;
  normalise(a, fn, "a", f.a, f.norm_a);
  normalise(b, fn, "b", f.b, f.norm_b);

  // The user's fallback direction is validated whether or not it is needed.
  VectorXd fallback;
  if (options.fallback.size() != 0) {
    if (options.fallback.size() != d)
      fail(fn, "options.fallback has " + std::to_string(options.fallback.size()) + " entries but a has " +
                   std::to_string(d));
    double ignored;
    normalise(options.fallback, fn, "options.fallback", fallback, ignored);
    for (int pass = 0; pass < 2; ++pass) fallback -= dot(f.a.data(), fallback.data(), d) * f.a;
    if (std::sqrt(dot(fallback.data(), fallback.data(), d)) <= kParallelTolerance)
      fail(fn, "options.fallback is parallel to a");
  }

  // b̂ = c â + s e. One projection gives c to ~eps; when b̂ is close to ±â (s < 1/2) the remainder is
  // projected once more ("twice is enough"), so that e ⟂ â to ~eps however small s is.
  double c = dot(f.a.data(), f.b.data(), d);
  f.e.resize(d);
  double s2 = subtract_scaled(f.b.data(), c, f.a.data(), f.e.data(), d);
  if (s2 < 0.25) {
    const double c1 = dot(f.a.data(), f.e.data(), d);
    s2 = subtract_scaled(f.e.data(), c1, f.a.data(), f.e.data(), d);
    c += c1;
  }
  double s = std::sqrt(s2);
  if (s <= kParallelTolerance) {
    f.degenerate = true;
    c = c > 0 ? 1.0 : -1.0;
    s = 0.0;
    if (fallback.size() == 0) {
      Index k = 0;
      f.a.cwiseAbs().minCoeff(&k);  // least aligned axis; Eigen returns the first minimum
      f.fallback_axis = k;
      fallback = VectorXd::Unit(d, k);
      for (int pass = 0; pass < 2; ++pass) fallback -= dot(f.a.data(), fallback.data(), d) * f.a;
    }
    f.e = fallback / std::sqrt(dot(fallback.data(), fallback.data(), d));
  } else {
    f.e /= s;
    const double h = std::hypot(c, s);  // = ‖b̂‖ up to rounding; makes (c, s) a unit pair
    c /= h;
    s /= h;
  }
  f.cos_theta = c;
  f.sin_theta = s;
  f.theta = f.degenerate ? (c > 0 ? 0.0 : kPi) : std::atan2(s, c);

  // Half-angle sine and cosine without cancellation: 1 + c for c ≥ 0, 1 − c for c < 0.
  double sh, ch;
  if (c >= 0) {
    ch = std::sqrt(0.5 * (1.0 + c));
    sh = s / (2.0 * ch);
  } else {
    sh = std::sqrt(0.5 * (1.0 - c));
    ch = s / (2.0 * sh);
  }
  const double ss = 2.0 * sh * sh, cc = 2.0 * ch * ch, sc = 2.0 * sh * ch;
  switch (options.construction) {
    case Construction::rotation:  // R − I with R = [[c, −s], [s, c]]
      f.alpha = 1.0;
      f.m << -ss, -sc, sc, -ss;
      break;
    case Construction::householder:  // −2wwᵀ, w = (−sin φ, cos φ)
      f.alpha = 1.0;
      f.m << -ss, sc, sc, -cc;
      break;
    case Construction::simplest:  // 2uuᵀ, u = (cos φ, sin φ), with α = −1
      f.alpha = -1.0;
      f.m << cc, sc, sc, ss;
      break;
  }
  return f;
}

namespace {

/// T = αI + F M Fᵀ, column by column; exactly symmetric when M is.
MatrixXd to_matrix(const Frame& f) {
  const Index d = f.a.size();
  MatrixXd t(d, d);
  const double m11 = f.m(0, 0), m12 = f.m(0, 1), m21 = f.m(1, 0), m22 = f.m(1, 1);
  for (Index j = 0; j < d; ++j) {
    const double g1 = m11 * f.a(j) + m12 * f.e(j);  // T(:, j) = a·g1 + e·g2 (+ α e_j)
    const double g2 = m21 * f.a(j) + m22 * f.e(j);
    t.col(j) = g1 * f.a + g2 * f.e;
  }
  if (m12 == m21)
    for (Index j = 0; j < d; ++j)
      for (Index i = j + 1; i < d; ++i) t(i, j) = t(j, i);
  t.diagonal().array() += f.alpha;
  return t;
}

Options with(Construction c, const VectorXd& fallback) {
  Options o;
  o.construction = c;
  o.fallback = fallback;
  return o;
}

}  // namespace

namespace {

/// T x (or Tᵀ x) in place for n rows at x (row i at x + i·stride). Non-finite entries make aᵀx or
/// eᵀx non-finite; only then is the row scanned for the message, before it is changed.
void map_rows(const Frame& f, double* x, Index n, Index stride, bool transpose, const char* fn, bool vector) {
  const Index d = f.a.size();
  const double m12 = transpose ? f.m(1, 0) : f.m(0, 1);
  const double m21 = transpose ? f.m(0, 1) : f.m(1, 0);
  for (Index i = 0; i < n; ++i) {
    Eigen::Map<VectorXd> xi(x + i * stride, d);
    double p, q;
    dot2(f.a.data(), f.e.data(), xi.data(), d, p, q);
    if (!(std::abs(p) + std::abs(q) < 1e300)) {
      for (Index j = 0; j < d; ++j)
        if (!std::isfinite(xi[j]))
          fail(fn, "x has a non-finite entry (" + num(xi[j]) + ") at " +
                       (vector ? "[" + std::to_string(j) + "]" : "(" + std::to_string(i) + ", " + std::to_string(j) + ")"));
      fail(fn, std::string("x") + (vector ? "" : " row " + std::to_string(i)) +
                   " is too large to map without overflow (|x| above 1e300)");
    }
    const double k1 = f.m(0, 0) * p + m12 * q;
    const double k2 = m21 * p + f.m(1, 1) * q;
    if (f.alpha == 1.0)
      xi += k1 * f.a + k2 * f.e;
    else
      xi = k1 * f.a + k2 * f.e - xi;
  }
}

}  // namespace

void apply_frame(const Frame& f, double* x, Index n, bool transpose, Index stride) {
  map_rows(f, x, n, stride > 0 ? stride : f.a.size(), transpose, "orthogonal.apply", false);
}

MatrixXd matrix(const VectorRef& a, const VectorRef& b, const Options& options) {
  return to_matrix(frame(a, b, options, "orthogonal.matrix"));
}
MatrixXd minimal_rotation(const VectorRef& a, const VectorRef& b, const VectorXd& fallback) {
  return to_matrix(frame(a, b, with(Construction::rotation, fallback), "orthogonal.minimalRotation"));
}
MatrixXd householder(const VectorRef& a, const VectorRef& b, const VectorXd& fallback) {
  return to_matrix(frame(a, b, with(Construction::householder, fallback), "orthogonal.householder"));
}
MatrixXd simplest(const VectorRef& a, const VectorRef& b, const VectorXd& fallback) {
  return to_matrix(frame(a, b, with(Construction::simplest, fallback), "orthogonal.simplest"));
}

void apply_vector(const VectorRef& a, const VectorRef& b, Eigen::Ref<VectorXd> x, const Options& options,
                  bool transpose) {
  constexpr const char* fn = "orthogonal.apply";
  const Frame f = frame(a, b, options, fn);
  if (x.size() != f.a.size())
    fail(fn, "x has " + std::to_string(x.size()) + " entries but a has " + std::to_string(f.a.size()));
  map_rows(f, x.data(), 1, x.size(), transpose, fn, true);
}

VectorXd apply(const VectorRef& a, const VectorRef& b, const VectorRef& x, const Options& options, bool transpose) {
  VectorXd y = x;
  apply_vector(a, b, y, options, transpose);
  return y;
}

void apply_rows(const VectorRef& a, const VectorRef& b, Eigen::Ref<RowMatrix> rows, const Options& options,
                bool transpose) {
  constexpr const char* fn = "orthogonal.apply";
  const Frame f = frame(a, b, options, fn);
  const Index d = f.a.size();
  if (rows.cols() != d)
    fail(fn, "x has " + std::to_string(rows.cols()) + " columns but a has " + std::to_string(d) + " entries");
  if (rows.rows() == 0) return;
  map_rows(f, rows.data(), rows.rows(), rows.outerStride(), transpose, fn, false);
}

ML_SMALL Report report(const VectorRef& a, const VectorRef& b, const Options& options) {
  constexpr const char* fn = "orthogonal.report";
  const Frame f = frame(a, b, options, fn);
  const Index d = f.a.size();
  Report r;
  r.dim = static_cast<int>(d);
  r.construction = f.construction;
  r.matrix = to_matrix(f);
  const MatrixXd& t = r.matrix;
  r.unit_a = f.a;
  r.unit_b = f.b;
  r.plane_vector = f.e;
  r.cos_theta = f.cos_theta;
  r.sin_theta = f.sin_theta;
  r.angle = f.theta;
  r.norm_a = f.norm_a;
  r.norm_b = f.norm_b;
  r.degenerate = f.degenerate;
  r.fallback_axis = f.fallback_axis;

  const double c = f.cos_theta, s = f.sin_theta;
  double sh, ch;  // sin and cos of θ/2, as in frame()
  if (c >= 0) {
    ch = std::sqrt(0.5 * (1.0 + c));
    sh = s / (2.0 * ch);
  } else {
    sh = std::sqrt(0.5 * (1.0 - c));
    ch = s / (2.0 * sh);
  }
  r.bisector = ch * f.a + sh * f.e;
  r.mirror_normal = ch * f.e - sh * f.a;

  // The checks are computed from the formed matrix, independently of how it was built. Columns of
  // T are contiguous: (TᵀT)_ij = T(:,i)·T(:,j) and (Tᵀb̂)_j = T(:,j)·b̂.
  double gsum = 0, isum = 0;
  VectorXd ta = VectorXd::Zero(d);
  for (Index j = 0; j < d; ++j) {
    const double* tj = t.col(j).data();
    for (Index i = 0; i <= j; ++i) {
      const double g = dot(t.col(i).data(), tj, d) - (i == j ? 1.0 : 0.0);
      gsum += (i == j ? 1.0 : 2.0) * g * g;
    }
    const double u = dot(tj, f.b.data(), d) - f.a(j);
    isum += u * u;
    ta += f.a(j) * t.col(j);
  }
  r.orthogonality_error = std::sqrt(gsum);
  r.inverse_residual = std::sqrt(isum);
  r.residual = std::sqrt(squared_distance(ta, f.b));
  r.determinant = determinant(t);
  r.trace = t.trace();
  switch (f.construction) {
    case Construction::rotation: r.expected_determinant = 1; break;
    case Construction::householder: r.expected_determinant = -1; break;
    case Construction::simplest: r.expected_determinant = d % 2 == 1 ? 1 : -1; break;
  }

  // ‖â + b̂‖ = 2 cos φ and ‖â − b̂‖ = 2 sin φ: the distance from the pair where the plane is undefined.
  const bool near_minus = f.construction != Construction::householder;
  const double distance = near_minus ? 2.0 * ch : 2.0 * sh;
  if (d == 2)
    r.sensitivity = kSqrt2;
  else
    r.sensitivity = distance > 0 ? 2.0 * kSqrt2 / distance : std::numeric_limits<double>::infinity();

  const std::string from = f.fallback_axis >= 0
                               ? "the coordinate axis with index " + std::to_string(f.fallback_axis) +
                                     " (the one least aligned with a; options.fallback chooses another)"
                               : std::string("options.fallback");
  if (f.degenerate && d > 2 && distance == 0.0) {
    switch (f.construction) {
      case Construction::rotation:
        r.warnings.push_back("b = -a: every rotation by pi in a plane containing a maps a to b; this one turns the plane of a and " + from);
        break;
      case Construction::simplest:
        r.warnings.push_back("b = -a: T = 2uu^T - I maps a to b for every unit u orthogonal to a; u is taken from " + from);
        break;
      case Construction::householder:
        r.warnings.push_back("b = a: every mirror containing a maps a to b; T = I - 2uu^T (det -1) with u orthogonal to a taken from " + from);
        break;
    }
  } else if (r.sensitivity > kSensitivityWarning) {
    r.warnings.push_back(std::string("b is close to ") + (near_minus ? "-a (|a + b| = " : "a (|a - b| = ") + num(distance) +
                         " after normalisation): T depends sensitively on a and b; a change h in b can move T by up to " +
                         num(r.sensitivity) + " h");
  }
  return r;
}

}  // namespace mathlens::orthogonal

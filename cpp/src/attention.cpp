// mathlens::attention — implementation. Formulas: spec/MATH.md §5 (Nyström) and the header.
//
// Layout: every head is copied into contiguous column-major matrices (queries scaled by s), and
// row-wise softmaxes are computed on transposed blocks (keys × queries), so that each query's
// logits are one contiguous column: max, exp and sum run down a column with SIMD.
//
// Code size matters (everything ships as one wasm): every matrix product goes through gemm(), one
// out-of-line entry per transposition that calls Eigen's blocked GEMM directly (Eigen would
// otherwise inline a coefficient-based small-size product at every `a * b`), and element-wise work
// is done by a few out-of-line helpers on contiguous columns.
#include "mathlens/attention.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "mathlens/detail/check.hpp"
#include "mathlens/detail/random.hpp"

// Cold code (argument checks, drivers, error messages) is compiled for size under clang (wasm);
// the hot kernels below are marked ML_HOT and keep -O3.
#if defined(__clang__)
#define ML_SMALL _Pragma("clang attribute push (__attribute__((minsize)), apply_to = function)")
#define ML_SMALL_END _Pragma("clang attribute pop")
#else
#define ML_SMALL
#define ML_SMALL_END
#endif

namespace mathlens::attention {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::fail;
using detail::num;

namespace {

using CRef = Eigen::Ref<const MatrixXd>;
using MRef = Eigen::Ref<MatrixXd>;
using ArrayMap = Eigen::Map<Eigen::ArrayXd>;

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Working memory of one call is limited to 2³¹ bytes of doubles (the wasm32 heap's practical limit).
constexpr double kMaxWorkDoubles = 268435456.0;
/// Doubles in one streamed block of transposed scores (4 MB).
constexpr Index kBlockDoubles = Index(1) << 19;
/// Rows per chunk of the causal prefix-sum form.
constexpr Index kChunk = 64;
constexpr int kMaxFeatures = 1 << 20;
constexpr int kMaxIterations = 1000;
constexpr int kMaxHeads = 4096;
/// A Moore–Penrose residual above this after the iteration is reported as "not converged".
constexpr double kPinvWarn = 1e-6;

std::string str(Index i) { return std::to_string(static_cast<long long>(i)); }

// ------------------------------------------------------------------------------- primitives

template <class L, class R>
void gemm_add(MRef& c, const L& l, const R& r, double alpha) {
  Eigen::internal::generic_product_impl<L, R, Eigen::DenseShape, Eigen::DenseShape, Eigen::GemmProduct>::scaleAndAddTo(
      c, l, r, alpha);
}

/// c = alpha·op(a)·op(b) (+ c when `add`), op = transpose when the flag is set (not both).
EIGEN_DONT_INLINE void gemm(MRef c, const CRef& a, bool ta, const CRef& b, bool tb, double alpha = 1.0,
                            bool add = false) {
  if (!add) c.setZero();
  if (ta)
    gemm_add(c, a.transpose(), b, alpha);
  else if (tb)
    gemm_add(c, a, b.transpose(), alpha);
  else
    gemm_add(c, a, b, alpha);
}

#if defined(__SSE2__)
/// exp(x) for x ≤ 0 (the shifted logits of a softmax), two at a time: x = k·ln2 + r with
/// |r| ≤ ln2/2 (Cody–Waite), exp(r) by its Taylor polynomial of degree 13 (truncation < 2⁻⁵⁵), and
/// 2^k assembled in the exponent bits. Below −708.39 (2^k would be subnormal) the result is 0,
/// which is below 1e-307 of the row maximum's weight. Only multiplications, additions and 64-bit
/// integer add/shift: SSE2 natively and wasm SIMD one to one (Eigen's pexp goes through double↔int
/// conversions that Emscripten's SSE2 layer emulates with scalar code).
inline __m128d exp_nonpositive(__m128d x) {
  const __m128d shifter = _mm_set1_pd(6755399441055744.0);  // 1.5·2⁵²: rounds to an integer in the low bits
  __m128d kd = _mm_add_pd(_mm_mul_pd(x, _mm_set1_pd(1.4426950408889634)), shifter);
  const __m128i ki = _mm_castpd_si128(kd);
  kd = _mm_sub_pd(kd, shifter);
  const __m128d r = _mm_sub_pd(_mm_sub_pd(x, _mm_mul_pd(kd, _mm_set1_pd(6.93147180369123816490e-01))),
                               _mm_mul_pd(kd, _mm_set1_pd(1.90821492927058770002e-10)));
  static constexpr double kCoeff[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
                                      1.0 / 362880.0,     1.0 / 40320.0,     1.0 / 5040.0,      1.0 / 720.0,
                                      1.0 / 120.0,        1.0 / 24.0,        1.0 / 6.0,         0.5,
                                      1.0,                1.0};
  __m128d poly = _mm_set1_pd(kCoeff[0]);
  for (int i = 1; i < 14; ++i) poly = _mm_add_pd(_mm_mul_pd(poly, r), _mm_set1_pd(kCoeff[i]));
  // The low bits of ki hold 2⁵¹ + k; (ki + 1023) << 52 leaves exactly the biased exponent k + 1023.
  const __m128d scale = _mm_castsi128_pd(_mm_slli_epi64(_mm_add_epi64(ki, _mm_set1_epi64x(1023)), 52));
  return _mm_and_pd(_mm_mul_pd(poly, scale), _mm_cmpge_pd(x, _mm_set1_pd(-708.39)));
}
#endif

/// p[i] = exp(p[i] − shift) for i < len, where shift ≥ every p[i]; returns Σ p[i]. One pass.
EIGEN_DONT_INLINE double exp_shift_sum(double* p, Index len, double shift) {
  Index i = 0;
  double sum = 0;
#if defined(__SSE2__)
  const __m128d s = _mm_set1_pd(shift);
  __m128d acc = _mm_setzero_pd();
  for (; i + 2 <= len; i += 2) {
    const __m128d e = exp_nonpositive(_mm_sub_pd(_mm_loadu_pd(p + i), s));
    _mm_storeu_pd(p + i, e);
    acc = _mm_add_pd(acc, e);
  }
  alignas(16) double two[2];
  _mm_store_pd(two, acc);
  sum = two[0] + two[1];
#endif
  for (; i < len; ++i) sum += (p[i] = std::exp(p[i] - shift));
  return sum;
}

/// p[i] = exp(p[i] − shift) with shift ≥ every p[i].
EIGEN_DONT_INLINE void exp_shift(double* p, Index len, double shift) { exp_shift_sum(p, len, shift); }

EIGEN_DONT_INLINE double max_of(const double* p, Index len) {
  return Eigen::Map<const Eigen::ArrayXd>(p, len).maxCoeff();
}
EIGEN_DONT_INLINE double sum_of(const double* p, Index len) {
  return Eigen::Map<const Eigen::ArrayXd>(p, len).sum();
}

/// Unnormalised softmax: p[i] = exp(p[i] − max) for i < len, p[len … total−1] = 0; returns the sum
/// (≥ 1: the maximum contributes exp(0)), or 0 if the logits overflow.
EIGEN_DONT_INLINE double softmax_unnormalised(double* p, Index len, Index total) {
  const double mx = max_of(p, len);
  if (!std::isfinite(mx)) return 0.0;
  const double sum = exp_shift_sum(p, len, mx);
  std::fill(p + len, p + total, 0.0);
  return sum;
}

/// Softmax of p[0 … len−1] shifted by its maximum, p[len … total−1] = 0; false if the logits overflow.
EIGEN_DONT_INLINE bool softmax(double* p, Index len, Index total) {
  const double sum = softmax_unnormalised(p, len, total);
  if (sum == 0.0) return false;
  ArrayMap(p, len) *= 1.0 / sum;
  return true;
}

[[noreturn]] void fail_overflow(const char* fn, const char* which) {
  fail(fn, std::string("the logits ") + which + " overflow double precision; scale q and k down (or pass a smaller scale)");
}

/// Column-wise softmax (each column one query's logits over the rows).
void softmax_columns(MatrixXd& m, const char* fn, const char* which) {
  for (Index c = 0; c < m.cols(); ++c)
    if (!softmax(m.col(c).data(), m.rows(), m.rows())) fail_overflow(fn, which);
}

EIGEN_DONT_INLINE void put_transposed(MatrixXd& matrix, Index row0, const CRef& pt) {
  matrix.middleRows(row0, pt.cols()) = pt.transpose();
}

/// ‖A‖₁ (max column sum of |a_ij|) and ‖A‖_∞ (max row sum).
void norms_1_inf(const MatrixXd& a, double& n1, double& ninf) {
  VectorXd rows = VectorXd::Zero(a.rows());
  n1 = 0;
  for (Index j = 0; j < a.cols(); ++j) {
    double col = 0;
    for (Index i = 0; i < a.rows(); ++i) {
      const double x = std::abs(a(i, j));
      col += x;
      rows(i) += x;
    }
    n1 = std::max(n1, col);
  }
  ninf = a.rows() ? max_of(rows.data(), a.rows()) : 0.0;
}

/// ‖I − A·A⁺‖_F. Both are finite, so a NaN can only come from an overflowing product (inf − inf):
/// the residual is then beyond double precision, reported as inf.
double residual_of(const MatrixXd& a, const MatrixXd& ap) {
  MatrixXd e(a.rows(), a.rows());
  gemm(e, a, false, ap, false, -1.0);
  e.diagonal().array() += 1.0;
  const double r = e.norm();
  return std::isnan(r) ? kInf : r;
}

ML_SMALL
/// e such that 2^{-e}·A has its largest |entry| in [½, 1), when that entry lies outside
/// [2^{-250}, 2^{250}] (where ‖A‖₁‖A‖_∞, Frobenius norms and 1/σ over- or underflow); else 0.
int pow2_exponent(const MatrixXd& a) {
  if (a.size() == 0 || !a.allFinite()) return 0;
  const double top = a.cwiseAbs().maxCoeff();
  return top > 0x1p250 || (top > 0 && top < 0x1p-250) ? std::ilogb(top) + 1 : 0;
}

/// 2^k·A entry by entry (2^k alone may overflow).
MatrixXd times_pow2(const MatrixXd& a, int k) {
  return a.unaryExpr([k](double x) { return std::ldexp(x, k); });
}

/// The start scale c of A for B = 2^{-e}A: c scales as 2^{-2e} (a valid c stays valid, clamped to
/// the positive finite range; 0 and invalid values are passed on as they are).
double pow2_scaled_c(double c, int e) {
  if (e == 0 || !(c > 0) || !std::isfinite(c)) return c;
  return std::clamp(std::ldexp(c, -2 * e), std::numeric_limits<double>::denorm_min(),
                    std::numeric_limits<double>::max());
}

/// A⁺ = 2^{-e}·B⁺ from the pseudo-inverse of B = 2^{-e}A; an error if it overflows.
MatrixXd unscale_inverse(const MatrixXd& a, const MatrixXd& bp, int e, const char* fn) {
  if (e == 0) return bp;
  MatrixXd ap = times_pow2(bp, -e);
  if (!ap.allFinite())
    fail(fn, "the pseudo-inverse overflows double precision (a's largest entry is " + num(a.cwiseAbs().maxCoeff()) +
                 "); scale a up");
  return ap;
}

// ------------------------------------------------------------------------------- checks

struct Shape {
  Index n, N, d, dv, heads, dh, dvh;
  double scale;
};

Shape check_inputs(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const Options& o, const char* fn,
                   bool allow_causal = true) {
  detail::require_nonempty(q, fn, "q");
  detail::require_nonempty(k, fn, "k");
  detail::require_nonempty(v, fn, "v");
  if (q.cols() != k.cols())
    fail(fn, "q and k have different numbers of columns (" + str(q.cols()) + " and " + str(k.cols()) + ")");
  if (k.rows() != v.rows())
    fail(fn, "k and v have different numbers of rows (" + str(k.rows()) + " and " + str(v.rows()) + ")");
  if (o.heads < 1 || o.heads > kMaxHeads)
    fail(fn, "heads must be an integer from 1 to " + std::to_string(kMaxHeads) + ", got " + std::to_string(o.heads));
  if (q.cols() % o.heads != 0)
    fail(fn, "heads (" + std::to_string(o.heads) + ") must divide the columns of q and k (" + str(q.cols()) + ")");
  if (v.cols() % o.heads != 0)
    fail(fn, "heads (" + std::to_string(o.heads) + ") must divide the columns of v (" + str(v.cols()) + ")");
  if (o.scale && !(std::isfinite(*o.scale) && *o.scale > 0))
    fail(fn, "scale must be positive and finite, got " + num(*o.scale));
  if (o.causal && !allow_causal)
    fail(fn, "causal masking is not supported (segment-mean landmarks mix future tokens into every query)");
  if (o.causal && q.rows() != k.rows())
    fail(fn, "causal masking needs as many queries as keys (q has " + str(q.rows()) + " rows, k has " +
                 str(k.rows()) + ")");
  const double entries = static_cast<double>(o.heads) * static_cast<double>(q.rows()) * static_cast<double>(k.rows());
  if (o.matrix && entries > kMaxMatrixEntries)
    fail(fn, "matrix: the attention matrix would have " + num(entries) + " entries (heads·n·N); at most " +
                 std::to_string(static_cast<long long>(kMaxMatrixEntries)) +
                 " are returned (the errors option compares large n without forming it)");
  detail::require_finite(q, fn, "q");
  detail::require_finite(k, fn, "k");
  detail::require_finite(v, fn, "v");
  Shape s{q.rows(), k.rows(), q.cols(), v.cols(), o.heads, q.cols() / o.heads, v.cols() / o.heads, 0};
  s.scale = o.scale ? *o.scale : 1.0 / std::sqrt(static_cast<double>(s.dh));
  return s;
}

void require_memory(double doubles, const char* fn, const std::string& what) {
  if (doubles > kMaxWorkDoubles)
    fail(fn, what + " needs about " + num(doubles * 8 / 1073741824.0) + " GB of working memory; at most 2 GB");
}

void require_finite_output(const MatrixXd& out, const char* fn) {
  if (!out.allFinite()) fail(fn, "the result is not finite: the inputs are too large in magnitude for double precision");
}

/// One head's contiguous copies: q (scaled), k (scaled), v.
struct Head {
  MatrixXd q, k, v;
};

Head head_of(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const Shape& s, Index h, double q_scale,
             double k_scale) {
  Head out;
  out.q = q_scale * q.middleCols(h * s.dh, s.dh);
  out.k = k_scale * k.middleCols(h * s.dh, s.dh);
  out.v = v.middleCols(h * s.dvh, s.dvh);
  return out;
}

void prepare(Result& r, const Shape& s, const Options& o) {
  r.output.resize(s.n, s.dv);
  if (o.matrix) r.matrix.resize(s.heads * s.n, s.N);
}

ML_SMALL_END

// ------------------------------------------------------------------------------ error tally

struct Tally {
  double out_diff2 = 0, out_ref2 = 0, out_max = 0;
  double mat_diff2 = 0, mat_ref2 = 0, mat_max = 0;
  double row_sum_dev = 0;

  EIGEN_DONT_INLINE void output(const CRef& approx, const CRef& exact) {
    for (Index j = 0; j < exact.cols(); ++j)
      for (Index i = 0; i < exact.rows(); ++i) {
        const double e = exact(i, j), d = approx(i, j) - e;
        out_diff2 += d * d;
        out_ref2 += e * e;
        out_max = std::max(out_max, std::abs(d));
      }
  }
  /// approx and exact are transposed row blocks (N × b): each column is one row of the matrix.
  EIGEN_DONT_INLINE void matrix(const CRef& approx, const CRef& exact) {
    for (Index j = 0; j < exact.cols(); ++j) {
      double sum = 0;
      for (Index i = 0; i < exact.rows(); ++i) {
        const double a = approx(i, j), e = exact(i, j), d = a - e;
        sum += a;
        mat_diff2 += d * d;
        mat_ref2 += e * e;
        mat_max = std::max(mat_max, std::abs(d));
      }
      row_sum_dev = std::max(row_sum_dev, std::abs(sum - 1.0));
    }
  }
  Errors result() const {
    Errors e;
    e.output_relative_frobenius = out_ref2 > 0 ? std::sqrt(out_diff2 / out_ref2) : std::sqrt(out_diff2);
    e.output_max_abs = out_max;
    e.matrix_relative_frobenius = mat_ref2 > 0 ? std::sqrt(mat_diff2 / mat_ref2) : std::sqrt(mat_diff2);
    e.matrix_max_abs = mat_max;
    e.row_sum_deviation = row_sum_dev;
    return e;
  }
};

// ------------------------------------------------------------------------------ exact stream

/// Receives one block of exact attention: rows r0 … r0+b−1 of P, transposed (N × b, zero for
/// masked keys), and of the output (b × dv).
struct BlockVisitor {
  virtual void operator()(Index r0, Index b, const CRef& pt, const CRef& ob) = 0;
};
template <class F>
struct Visit final : BlockVisitor {
  F f;
  explicit Visit(F fn) : f(std::move(fn)) {}
  void operator()(Index r0, Index b, const CRef& pt, const CRef& ob) override { f(r0, b, pt, ob); }
};
template <class F>
Visit<F> visit(F f) {
  return Visit<F>(std::move(f));
}

/// Streams exact softmax attention of one head (q already scaled) over blocks of query rows. With
/// `probabilities` false the visitor only needs the output: the block of scores is then left
/// unnormalised and the b×dv output rows are divided by the row sums instead (one pass less over
/// the N×b block); `pt` is then not the probability block and must not be used.
void exact_stream(const Head& hd, bool causal, const char* fn, BlockVisitor& visitor, bool probabilities = true) {
  const Index n = hd.q.rows(), N = hd.k.rows(), dv = hd.v.cols();
  const Index block = std::min(n, std::clamp<Index>(kBlockDoubles / std::max<Index>(N, 1), 16, 256));
  MatrixXd st(N, block), ob(block, dv);
  VectorXd sums(block);
  for (Index r0 = 0; r0 < n; r0 += block) {
    const Index b = std::min(block, n - r0);
    const Index keys = causal ? std::min(N, r0 + b) : N;
    gemm(st.topLeftCorner(keys, b), hd.k.topRows(keys), false, hd.q.middleRows(r0, b), true);
    for (Index c = 0; c < b; ++c) {
      const Index len = causal ? std::min(keys, r0 + c + 1) : keys;
      double* col = st.col(c).data();
      sums(c) = softmax_unnormalised(col, len, N);
      if (sums(c) == 0.0) fail_overflow(fn, "q·kᵀ");
      if (probabilities) ArrayMap(col, len) *= 1.0 / sums(c);
    }
    gemm(ob.topRows(b), st.topLeftCorner(keys, b), true, hd.v.topRows(keys), false);
    if (!probabilities)
      for (Index j = 0; j < dv; ++j)
        for (Index c = 0; c < b; ++c) ob(c, j) /= sums(c);
    visitor(r0, b, st.leftCols(b), ob.topRows(b));
  }
}

// ----------------------------------------------------------------------- kernelized attention

/// out = φQ (φKᵀ V) / φQ (φKᵀ 1) for one head, from pqt = φQᵀ (m × n) and pk = φK (N × m); causal:
/// prefix sums in chunks. den receives the normalisers. Returns the first row whose normaliser is
/// not a positive finite number, or −1.
Index kernelized(const MatrixXd& pqt, const MatrixXd& pk, const MatrixXd& v, bool causal, MRef out, MatrixXd& den) {
  const Index n = pqt.cols(), m = pqt.rows(), N = pk.rows(), dv = v.cols();
  den.resize(n, 1);
  MatrixXd z(m, 1);
  if (!causal) {
    MatrixXd kv(m, dv);
    gemm(kv, pk, true, v, false);
    for (Index l = 0; l < m; ++l) z(l) = sum_of(pk.col(l).data(), N);
    gemm(out, pqt, true, kv, false);
    gemm(den, pqt, true, z, false);
  } else {
    MatrixXd state = MatrixXd::Zero(m, dv);
    z.setZero();
    MatrixXd lt(kChunk, kChunk);
    for (Index a = 0; a < n; a += kChunk) {
      const Index c = std::min(kChunk, n - a);
      const auto qc = pqt.middleCols(a, c);  // m × c
      const auto kc = pk.middleRows(a, c);   // c × m
      const auto vc = v.middleRows(a, c);
      auto l = lt.topLeftCorner(c, c);       // l(j, i) = φ(k_j)·φ(q_i), kept for j ≤ i
      gemm(l, kc, false, qc, false);
      for (Index i = 0; i < c; ++i) std::fill(&l(0, i) + i + 1, &l(0, i) + c, 0.0);
      auto o = out.middleRows(a, c);
      gemm(o, qc, true, state, false);
      gemm(o, l, true, vc, false, 1.0, true);
      auto dc = den.middleRows(a, c);
      gemm(dc, qc, true, z, false);
      for (Index i = 0; i < c; ++i) dc(i, 0) += sum_of(&l(0, i), i + 1);
      gemm(state, kc, true, vc, false, 1.0, true);
      for (Index l2 = 0; l2 < m; ++l2) z(l2) += sum_of(pk.col(l2).data() + a, c);
    }
  }
  for (Index i = 0; i < n; ++i)
    if (!(den(i) > 0) || !std::isfinite(den(i))) return i;
  for (Index j = 0; j < dv; ++j)
    for (Index i = 0; i < n; ++i) out(i, j) /= den(i);
  return -1;
}

/// Rows r0 … r0+b−1 of the kernelized attention matrix, transposed (N × b), into `at`.
void kernelized_block(const MatrixXd& pqt, const MatrixXd& pk, const MatrixXd& den, bool causal, Index r0, Index b,
                      MatrixXd& at) {
  const Index N = pk.rows();
  at.resize(N, b);
  gemm(at, pk, false, pqt.middleCols(r0, b), false);
  for (Index c = 0; c < b; ++c) {
    ArrayMap col(at.col(c).data(), N);
    col *= 1.0 / den(r0 + c);
    if (causal && r0 + c + 1 < N) col.tail(N - r0 - c - 1) = 0.0;
  }
}

ML_SMALL
/// Attention matrix and/or errors of a kernelized approximation of one head.
void kernelized_extras(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const Shape& s, const Options& o,
                       Index h, const MatrixXd& pqt, const MatrixXd& pk, const MatrixXd& den, const CRef& out,
                       Result& r, Tally& tally, const char* fn) {
  MatrixXd at;
  if (o.matrix)
    for (Index r0 = 0; r0 < s.n; r0 += 256) {
      const Index b = std::min<Index>(256, s.n - r0);
      kernelized_block(pqt, pk, den, o.causal, r0, b, at);
      put_transposed(r.matrix, h * s.n + r0, at);
    }
  if (o.errors) {
    const Head ex = head_of(q, k, v, s, h, s.scale, 1.0);
    auto vis = visit([&](Index r0, Index b, const CRef& pt, const CRef& ob) {
      kernelized_block(pqt, pk, den, o.causal, r0, b, at);
      tally.matrix(at, pt);
      tally.output(out.middleRows(r0, b), ob);
    });
    exact_stream(ex, o.causal, fn, vis);
  }
}

double elu1(double x) { return x > 0 ? x + 1.0 : std::exp(x); }

// ------------------------------------------------------------------------------- Nyström helpers

/// Start of segment j (of m) over n rows under `policy` (pad: segments of ⌈n/m⌉ padded rows).
Index segment_start(Index j, Index n, Index m, Segments policy) {
  if (policy == Segments::pad) return std::min(n, j * ((n + m - 1) / m));
  return (j * n) / m;  // balanced, and exact (m | n)
}

MatrixXd landmarks_impl(const MatrixXd& x, Index m, Segments policy) {
  const Index n = x.rows();
  MatrixXd out(m, x.cols());
  const Index padded = (n + m - 1) / m;
  for (Index c = 0; c < x.cols(); ++c) {
    const double* p = x.col(c).data();
    for (Index j = 0; j < m; ++j) {
      const Index a = segment_start(j, n, m, policy), b = segment_start(j + 1, n, m, policy);
      const double len = static_cast<double>(policy == Segments::pad ? padded : b - a);
      out(j, c) = b > a ? sum_of(p + a, b - a) / len : 0.0;  // a segment of padding only: 0
    }
  }
  return out;
}

/// V₀ = Aᵀ/c and `iterations` steps of V ← ¼ V (13I − AV (15I − AV (7I − AV))); c ≤ 0: ‖A‖₁‖A‖_∞.
/// Throws if V stops being finite (V₀ with a tiny c, or divergence on a singular A, see the
/// header). `c_given` is the c the caller passed (before any power-of-two scaling), for messages.
MatrixXd pinv_iterate(const MatrixXd& a, int iterations, double c, const char* fn, double c_given = -1) {
  const Index m = a.rows();
  if (!(c > 0)) {
    double n1, ninf;
    norms_1_inf(a, n1, ninf);
    c = n1 * ninf;
  }
  MatrixXd v = a.transpose() / c;
  if (!v.allFinite())
    fail(fn, "c (" + num(c_given > 0 ? c_given : c) +
                 ") is too small for a: the start V₀ = Aᵀ/c overflows double precision; the iteration converges "
                 "for c > ‖A‖₂²/2 (c = 0 picks ‖A‖₁‖A‖_∞)");
  MatrixXd av(m, m), t(m, m), u(m, m);
  for (int it = 0; it < iterations; ++it) {
    gemm(av, a, false, v, false);
    t = -av;
    t.diagonal().array() += 7.0;
    gemm(u, av, false, t, false);  // AV(7I − AV)
    t = -u;
    t.diagonal().array() += 15.0;
    gemm(u, av, false, t, false);  // AV(15I − AV(7I − AV))
    t = -u;
    t.diagonal().array() += 13.0;
    gemm(v, MatrixXd(v), false, t, false, 0.25);
    if (!v.allFinite()) {
      // σ_max² ≥ ‖A‖_F²/n: a c below half of that puts an eigenvalue of AV₀ = AAᵀ/c above 2, where
      // the iteration diverges whatever A is. Otherwise the cause is A's (numerical) null space.
      const double frob2 = a.squaredNorm() / static_cast<double>(m);
      if (2 * c < frob2)
        fail(fn, "the iterative pseudo-inverse diverged at iteration " + std::to_string(it + 1) + ": c (" +
                     num(c_given > 0 ? c_given : c) +
                     ") is too small for a (the iteration converges for c > ‖A‖₂²/2 ≥ ‖A‖_F²/(2n)); use c = 0 for "
                     "‖A‖₁‖A‖_∞");
      fail(fn, "the iterative pseudo-inverse diverged at iteration " + std::to_string(it + 1) +
                   ": the landmark kernel is singular to working precision, and rounding errors in its null space "
                   "grow 3.25× per iteration; use the SVD pseudo-inverse or fewer iterations");
    }
  }
  return v;
}

/// max(‖AXA − A‖_F/‖A‖_F, ‖XAX − X‖_F/‖X‖_F): the Moore–Penrose conditions, relative. For finite
/// A and X a NaN can only come from overflowing products: reported as inf (see residual_of).
double penrose_of(const MatrixXd& a, const MatrixXd& x) {
  const Index m = a.rows(), p = a.cols();
  MatrixXd ax(m, m), t1(m, p), xa(p, p), t2(p, m);
  gemm(ax, a, false, x, false);
  gemm(t1, ax, false, a, false);
  gemm(xa, x, false, a, false);
  gemm(t2, xa, false, x, false);
  const double na = a.norm(), nx = x.norm();
  const double r1 = na > 0 ? (t1 - a).norm() / na : 0.0;
  const double r2 = nx > 0 ? (t2 - x).norm() / nx : 0.0;
  return std::isnan(r1) || std::isnan(r2) ? kInf : std::max(r1, r2);
}

/// Pseudo-inverse from the SVD of A (rows × cols), read off the symmetric eigenproblem of
/// [[0, A], [Aᵀ, 0]], whose eigenvalues are ±σ_i with eigenvectors [u_i; ±v_i]/√2: backward stable,
/// and it reuses the symmetric eigensolver the library already contains rather than adding an
/// SVD to the wasm. A⁺ = Σ_{σ_i > tol} v_i u_iᵀ/σ_i = 2·Σ bottom_i top_iᵀ/σ_i.
MatrixXd pinv_svd_impl(const MatrixXd& a, int* rank, double* condition) {
  const Index m = a.rows(), p = a.cols(), r_max = std::min(m, p);
  MatrixXd aug = MatrixXd::Zero(m + p, m + p);
  aug.topRightCorner(m, p) = a;
  aug.bottomLeftCorner(p, m) = a.transpose();
  const Eigen::SelfAdjointEigenSolver<MatrixXd> es(aug);
  const VectorXd& lambda = es.eigenvalues();  // ascending; the r_max largest are the σ_i
  const double sigma_max = std::max(lambda(m + p - 1), 0.0);
  const double tol = static_cast<double>(std::max(m, p)) * kEps * sigma_max;
  Index r = 0;
  while (r < r_max && lambda(m + p - 1 - r) > tol) ++r;
  const MatrixXd& vecs = es.eigenvectors();
  MatrixXd bottom = vecs.block(m, m + p - r, p, r);  // columns of the r largest eigenvalues
  for (Index i = 0; i < r; ++i) ArrayMap(bottom.col(i).data(), p) *= 2.0 / lambda(m + p - r + i);
  MatrixXd out(p, m);
  gemm(out, bottom, false, vecs.block(0, m + p - r, m, r), true);
  if (rank) *rank = static_cast<int>(r);
  if (condition) *condition = (r == r_max && r > 0) ? sigma_max / lambda(m + p - r) : kInf;
  return out;
}

ML_SMALL_END

}  // namespace

ML_SMALL

// =================================================================================== exact

Result exact(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const Options& o) {
  constexpr const char* fn = "attention.exact";
  const Shape s = check_inputs(q, k, v, o, fn);
  Result r;
  prepare(r, s, o);
  Tally tally;
  for (Index h = 0; h < s.heads; ++h) {
    const Head hd = head_of(q, k, v, s, h, s.scale, 1.0);
    auto out = r.output.middleCols(h * s.dvh, s.dvh);
    auto vis = visit([&](Index r0, Index b, const CRef& pt, const CRef& ob) {
      out.middleRows(r0, b) = ob;
      if (o.matrix) put_transposed(r.matrix, h * s.n + r0, pt);
      if (o.errors) {
        tally.matrix(pt, pt);
        tally.output(ob, ob);
      }
    });
    exact_stream(hd, o.causal, fn, vis, o.matrix || o.errors);
  }
  require_finite_output(r.output, fn);
  if (o.errors) r.errors = tally.result();
  return r;
}

// ================================================================================== linear

Result linear(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const Options& o) {
  constexpr const char* fn = "attention.linear";
  const Shape s = check_inputs(q, k, v, o, fn);
  Result r;
  prepare(r, s, o);
  Tally tally;
  MatrixXd den;
  for (Index h = 0; h < s.heads; ++h) {
    const Head hd = head_of(q, k, v, s, h, 1.0, 1.0);
    MatrixXd pqt(s.dh, s.n), pk(s.N, s.dh);
    for (Index j = 0; j < s.dh; ++j) {
      for (Index i = 0; i < s.n; ++i) pqt(j, i) = elu1(hd.q(i, j));
      for (Index i = 0; i < s.N; ++i) pk(i, j) = elu1(hd.k(i, j));
    }
    auto out = r.output.middleCols(h * s.dvh, s.dvh);
    const Index bad = kernelized(pqt, pk, hd.v, o.causal, out, den);
    if (bad >= 0)
      fail(fn, "the normaliser φ(q_i)ᵀΣφ(k_j) of query row " + str(bad) + (s.heads > 1 ? " in head " + str(h) : "") +
                   " is " + num(den(bad)) + "; the inputs are too large in magnitude");
    if (o.matrix || o.errors) kernelized_extras(q, k, v, s, o, h, pqt, pk, den, out, r, tally, fn);
  }
  require_finite_output(r.output, fn);
  if (o.errors) r.errors = tally.result();
  return r;
}

// =============================================================================== performer

MatrixXd random_features(int features, int d, std::uint64_t seed, bool orthogonal) {
  constexpr const char* fn = "attention.randomFeatures";
  if (features < 1 || features > kMaxFeatures)
    fail(fn, "features must be an integer from 1 to " + std::to_string(kMaxFeatures) + ", got " + std::to_string(features));
  if (d < 1 || d > 65536) fail(fn, "d must be an integer from 1 to 65536, got " + std::to_string(d));
  const Index m = features, blocks = (m + d - 1) / d;
  require_memory(2.0 * static_cast<double>(blocks * d) * d, fn, "features·d");
  detail::Random rng(seed);
  // Row-major, so that rows are contiguous for Gram–Schmidt.
  std::vector<double> g(static_cast<size_t>(blocks * d * d));
  for (double& x : g) x = rng.normal();
  auto row = [&](Index i) { return g.data() + i * d; };
  auto dot = [&](const double* x, const double* y) {
    double s = 0;
    for (Index j = 0; j < d; ++j) s += x[j] * y[j];
    return s;
  };
  std::vector<double> scale(static_cast<size_t>(m), 1.0);
  if (orthogonal) {
    // Modified Gram–Schmidt on the rows of each d×d block, run twice ("twice is enough").
    for (Index b = 0; b < blocks; ++b)
      for (int pass = 0; pass < 2; ++pass)
        for (Index i = b * d; i < (b + 1) * d; ++i) {
          double* x = row(i);
          for (Index j = b * d; j < i; ++j) {
            const double* y = row(j);
            const double c = dot(x, y);
            for (Index t = 0; t < d; ++t) x[t] -= c * y[t];
          }
          const double inv = 1.0 / std::sqrt(dot(x, x));
          for (Index t = 0; t < d; ++t) x[t] *= inv;
        }
    for (Index r = 0; r < m; ++r) {
      double ss = 0;
      for (Index j = 0; j < d; ++j) {
        const double x = rng.normal();
        ss += x * x;
      }
      scale[static_cast<size_t>(r)] = std::sqrt(ss);
    }
  }
  MatrixXd w(m, d);
  for (Index r = 0; r < m; ++r)
    for (Index j = 0; j < d; ++j) w(r, j) = scale[static_cast<size_t>(r)] * row(r)[j];
  return w;
}

Result performer(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const PerformerOptions& o) {
  constexpr const char* fn = "attention.performer";
  const Shape s = check_inputs(q, k, v, o, fn);
  if (o.features < 1 || o.features > kMaxFeatures)
    fail(fn, "features must be an integer from 1 to " + std::to_string(kMaxFeatures) + ", got " +
                 std::to_string(o.features));
  const Index m = o.projection ? o.projection->rows() : o.features;
  require_memory(static_cast<double>(m) * static_cast<double>(2 * s.n + 2 * s.N + s.dv + 2 * s.dh), fn,
                 "features = " + str(m));
  MatrixXd w;
  if (o.projection) {
    const MatrixXd& p = *o.projection;
    if (p.rows() < 1 || p.cols() != s.dh)
      fail(fn, "projection must be a features×" + str(s.dh) + " matrix (head size " + str(s.dh) + " columns), got " +
                   detail::shape(p.rows(), p.cols()));
    detail::require_finite(p, fn, "projection");
    w = p;
  } else {
    w = random_features(o.features, static_cast<int>(s.dh), o.seed, o.orthogonal);
  }
  Result r;
  prepare(r, s, o);
  Tally tally;
  MatrixXd den;
  const double root = std::sqrt(s.scale);
  MatrixXd pk(s.N, m), pqt(m, s.n);
  VectorXd half_norm(s.N), mk(m);
  for (Index h = 0; h < s.heads; ++h) {
    const Head hd = head_of(q, k, v, s, h, root, root);
    // Key features exp(w_l·k − ‖k‖²/2 − M_l), M_l the maximum of column l: every column peaks at 1.
    gemm(pk, hd.k, false, w, true);
    half_norm = 0.5 * hd.k.rowwise().squaredNorm();
    for (Index l = 0; l < m; ++l) {
      double* p = pk.col(l).data();
      for (Index j = 0; j < s.N; ++j) p[j] -= half_norm(j);
      mk(l) = max_of(p, s.N);
      exp_shift(p, s.N, mk(l));
    }
    // Query features exp(w_l·q + M_l − c_i), c_i the maximum over l (the −‖q‖²/2 of φ cancels in
    // the normalisation, like c_i): every column peaks at 1, so the normaliser is ≥ 1.
    gemm(pqt, w, false, hd.q, true);
    for (Index i = 0; i < s.n; ++i) {
      double* p = pqt.col(i).data();
      for (Index l = 0; l < m; ++l) p[l] += mk(l);
      exp_shift(p, m, max_of(p, m));
    }
    auto out = r.output.middleCols(h * s.dvh, s.dvh);
    const Index bad = kernelized(pqt, pk, hd.v, o.causal, out, den);
    if (bad >= 0)
      fail(fn, "the random-feature normaliser of query row " + str(bad) + (s.heads > 1 ? " in head " + str(h) : "") +
                   " underflowed (" + num(den(bad)) + "): the logits span too wide a range; scale q and k down");
    if (o.matrix || o.errors) kernelized_extras(q, k, v, s, o, h, pqt, pk, den, out, r, tally, fn);
  }
  require_finite_output(r.output, fn);
  if (o.errors) r.errors = tally.result();
  return r;
}

// ================================================================================= Nyström

MatrixXd landmarks(const MatrixXd& x, int m, Segments segments) {
  constexpr const char* fn = "attention.landmarks";
  detail::require_nonempty(x, fn, "x");
  if (m < 1 || m > x.rows())
    fail(fn, "m must be an integer from 1 to the number of rows (" + str(x.rows()) + "), got " + std::to_string(m));
  if (segments == Segments::exact && x.rows() % m != 0)
    fail(fn, "m (" + std::to_string(m) + ") must divide the number of rows (" + str(x.rows()) +
                 ") with segments 'exact'; use 'balanced' or 'pad'");
  detail::require_finite(x, fn, "x");
  return landmarks_impl(x, m, segments);
}

namespace {
void check_pinv_iterative(const MatrixXd& a, int iterations, double c, const char* fn) {
  detail::require_nonempty(a, fn, "a");
  detail::require_square(a, fn, "a");
  detail::require_finite(a, fn, "a");
  if (iterations < 0 || iterations > kMaxIterations)
    fail(fn, "iterations must be an integer from 0 to " + std::to_string(kMaxIterations) + ", got " +
                 std::to_string(iterations));
  if (!(c >= 0) || !std::isfinite(c)) fail(fn, "c must be finite and non-negative, got " + num(c));
}

/// The iteration on B = 2^{-e}A (b), whose pseudo-inverse B⁺ = 2^{e}A⁺ it returns; c is A's.
MatrixXd pinv_iterate_scaled(const MatrixXd& b, int e, int iterations, double c, const char* fn) {
  if (b.isZero(0)) return MatrixXd::Zero(b.cols(), b.rows());
  return pinv_iterate(b, iterations, pow2_scaled_c(c, e), fn, c);
}
}  // namespace

MatrixXd pinv_iterative(const MatrixXd& a, int iterations, double c) {
  constexpr const char* fn = "attention.pinv";
  check_pinv_iterative(a, iterations, c, fn);
  // Entries far from 1 overflow (or underflow) the start scale ‖A‖₁‖A‖_∞ (A = [[1e300]]: c = inf,
  // V₀ = Aᵀ/c = 0 and the iteration stays at 0): iterate on B = 2^{-e}A instead, B⁺ = 2^{e}A⁺.
  const int e = pow2_exponent(a);
  if (e == 0) return pinv_iterate_scaled(a, 0, iterations, c, fn);
  return unscale_inverse(a, pinv_iterate_scaled(times_pow2(a, -e), e, iterations, c, fn), e, fn);
}

MatrixXd pinv_svd(const MatrixXd& a, int* rank, double* condition) {
  constexpr const char* fn = "attention.pinv";
  detail::require_nonempty(a, fn, "a");
  detail::require_finite(a, fn, "a");
  if (static_cast<double>(a.rows() + a.cols()) > 8192)
    fail(fn, "a is " + detail::shape(a.rows(), a.cols()) + "; the SVD pseudo-inverse is limited to rows + cols ≤ 8192");
  // 1/σ overflows for tiny entries (and ‖A‖ for huge ones): work on B = 2^{-e}A, B⁺ = 2^{e}A⁺.
  const int e = pow2_exponent(a);
  if (e == 0) return pinv_svd_impl(a, rank, condition);
  return unscale_inverse(a, pinv_svd_impl(times_pow2(a, -e), rank, condition), e, fn);
}

PinvResult pinv(const MatrixXd& a, Pinv method, int iterations, double c) {
  constexpr const char* fn = "attention.pinv";
  // Entries far from 1 overflow (or underflow) the start scale ‖A‖₁‖A‖_∞ and the Frobenius norms of
  // the residuals (A = [[1e300]]: V₀ = Aᵀ/inf = 0 and penrose 0/0 = NaN). B = 2^{-e}A has its
  // largest entry in [½, 1), B⁺ = 2^{e}A⁺, c scales as 2^{-2e}, and the residuals are scale-free.
  const int e = pow2_exponent(a);
  const MatrixXd scaled = e != 0 ? times_pow2(a, -e) : MatrixXd();
  const MatrixXd& b = e != 0 ? scaled : a;
  PinvResult r;
  if (method == Pinv::svd) {
    r.inverse = pinv_svd(b, &r.rank, &r.condition);
  } else {
    check_pinv_iterative(a, iterations, c, fn);
    r.inverse = pinv_iterate_scaled(b, e, iterations, c, fn);
  }
  r.residual = residual_of(b, r.inverse);
  r.penrose = penrose_of(b, r.inverse);
  r.inverse = unscale_inverse(a, r.inverse, e, fn);
  return r;
}

NystromResult nystrom(const MatrixXd& q, const MatrixXd& k, const MatrixXd& v, const NystromOptions& o) {
  constexpr const char* fn = "attention.nystrom";
  const Shape s = check_inputs(q, k, v, o, fn, /*allow_causal=*/false);
  const Index shortest = std::min(s.n, s.N);
  if (o.landmarks < 0) fail(fn, "landmarks must be a positive integer, got " + std::to_string(o.landmarks));
  const Index m = o.landmarks == 0 ? std::min<Index>(64, shortest) : o.landmarks;
  if (m > shortest)
    fail(fn, "landmarks (" + str(m) + ") exceeds the sequence length (" +
                 (s.n == s.N ? "n = " + str(s.n) : "min(n, N) = " + str(shortest)) + ")");
  if (o.segments == Segments::exact && (s.n % m != 0 || s.N % m != 0))
    fail(fn, "landmarks (" + str(m) + ") must divide n (" + str(s.n % m != 0 ? s.n : s.N) +
                 ") with segments 'exact' (the authors' code); use segments 'balanced' or 'pad'");
  if (o.pinv == Pinv::iterative && (o.iterations < 0 || o.iterations > kMaxIterations))
    fail(fn, "iterations must be an integer from 0 to " + std::to_string(kMaxIterations) + ", got " +
                 std::to_string(o.iterations));
  if (o.pinv == Pinv::svd && m > 4096)
    fail(fn, "landmarks (" + str(m) + ") is too many for the SVD pseudo-inverse (at most 4096)");
  require_memory(static_cast<double>(m) * static_cast<double>(s.n + 2 * s.N + 8 * m + s.dv), fn,
                 "landmarks = " + str(m));

  NystromResult r;
  prepare(r, s, o);
  r.landmarks = static_cast<int>(m);
  Tally tally;

  // Pass 1: landmarks and the m×m kernels of every head (the 'original' init needs all of them).
  std::vector<MatrixXd> qt(s.heads), kt(s.heads), ak(s.heads);
  for (Index h = 0; h < s.heads; ++h) {
    const Head hd = head_of(q, k, v, s, h, s.scale, 1.0);
    qt[h] = landmarks_impl(hd.q, m, o.segments);  // scaled query landmarks Q̃ (m × dh)
    kt[h] = landmarks_impl(hd.k, m, o.segments);  // key landmarks K̃ (m × dh)
    MatrixXd at(m, m);                            // Aᵀ: column i = logits of landmark query i
    gemm(at, kt[h], false, qt[h], true);
    softmax_columns(at, fn, "Q̃·K̃ᵀ");
    ak[h] = at.transpose();
  }
  double global_c = 0;
  if (o.pinv == Pinv::iterative && o.init == PinvInit::original)
    for (const MatrixXd& a : ak) {
      double n1, ninf;
      norms_1_inf(a, n1, ninf);
      global_c = std::max(global_c, n1);
    }

  Index worst_head = 0;
  double worst = -1;
  MatrixXd ft(m, s.n), bt(s.N, m), bv, wv, g, at;
  for (Index h = 0; h < s.heads; ++h) {
    const Head hd = head_of(q, k, v, s, h, s.scale, 1.0);
    const MatrixXd& a = ak[h];
    MatrixXd ap;
    if (o.pinv == Pinv::svd) {
      int rank = 0;
      double cond = 0;
      ap = pinv_svd_impl(a, &rank, &cond);
      r.kernel_rank.push_back(rank);
      r.kernel_condition.push_back(cond);
      if (rank < m)
        r.warnings.push_back("the landmark kernel A = softmax(Q̃K̃ᵀ) is numerically singular" +
                             (s.heads > 1 ? " in head " + str(h) : std::string()) + " (rank " + std::to_string(rank) +
                             " of " + str(m) + "): A⁺ is a pseudo-inverse and rows of the approximation need not sum to 1");
    } else {
      // 'original': the batch-global max column sum; per-matrix: 0 = ‖A‖₁‖A‖_∞ inside pinv_iterate.
      const double c = o.init == PinvInit::original ? global_c : 0.0;
      ap = pinv_iterate(a, o.iterations, c, fn);
      if (h == 0) {
        double n1, ninf;
        norms_1_inf(a, n1, ninf);
        r.init_scale = o.init == PinvInit::original ? c : n1 * ninf;
      }
    }
    r.pinv_residual.push_back(residual_of(a, ap));
    const double pen = penrose_of(a, ap);
    r.pinv_penrose.push_back(pen);
    if (pen > worst) {
      worst = pen;
      worst_head = h;
    }

    gemm(ft, kt[h], false, hd.q, true);  // m × n: column i = logits of query i against K̃
    softmax_columns(ft, fn, "q·K̃ᵀ");
    gemm(bt, hd.k, false, qt[h], true);  // N × m: column j = logits of landmark j against k
    softmax_columns(bt, fn, "Q̃·kᵀ");
    bv.resize(m, s.dvh);
    gemm(bv, bt, true, hd.v, false);  // B V
    wv.resize(m, s.dvh);
    gemm(wv, ap, false, bv, false);  // A⁺(BV)
    auto out = r.output.middleCols(h * s.dvh, s.dvh);
    gemm(out, ft, true, wv, false);  // F(A⁺(BV))

    if (o.matrix || o.errors) {
      g.resize(m, s.N);
      gemm(g, ap, false, bt, true);  // A⁺B
      if (o.matrix) gemm(r.matrix.middleRows(h * s.n, s.n), ft, true, g, false);
      if (o.errors) {
        auto vis = visit([&](Index r0, Index b, const CRef& pt, const CRef& ob) {
          at.resize(s.N, b);
          gemm(at, g, true, ft.middleCols(r0, b), false);  // rows r0… of F·A⁺B, transposed
          tally.matrix(at, pt);
          tally.output(out.middleRows(r0, b), ob);
        });
        exact_stream(hd, false, fn, vis);
      }
    }
  }
  if (o.pinv == Pinv::iterative && worst > kPinvWarn)
    r.warnings.push_back("the iterative pseudo-inverse has not converged after " + std::to_string(o.iterations) +
                         " iterations (Moore–Penrose residual " + num(worst) + ", ‖I − A·A⁺‖_F = " +
                         num(r.pinv_residual[static_cast<size_t>(worst_head)]) +
                         (s.heads > 1 ? " in head " + str(worst_head) : std::string()) +
                         "): the result differs from F·A⁺·B with the exact A⁺; use more iterations or pinv 'svd'");
  require_finite_output(r.output, fn);
  if (o.errors) r.errors = tally.result();
  return r;
}

// ================================================================================== inputs

Inputs sample_inputs(int n, int d, int dv, Structure structure, std::uint64_t seed, int clusters) {
  constexpr const char* fn = "attention.sampleInputs";
  if (n < 1) fail(fn, "n must be a positive integer, got " + std::to_string(n));
  if (d < 1) fail(fn, "d must be a positive integer, got " + std::to_string(d));
  if (dv < 1) fail(fn, "dv must be a positive integer, got " + std::to_string(dv));
  if (structure == Structure::clustered && (clusters < 1 || clusters > n))
    fail(fn, "clusters must be an integer from 1 to n (" + std::to_string(n) + "), got " + std::to_string(clusters));
  require_memory(static_cast<double>(n) * (2.0 * d + dv), fn, "n·(2d + dv)");
  detail::Random rng(seed);
  Inputs x;
  x.q.resize(n, d);
  x.k.resize(n, d);
  x.v.resize(n, dv);
  auto fill = [&](MatrixXd& m) {
    for (Index i = 0; i < m.rows(); ++i)
      for (Index j = 0; j < m.cols(); ++j) m(i, j) = rng.normal();
  };
  if (structure == Structure::random) {
    fill(x.q);
    fill(x.k);
  } else {
    MatrixXd centres(clusters, d);
    fill(centres);
    for (MatrixXd* m : {&x.q, &x.k})
      for (Index i = 0; i < n; ++i) {
        const Index c = (i * clusters) / n;
        for (Index j = 0; j < d; ++j) (*m)(i, j) = centres(c, j) + 0.5 * rng.normal();
      }
  }
  fill(x.v);
  return x;
}

ML_SMALL_END

}  // namespace mathlens::attention

// mathlens::rope — implementation. Formulas: spec/MATH.md §4; context scaling: Hugging Face
// `rope_scaling` (transformers/modeling_rope_utils.py).
//
// Code size matters (every module shares one wasm budget): everything except the rotation kernels
// is compiled for size (clang's minsize), messages go through one printf-style formatter, float and
// double batches share one driver, and matrix products go through two out-of-line helpers.
#include "mathlens/rope.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <type_traits>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "mathlens/detail/check.hpp"
#include "mathlens/detail/product.hpp"

#if defined(__clang__)
#define MATHLENS_ROPE_SMALL_BEGIN _Pragma("clang attribute push (__attribute__((minsize)), apply_to = function)")
#define MATHLENS_ROPE_SMALL_END _Pragma("clang attribute pop")
#else
#define MATHLENS_ROPE_SMALL_BEGIN
#define MATHLENS_ROPE_SMALL_END
#endif
#if defined(__GNUC__)
#define MATHLENS_ROPE_NOINLINE __attribute__((noinline))
#define MATHLENS_ROPE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MATHLENS_ROPE_NOINLINE
#define MATHLENS_ROPE_PRINTF(a, b)
#endif

namespace mathlens::rope {

MATHLENS_ROPE_SMALL_BEGIN

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::product;
using detail::transposed;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 6.28318530717958647692;
/// Positions beyond 2^53 are not distinct doubles; their angles carry no information.
constexpr double kMaxPosition = 9007199254740992.0;
constexpr int kMaxDim = 1 << 20;

using ll = long long;

// ---------------------------------------------------------------- messages

/// printf-style text; numbers in messages use "%.3g" like detail::num.
MATHLENS_ROPE_NOINLINE MATHLENS_ROPE_PRINTF(1, 2) std::string format(const char* f, ...) {
  char buf[400];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

/// Throws mathlens::Error("<fn>: <formatted text>").
[[noreturn]] MATHLENS_ROPE_NOINLINE MATHLENS_ROPE_PRINTF(2, 3) void failf(const char* fn, const char* f, ...) {
  char buf[400];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  detail::fail(fn, buf);
}

// ---------------------------------------------------------------- validation

void check_base(double base, const char* fn) {
  if (!std::isfinite(base) || !(base > 1)) failf(fn, "base must be a finite number greater than 1, got %.3g", base);
}

void check_dim(int dim, const char* fn, int max_dim = kMaxDim) {
  if (dim < 2 || dim % 2 != 0 || dim > max_dim)
    failf(fn, "dim must be an even integer from 2 to %d, got %d", max_dim, dim);
}

const char* const kKindNames[] = {"none", "linear", "ntk", "dynamic", "yarn", "llama3"};

void check_scaling(const Scaling& s, const char* fn) {
  const auto kind = static_cast<int>(s.kind);
  if (kind < 0 || kind > 5) failf(fn, "scaling.type is not one of the known kinds (%d)", kind);
  if (s.kind == ScalingKind::none) return;
  if (!std::isfinite(s.factor) || s.factor < 1) failf(fn, "scaling.factor must be a finite number ≥ 1, got %.3g", s.factor);
  const bool needs_l0 = s.kind == ScalingKind::dynamic || s.kind == ScalingKind::yarn || s.kind == ScalingKind::llama3;
  if (!std::isfinite(s.original_context) || s.original_context < 0 || (needs_l0 && s.original_context == 0))
    failf(fn, "scaling.originalContext must be a positive number (the trained context length) for '%s', got %.3g",
          kKindNames[kind], s.original_context);
  if (!std::isfinite(s.length) || s.length < 0) failf(fn, "scaling.length must be a finite number ≥ 0, got %.3g", s.length);
  if (s.kind == ScalingKind::yarn) {
    if (!(s.beta_slow > 0) || !(s.beta_fast > s.beta_slow) || !std::isfinite(s.beta_fast))
      failf(fn, "scaling.betaFast and scaling.betaSlow must satisfy betaFast > betaSlow > 0, got %.3g and %.3g",
            s.beta_fast, s.beta_slow);
    if (s.attention_factor && (!std::isfinite(*s.attention_factor) || !(*s.attention_factor > 0)))
      failf(fn, "scaling.attentionFactor must be a finite number > 0, got %.3g", *s.attention_factor);
  }
  if (s.kind == ScalingKind::llama3 &&
      (!(s.low_freq_factor > 0) || !(s.high_freq_factor > s.low_freq_factor) || !std::isfinite(s.high_freq_factor)))
    failf(fn,
          "scaling.highFreqFactor and scaling.lowFreqFactor must satisfy highFreqFactor > lowFreqFactor > 0, got "
          "%.3g and %.3g",
          s.high_freq_factor, s.low_freq_factor);
}

void check_position(double p, const char* fn, const char* arg) {
  if (!std::isfinite(p)) failf(fn, "%s must be a finite number, got %.3g", arg, p);
  if (std::abs(p) > kMaxPosition) failf(fn, "%s must be at most 2^53 in magnitude, got %.3g", arg, p);
}

/// Finite entries with |p| ≤ 2^53 (rows × axes, row-major).
void require_positions(const double* pos, Index n, Index axes, const char* fn) {
  if (!pos) return;
  for (Index t = 0; t < n; ++t)
    for (Index a = 0; a < axes; ++a) {
      const double p = pos[t * axes + a];
      if (std::isfinite(p) && std::abs(p) <= kMaxPosition) continue;
      const std::string where = axes == 1 ? format("[%lld]", ll(t)) : format("(%lld, %lld)", ll(t), ll(a));
      if (!std::isfinite(p)) failf(fn, "positions has a non-finite entry (%.3g) at %s", p, where.c_str());
      failf(fn, "positions has an entry too large for its angle to mean anything (%.3g) at %s; |position| must be at most 2^53",
            p, where.c_str());
    }
}

void require_offsets(const VectorXd& r, const char* fn, const char* arg) {
  if (r.size() == 0) failf(fn, "%s is empty", arg);
  for (Index i = 0; i < r.size(); ++i) {
    if (!std::isfinite(r(i))) failf(fn, "%s has a non-finite entry (%.3g) at [%lld]", arg, r(i), ll(i));
    if (std::abs(r(i)) > kMaxPosition) failf(fn, "%s has an entry larger than 2^53 in magnitude (%.3g) at [%lld]", arg, r(i), ll(i));
  }
}

/// The first non-finite entry of a row-major rows×cols block of doubles or floats.
[[noreturn]] void fail_non_finite(const char* fn, const char* arg, const void* x, bool f32, Index size, Index cols) {
  for (Index k = 0; k < size; ++k) {
    const double v = f32 ? static_cast<const float*>(x)[k] : static_cast<const double*>(x)[k];
    if (!std::isfinite(v)) failf(fn, "%s has a non-finite entry (%.3g) at (%lld, %lld)", arg, v, ll(k / cols), ll(k % cols));
  }
  failf(fn, "%s has a non-finite entry", arg);
}

/// Calls whose cost is not linear in their input (offsets × frequencies) are capped, so that no call
/// can freeze a page for minutes.
constexpr double kMaxTerms = 1e8;
void check_terms(double terms, const char* fn, const char* what) {
  if (terms > kMaxTerms) failf(fn, "%s = %.3g terms; at most 1e+08 per call", what, terms);
}

void require_finite_matrix(const MatrixXd& m, const char* fn, const char* arg) {
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j))) failf(fn, "%s has a non-finite entry (%.3g) at (%lld, %lld)", arg, m(i, j), ll(i), ll(j));
}

void require_finite_vector(const VectorXd& v, const char* fn, const char* arg) {
  for (Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v(i))) failf(fn, "%s has a non-finite entry (%.3g) at [%lld]", arg, v(i), ll(i));
}

// ---------------------------------------------------------------- products (one instantiation each)

// Through detail::product with explicit transposes (see mathlens/detail/product.hpp).
/// aᵀ b
MatrixXd mul_tn(const MatrixXd& a, const MatrixXd& b) { return product(transposed(a), b); }
/// a bᵀ
MatrixXd mul_nt(const MatrixXd& a, const MatrixXd& b) { return product(a, transposed(b)); }
/// max |a − s·b| over all entries (s = −1: max |a + b|).
MATHLENS_ROPE_NOINLINE double max_abs_diff(const MatrixXd& a, const MatrixXd& b, double s = 1) {
  double m = 0;
  for (Index k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a.data()[k] - s * b.data()[k]));
  return m;
}
MATHLENS_ROPE_NOINLINE double max_abs(const double* x, Index n) {
  double m = 0;
  for (Index k = 0; k < n; ++k) m = std::max(m, std::abs(x[k]));
  return m;
}
double max_abs(const MatrixXd& a) { return max_abs(a.data(), a.size()); }
double max_abs(const VectorXd& a) { return max_abs(a.data(), a.size()); }
MATHLENS_ROPE_NOINLINE MatrixXd identity(Index n) {
  MatrixXd m = MatrixXd::Zero(n, n);
  for (Index i = 0; i < n; ++i) m(i, i) = 1;
  return m;
}

// ---------------------------------------------------------------- frequencies

/// θ'_i of a rotary dimension r, and the factor that multiplies the rotated q and k.
struct Schedule {
  VectorXd theta;
  double attention = 1;
  double base = 0;  ///< effective base (ntk, dynamic); base otherwise
};

VectorXd plain_theta(Index r, double base) {
  VectorXd t(r / 2);
  for (Index i = 0; i < r / 2; ++i) t(i) = std::pow(base, -(2.0 * static_cast<double>(i)) / static_cast<double>(r));
  return t;
}

Schedule schedule(Index r, double base, const Scaling& s, double length) {
  Schedule out;
  out.base = base;
  const double exponent = static_cast<double>(r) / static_cast<double>(r - 2);  // NTK: d/(d−2)
  if (s.kind == ScalingKind::ntk && r > 2) out.base = base * std::pow(s.factor, exponent);
  if (s.kind == ScalingKind::dynamic && r > 2) {
    const double len = s.length > 0 ? s.length : length;
    if (len > s.original_context) out.base = base * std::pow(s.factor * len / s.original_context - (s.factor - 1), exponent);
  }
  out.theta = plain_theta(r, out.base);
  VectorXd& t = out.theta;
  if (s.kind == ScalingKind::linear)
    for (Index i = 0; i < t.size(); ++i) t(i) /= s.factor;
  if (s.kind == ScalingKind::yarn) {
    // Hugging Face's find_correction_range: the dims that turn betaFast and betaSlow times over L₀.
    const auto dim_of = [&](double turns) {
      return static_cast<double>(r) * std::log(s.original_context / (turns * kTwoPi)) / (2 * std::log(base));
    };
    double low = dim_of(s.beta_fast), high = dim_of(s.beta_slow);
    if (s.truncate) {
      low = std::floor(low);
      high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(r - 1));
    if (low == high) high += 0.001;
    for (Index i = 0; i < t.size(); ++i) {
      const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
      t(i) = t(i) / s.factor * ramp + t(i) * (1 - ramp);  // HF: interpolation·(1 − γ) + extrapolation·γ
    }
    out.attention = s.attention_factor ? *s.attention_factor : (s.factor > 1 ? 0.1 * std::log(s.factor) + 1 : 1.0);
  }
  if (s.kind == ScalingKind::llama3) {
    const double low_wl = s.original_context / s.low_freq_factor, high_wl = s.original_context / s.high_freq_factor;
    for (Index i = 0; i < t.size(); ++i) {
      const double wl = kTwoPi / t(i);
      if (wl > low_wl) t(i) /= s.factor;
      else if (wl >= high_wl) {
        const double smooth = (s.original_context / wl - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        t(i) = (1 - smooth) * t(i) / s.factor + smooth * t(i);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- validation of apply

struct Shape {
  Index head_dim, rotary;
};

Index head_dim_of(Index cols, int heads, const char* fn) {
  if (heads < 1 || cols % heads != 0)
    failf(fn, "heads must be a positive integer that divides the %lld columns of x, got %d", ll(cols), heads);
  return cols / heads;
}

/// Every check of apply except the finiteness of x (`fn` names the caller in messages).
Shape validate_apply(Index rows, Index cols, const double* positions, const Options& o, const char* fn) {
  if (rows < 0 || cols < 0) failf(fn, "x has a negative shape");
  const Index hd = head_dim_of(cols, o.heads, fn);
  if (hd == 0 || hd % 2 != 0) {
    if (o.heads == 1) failf(fn, "x has %lld columns; the dimension must be a positive even number (RoPE rotates pairs)", ll(cols));
    failf(fn, "x has %lld columns = %d heads × %lld; the head dimension must be a positive even number (RoPE rotates pairs)",
          ll(cols), o.heads, ll(hd));
  }
  if (hd > kMaxDim) failf(fn, "the head dimension %lld is larger than %d", ll(hd), kMaxDim);
  const Index r = o.rotary_dim == 0 ? hd : o.rotary_dim;
  if (r < 2 || r > hd || r % 2 != 0)
    failf(fn, "rotaryDim must be an even integer from 2 to %lld (the head dimension), got %d", ll(hd), o.rotary_dim);
  check_base(o.base, fn);
  check_scaling(o.scaling, fn);
  require_positions(positions, rows, 1, fn);
  return {hd, r};
}

/// The frequencies of one part of axial RoPE (part dimension P = hd / axes).
VectorXd axial_theta(Index hd, Index axes, const AxialOptions& o) {
  const Index part = hd / axes;
  if (o.frequencies == AxialFrequencies::split) return plain_theta(part, o.base);
  const VectorXd all = plain_theta(hd, o.base);
  VectorXd t(part / 2);
  for (Index j = 0; j < t.size(); ++j) t(j) = all(j);
  return t;
}

void check_axial_shape(Index hd, int axes, const char* fn) {
  if (axes < 1 || axes > 64) failf(fn, "positions must have from 1 to 64 columns (one per axis), got %d", axes);
  if (hd == 0 || hd % (2 * axes) != 0) {
    if (std::strcmp(fn, "rope.apply2d") == 0 || std::strcmp(fn, "rope.scores2d") == 0)
      failf(fn, "the head dimension must be a multiple of 4 for 2-D RoPE (two halves of even size), got %lld", ll(hd));
    failf(fn, "the head dimension must be a multiple of 2 × axes = %d, got %lld", 2 * axes, ll(hd));
  }
}

Index validate_axial(Index rows, Index cols, const double* positions, int axes, const AxialOptions& o, const char* fn) {
  if (rows < 0 || cols < 0) failf(fn, "x has a negative shape");
  if (!positions && rows > 0) failf(fn, "positions are required (one row of coordinates per row of x)");
  const Index hd = head_dim_of(cols, o.heads, fn);
  if (hd == 0 && axes >= 1 && axes <= 64)
    failf(fn, "x has 0 columns; the head dimension must be a positive multiple of 2 × axes = %d", 2 * axes);
  check_axial_shape(hd, axes, fn);
  check_base(o.base, fn);
  require_positions(positions, rows, axes, fn);
  return hd;
}

// The hot part: angle tables and rotation kernels, optimised for speed.
MATHLENS_ROPE_SMALL_END

// ---------------------------------------------------------------- angles per row

/// cos(p θ_i)·scale and sin(p θ_i)·scale at the position p of each row. Integer positions spanning
/// L use exact sin/cos at about √L coarse points and √L offsets, combined by the angle addition
/// formula (error ≤ 3 ulp on top of the angle's own rounding, |p θ|·2⁻⁵³); other positions call
/// sin/cos directly.
class Angles {
 public:
  Angles(const VectorXd& theta, double scale) : theta_(theta), scale_(scale), m_(theta.size()) {}

  /// `pos` (stride apart) for rows 0..n−1, or nullptr for p_t = t.
  void prepare(const double* pos, Index n, Index stride) {
    pos_ = pos;
    stride_ = stride;
    if (n < 32 || m_ == 0) return;
    double lo = pos ? pos[0] : 0, hi = pos ? pos[0] : static_cast<double>(n - 1);
    if (pos)
      for (Index t = 0; t < n; ++t) {
        const double p = pos[t * stride];
        if (p != std::floor(p)) return;
        lo = std::min(lo, p);
        hi = std::max(hi, p);
      }
    const double span = hi - lo;
    if (span > 4.0e9) return;
    const Index k = std::max<Index>(1, static_cast<Index>(std::ceil(std::sqrt(span + 1))));
    const Index q = static_cast<Index>(std::floor(span / static_cast<double>(k))) + 1;
    if (2 * (k + q) > n) return;  // direct evaluation is cheaper
    fast_ = true;
    p0_ = lo;
    k_ = k;
    fine_.resize(2 * k * m_);
    coarse_.resize(2 * q * m_);
    for (Index r = 0; r < k; ++r)
      for (Index i = 0; i < m_; ++i) {
        const double a = static_cast<double>(r) * theta_(i);
        fine_[2 * r * m_ + i] = std::cos(a);
        fine_[(2 * r + 1) * m_ + i] = std::sin(a);
      }
    for (Index j = 0; j < q; ++j)
      for (Index i = 0; i < m_; ++i) {
        const double a = (lo + static_cast<double>(j * k)) * theta_(i);
        coarse_[2 * j * m_ + i] = scale_ * std::cos(a);
        coarse_[(2 * j + 1) * m_ + i] = scale_ * std::sin(a);
      }
  }

  /// c[i] = cos(p θ_i), s[i] = sin(p θ_i) (times the scale) for the row's position p.
  void row(Index t, double* __restrict c, double* __restrict s) const {
    const double p = pos_ ? pos_[t * stride_] : static_cast<double>(t);
    const Index m = m_;  // a local: the stores below cannot alias it, so the loops vectorise
    if (fast_) {
      const double d = p - p0_;
      const auto j = static_cast<Index>(d / static_cast<double>(k_));
      const Index r = static_cast<Index>(d) - j * k_;
      const double* __restrict cc = &coarse_[2 * j * m];
      const double* __restrict cs = cc + m;
      const double* __restrict fc = &fine_[2 * r * m];
      const double* __restrict fs = fc + m;
      for (Index i = 0; i < m; ++i) {
        c[i] = cc[i] * fc[i] - cs[i] * fs[i];
        s[i] = cs[i] * fc[i] + cc[i] * fs[i];
      }
      return;
    }
    const double scale = scale_;
    const double* th = theta_.data();
    for (Index i = 0; i < m; ++i) {
      const double a = p * th[i];
      c[i] = scale * std::cos(a);
      s[i] = scale * std::sin(a);
    }
  }

 private:
  VectorXd theta_;
  double scale_;
  Index m_;
  const double* pos_ = nullptr;
  Index stride_ = 1;
  bool fast_ = false;
  double p0_ = 0;
  Index k_ = 1;
  std::vector<double> fine_, coarse_;  // per offset/coarse point: m cosines then m sines
};

// ---------------------------------------------------------------- kernels

#if defined(__wasm_simd128__)
/// Interleaved pairs, two at a time in wasm SIMD: LLVM's auto-vectorisation of the strided scalar
/// loop below is poor in wasm (f32: 1.6x native). Splits (u0 v0 u1 v1) into u, v with one shuffle,
/// computes in f64x2 exactly as the scalar loop does (same products and sums, so bit-identical
/// results), converts back and re-interleaves. x may equal out: each group is loaded before it is
/// stored. Returns the number of pairs done (an even number; the caller does the last odd pair).
template <class T>
inline Index rotate_interleaved_simd(const T* x, T* out, Index m, const double* c, const double* s) {
  const Index even = m - m % 2;
  for (Index i = 0; i < even; i += 2) {
    const v128_t cv = wasm_v128_load(c + i), sv = wasm_v128_load(s + i);
    v128_t u, v;
    if constexpr (std::is_same_v<T, float>) {
      const v128_t xv = wasm_v128_load(x + 2 * i);              // u0 v0 u1 v1
      const v128_t de = wasm_i32x4_shuffle(xv, xv, 0, 2, 1, 3);  // u0 u1 v0 v1
      u = wasm_f64x2_promote_low_f32x4(de);
      v = wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(de, de, 1, 0));
    } else {
      const v128_t a = wasm_v128_load(x + 2 * i), b = wasm_v128_load(x + 2 * i + 2);
      u = wasm_i64x2_shuffle(a, b, 0, 2);
      v = wasm_i64x2_shuffle(a, b, 1, 3);
    }
    const v128_t ou = wasm_f64x2_sub(wasm_f64x2_mul(u, cv), wasm_f64x2_mul(v, sv));
    const v128_t ov = wasm_f64x2_add(wasm_f64x2_mul(u, sv), wasm_f64x2_mul(v, cv));
    if constexpr (std::is_same_v<T, float>) {
      const v128_t du = wasm_f32x4_demote_f64x2_zero(ou), dv = wasm_f32x4_demote_f64x2_zero(ov);
      wasm_v128_store(out + 2 * i, wasm_i32x4_shuffle(du, dv, 0, 4, 1, 5));
    } else {
      wasm_v128_store(out + 2 * i, wasm_i64x2_shuffle(ou, ov, 0, 2));
      wasm_v128_store(out + 2 * i + 2, wasm_i64x2_shuffle(ou, ov, 1, 3));
    }
  }
  return even;
}

/// Half-split float32 pairs, four at a time (u = x[i..i+3], v = x[m+i..m+i+3]): the same f64x2
/// arithmetic as the scalar loop, so bit-identical; float64 is left to the auto-vectorised loop,
/// which is already at native speed. x may equal out. Returns the pairs done (a multiple of 4).
inline Index rotate_half_simd(const float* x, float* out, Index m, const double* c, const double* s) {
  const Index done = m - m % 4;
  for (Index i = 0; i < done; i += 4) {
    const v128_t u4 = wasm_v128_load(x + i), v4 = wasm_v128_load(x + m + i);
    v128_t ou[2], ov[2];
    for (int h = 0; h < 2; ++h) {  // lanes 0-1, then 2-3
      const v128_t u = wasm_f64x2_promote_low_f32x4(h ? wasm_i64x2_shuffle(u4, u4, 1, 0) : u4);
      const v128_t v = wasm_f64x2_promote_low_f32x4(h ? wasm_i64x2_shuffle(v4, v4, 1, 0) : v4);
      const v128_t cv = wasm_v128_load(c + i + 2 * h), sv = wasm_v128_load(s + i + 2 * h);
      ou[h] = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_sub(wasm_f64x2_mul(u, cv), wasm_f64x2_mul(v, sv)));
      ov[h] = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_add(wasm_f64x2_mul(v, cv), wasm_f64x2_mul(u, sv)));
    }
    wasm_v128_store(out + i, wasm_i64x2_shuffle(ou[0], ou[1], 0, 2));
    wasm_v128_store(out + m + i, wasm_i64x2_shuffle(ov[0], ov[1], 0, 2));
  }
  return done;
}
#endif

/// The first pairs of a half-split part done by a SIMD kernel where there is one (wasm, float32).
template <class T>
inline Index rotate_half_fast(const T* x, T* out, Index m, const double* c, const double* s) {
#if defined(__wasm_simd128__)
  if constexpr (std::is_same_v<T, float>) return rotate_half_simd(x, out, m, c, s);
#endif
  (void)x, (void)out, (void)m, (void)c, (void)s;
  return 0;
}

/// Rotates the m pairs of one part by the row's cos/sin: out of place (x and out do not overlap).
template <class T>
inline void rotate_pairs(const T* __restrict x, T* __restrict out, Index m, Pairing pairing,
                         const double* __restrict c, const double* __restrict s) {
  if (pairing == Pairing::half) {
    for (Index i = rotate_half_fast(x, out, m, c, s); i < m; ++i) {
      const double u = x[i], v = x[i + m];
      out[i] = static_cast<T>(u * c[i] - v * s[i]);
      out[i + m] = static_cast<T>(v * c[i] + u * s[i]);
    }
  } else {
    Index i = 0;
#if defined(__wasm_simd128__)
    i = rotate_interleaved_simd(x, out, m, c, s);
#endif
    for (; i < m; ++i) {
      const double u = x[2 * i], v = x[2 * i + 1];
      out[2 * i] = static_cast<T>(u * c[i] - v * s[i]);
      out[2 * i + 1] = static_cast<T>(u * s[i] + v * c[i]);
    }
  }
}

/// The same in place: one pointer, so the compiler needs no overlap check to vectorise.
template <class T>
inline void rotate_pairs_inplace(T* __restrict x, Index m, Pairing pairing, const double* __restrict c,
                                 const double* __restrict s) {
  if (pairing == Pairing::half) {
    for (Index i = rotate_half_fast(x, x, m, c, s); i < m; ++i) {
      const double u = x[i], v = x[i + m];
      x[i] = static_cast<T>(u * c[i] - v * s[i]);
      x[i + m] = static_cast<T>(v * c[i] + u * s[i]);
    }
  } else {
    Index i = 0;
#if defined(__wasm_simd128__)
    i = rotate_interleaved_simd(x, x, m, c, s);
#endif
    for (; i < m; ++i) {
      const double u = x[2 * i], v = x[2 * i + 1];
      x[2 * i] = static_cast<T>(u * c[i] - v * s[i]);
      x[2 * i + 1] = static_cast<T>(u * s[i] + v * c[i]);
    }
  }
}

/// Throws on the first non-finite entry, and when the rotated values (at most `gain`·max|x|) would
/// overflow the element type. One vectorised pass, Σ x²: finite exactly when every x is finite and
/// small enough (|x| < 1e19 for float, 1e154 for double) that no overflow is possible; otherwise a
/// scan tells the cases apart.
void require_finite_block(const void* x, bool f32, Index rows, Index cols, const char* fn, const char* arg,
                          double gain = 1) {
  const Index size = rows * cols;
  if (size == 0) return;
  const bool ok = f32 ? std::isfinite(Eigen::Map<const Eigen::ArrayXf>(static_cast<const float*>(x), size).square().sum())
                      : std::isfinite(Eigen::Map<const Eigen::ArrayXd>(static_cast<const double*>(x), size).square().sum());
  if (ok && gain <= 4) return;
  double largest = 0;
  for (Index k = 0; k < size; ++k) {
    const double v = f32 ? static_cast<const float*>(x)[k] : static_cast<const double*>(x)[k];
    if (!std::isfinite(v)) fail_non_finite(fn, arg, x, f32, size, cols);
    largest = std::max(largest, std::abs(v));
  }
  // A rotated pair keeps its length: |out| ≤ √2 · gain · max |x|.
  const double limit = f32 ? 3.4028234663852886e38 : 1.7976931348623157e308;
  if (largest > limit / (1.4142135623730951 * gain))
    failf(fn, "%s has entries up to %.3g in magnitude; rotated%s they could exceed the largest %s", arg, largest,
          gain > 1 ? " and scaled by the attention factor" : "", f32 ? "float32" : "float64");
}

/// Rotates, in every row t and head h, the m pairs of the part at column h·hd + offset by the angles
/// of row t (the one loop nest of 1-D and axial RoPE; x and out may be the same block). One
/// instantiation per element type and pairing keeps the inner loop free of branches.
template <class T, Pairing P>
MATHLENS_ROPE_NOINLINE void rotate_rows_t(const T* x, T* out, Index rows, Index cols, Index heads, Index hd,
                                          Index offset, Index m, const Angles& angles) {
  std::vector<double> buf(2 * m);
  double* c = buf.data();
  double* s = c + m;
  for (Index t = 0; t < rows; ++t) {
    angles.row(t, c, s);
    for (Index h = 0; h < heads; ++h) {
      const Index at = t * cols + h * hd + offset;
      if (x == out) rotate_pairs_inplace(out + at, m, P, c, s);
      else rotate_pairs(x + at, out + at, m, P, c, s);
    }
  }
}

void rotate_rows(const void* x, void* out, bool f32, Index rows, Index cols, Index heads, Index hd, Index offset,
                 Index m, Pairing pairing, const Angles& angles) {
  const auto* xf = static_cast<const float*>(x);
  const auto* xd = static_cast<const double*>(x);
  auto* of = static_cast<float*>(out);
  auto* od = static_cast<double*>(out);
  if (f32 && pairing == Pairing::half) rotate_rows_t<float, Pairing::half>(xf, of, rows, cols, heads, hd, offset, m, angles);
  else if (f32) rotate_rows_t<float, Pairing::interleaved>(xf, of, rows, cols, heads, hd, offset, m, angles);
  else if (pairing == Pairing::half) rotate_rows_t<double, Pairing::half>(xd, od, rows, cols, heads, hd, offset, m, angles);
  else rotate_rows_t<double, Pairing::interleaved>(xd, od, rows, cols, heads, hd, offset, m, angles);
}

MATHLENS_ROPE_SMALL_BEGIN

void apply_any(const void* x, void* out, bool f32, Index rows, Index cols, const double* positions, const Options& o,
               const char* fn = "rope.apply", const char* arg = "x") {
  const auto [hd, r] = validate_apply(rows, cols, positions, o, fn);
  if (rows == 0) return;
  double length = static_cast<double>(rows);
  if (positions) {
    length = 0;
    for (Index t = 0; t < rows; ++t) length = std::max(length, positions[t] + 1);
  }
  const Schedule sc = schedule(r, o.base, o.scaling, length);
  require_finite_block(x, f32, rows, cols, fn, arg, sc.attention);
  // YaRN's factor a multiplies cos and sin, as in Hugging Face. A factor so small that a·cos and
  // a·sin would be subnormal (a few bits of precision: a rotated pair then changed its length by up
  // to 50%) multiplies the rotated values instead.
  const bool fold = sc.attention >= 0x1p-960;
  Angles angles(sc.theta, fold ? sc.attention : 1.0);
  angles.prepare(positions, rows, 1);
  rotate_rows(x, out, f32, rows, cols, o.heads, hd, 0, r / 2, o.pairing, angles);
  if (!fold)
    for (Index t = 0; t < rows; ++t)
      for (Index h = 0; h < o.heads; ++h)
        for (Index j = 0; j < r; ++j) {
          const Index at = t * cols + h * hd + j;
          if (f32) static_cast<float*>(out)[at] = static_cast<float>(static_cast<float*>(out)[at] * sc.attention);
          else static_cast<double*>(out)[at] *= sc.attention;
        }
  if (out != x && r < hd) {  // the dims beyond rotaryDim pass unchanged
    const std::size_t elem = f32 ? sizeof(float) : sizeof(double);
    for (Index t = 0; t < rows; ++t)
      for (Index h = 0; h < o.heads; ++h) {
        const std::size_t at = elem * static_cast<std::size_t>(t * cols + h * hd + r);
        std::memcpy(static_cast<char*>(out) + at, static_cast<const char*>(x) + at, elem * (hd - r));
      }
  }
}

void apply_axial_any(const void* x, void* out, bool f32, Index rows, Index cols, const double* positions, int axes,
                     const AxialOptions& o, const char* fn) {
  const Index hd = validate_axial(rows, cols, positions, axes, o, fn);
  require_finite_block(x, f32, rows, cols, fn, "x");
  if (rows == 0) return;
  const Index part = hd / axes;
  const VectorXd theta = axial_theta(hd, axes, o);
  for (int a = 0; a < axes; ++a) {  // part a of every head follows coordinate a (parts are disjoint)
    Angles angles(theta, 1.0);
    angles.prepare(positions + a, rows, axes);
    rotate_rows(x, out, f32, rows, cols, o.heads, hd, a * part, part / 2, o.pairing, angles);
  }
}

// ---------------------------------------------------------------- dense matrices

/// Dims (a, b) of pair i of a block of dimension r starting at `offset`.
std::pair<Index, Index> pair_dims(Index i, Index r, Pairing p, Index offset = 0) {
  return p == Pairing::half ? std::pair{offset + i, offset + i + r / 2} : std::pair{offset + 2 * i, offset + 2 * i + 1};
}

/// Writes the rotation by `angle` (angle == NaN: the generator entries ±`gen`) into the pair (a, b).
void put_pair(MatrixXd& M, std::pair<Index, Index> ab, double angle, double gen, bool generator) {
  const auto [a, b] = ab;
  const double c = generator ? 0 : std::cos(angle), s = generator ? gen : std::sin(angle);
  M(a, a) = c;
  M(a, b) = -s;
  M(b, a) = s;
  M(b, b) = c;
}

Index rotary_of(int dim, const Options& o, const char* fn) {
  const Index r = o.rotary_dim == 0 ? dim : o.rotary_dim;
  if (r < 2 || r > dim || r % 2 != 0)
    failf(fn, "rotaryDim must be an even integer from 2 to %d (the dimension), got %d", dim, o.rotary_dim);
  return r;
}

/// R_m (generator == false) or B (generator == true) of 1-D RoPE.
MatrixXd dense_1d(int dim, double m, const Options& o, const char* fn, bool generator) {
  const Index r = rotary_of(dim, o, fn);
  const VectorXd theta = schedule(r, o.base, o.scaling, std::abs(m) + 1).theta;
  MatrixXd M = generator ? MatrixXd::Zero(dim, dim) : identity(dim);
  for (Index i = 0; i < r / 2; ++i) put_pair(M, pair_dims(i, r, o.pairing), m * theta(i), theta(i), generator);
  return M;
}

/// R_p of axial RoPE, or (axis ≥ 0) the generator B_axis.
MatrixXd dense_axial(int dim, const VectorXd& p, Index axes, const AxialOptions& o, Index axis = -1) {
  const Index part = dim / axes;
  const VectorXd theta = axial_theta(dim, axes, o);
  MatrixXd M = axis >= 0 ? MatrixXd::Zero(dim, dim) : identity(dim);
  for (Index a = 0; a < axes; ++a)
    for (Index j = 0; j < part / 2; ++j)
      if (axis < 0 || axis == a) put_pair(M, pair_dims(j, part, o.pairing, a * part), axis < 0 ? p(a) * theta(j) : 0, theta(j), axis >= 0);
  return M;
}

void check_matrix_args(int dim, const Options& o, const char* fn, int max_dim) {
  check_dim(dim, fn, max_dim);
  check_base(o.base, fn);
  check_scaling(o.scaling, fn);
}

void check_axial_dense(int dim, int axes, const AxialOptions& o, const char* fn, int max_dim) {
  check_dim(dim, fn, max_dim);
  check_axial_shape(dim, axes, fn);
  check_base(o.base, fn);
}

void check_point(const VectorXd& p, const char* fn, const char* arg) {
  for (Index a = 0; a < p.size(); ++a) check_position(p(a), fn, format("%s[%lld]", arg, ll(a)).c_str());
}

/// exp(A) where A is non-zero only in the listed disjoint 2×2 blocks: block by block above 64 dims
/// (each block through the general expm), the dense expm below.
MatrixXd expm_blocks(const MatrixXd& A, const std::vector<std::pair<Index, Index>>& pairs) {
  if (A.rows() <= 64) return expm(A);
  MatrixXd E = identity(A.rows()), small(2, 2);
  for (const auto& [a, b] : pairs) {
    small << A(a, a), A(a, b), A(b, a), A(b, b);
    const MatrixXd e = expm(small);
    E(a, a) = e(0, 0);
    E(a, b) = e(0, 1);
    E(b, a) = e(1, 0);
    E(b, b) = e(1, 1);
  }
  return E;
}

}  // namespace

// ---------------------------------------------------------------- public: frequencies, apply

ConversionCheck::~ConversionCheck() = default;
AxialCheck::~AxialCheck() = default;
Family::~Family() = default;
ContextScaling::~ContextScaling() = default;

VectorXd frequencies(int dim, const Options& options, double length) {
  constexpr const char* fn = "rope.frequencies";
  check_matrix_args(dim, options, fn, kMaxDim);
  if (!std::isfinite(length) || length < 0) failf(fn, "length must be a finite number ≥ 0, got %.3g", length);
  return schedule(dim, options.base, options.scaling, length).theta;
}

void apply(const double* x, double* out, Index rows, Index cols, const double* positions, const Options& o) {
  apply_any(x, out, false, rows, cols, positions, o);
}
void apply(const float* x, float* out, Index rows, Index cols, const double* positions, const Options& o) {
  apply_any(x, out, true, rows, cols, positions, o);
}

RowMatrixXd apply(const RowMatrixXd& x, const VectorXd& positions, const Options& o) {
  if (positions.size() != 0 && positions.size() != x.rows())
    failf("rope.apply", "positions has %lld entries but x has %lld rows", ll(positions.size()), ll(x.rows()));
  RowMatrixXd out(x.rows(), x.cols());
  apply_any(x.data(), out.data(), false, x.rows(), x.cols(), positions.size() ? positions.data() : nullptr, o);
  return out;
}

void apply_axial(const double* x, double* out, Index rows, Index cols, const double* positions, int axes,
                 const AxialOptions& o, const char* fn) {
  apply_axial_any(x, out, false, rows, cols, positions, axes, o, fn);
}
void apply_axial(const float* x, float* out, Index rows, Index cols, const double* positions, int axes,
                 const AxialOptions& o, const char* fn) {
  apply_axial_any(x, out, true, rows, cols, positions, axes, o, fn);
}

namespace {
RowMatrixXd apply_axial_dense(const RowMatrixXd& x, const RowMatrixXd& positions, int axes, const AxialOptions& o,
                              const char* fn) {
  if (positions.rows() != x.rows())
    failf(fn, "positions has %lld rows but x has %lld rows", ll(positions.rows()), ll(x.rows()));
  if (axes > 0 && positions.cols() != axes)
    failf(fn, "positions must have %d columns (x, y), got %lld", axes, ll(positions.cols()));
  RowMatrixXd out(x.rows(), x.cols());
  apply_axial_any(x.data(), out.data(), false, x.rows(), x.cols(), positions.data(), static_cast<int>(positions.cols()),
                  o, fn);
  return out;
}
}  // namespace

RowMatrixXd apply_axial(const RowMatrixXd& x, const RowMatrixXd& positions, const AxialOptions& o) {
  return apply_axial_dense(x, positions, 0, o, "rope.applyAxial");
}
RowMatrixXd apply_2d(const RowMatrixXd& x, const RowMatrixXd& positions, const AxialOptions& o) {
  return apply_axial_dense(x, positions, 2, o, "rope.apply2d");
}

// ---------------------------------------------------------------- public: matrices

MatrixXd rotation_matrix(int dim, double position, const Options& o) {
  constexpr const char* fn = "rope.rotationMatrix";
  check_matrix_args(dim, o, fn, 4096);
  check_position(position, fn, "position");
  return dense_1d(dim, position, o, fn, false);
}

MatrixXd generator(int dim, const Options& o) {
  constexpr const char* fn = "rope.generator";
  check_matrix_args(dim, o, fn, 4096);
  return dense_1d(dim, 0, o, fn, true);
}

MatrixXd rotation_matrix_axial(int dim, const VectorXd& point, const AxialOptions& o) {
  constexpr const char* fn = "rope.rotationMatrix";
  check_axial_dense(dim, static_cast<int>(point.size()), o, fn, 4096);
  check_point(point, fn, "position");
  return dense_axial(dim, point, point.size(), o);
}

std::vector<MatrixXd> generators_axial(int dim, int axes, const AxialOptions& o) {
  constexpr const char* fn = "rope.generators";
  check_axial_dense(dim, axes, o, fn, 4096);
  std::vector<MatrixXd> out;
  for (Index a = 0; a < axes; ++a) out.push_back(dense_axial(dim, VectorXd(), axes, o, a));
  return out;
}

MatrixXd expm(const MatrixXd& a) {
  const Index n = a.rows();
  double norm = 0;  // ∞-norm
  for (Index i = 0; i < n; ++i) {
    double row = 0;
    for (Index j = 0; j < n; ++j) row += std::abs(a(i, j));
    norm = std::max(norm, row);
  }
  const int squarings = norm > 0.5 ? static_cast<int>(std::ceil(std::log2(norm / 0.5))) : 0;
  MatrixXd x = a;
  const double scale = std::ldexp(1.0, -squarings);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] *= scale;
  // Horner form of the degree-18 Taylor polynomial: remainder < 0.5¹⁹/19! ≈ 1.6e-23 for ‖x‖ ≤ 0.5.
  MatrixXd r = identity(n);
  for (int k = 18; k >= 1; --k) {
    r = product(x, r);
    for (Index j = 0; j < r.size(); ++j) r.data()[j] /= k;
    for (Index i = 0; i < n; ++i) r(i, i) += 1.0;
  }
  for (int s = 0; s < squarings; ++s) r = product(r, r);
  return r;
}

// ---------------------------------------------------------------- public: conversion

namespace {
std::vector<int> permutation_of(int head_dim, Pairing from, Pairing to, int rotary_dim, const char* fn) {
  check_dim(head_dim, fn);
  const int r = rotary_dim == 0 ? head_dim : rotary_dim;
  if (r < 2 || r > head_dim || r % 2 != 0)
    failf(fn, "rotaryDim must be an even integer from 2 to %d (the head dimension), got %d", head_dim, rotary_dim);
  std::vector<int> perm(head_dim);
  for (int j = 0; j < head_dim; ++j) perm[j] = j;
  if (from == to) return perm;
  const int m = r / 2;
  // interleaved → half: converted[i] = original[2i], converted[m + i] = original[2i + 1]; the inverse the other way.
  for (int i = 0; i < m; ++i) {
    if (from == Pairing::interleaved) {
      perm[i] = 2 * i;
      perm[m + i] = 2 * i + 1;
    } else {
      perm[2 * i] = i;
      perm[2 * i + 1] = m + i;
    }
  }
  return perm;
}
}  // namespace

std::vector<int> permutation(int head_dim, Pairing from, Pairing to, int rotary_dim) {
  return permutation_of(head_dim, from, to, rotary_dim, "rope.permutation");
}

namespace {
void convert_any(const void* w, void* out, bool f32, Index rows, Index cols, int heads, Pairing from, Pairing to,
                 int rotary_dim) {
  constexpr const char* fn = "rope.convertWeights";
  if (rows <= 0 || cols <= 0) failf(fn, "w is empty");
  if (heads < 1 || rows % heads != 0)
    failf(fn, "heads must be a positive integer that divides the %lld rows of w, got %d", ll(rows), heads);
  const Index hd = rows / heads;
  if (hd % 2 != 0 || hd > kMaxDim)
    failf(fn, "w has %lld rows = %d heads × %lld; the head dimension must be an even number up to %d", ll(rows), heads,
          ll(hd), kMaxDim);
  const std::vector<int> perm = permutation_of(static_cast<int>(hd), from, to, rotary_dim, fn);
  require_finite_block(w, f32, rows, cols, fn, "w", 0);  // a permutation cannot overflow
  const std::size_t row_bytes = (f32 ? sizeof(float) : sizeof(double)) * static_cast<std::size_t>(cols);
  std::vector<char> tmp(row_bytes * static_cast<std::size_t>(rows));
  for (Index h = 0; h < heads; ++h)
    for (Index j = 0; j < hd; ++j)
      std::memcpy(&tmp[row_bytes * (h * hd + j)], static_cast<const char*>(w) + row_bytes * (h * hd + perm[j]), row_bytes);
  std::memcpy(out, tmp.data(), tmp.size());
}
}  // namespace

void convert_weights(const double* w, double* out, Index rows, Index cols, int heads, Pairing from, Pairing to,
                     int rotary_dim) {
  convert_any(w, out, false, rows, cols, heads, from, to, rotary_dim);
}
void convert_weights(const float* w, float* out, Index rows, Index cols, int heads, Pairing from, Pairing to,
                     int rotary_dim) {
  convert_any(w, out, true, rows, cols, heads, from, to, rotary_dim);
}
RowMatrixXd convert_weights(const RowMatrixXd& w, int heads, Pairing from, Pairing to, int rotary_dim) {
  RowMatrixXd out(w.rows(), w.cols());
  convert_any(w.data(), out.data(), false, w.rows(), w.cols(), heads, from, to, rotary_dim);
  return out;
}

ConversionCheck check_conversion(const MatrixXd& wq, const MatrixXd& wk, const MatrixXd& x, const VectorXd& positions,
                                 int heads, int kv_heads, Pairing to, const Options& o) {
  constexpr const char* fn = "rope.checkConversion";
  if (wq.size() == 0 || wk.size() == 0 || x.size() == 0) failf(fn, "wq, wk and x must not be empty");
  if (wq.cols() != x.cols() || wk.cols() != x.cols())
    failf(fn, "wq, wk and x must have the same number of columns (the model dimension), got %lld, %lld and %lld",
          ll(wq.cols()), ll(wk.cols()), ll(x.cols()));
  if (heads < 1 || wq.rows() % heads != 0)
    failf(fn, "heads must be a positive integer that divides the %lld rows of wq, got %d", ll(wq.rows()), heads);
  const Index hd = wq.rows() / heads, n = x.rows();
  if (hd % 2 != 0)
    failf(fn, "wq has %lld rows = %d heads × %lld; the head dimension must be an even number (RoPE rotates pairs)",
          ll(wq.rows()), heads, ll(hd));
  if (kv_heads < 1 || heads % kv_heads != 0)
    failf(fn, "kvHeads must be a positive integer that divides heads = %d, got %d", heads, kv_heads);
  if (wk.rows() != kv_heads * hd)
    failf(fn, "wk has %lld rows, expected kvHeads × head dimension = %d × %lld", ll(wk.rows()), kv_heads, ll(hd));
  if (positions.size() != 0 && positions.size() != n)
    failf(fn, "positions has %lld entries but x has %lld rows", ll(positions.size()), ll(n));
  if (n > 4096) failf(fn, "x has %lld rows; at most 4096 are compared", ll(n));
  require_finite_matrix(wq, fn, "wq");
  require_finite_matrix(wk, fn, "wk");
  require_finite_matrix(x, fn, "x");
  const double* pos = positions.size() ? positions.data() : nullptr;
  require_positions(pos, n, 1, fn);

  // W Xᵀ is (heads·hd) × n column-major, i.e. exactly the row-major n × (heads·hd) batch apply() takes.
  const auto project = [&](const MatrixXd& w, int h, Pairing p) {
    MatrixXd y = mul_nt(w, x);
    for (Index k = 0; k < y.size(); ++k)
      if (!std::isfinite(y.data()[k]))
        failf(fn, "the projections of x overflow double precision (an entry of W·xᵀ is %.3g); scale the weights or x down",
              y.data()[k]);
    Options oo = o;
    oo.pairing = p;
    oo.heads = h;
    apply_any(y.data(), y.data(), false, n, y.rows(), pos, oo, fn, "the projection W·xᵀ");
    return y;
  };
  const auto scores_of = [&](const MatrixXd& w_q, const MatrixXd& w_k, Pairing p) {
    const MatrixXd q = project(w_q, heads, p), k = project(w_k, kv_heads, p);
    MatrixXd s(heads * n, n), qh(hd, n), kh(hd, n);
    const int group = heads / kv_heads;
    for (int h = 0; h < heads; ++h) {
      for (Index t = 0; t < n; ++t)
        for (Index j = 0; j < hd; ++j) {
          qh(j, t) = q(h * hd + j, t);
          kh(j, t) = k((h / group) * hd + j, t);
        }
      const MatrixXd sh = mul_tn(qh, kh);
      for (Index t = 0; t < n; ++t)
        for (Index u = 0; u < n; ++u) s(h * n + t, u) = sh(t, u);
    }
    // Finite projections whose dot products overflow (inf, or inf − inf = NaN in the sums).
    for (Index k2 = 0; k2 < s.size(); ++k2)
      if (!std::isfinite(s.data()[k2]))
        failf(fn, "the scores q·k overflow double precision (the projections reach %.3g and %.3g in magnitude); "
                  "scale the weights or x down",
              max_abs(q), max_abs(k));
    return s;
  };
  const auto convert = [&](const MatrixXd& w, int h) {
    MatrixXd out(w.rows(), w.cols());
    const std::vector<int> perm = permutation_of(static_cast<int>(hd), o.pairing, to, o.rotary_dim, fn);
    for (Index g = 0; g < h; ++g)
      for (Index j = 0; j < hd; ++j)
        for (Index c = 0; c < w.cols(); ++c) out(g * hd + j, c) = w(g * hd + perm[j], c);
    return out;
  };
  ConversionCheck r;
  r.heads = heads;
  r.kv_heads = kv_heads;
  r.head_dim = static_cast<int>(hd);
  r.scores = scores_of(wq, wk, o.pairing);
  r.converted_scores = scores_of(convert(wq, heads), convert(wk, kv_heads), to);
  r.unconverted_scores = scores_of(wq, wk, to);
  r.max_abs_score = max_abs(r.scores);
  r.max_abs_difference = max_abs_diff(r.converted_scores, r.scores);
  const double scale = r.max_abs_score > 0 ? r.max_abs_score : 1.0;
  r.relative_difference = r.max_abs_difference / scale;
  r.unconverted_relative_difference = max_abs_diff(r.unconverted_scores, r.scores) / scale;
  r.agree = r.relative_difference <= 1e-12;
  return r;
}

// ---------------------------------------------------------------- public: checks

Check check(int dim, double m, double n, const Options& o) {
  constexpr const char* fn = "rope.check";
  check_matrix_args(dim, o, fn, 256);
  check_position(m, fn, "m");
  check_position(n, fn, "n");
  const Index r = rotary_of(dim, o, fn);
  Options fixed = o;  // one schedule for every matrix, also for dynamic NTK
  if (o.scaling.kind == ScalingKind::dynamic && o.scaling.length == 0)
    fixed.scaling.length = std::max({std::abs(m), std::abs(n), std::abs(n - m), std::abs(m + n)}) + 1;
  const MatrixXd Rm = dense_1d(dim, m, fixed, fn, false), Rn = dense_1d(dim, n, fixed, fn, false);
  const MatrixXd B = dense_1d(dim, 0, fixed, fn, true);
  std::vector<std::pair<Index, Index>> pairs;
  for (Index i = 0; i < r / 2; ++i) pairs.push_back(pair_dims(i, r, o.pairing));
  Check c;
  c.relativity = max_abs_diff(mul_tn(Rm, Rn), dense_1d(dim, n - m, fixed, fn, false));
  c.composition = max_abs_diff(product(Rm, Rn), dense_1d(dim, m + n, fixed, fn, false));
  c.orthogonality = max_abs_diff(mul_tn(Rm, Rm), identity(dim));
  c.identity = max_abs_diff(dense_1d(dim, 0, fixed, fn, false), identity(dim));
  MatrixXd mB = B;
  for (Index k = 0; k < mB.size(); ++k) mB.data()[k] *= m;
  c.generator = max_abs_diff(expm_blocks(mB, pairs), Rm);
  for (Index i = 0; i < dim; ++i)
    for (Index j = 0; j < dim; ++j) c.skew = std::max(c.skew, std::abs(B(i, j) + B(j, i)));
  return c;
}

AxialCheck check_axial(int dim, const VectorXd& p1, const VectorXd& p2, const AxialOptions& o) {
  constexpr const char* fn = "rope.checkAxial";
  if (p1.size() != p2.size())
    failf(fn, "p1 and p2 must have the same number of coordinates, got %lld and %lld", ll(p1.size()), ll(p2.size()));
  const Index axes = p1.size();
  check_axial_dense(dim, static_cast<int>(axes), o, fn, 256);
  check_point(p1, fn, "p1");
  check_point(p2, fn, "p2");
  const MatrixXd R1 = dense_axial(dim, p1, axes, o), R2 = dense_axial(dim, p2, axes, o);
  AxialCheck c;
  VectorXd delta(axes);
  for (Index a = 0; a < axes; ++a) delta(a) = p2(a) - p1(a);
  c.relativity = max_abs_diff(mul_tn(R1, R2), dense_axial(dim, delta, axes, o));
  c.orthogonality = max_abs_diff(mul_tn(R2, R2), identity(dim));
  std::vector<MatrixXd> B;
  MatrixXd sum = MatrixXd::Zero(dim, dim);
  std::vector<std::pair<Index, Index>> pairs;
  const Index part = dim / axes, m = part / 2;
  for (Index a = 0; a < axes; ++a) {
    B.push_back(dense_axial(dim, VectorXd(), axes, o, a));
    for (Index k = 0; k < sum.size(); ++k) sum.data()[k] += p2(a) * B.back().data()[k];
    for (Index j = 0; j < m; ++j) pairs.push_back(pair_dims(j, part, o.pairing, a * part));
  }
  for (Index a = 0; a < axes; ++a)
    for (Index b = a + 1; b < axes; ++b) c.commutator = std::max(c.commutator, max_abs_diff(product(B[a], B[b]), product(B[b], B[a])));
  c.generator = max_abs_diff(expm_blocks(sum, pairs), R2);

  // Reversibility: read each coordinate from its part, slowest pair first, then refine with faster ones.
  const VectorXd theta = axial_theta(dim, axes, o);
  c.recovered.resize(axes);
  c.range.resize(axes);
  c.reversible = true;
  for (Index a = 0; a < axes; ++a) {
    const auto phase = [&](Index j) {
      const auto [u, v] = pair_dims(j, part, o.pairing, a * part);
      return std::atan2(R2(v, u), R2(u, u));
    };
    double x = phase(m - 1) / theta(m - 1);
    for (Index j = m - 2; j >= 0; --j) {
      const double ph = phase(j);
      x = (ph + kTwoPi * std::round((x * theta(j) - ph) / kTwoPi)) / theta(j);
    }
    c.recovered(a) = x;
    c.range(a) = kPi / theta(m - 1);
    if (!(std::abs(p2(a)) < c.range(a))) c.reversible = false;
  }
  for (Index a = 0; a < axes; ++a) c.recovery_error = std::max(c.recovery_error, std::abs(c.recovered(a) - p2(a)));
  return c;
}

Family generator_family(const FamilyParams& p, const std::array<double, 2>& from, const std::array<double, 2>& to) {
  constexpr const char* fn = "rope.generatorFamily";
  // f before d and e: their defaults c·f and −b·f are not finite when f is not.
  const double values[] = {p.b, p.c, p.f, p.d, p.e, p.theta, from[0], from[1], to[0], to[1]};
  const char* const names[] = {"b", "c", "f", "d", "e", "theta", "from[0]", "from[1]", "to[0]", "to[1]"};
  for (int k = 0; k < 10; ++k)
    if (!std::isfinite(values[k]) || std::abs(values[k]) > 1e6)
      failf(fn, "%s must be a finite number of magnitude at most 1e6, got %.3g", names[k], values[k]);
  Family f;
  f.b1 = MatrixXd::Zero(4, 4);
  f.b2 = MatrixXd::Zero(4, 4);
  f.b1(0, 1) = -1, f.b1(1, 0) = 1;
  f.b1(0, 2) = -p.b, f.b1(2, 0) = p.b;
  f.b1(1, 2) = -p.c, f.b1(2, 1) = p.c;
  f.b2(0, 3) = -p.d, f.b2(3, 0) = p.d;
  f.b2(1, 3) = -p.e, f.b2(3, 1) = p.e;
  f.b2(2, 3) = -p.f, f.b2(3, 2) = p.f;
  f.commutator = product(f.b1, f.b2);
  const MatrixXd ba = product(f.b2, f.b1);
  for (Index k = 0; k < 16; ++k) f.commutator.data()[k] -= ba.data()[k];
  f.max_commutator = max_abs(f.commutator);
  f.condition_d = p.d - p.c * p.f;
  f.condition_e = p.e + p.b * p.f;
  f.commutes = f.max_commutator <= 1e-12 * std::max(1.0, max_abs(f.b1) * max_abs(f.b2));
  double n1 = 0, n2 = 0, dot = 0;
  for (Index k = 0; k < 16; ++k) {
    const double u = f.b1.data()[k], v = f.b2.data()[k];
    n1 += u * u, n2 += v * v, dot += u * v;
  }
  f.independent = n1 > 0 && n2 > 0 && (n1 * n2 - dot * dot) > 1e-12 * n1 * n2;
  const auto rot = [&](double x, double y) {
    MatrixXd a(4, 4);
    for (Index k = 0; k < 16; ++k) a.data()[k] = p.theta * (x * f.b1.data()[k] + y * f.b2.data()[k]);
    return expm(a);
  };
  f.rotation_from = rot(from[0], from[1]);
  f.rotation_to = rot(to[0], to[1]);
  f.relativity = max_abs_diff(mul_tn(f.rotation_from, f.rotation_to), rot(to[0] - from[0], to[1] - from[1]));
  return f;
}

// ---------------------------------------------------------------- public: decay, scores

namespace {
/// qᵀ R_r k over one rotary block (dimension `width` at `offset`, frequencies theta).
double part_score(const VectorXd& q, const VectorXd& k, Index offset, Index width, Pairing p, const VectorXd& theta,
                  double r) {
  double sum = 0;
  for (Index i = 0; i < width / 2; ++i) {
    const auto [a, b] = pair_dims(i, width, p, offset);
    const double c = std::cos(r * theta(i)), s = std::sin(r * theta(i));
    sum += q(a) * (c * k(a) - s * k(b)) + q(b) * (s * k(a) + c * k(b));
  }
  return sum;
}

/// e with 2^{-e}·v's largest |entry| in [½, 1) (0 for v = 0). Scores are computed from 2^{-e_q}q and
/// 2^{-e_k}k and scaled back by 2^{e_q + e_k}: exact for ordinary inputs (powers of 2), and products
/// such as 1e200·1e200 inside a representable score no longer overflow (inf − inf = NaN).
int pow2_exponent(const VectorXd& v) {
  const double m = max_abs(v);
  return m > 0 ? std::ilogb(m) + 1 : 0;
}
VectorXd times_pow2(const VectorXd& v, int e) {
  VectorXd out(v.size());
  for (Index i = 0; i < v.size(); ++i) out(i) = std::ldexp(v(i), e);
  return out;
}

/// A score beyond the double range is an error, never ±inf or NaN.
void require_finite_scores(const double* s, Index n, const VectorXd& q, const VectorXd& k, const char* fn) {
  for (Index i = 0; i < n; ++i)
    if (!std::isfinite(s[i]))
      failf(fn, "a score overflows double precision (q and k have entries up to %.3g and %.3g in magnitude); scale q or k down",
            max_abs(q), max_abs(k));
}

void check_qk(const VectorXd& q, const VectorXd& k, const char* fn) {
  if (q.size() == 0) failf(fn, "q is empty");
  if (q.size() != k.size()) failf(fn, "q and k must have the same length, got %lld and %lld", ll(q.size()), ll(k.size()));
  if (q.size() % 2 != 0 || q.size() > kMaxDim)
    failf(fn, "q and k must have an even length (the dimension) up to %d, got %lld", kMaxDim, ll(q.size()));
  require_finite_vector(q, fn, "q");
  require_finite_vector(k, fn, "k");
}
}  // namespace

VectorXd decay(int dim, const VectorXd& offsets, const Options& o) {
  constexpr const char* fn = "rope.decay";
  check_matrix_args(dim, o, fn, kMaxDim);
  require_offsets(offsets, fn, "offsets");
  check_terms(static_cast<double>(offsets.size()) * (dim / 2), fn, "offsets × dim/2");
  const VectorXd theta = schedule(dim, o.base, o.scaling, max_abs(offsets) + 1).theta;
  VectorXd f(offsets.size());
  for (Index t = 0; t < offsets.size(); ++t) {
    double re = 0, im = 0, total = 0;
    for (Index i = 0; i < theta.size(); ++i) {
      re += std::cos(offsets(t) * theta(i));
      im += std::sin(offsets(t) * theta(i));
      total += std::hypot(re, im);  // |S_{i+1}|
    }
    f(t) = total * 2.0 / dim;
  }
  return f;
}

VectorXd scores(const VectorXd& q, const VectorXd& k, const VectorXd& offsets, const Options& o) {
  constexpr const char* fn = "rope.scores";
  check_qk(q, k, fn);
  const int dim = static_cast<int>(q.size());
  const Index r = rotary_of(dim, o, fn);
  check_base(o.base, fn);
  check_scaling(o.scaling, fn);
  require_offsets(offsets, fn, "offsets");
  check_terms(static_cast<double>(offsets.size()) * static_cast<double>(r / 2), fn, "offsets × rotaryDim/2");
  const Schedule sc = schedule(r, o.base, o.scaling, max_abs(offsets) + 1);
  const int eq = pow2_exponent(q), ek = pow2_exponent(k);
  const VectorXd qs = times_pow2(q, -eq), ks = times_pow2(k, -ek);
  double pass = 0;  // the dims beyond rotaryDim are not rotated
  for (Index j = r; j < dim; ++j) pass += qs(j) * ks(j);
  pass = std::ldexp(pass, eq + ek);
  // a² as 2^{2e_a}·m² (YaRN's factor a may be near the double range itself).
  const int ea = std::ilogb(sc.attention);
  const double ma = std::ldexp(sc.attention, -ea);
  VectorXd out(offsets.size());
  for (Index t = 0; t < offsets.size(); ++t)
    out(t) = std::ldexp(ma * ma * part_score(qs, ks, 0, r, o.pairing, sc.theta, offsets(t)), eq + ek + 2 * ea) + pass;
  require_finite_scores(out.data(), out.size(), q, k, fn);
  return out;
}

MatrixXd scores_2d(const VectorXd& q, const VectorXd& k, const VectorXd& dx, const VectorXd& dy, Encoding2d encoding,
                   double width, const AxialOptions& o) {
  constexpr const char* fn = "rope.scores2d";
  check_qk(q, k, fn);
  const Index dim = q.size();
  check_base(o.base, fn);
  require_offsets(dx, fn, "dx");
  require_offsets(dy, fn, "dy");
  if (dx.size() * dy.size() > (Index(1) << 24)) failf(fn, "dx and dy span more than 2^24 cells");
  if (encoding != Encoding2d::rope2d)
    check_terms(static_cast<double>(dx.size()) * static_cast<double>(dy.size()) * static_cast<double>(dim / 2), fn,
                "cells × dim/2");
  MatrixXd S(dx.size(), dy.size());
  // Scores of 2^{-e_q}q and 2^{-e_k}k, scaled back (see pow2_exponent).
  const int eq = pow2_exponent(q), ek = pow2_exponent(k);
  const VectorXd qs = times_pow2(q, -eq), ks = times_pow2(k, -ek);
  if (encoding == Encoding2d::rope2d) {
    check_axial_shape(dim, 2, fn);
    // qᵀ R_{Δx,Δy} k = (first half at Δx) + (second half at Δy): a sum of two 1-D profiles.
    const VectorXd theta = axial_theta(dim, 2, o);
    VectorXd b(dy.size());
    for (Index j = 0; j < dy.size(); ++j) b(j) = part_score(qs, ks, dim / 2, dim / 2, o.pairing, theta, dy(j));
    for (Index i = 0; i < dx.size(); ++i) {
      const double a = part_score(qs, ks, 0, dim / 2, o.pairing, theta, dx(i));
      for (Index j = 0; j < dy.size(); ++j) S(i, j) = std::ldexp(a + b(j), eq + ek);
    }
    require_finite_scores(S.data(), S.size(), q, k, fn);
    return S;
  }
  if (encoding == Encoding2d::flattened && (!std::isfinite(width) || width < 1 || width > kMaxPosition))
    failf(fn, "width must be a number ≥ 1 (the grid width of the flattened index x·w + y), got %.3g", width);
  const VectorXd theta = plain_theta(dim, o.base);
  for (Index i = 0; i < dx.size(); ++i)
    for (Index j = 0; j < dy.size(); ++j)
      S(i, j) = std::ldexp(
          part_score(qs, ks, 0, dim, o.pairing, theta, encoding == Encoding2d::flattened ? dx(i) * width + dy(j) : dx(i) + dy(j)),
          eq + ek);
  require_finite_scores(S.data(), S.size(), q, k, fn);
  return S;
}

// ---------------------------------------------------------------- public: context scaling

ContextScaling context_scaling(int dim, double context_length, const Options& o) {
  constexpr const char* fn = "rope.contextScaling";
  check_matrix_args(dim, o, fn, kMaxDim);
  if (!std::isfinite(context_length) || context_length < 1 || context_length > kMaxPosition)
    failf(fn, "contextLength must be a number from 1 to 2^53, got %.3g", context_length);
  const Scaling& s = o.scaling;
  if (!(s.original_context > 0))
    failf(fn, "scaling.originalContext must be a positive number (the trained context length), got %.3g",
          s.original_context);
  const double L = context_length, L0 = s.original_context;
  const Schedule sc = schedule(dim, o.base, s, L);
  ContextScaling c;
  c.theta = plain_theta(dim, o.base);
  c.scaled_theta = sc.theta;
  const Index m = c.theta.size();
  for (VectorXd* v : {&c.wavelength, &c.original_wavelength, &c.interpolation, &c.max_angle, &c.rotations, &c.trained_angle})
    v->resize(m);
  for (Index i = 0; i < m; ++i) {
    c.wavelength(i) = kTwoPi / sc.theta(i);
    c.original_wavelength(i) = kTwoPi / c.theta(i);
    c.interpolation(i) = c.theta(i) / sc.theta(i);
    c.max_angle(i) = L * sc.theta(i);
    c.rotations(i) = c.max_angle(i) / kTwoPi;
    c.trained_angle(i) = L0 * c.theta(i);
  }
  c.effective_base = sc.base;
  c.attention_factor = sc.attention;
  c.context_length = L;
  c.original_context = L0;
  c.scaled_context = s.kind == ScalingKind::none ? L0 : s.factor * L0;
  c.unseen.assign(static_cast<size_t>(m), false);
  double worst = 1;
  for (Index i = 0; i < m; ++i)
    if (c.trained_angle(i) < kTwoPi && c.max_angle(i) > c.trained_angle(i) * (1 + 1e-12)) {
      c.unseen[static_cast<size_t>(i)] = true;
      ++c.unseen_count;
      worst = std::max(worst, c.max_angle(i) / c.trained_angle(i));
    }
  auto& w = c.warnings;
  if (s.kind == ScalingKind::none) {
    if (L > L0)
      w.push_back(format("the context length %.6g exceeds the original context %.6g and no scaling is set: %d of %lld "
                         "frequency pairs rotate through angles never seen in training (up to %.3g× the trained angle)",
                         L, L0, c.unseen_count, ll(m), worst));
    return c;
  }
  if (s.factor == 1) w.push_back("scaling.factor is 1: the scaling has no effect");
  if (s.kind != ScalingKind::dynamic && L > c.scaled_context * (1 + 1e-12))
    w.push_back(format("the context length %.6g exceeds factor × originalContext = %.6g, the length the factor maps "
                       "onto the trained context: beyond it the model relies on having been trained at that length",
                       L, c.scaled_context));
  if (s.kind == ScalingKind::dynamic && L > L0 && s.factor * (L / L0) - (s.factor - 1) > 2 * (L / L0))
    w.push_back(format("dynamic NTK scales the base as for a context %.3g× the original (factor %.3g at %.3g× the "
                       "original length): the factor multiplies the growth with length, so it is usually 1–2, not "
                       "the target extension",
                       s.factor * (L / L0) - (s.factor - 1), s.factor, L / L0));
  if (c.unseen_count > 0)
    w.push_back(format("%d of %lld frequency pairs still rotate beyond the angles seen in training (up to %.3g× the "
                       "trained angle)",
                       c.unseen_count, ll(m), worst));
  return c;
}

MATHLENS_ROPE_SMALL_END

}  // namespace mathlens::rope

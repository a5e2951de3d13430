// libFuzzer harness of mathlens::rope (see tests/fuzz/fuzz.hpp for the rules): x blocks of decoded
// shapes (heads not dividing the width, odd head dimensions, empty) and entries (huge, tiny,
// denormal, NaN/Inf), positions (none, integers that take the angle-addition path, arbitrary
// doubles, beyond 2^53), both pairings, partial rotation, float32 and float64, in place and out of
// place, every context scaling with decoded parameters, N-D (axial) RoPE and 2-D RoPE, weight
// permutation and the conversion check, dense matrices, the identity checks, decay and scores.
// Promises checked: never NaN; a finite x gives a finite result or an error; every rotated pair
// keeps its length (times YaRN's attention factor), dims beyond rotaryDim pass unchanged, and
// apply(−p) ∘ apply(p) = a²·identity to a relative tolerance that grows with |p θ| (the angle's own
// rounding); dense R_p x equals apply; converting weights there and back is the identity.
#include "mathlens/rope.hpp"

#include <algorithm>
#include <vector>

#include "fuzz.hpp"

namespace rp = mathlens::rope;
using namespace mathlens::fuzz;

namespace {

/// MATHLENS_FUZZ_TRACE=1 also prints the decoded shapes and options (to write the regression test).
const bool kTrace = std::getenv("MATHLENS_FUZZ_TRACE") != nullptr;

void trace_options(const char* what, long long rows, long long cols, int heads, double base, int pairing, int rotary,
                   const rp::Scaling& s, bool positions) {
  if (!kTrace) return;
  std::fprintf(stderr,
               "  %s: rows %lld cols %lld heads %d base %.17g pairing %d rotaryDim %d positions %d | scaling kind %d "
               "factor %.17g L0 %.17g length %.17g betaFast %.17g betaSlow %.17g truncate %d attention %.17g "
               "low %.17g high %.17g\n",
               what, rows, cols, heads, base, pairing, rotary, positions, static_cast<int>(s.kind), s.factor,
               s.original_context, s.length, s.beta_fast, s.beta_slow, s.truncate,
               s.attention_factor ? *s.attention_factor : -1.0, s.low_freq_factor, s.high_freq_factor);
}

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kEpsF = std::numeric_limits<float>::epsilon();

rp::Scaling scaling(Input& in) {
  rp::Scaling s;
  s.kind = static_cast<rp::ScalingKind>(in.pick(6));
  if (s.kind == rp::ScalingKind::none) return s;
  s.factor = in.pick(4) == 0 ? in.number() : 1.0 + in.integer(0, 64) / 4.0;
  s.original_context = in.pick(4) == 0 ? in.number() : static_cast<double>(in.integer(0, 4096));
  if (in.pick(3) == 0) s.length = in.pick(2) ? in.number() : static_cast<double>(in.integer(0, 20000));
  if (in.pick(4) == 0) s.beta_fast = in.number();
  if (in.pick(4) == 0) s.beta_slow = in.number();
  s.truncate = in.pick(2);
  if (in.pick(4) == 0) s.attention_factor = in.number();
  if (in.pick(4) == 0) s.low_freq_factor = in.number();
  if (in.pick(4) == 0) s.high_freq_factor = in.number();
  return s;
}

double base(Input& in) {
  switch (in.pick(6)) {
    case 0: return in.number();
    case 1: return 2.0;
    case 2: return 500000.0;
    default: return 10000.0;
  }
}

rp::Options options(Input& in, int head_dim) {
  rp::Options o;
  o.base = base(in);
  o.pairing = static_cast<rp::Pairing>(in.pick(2));
  if (in.pick(3) == 0) o.rotary_dim = in.pick(4) == 0 ? in.integer(-2, head_dim + 2) : 2 * in.integer(1, std::max(1, head_dim / 2));
  if (in.pick(3) == 0) o.scaling = scaling(in);
  return o;
}

/// Positions for `rows` rows × `axes` coordinates: none (empty), small integers (the angle-addition
/// path once there are ≥ 32 rows), integers far from 0, or arbitrary decoded doubles.
std::vector<double> positions(Input& in, Index rows, Index axes, bool allow_none) {
  const int mode = in.pick(allow_none ? 5 : 4);
  if (mode == 4) return {};
  std::vector<double> p(static_cast<std::size_t>(rows * axes));
  const double start = mode == 2 ? std::ldexp(static_cast<double>(in.integer(-4096, 4096)), in.integer(0, 44)) : 0.0;
  for (double& x : p) {
    switch (mode) {
      case 0: x = in.number(); break;
      case 1: x = in.integer(-300, 300); break;
      case 2: x = start + in.integer(-200, 200); break;
      default: x = static_cast<double>(&x - p.data());  // 0, 1, 2, …
    }
  }
  return p;
}

double max_abs_position(const std::vector<double>& p, Index rows) {
  double m = p.empty() ? static_cast<double>(std::max<Index>(rows - 1, 0)) : 0.0;
  for (double x : p) m = std::max(m, std::abs(x));
  return m;
}

/// (a, b) of pair i of a rotary block of dimension r.
std::pair<Index, Index> pair_dims(Index i, Index r, rp::Pairing p, Index offset = 0) {
  return p == rp::Pairing::half ? std::pair{offset + i, offset + i + r / 2} : std::pair{offset + 2 * i, offset + 2 * i + 1};
}

/// g·√(u² + v²) without the rounding of denormal u, v or g (a denormal has a few bits only).
double pair_length(double u, double v, double g = 1.0) {
  const double m = std::max(std::abs(u), std::abs(v));
  if (m == 0 || !std::isfinite(m) || g == 0 || !std::isfinite(g)) return m * g;
  const int e = std::ilogb(m), eg = std::ilogb(g);
  return std::ldexp(std::hypot(std::ldexp(u, -e), std::ldexp(v, -e)) * std::ldexp(g, -eg), e + eg);
}

/// Every pair of a rotated block keeps its length (times `gain`), to `rel` of the pair's length
/// plus `abs` (the absolute rounding of denormal and float products); the other dims are copied.
template <class T>
void promise_rotation(const T* x, const T* out, Index rows, Index cols, Index heads, Index hd,
                      const std::vector<std::pair<Index, Index>>& parts, rp::Pairing pairing, double gain, double rel,
                      double abs, const std::string& what) {
  std::vector<char> rotated(static_cast<std::size_t>(hd), 0);
  for (const auto& [offset, r] : parts)
    for (Index k = offset; k < offset + r; ++k) rotated[static_cast<std::size_t>(k)] = 1;
  for (Index t = 0; t < rows; ++t)
    for (Index h = 0; h < heads; ++h) {
      const T* xr = x + t * cols + h * hd;
      const T* orow = out + t * cols + h * hd;
      for (Index k = 0; k < hd; ++k) {
        if (std::isnan(static_cast<double>(orow[k]))) bug(what + " returned NaN");
        if (!std::isfinite(static_cast<double>(orow[k]))) bug(what + " returned a non-finite entry without an error");
        if (!rotated[static_cast<std::size_t>(k)] && !(orow[k] == xr[k]))
          bug(what + ": dim " + std::to_string(k) + " beyond rotaryDim changed (" + show(xr[k]) + " → " + show(orow[k]) + ")");
      }
      for (const auto& [offset, r] : parts)
        for (Index i = 0; i < r / 2; ++i) {
          const auto [a, b] = pair_dims(i, r, pairing, offset);
          const double before = pair_length(static_cast<double>(xr[a]), static_cast<double>(xr[b]), gain);
          const double after = pair_length(static_cast<double>(orow[a]), static_cast<double>(orow[b]));
          if (!(std::abs(after - before) <= rel * before + abs))
            bug(what + ": pair (" + std::to_string(a) + ", " + std::to_string(b) + ") of row " + std::to_string(t) +
                " changed length from " + show(before) + " to " + show(after));
        }
    }
}

/// out2 = a²·x to `rel` of each row's largest entry (plus `abs`) in the first `rotated` dims of
/// every head of `hd`; the other dims pass unchanged (no attention factor).
template <class T>
void promise_round_trip(const T* x, const T* back, Index rows, Index cols, Index hd, Index rotated, double a2,
                        double rel, double abs, const std::string& what) {
  for (Index t = 0; t < rows; ++t) {
    double scale = 0;
    for (Index k = 0; k < cols; ++k) scale = std::max(scale, std::abs(static_cast<double>(x[t * cols + k])));
    for (Index k = 0; k < cols; ++k) {
      const double g = k % hd < rotated ? a2 : 1.0;
      const double want = g * static_cast<double>(x[t * cols + k]), got = static_cast<double>(back[t * cols + k]);
      if (!(std::abs(got - want) <= rel * std::max(a2, 1.0) * scale + abs))
        bug(what + ": apply(−p) ∘ apply(p) is not the identity at (" + std::to_string(t) + ", " + std::to_string(k) +
            "): " + show(want) + " → " + show(got));
    }
  }
}

/// The largest frequency of a schedule (θ₀ = 1 unscaled; scaling only lowers it, but YaRN/llama3
/// parameters are decoded freely, so it is computed).
double max_theta(int r, const rp::Options& o, double length) {
  double m = 1.0;
  try {
    const Eigen::VectorXd t = rp::frequencies(r, o, length);
    for (Index i = 0; i < t.size(); ++i) m = std::max(m, std::abs(t(i)));
  } catch (const mathlens::Error&) {
  }
  return m;
}

/// YaRN's attention factor, which multiplies the rotated dims (default 0.1 ln s + 1); 1 otherwise.
double attention_gain(const rp::Scaling& s) {
  if (s.kind != rp::ScalingKind::yarn) return 1.0;
  return s.attention_factor ? *s.attention_factor : (s.factor > 1 ? 0.1 * std::log(s.factor) + 1 : 1.0);
}

template <class T>
void exercise_apply(Input& in, bool f32) {
  const char* fn = "rope.apply";
  const int heads = in.pick(4) == 0 ? in.integer(-1, 4) : 1 + in.pick(2);
  const int hd = in.pick(8) == 0 ? in.integer(0, 9) : 2 * in.integer(1, 4);
  const Index rows = in.pick(4) == 0 ? in.integer(28, 40) : in.integer(0, 6);
  const Index cols = in.pick(8) == 0 ? in.integer(0, 12) : static_cast<Index>(std::max(heads, 0)) * hd;
  rp::Options o = options(in, hd);
  o.heads = heads;
  const std::vector<double> pos = positions(in, rows, 1, true);
  std::vector<T> x(static_cast<std::size_t>(rows * cols));
  for (T& v : x) v = static_cast<T>(in.number());
  const bool in_place = in.pick(2);
  trace_options(f32 ? "apply float32" : "apply", rows, cols, heads, o.base, static_cast<int>(o.pairing), o.rotary_dim,
                o.scaling, !pos.empty());
  std::vector<T> out = in_place ? x : std::vector<T>(x.size(), T(-7));
  T* dst = in_place ? out.data() : out.data();
  const T* src = in_place ? out.data() : x.data();
  const double* p = pos.empty() ? nullptr : pos.data();
  const bool ok = call(fn, [&] { rp::apply(src, dst, rows, cols, p, o); });
  if (!ok || rows == 0) return;
  bool finite = true;
  for (T v : x) finite = finite && std::isfinite(static_cast<double>(v));
  if (!finite) bug("rope.apply accepted a non-finite x");
  const Index hdx = cols / heads, r = o.rotary_dim == 0 ? hdx : o.rotary_dim;
  const double gain = attention_gain(o.scaling);
  // sin/cos within 3 ulp (angle addition) and the rounding of u·c − v·s; float32: one rounding.
  const double unit = f32 ? kEpsF : 4 * kEps;
  const double tiny = f32 ? 1e-37 : 1e-300;
  promise_rotation(x.data(), out.data(), rows, cols, heads, hdx, {{0, r}}, o.pairing, gain, 4 * unit, tiny,
                   std::string(fn) + (f32 ? " (float32)" : ""));

  // Round trip: apply at −p undoes apply at p (up to a² from the attention factor). Dynamic NTK's
  // base depends on the largest position, so it is fixed through scaling.length first.
  rp::Options back_o = o;
  double length = static_cast<double>(rows);
  if (p) {
    length = 0;
    for (double v : pos) length = std::max(length, v + 1);
  }
  // (A length ≤ 0, all positions ≤ −1, leaves the base unchanged, as does L₀ itself.)
  if (o.scaling.kind == rp::ScalingKind::dynamic && o.scaling.length == 0)
    back_o.scaling.length = length > 0 ? length : o.scaling.original_context;
  std::vector<double> neg(static_cast<std::size_t>(rows));
  for (Index t = 0; t < rows; ++t) neg[static_cast<std::size_t>(t)] = p ? -pos[static_cast<std::size_t>(t)] : -static_cast<double>(t);
  std::vector<T> back(out.size());
  if (o.scaling.kind == rp::ScalingKind::dynamic && o.scaling.length == 0) {
    // The forward pass used the same fixed length? Only when it equals the implicit one: redo it.
    std::vector<T> fwd(out.size());
    if (!call(fn, [&] { rp::apply(x.data(), fwd.data(), rows, cols, p, back_o); })) bug("rope.apply: fixing scaling.length to the implicit length failed");
    for (std::size_t k = 0; k < fwd.size(); ++k)
      if (!(fwd[k] == out[k])) bug("rope.apply: dynamic NTK with scaling.length = max position + 1 differs from the implicit length");
  }
  if (!std::isfinite(gain * gain)) return;  // a² itself overflows: nothing to compare with
  if (!call(fn, [&] { rp::apply(out.data(), back.data(), rows, cols, neg.data(), back_o); })) {
    // The rotated values can exceed the overflow guard only through the attention factor.
    if (gain <= 1) bug("rope.apply at −p rejected the output of apply at p");
    return;
  }
  const double angle = max_abs_position(pos, rows) * max_theta(static_cast<int>(r), back_o, std::max(length, 0.0));
  const double rel = (f32 ? 8 * kEpsF : 0) + 16 * kEps * (1 + angle);
  promise_round_trip(x.data(), back.data(), rows, cols, hdx, r, gain * gain, rel, f32 ? 1e-36 : 1e-298,
                     std::string(fn) + (f32 ? " (float32)" : ""));

  // Dense R_p x (rotation_matrix) agrees with apply for one head, without the attention factor.
  if (heads == 1 && hdx <= 8 && o.scaling.kind != rp::ScalingKind::dynamic && o.scaling.kind != rp::ScalingKind::yarn && !f32) {
    const double theta = max_theta(static_cast<int>(r), o, 0);
    for (Index t = 0; t < std::min<Index>(rows, 3); ++t) {
      const double pt = p ? pos[static_cast<std::size_t>(t)] : static_cast<double>(t);
      call("rope.rotationMatrix", [&] {
        const MatrixXd rm = rp::rotation_matrix(static_cast<int>(hdx), pt, o);
        promise_not_nan(rm, "rope.rotationMatrix");
        VectorXd xv(hdx);
        for (Index k = 0; k < hdx; ++k) xv(k) = static_cast<double>(x[static_cast<std::size_t>(t * cols + k)]);
        const VectorXd want = rm * xv;
        const double scale = xv.cwiseAbs().maxCoeff();
        for (Index k = 0; k < hdx; ++k) {
          const double got = static_cast<double>(out[static_cast<std::size_t>(t * cols + k)]);
          if (!(std::abs(got - want(k)) <= 16 * kEps * (1 + std::abs(pt) * theta) * scale + 1e-300))
            bug("rope.rotationMatrix · x differs from rope.apply at (" + std::to_string(t) + ", " + std::to_string(k) +
                "): " + show(want(k)) + " vs " + show(got));
        }
      });
    }
  }
}

template <class T>
void exercise_axial(Input& in, bool f32, bool two_d) {
  const char* fn = two_d ? "rope.apply2d" : "rope.applyAxial";
  const int axes = two_d ? 2 : (in.pick(6) == 0 ? in.integer(-1, 66) : in.integer(1, 4));
  rp::AxialOptions o;
  o.base = base(in);
  o.pairing = static_cast<rp::Pairing>(in.pick(2));
  o.frequencies = static_cast<rp::AxialFrequencies>(in.pick(2));
  o.heads = in.pick(4) == 0 ? in.integer(-1, 3) : 1;
  const int part = 2 * in.integer(1, 2);
  const Index hd = in.pick(8) == 0 ? in.integer(0, 12) : static_cast<Index>(std::max(axes, 1)) * part;
  const Index rows = in.pick(5) == 0 ? in.integer(30, 36) : in.integer(0, 5);
  const Index cols = static_cast<Index>(std::max(o.heads, 0)) * hd;
  const Index pos_cols = in.pick(8) == 0 ? in.integer(0, 4) : std::max(axes, 0);
  std::vector<double> pos = positions(in, rows, pos_cols, false);
  rp::RowMatrixXd px(rows, pos_cols);
  for (Index t = 0; t < rows; ++t)
    for (Index a = 0; a < pos_cols; ++a) px(t, a) = pos[static_cast<std::size_t>(t * pos_cols + a)];
  std::vector<T> x(static_cast<std::size_t>(rows * cols));
  for (T& v : x) v = static_cast<T>(in.number());
  std::vector<T> out(x.size());
  bool ok;
  const bool dense = !f32 && in.pick(2);
  // The matrix forms take the number of axes from the columns of positions (2 for apply2d).
  const int used_axes = dense ? (two_d ? 2 : static_cast<int>(pos_cols)) : axes;
  if (dense) {
    rp::RowMatrixXd xm(rows, cols), om;
    for (Index k = 0; k < xm.size(); ++k) xm.data()[k] = static_cast<double>(x[static_cast<std::size_t>(k)]);
    ok = call(fn, [&] { om = two_d ? rp::apply_2d(xm, px, o) : rp::apply_axial(xm, px, o); });
    if (ok)
      for (Index k = 0; k < om.size(); ++k) out[static_cast<std::size_t>(k)] = static_cast<T>(om.data()[k]);
  } else {
    if (pos_cols != axes) return;  // the pointer form takes the number of axes from the caller
    ok = call(fn, [&] { rp::apply_axial(x.data(), out.data(), rows, cols, px.data(), axes, o, fn); });
  }
  if (!ok || rows == 0) return;
  const Index heads = o.heads, p = hd / used_axes;
  std::vector<std::pair<Index, Index>> parts;
  for (Index a = 0; a < used_axes; ++a) parts.emplace_back(a * p, p);
  const double unit = f32 ? kEpsF : 4 * kEps;
  promise_rotation(x.data(), out.data(), rows, cols, heads, hd, parts, o.pairing, 1.0, 4 * unit, f32 ? 1e-37 : 1e-300,
                   std::string(fn) + (f32 ? " (float32)" : ""));
  rp::RowMatrixXd neg = -px;
  std::vector<T> back(out.size());
  if (!call(fn, [&] { rp::apply_axial(out.data(), back.data(), rows, cols, neg.data(), used_axes, o, fn); }))
    bug(std::string(fn) + " at −p rejected the output of the call at p");
  const double angle = px.size() ? px.cwiseAbs().maxCoeff() : 0.0;
  promise_round_trip(x.data(), back.data(), rows, cols, hd, hd, 1.0, (f32 ? 8 * kEpsF : 0) + 16 * kEps * (1 + angle),
                     f32 ? 1e-36 : 1e-298, std::string(fn) + (f32 ? " (float32)" : ""));
}

void exercise_weights(Input& in) {
  const int heads = in.pick(4) == 0 ? in.integer(-1, 4) : 1 + in.pick(2);
  const int hd = in.pick(8) == 0 ? in.integer(0, 9) : 2 * in.integer(1, 4);
  const Index rows = in.pick(8) == 0 ? in.integer(0, 12) : static_cast<Index>(std::max(heads, 0)) * hd;
  const Index cols = in.integer(0, 3);
  const auto from = static_cast<rp::Pairing>(in.pick(2)), to = static_cast<rp::Pairing>(in.pick(2));
  const int rotary = in.pick(3) == 0 ? in.integer(-2, hd + 2) : 0;
  const bool f32 = in.pick(2);
  if (f32) {
    std::vector<float> w(static_cast<std::size_t>(rows * cols)), out(w.size()), back(w.size());
    for (float& v : w) v = static_cast<float>(in.number());
    if (!call("rope.convertWeights", [&] { rp::convert_weights(w.data(), out.data(), rows, cols, heads, from, to, rotary); })) return;
    if (!call("rope.convertWeights", [&] { rp::convert_weights(out.data(), back.data(), rows, cols, heads, to, from, rotary); }))
      bug("rope.convertWeights rejected its own output");
    for (std::size_t k = 0; k < w.size(); ++k)
      if (!(back[k] == w[k])) bug("rope.convertWeights there and back (float32) is not the identity");
    return;
  }
  rp::RowMatrixXd w(rows, cols);
  for (Index k = 0; k < w.size(); ++k) w.data()[k] = in.number();
  rp::RowMatrixXd out;
  if (!call("rope.convertWeights", [&] { out = rp::convert_weights(w, heads, from, to, rotary); })) return;
  rp::RowMatrixXd back;
  if (!call("rope.convertWeights", [&] { back = rp::convert_weights(out, heads, to, from, rotary); }))
    bug("rope.convertWeights rejected its own output");
  if (!(back.array() == w.array()).all()) bug("rope.convertWeights there and back is not the identity");
  // The permutation is a bijection of 0..hd−1.
  call("rope.permutation", [&] {
    std::vector<int> perm = rp::permutation(static_cast<int>(rows / heads), from, to, rotary);
    std::sort(perm.begin(), perm.end());
    for (std::size_t j = 0; j < perm.size(); ++j)
      if (perm[j] != static_cast<int>(j)) bug("rope.permutation is not a permutation");
  });
}

void exercise_conversion(Input& in) {
  const int heads = in.pick(4) == 0 ? in.integer(-1, 4) : 1 + in.pick(2);
  const int kv = in.pick(4) == 0 ? in.integer(-1, 3) : 1;
  const int hd = in.pick(8) == 0 ? in.integer(0, 7) : 2 * in.integer(1, 3);
  const Index dm = in.integer(0, 4), n = in.integer(0, 4);
  const MatrixXd wq = in.matrix(static_cast<Index>(std::max(heads, 0)) * hd, dm);
  const MatrixXd wk = in.matrix(static_cast<Index>(std::max(kv, 0)) * hd, in.pick(8) == 0 ? in.integer(0, 4) : dm);
  const MatrixXd x = in.matrix(n, dm);
  const std::vector<double> pos = positions(in, n, 1, true);
  const VectorXd pv = pos.empty() ? VectorXd() : VectorXd(Eigen::Map<const VectorXd>(pos.data(), static_cast<Index>(pos.size())));
  rp::Options o = options(in, hd);
  const auto to = static_cast<rp::Pairing>(in.pick(2));
  call("rope.checkConversion", [&] {
    const rp::ConversionCheck c = rp::check_conversion(wq, wk, x, pv, heads, kv, to, o);
    promise_not_nan(c.scores, "rope.checkConversion scores");
    promise_not_nan(c.converted_scores, "rope.checkConversion converted scores");
    promise_not_nan(c.unconverted_scores, "rope.checkConversion unconverted scores");
    for (double v : {c.max_abs_score, c.max_abs_difference, c.relative_difference, c.unconverted_relative_difference})
      promise_not_nan(v, "rope.checkConversion");
    // Converting the weights permutes the projected rows exactly, and RoPE in the other pairing
    // rotates the same pairs with the same arithmetic: the rotated q and k are the same numbers, and
    // only the order of the hd terms of each score differs (≤ hd·ε·‖q_t‖‖k_u‖; rotations keep norms,
    // YaRN's factor a multiplies both).
    if (!in.extreme() && c.scores.allFinite()) {
      const double a = attention_gain(o.scaling);
      const MatrixXd pq = wq * x.transpose(), pk = wk * x.transpose();
      const double qn = pq.colwise().norm().maxCoeff(), kn = pk.colwise().norm().maxCoeff();
      const double bound = 4 * (hd + 1) * kEps * a * a * qn * kn + 1e-300;
      if (!(c.max_abs_difference <= bound))
        bug("rope.checkConversion: converted weights give different scores (" + show(c.max_abs_difference) +
            " > " + show(bound) + ")");
    }
  });
}

void exercise_matrices(Input& in) {
  const int dim = in.pick(6) == 0 ? in.integer(-2, 12) : 2 * in.integer(1, 4);
  rp::Options o = options(in, dim);
  switch (in.pick(5)) {
    case 0: {
      const double m = in.number(), n = in.number();
      call("rope.check", [&] {
        const rp::Check c = rp::check(dim, m, n, o);
        for (double v : {c.relativity, c.composition, c.orthogonality, c.identity, c.generator, c.skew})
          promise_not_nan(v, "rope.check");
        if (!(c.orthogonality <= 1e-14) || c.identity != 0 || c.skew != 0)
          bug("rope.check: R_m is not orthogonal (" + show(c.orthogonality) + "), R_0 ≠ I or B not skew");
        // The identities hold up to the rounding of the angles m θ, n θ (θ ≤ max θ).
        const double angle = (std::abs(m) + std::abs(n)) * max_theta(o.rotary_dim ? o.rotary_dim : dim, o, 0);
        if (o.scaling.kind != rp::ScalingKind::dynamic && !(c.relativity <= 16 * kEps * (1 + angle)))
          bug("rope.check: relativity residual " + show(c.relativity) + " for angles up to " + show(angle));
      });
      break;
    }
    case 1:
      call("rope.generator", [&] {
        const MatrixXd b = rp::generator(dim, o);
        promise_not_nan(b, "rope.generator");
        if (!(b + b.transpose()).isZero(0)) bug("rope.generator is not skew-symmetric");
      });
      break;
    case 2: {
      const double len = in.pick(2) ? 0.0 : in.number();
      call("rope.frequencies", [&] {
        const VectorXd t = rp::frequencies(dim, o, len);
        promise_not_nan(t, "rope.frequencies");
        if (!t.allFinite() || (t.size() && t.minCoeff() < 0)) bug("rope.frequencies returned a negative or non-finite θ");
      });
      break;
    }
    case 3: {
      const double len = in.pick(2) ? static_cast<double>(in.integer(1, 100000)) : in.number();
      call("rope.contextScaling", [&] {
        const rp::ContextScaling c = rp::context_scaling(dim, len, o);
        for (const VectorXd* v : {&c.theta, &c.scaled_theta, &c.wavelength, &c.original_wavelength, &c.interpolation,
                                  &c.rotations, &c.max_angle, &c.trained_angle})
          promise_not_nan(*v, "rope.contextScaling");
        for (double v : {c.effective_base, c.attention_factor, c.context_length, c.original_context, c.scaled_context})
          promise_not_nan(v, "rope.contextScaling");
      });
      break;
    }
    default: {
      const int axes = in.integer(-1, 4);
      VectorXd p1 = in.vector(in.pick(6) == 0 ? in.integer(0, 4) : std::max(axes, 0));
      VectorXd p2 = in.vector(p1.size());
      rp::AxialOptions ao;
      ao.base = o.base;
      ao.pairing = o.pairing;
      ao.frequencies = static_cast<rp::AxialFrequencies>(in.pick(2));
      call("rope.checkAxial", [&] {
        const rp::AxialCheck c = rp::check_axial(dim, p1, p2, ao);
        for (double v : {c.relativity, c.orthogonality, c.commutator, c.generator, c.recovery_error})
          promise_not_nan(v, "rope.checkAxial");
        promise_not_nan(c.recovered, "rope.checkAxial recovered");
        promise_not_nan(c.range, "rope.checkAxial range");
        if (c.commutator != 0) bug("rope.checkAxial: axial generators do not commute");
      });
      call("rope.rotationMatrix", [&] {
        const MatrixXd r = rp::rotation_matrix_axial(dim, p2, ao);
        promise_not_nan(r, "rope.rotationMatrix (axial)");
        if (!((r.transpose() * r - MatrixXd::Identity(dim, dim)).cwiseAbs().maxCoeff() <= 1e-14))
          bug("rope.rotationMatrix (axial) is not orthogonal");
      });
    }
  }
}

void exercise_scores(Input& in) {
  const Index d = in.pick(6) == 0 ? in.integer(0, 9) : 2 * in.integer(1, 4);
  const VectorXd q = in.vector(d);
  const VectorXd k = in.vector(in.pick(8) == 0 ? in.integer(0, 9) : d);
  const VectorXd off = in.vector(in.integer(0, 4));
  rp::Options o = options(in, static_cast<int>(d));
  trace_options("scores", d, k.size(), 1, o.base, static_cast<int>(o.pairing), o.rotary_dim, o.scaling, true);
  switch (in.pick(4)) {
    case 0:
      call("rope.decay", [&] {
        const VectorXd f = rp::decay(static_cast<int>(d), off, o);
        promise_not_nan(f, "rope.decay");
        // f(r) = (2/d) Σ_j |S_j(r)| with |S_j| ≤ j: 0 ≤ f ≤ d/4 + 1/2.
        for (Index i = 0; i < f.size(); ++i)
          promise_range(f(i), 0, d / 4.0 + 0.5 + 1e-12 * d, "rope.decay");
      });
      break;
    case 1:
      call("rope.scores", [&] {
        const VectorXd s = rp::scores(q, k, off, o);
        promise_finite(s, "rope.scores", in);
        // |qᵀ R k| ≤ ‖q‖‖k‖ (times a² for YaRN's attention factor).
        if (!in.extreme() && o.scaling.kind != rp::ScalingKind::yarn)
          for (Index i = 0; i < s.size(); ++i)
            if (!(std::abs(s(i)) <= q.norm() * k.norm() * (1 + 1e-12) + 1e-300))
              bug("rope.scores: |score| = " + show(s(i)) + " exceeds ‖q‖‖k‖ = " + show(q.norm() * k.norm()));
      });
      break;
    default: {
      const VectorXd dy = in.vector(in.integer(0, 3));
      const auto enc = static_cast<rp::Encoding2d>(in.pick(3));
      const double width = in.pick(2) ? static_cast<double>(in.integer(0, 64)) : in.number();
      rp::AxialOptions ao;
      ao.base = o.base;
      ao.pairing = o.pairing;
      ao.frequencies = static_cast<rp::AxialFrequencies>(in.pick(2));
      call("rope.scores2d", [&] {
        const MatrixXd s = rp::scores_2d(q, k, off, dy, enc, width, ao);
        promise_finite(s, "rope.scores2d", in);
        if (!in.extreme())
          for (Index i = 0; i < s.size(); ++i)
            if (!(std::abs(s.data()[i]) <= q.norm() * k.norm() * (1 + 1e-12) + 1e-300))
              bug("rope.scores2d: |score| exceeds ‖q‖‖k‖");
      });
    }
  }
}

void exercise_family(Input& in) {
  rp::FamilyParams p;
  p.b = in.number();
  p.c = in.number();
  p.f = in.pick(3) == 0 ? in.number() : 1.0;
  const bool commuting = in.pick(2);
  p.d = commuting ? p.c * p.f : in.number();
  p.e = commuting ? -p.b * p.f : in.number();
  p.theta = in.pick(2) ? 1.0 : in.number();
  const std::array<double, 2> from{in.number(), in.number()}, to{in.number(), in.number()};
  call("rope.generatorFamily", [&] {
    const rp::Family f = rp::generator_family(p, from, to);
    promise_not_nan(f.commutator, "rope.generatorFamily commutator");
    promise_not_nan(f.rotation_from, "rope.generatorFamily rotation");
    promise_not_nan(f.rotation_to, "rope.generatorFamily rotation");
    for (double v : {f.max_commutator, f.condition_d, f.condition_e, f.relativity}) promise_not_nan(v, "rope.generatorFamily");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  switch (in.pick(10)) {
    case 0: exercise_apply<double>(in, false); break;
    case 1: exercise_apply<float>(in, true); break;
    case 2: exercise_axial<double>(in, false, false); break;
    case 3: exercise_axial<float>(in, true, false); break;
    case 4: exercise_axial<double>(in, false, true); break;
    case 5: exercise_weights(in); break;
    case 6: exercise_conversion(in); break;
    case 7: exercise_matrices(in); break;
    case 8: exercise_scores(in); break;
    default: exercise_family(in); break;
  }
  return 0;
}

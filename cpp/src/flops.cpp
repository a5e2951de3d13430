// mathlens::flops — implementation. Formulas: spec/MATH.md §1 (and §5(a) for Nyström's count).
//
// Every term is kept as a polynomial in n with integer coefficients, 2·MACs(n) = a2·n² + a1·n + a0
// (the factor 2 keeps the causal n(n+1)/2 integral), built and evaluated in overflow-checked 64-bit
// arithmetic. Counts leave this file only as doubles that equal the exact integer.
#include "mathlens/flops.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mathlens/detail/check.hpp"

// Closed-form arithmetic on a few dozen numbers: optimised for size, not speed, in the wasm build
// (inlined 128-bit arithmetic and string building would otherwise cost ~25 KB of gzipped wasm).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

namespace mathlens::flops {

using detail::fail;
using detail::num;
using i64 = std::int64_t;

const char* const kConvention =
    "MACs: one multiply-add, the post's \"multiplication\" (an a×b by b×c matrix product costs abc); "
    "FLOPs = 2 × MACs. Not counted: softmax and its normalisation, the linear-attention normaliser, "
    "activations, residuals, LayerNorm, biases, embeddings, landmark pooling.";

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::standard: return "standard";
    case Variant::linear: return "linear";
    case Variant::performer: return "performer";
    case Variant::nystrom: return "nystrom";
  }
  return "?";
}

const char* group_name(Group g) {
  switch (g) {
    case Group::projection: return "projection";
    case Group::attention: return "attention";
    case Group::ffn: return "ffn";
  }
  return "?";
}

namespace {

constexpr double kTwo53 = 9007199254740992.0;
/// A number with up to 10 significant digits ("2073.6", "3.6028797e+16").
std::string num10(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

[[noreturn]] void too_large(const char* fn, const std::string& what) {
  fail(fn, "counts too large to be exact: " + what + "; reduce n, batch, layers or the sizes");
}

/// Overflow-checked 64-bit arithmetic: an overflow means the counts are beyond anything exact.
struct Arith {
  const char* fn;
  [[gnu::noinline]] i64 mul(i64 a, i64 b) const {
    i64 r;
    if (__builtin_mul_overflow(a, b, &r)) too_large(fn, "they overflow 64-bit integers");
    return r;
  }
  template <class... T>
  i64 mul(i64 a, i64 b, T... rest) const {
    return mul(mul(a, b), rest...);
  }
  [[gnu::noinline]] i64 add(i64 a, i64 b) const {
    i64 r;
    if (__builtin_add_overflow(a, b, &r)) too_large(fn, "they overflow 64-bit integers");
    return r;
  }
};

/// 2·MACs(n) = a2·n² + a1·n + a0.
struct Poly {
  i64 a2 = 0, a1 = 0, a0 = 0;
};

struct RawTerm {
  const char* key;
  const char* label;
  Group group;
  Poly p;
};

/// The exact double of a count, or an error naming it; a term's count is "the <key> count".
[[gnu::noinline]] double exact(i64 x, const char* fn, const char* what, const char* key = nullptr) {
  const double d = static_cast<double>(x);
  // (2^63 itself is not an int64, so d < 2^63 makes the conversion back well defined)
  if (!(d < 9223372036854775808.0) || static_cast<i64>(d) != x)
    too_large(fn, (key ? std::string("the ") + key + " count" : std::string(what)) + " = " + num(d) +
                      " is not exactly representable as a double (above 2^53 only some integers are)");
  return d;
}

/// Doubled polynomial at n, checked.
[[gnu::noinline]] i64 eval2(const Poly& p, i64 n, const Arith& a) {
  return a.add(a.add(a.mul(p.a2, n, n), a.mul(p.a1, n)), p.a0);
}

/// Exact MACs of a term at n.
[[gnu::noinline]] double macs_at(const Poly& p, i64 n, const Arith& a, const char* what, const char* key = nullptr) {
  return exact(eval2(p, n, a) / 2, a.fn, what, key);
}

Poly sum(const std::vector<RawTerm>& terms, const Arith& a, Group only, bool all) {
  Poly s;
  for (const auto& t : terms)
    if (all || t.group == only) {
      s.a2 = a.add(s.a2, t.p.a2);
      s.a1 = a.add(s.a1, t.p.a1);
      s.a0 = a.add(s.a0, t.p.a0);
    }
  return s;
}

Poly minus(const Poly& x, const Poly& y) { return {x.a2 - y.a2, x.a1 - y.a1, x.a0 - y.a0}; }

// ------------------------------------------------------------------------------ validation

void positive(i64 v, const char* fn, const char* name) {
  if (v < 1) fail(fn, std::string(name) + " must be a positive integer, got " + std::to_string(v));
}
void non_negative(i64 v, const char* fn, const char* name) {
  if (v < 0) fail(fn, std::string(name) + " must be a non-negative integer, got " + std::to_string(v));
}

void check_variant(const VariantOptions& o, i64 n, bool causal, const char* fn) {
  if (o.variant != Variant::standard && o.variant != Variant::linear && o.variant != Variant::performer &&
      o.variant != Variant::nystrom)
    fail(fn, "variant must be standard, linear, performer or nystrom");
  positive(o.feature_multiple, fn, "featureMultiple");
  positive(o.features, fn, "features");
  positive(o.landmarks, fn, "landmarks");
  non_negative(o.pinv_iterations, fn, "pinvIterations");
  non_negative(o.conv_kernel, fn, "convKernel");
  if (o.variant == Variant::nystrom) {
    if (causal)
      fail(fn, "causal attention is not supported by the nystrom variant (landmark pooling mixes future tokens)");
    if (o.landmarks > n)
      fail(fn, "landmarks (" + std::to_string(o.landmarks) + ") must not exceed n (" + std::to_string(n) + ")");
  }
}

/// The attention core's sizes, validated.
struct Core {
  i64 h, g, d, b;
  bool causal;
  VariantOptions v;
};

/// A layer's sizes, validated and resolved.
struct Resolved {
  Config config;  // with head_size, kv_heads, ffn filled in
  Core core;
  i64 c;  // FFN matrices: 2 or 3
};

Resolved resolve(const Config& in, const char* fn) {
  Config c = in;
  positive(c.hidden, fn, "hidden");
  positive(c.heads, fn, "heads");
  if (c.head_size < 0) positive(c.head_size, fn, "headSize");
  if (c.head_size == 0) {
    if (c.hidden % c.heads != 0)
      fail(fn, "hidden (" + std::to_string(c.hidden) + ") is not divisible by heads (" + std::to_string(c.heads) +
                   "); give headSize for an attention width other than hidden");
    c.head_size = c.hidden / c.heads;
  }
  if (c.kv_heads < 0) positive(c.kv_heads, fn, "kvHeads");
  if (c.kv_heads == 0) c.kv_heads = c.heads;
  if (c.heads % c.kv_heads != 0)
    fail(fn, "heads (" + std::to_string(c.heads) + ") is not divisible by kvHeads (" + std::to_string(c.kv_heads) + ")");
  if (c.ffn < 0) positive(c.ffn, fn, "ffn");
  if (c.ffn == 0) {
    if (!(std::isfinite(c.ffn_ratio) && c.ffn_ratio > 0))
      fail(fn, "ffnRatio must be a positive number, got " + num(c.ffn_ratio));
    const double f = c.ffn_ratio * static_cast<double>(c.hidden);
    if (f > kTwo53) fail(fn, "ffnRatio × hidden = " + num10(f) + " is too large; give ffn instead");
    if (f != std::floor(f)) fail(fn, "ffnRatio × hidden = " + num10(f) + " is not a whole number; give ffn instead");
    if (f < 1) fail(fn, "ffnRatio × hidden = " + num10(f) + " is less than 1");
    c.ffn = static_cast<i64>(f);
  }
  c.ffn_ratio = static_cast<double>(c.ffn) / static_cast<double>(c.hidden);
  positive(c.n, fn, "n");
  positive(c.batch, fn, "batch");
  positive(c.layers, fn, "layers");
  positive(c.bytes_per_element, fn, "bytesPerElement");
  check_variant(c, c.n, c.causal, fn);
  Core core{c.heads, c.kv_heads, c.head_size, c.batch, c.causal, static_cast<const VariantOptions&>(c)};
  return {c, core, c.gated ? 3 : 2};
}

AttentionConfig resolve(const AttentionConfig& in, const char* fn) {
  AttentionConfig c = in;
  positive(c.n, fn, "n");
  positive(c.head_size, fn, "headSize");
  positive(c.heads, fn, "heads");
  if (c.kv_heads < 0) positive(c.kv_heads, fn, "kvHeads");
  if (c.kv_heads == 0) c.kv_heads = c.heads;
  if (c.heads % c.kv_heads != 0)
    fail(fn, "heads (" + std::to_string(c.heads) + ") is not divisible by kvHeads (" + std::to_string(c.kv_heads) + ")");
  positive(c.batch, fn, "batch");
  positive(c.bytes_per_element, fn, "bytesPerElement");
  check_variant(c, c.n, c.causal, fn);
  return c;
}

// ------------------------------------------------------------------------------ the terms

void core_terms(const Core& c, const Arith& a, std::vector<RawTerm>& out) {
  const i64 b = c.b, h = c.h, g = c.g, d = c.d;
  switch (c.v.variant) {
    case Variant::standard: {
      // n²d per head each; causal: d·n(n+1)/2, i.e. 2·MACs = hd·n² + hd·n.
      const Poly p = c.causal ? Poly{a.mul(b, h, d), a.mul(b, h, d), 0} : Poly{a.mul(2, b, h, d), 0, 0};
      out.push_back({"scores", "scores QKᵀ", Group::attention, p});
      out.push_back({"weightedSum", "weighted sum AV", Group::attention, p});
      break;
    }
    case Variant::linear: {
      const i64 r = a.mul(c.v.feature_multiple, d);
      const i64 dv = c.v.widen_values ? r : d;
      out.push_back({"linearKV", "φ(K)ᵀV", Group::attention, {0, a.mul(2, b, g, r, dv), 0}});
      out.push_back({"linearQ", "φ(Q)·(φ(K)ᵀV)", Group::attention, {0, a.mul(2, b, h, r, dv), 0}});
      break;
    }
    case Variant::performer: {
      const i64 m = c.v.features;
      out.push_back({"featureMap", "random features φ(Q), φ(K)", Group::attention, {0, a.mul(2, b, h + g, m, d), 0}});
      out.push_back({"performerKV", "φ(K)ᵀV", Group::attention, {0, a.mul(2, b, g, m, d), 0}});
      out.push_back({"performerQ", "φ(Q)·(φ(K)ᵀV)", Group::attention, {0, a.mul(2, b, h, m, d), 0}});
      break;
    }
    case Variant::nystrom: {
      const i64 m = c.v.landmarks;
      const i64 nmd = a.mul(2, b, h, m, d);     // per n
      const i64 mmd = a.mul(2, b, h, m, m, d);  // constant
      out.push_back({"nystromF", "F = softmax(QK̃ᵀ)", Group::attention, {0, nmd, 0}});
      out.push_back({"nystromA", "A = softmax(Q̃K̃ᵀ)", Group::attention, {0, 0, mmd}});
      out.push_back({"nystromB", "B = softmax(Q̃Kᵀ)", Group::attention, {0, nmd, 0}});
      out.push_back({"nystromBV", "BV", Group::attention, {0, nmd, 0}});
      out.push_back({"nystromPinv", "iterative pseudo-inverse A⁺ (4m³ per iteration)", Group::attention,
                     {0, 0, a.mul(2, b, h, 4, m, m, m, c.v.pinv_iterations)}});
      out.push_back({"nystromPinvBV", "A⁺(BV)", Group::attention, {0, 0, mmd}});
      out.push_back({"nystromOut", "F·(A⁺BV)", Group::attention, {0, nmd, 0}});
      if (c.v.conv_kernel > 0)
        out.push_back({"nystromConv", "depthwise conv skip on V", Group::attention,
                       {0, a.mul(2, b, h, d, c.v.conv_kernel), 0}});
      break;
    }
  }
}

std::vector<RawTerm> layer_terms(const Resolved& r, const Core& core, const Arith& a) {
  const i64 b = r.config.batch, H = r.config.hidden, hd = a.mul(r.core.h, r.core.d), gd = a.mul(r.core.g, r.core.d);
  std::vector<RawTerm> t;
  t.push_back({"qProj", "Q projection", Group::projection, {0, a.mul(2, b, H, hd), 0}});
  t.push_back({"kProj", "K projection", Group::projection, {0, a.mul(2, b, H, gd), 0}});
  t.push_back({"vProj", "V projection", Group::projection, {0, a.mul(2, b, H, gd), 0}});
  t.push_back({"oProj", "output projection", Group::projection, {0, a.mul(2, b, hd, H), 0}});
  core_terms(core, a, t);
  t.push_back({"ffn", r.c == 3 ? "FFN (gated, 3 matrices)" : "FFN (2 matrices)", Group::ffn,
               {0, a.mul(2, b, r.c, H, r.config.ffn), 0}});
  return t;
}

/// Entries of the matrices the attention core materialises, at n.
i64 memory_entries(const Core& c, i64 n, const Arith& a) {
  const i64 b = c.b, h = c.h, g = c.g, d = c.d;
  switch (c.v.variant) {
    case Variant::standard: return a.mul(b, h, n, n);
    case Variant::linear: {
      const i64 r = a.mul(c.v.feature_multiple, d);
      const i64 dv = c.v.widen_values ? r : d;
      return a.mul(b, a.add(a.mul(h + g, n, r), a.mul(g, r, dv)));
    }
    case Variant::performer: {
      const i64 m = c.v.features;
      return a.mul(b, a.add(a.mul(h + g, n, m), a.mul(g, m, d)));
    }
    case Variant::nystrom: {
      const i64 m = c.v.landmarks;
      return a.mul(b, h, a.add(a.mul(2, n, m), a.mul(m, m)));
    }
  }
  return 0;
}

Term to_term(const RawTerm& r, i64 n, const Arith& a) {
  Term t;
  t.key = r.key;
  t.label = r.label;
  t.group = r.group;
  t.macs = macs_at(r.p, n, a, nullptr, r.key);
  t.flops = 2 * t.macs;
  t.n2 = static_cast<double>(r.p.a2) / 2;
  t.n1 = static_cast<double>(r.p.a1) / 2;
  t.n0 = static_cast<double>(r.p.a0) / 2;
  return t;
}

// ------------------------------------------------------------------------------ crossovers

template <class T>
int sign(T x) {
  return (x > 0) - (x < 0);
}

/// Exact sign of the doubled difference at integer n; 2 when it overflows 64 bits.
int sign_at(const Poly& p, i64 n) {
  i64 x, y, z, s;
  if (__builtin_mul_overflow(p.a2, n, &x) || __builtin_mul_overflow(x, n, &x) || __builtin_mul_overflow(p.a1, n, &y) ||
      __builtin_add_overflow(x, y, &z) || __builtin_add_overflow(z, p.a0, &s))
    return 2;
  return sign(s);
}

/// Fills numeric, first_n and always for D = first − second (doubled MACs, degree ≤ 2).
void solve(const Poly& D, Crossover& c) {
  const int eventual = D.a2 ? sign(D.a2) : D.a1 ? sign(D.a1) : sign(D.a0);
  if (eventual <= 0) return;  // first never stays larger
  const double a2 = static_cast<double>(D.a2), a1 = static_cast<double>(D.a1), a0 = static_cast<double>(D.a0);
  auto f = [&](double x) { return (a2 * x + a1) * x + a0; };
  // D is non-decreasing on [lo, ∞): past the vertex of the parabola, or everywhere when linear.
  double lo = 1;
  if (D.a2 > 0) lo = std::max(lo, -a1 / (2 * a2));
  if (f(lo) <= 0) {
    double hi = std::max(2 * lo, lo + 1);
    while (f(hi) <= 0 && hi < 1e300) hi *= 2;
    for (int it = 0; it < 2000; ++it) {
      const double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      (f(mid) <= 0 ? lo : hi) = mid;
    }
    c.numeric = f(lo) == 0 ? lo : lo + (hi - lo) / 2;
  }
  // Exact integer crossing: the smallest integer K ≥ ceil(lo) with D(K) > 0; every larger integer
  // then has D > 0 too, and below lo D is non-increasing.
  const double start = std::ceil(lo);
  const double guess = c.numeric ? std::max(start, std::floor(*c.numeric) - 2) : start;
  if (guess > 1e18) return;  // beyond any exact count
  const i64 first = static_cast<i64>(start);
  i64 k = static_cast<i64>(guess);
  while (k > first && sign_at(D, k) > 0) --k;
  for (int s = sign_at(D, k), steps = 0; s <= 0; s = sign_at(D, k)) {
    if (++steps > 1000000) return;  // the double evaluation was far off; give no integer answer
    ++k;
  }
  if (sign_at(D, k) == 2) return;
  const i64 below = static_cast<i64>(std::floor(lo));
  if (k == first && (lo <= 1 || sign_at(D, below) > 0)) k = 1;
  c.first_n = k;
  c.always = k == 1;
}

std::string str(i64 x) { return std::to_string(x); }

/// The post-style closed forms (doubles of exact rationals); nullopt below n = 1.
std::optional<double> at_least_one(double x) {
  if (x >= 1) return x;
  return std::nullopt;
}

double ratio(i64 num, i64 den) { return static_cast<double>(num) / static_cast<double>(den); }

[[gnu::noinline]] Crossover cross(const char* key, const char* label, const char* first, const char* second,
                                  std::optional<double> closed, const char* formula, const Poly& D) {
  Crossover x;
  x.key = key;
  x.label = label;
  x.first = first;
  x.second = second;
  x.closed_form = closed;
  x.formula = formula;
  solve(D, x);
  return x;
}

}  // namespace

// ------------------------------------------------------------------------------ presets

const std::vector<Preset>& presets() {
  static const std::vector<Preset> list = [] {
    auto make = [](const char* name, const char* label, i64 hidden, i64 heads, i64 ffn, i64 layers, i64 context,
                   bool causal, bool gated) {
      Preset p;
      p.name = name;
      p.label = label;
      p.context = context;
      p.config.hidden = hidden;
      p.config.heads = heads;
      p.config.ffn = ffn;
      p.config.layers = layers;
      p.config.n = context;
      p.config.causal = causal;
      p.config.gated = gated;
      return p;
    };
    return std::vector<Preset>{
        make("bert-base", "BERT-base", 768, 12, 3072, 12, 512, false, false),
        make("bert-large", "BERT-large", 1024, 16, 4096, 24, 512, false, false),
        make("gpt2-small", "GPT-2 small", 768, 12, 3072, 12, 1024, true, false),
        make("gpt2-medium", "GPT-2 medium", 1024, 16, 4096, 24, 1024, true, false),
        make("gpt2-large", "GPT-2 large", 1280, 20, 5120, 36, 1024, true, false),
        make("gpt2-xl", "GPT-2 XL", 1600, 25, 6400, 48, 1024, true, false),
        make("llama-2-7b", "LLaMA-2-7B", 4096, 32, 11008, 32, 4096, true, true),
    };
  }();
  return list;
}

Config preset(const std::string& name) {
  std::string names;
  for (const auto& p : presets()) {
    if (p.name == name) return p.config;
    if (!names.empty()) names += ", ";
    names += p.name;
  }
  fail("flops.preset", "unknown preset \"" + name + "\" (one of: " + names + ")");
}

// ------------------------------------------------------------------------------ attention

AttentionCost attention(const AttentionConfig& in) {
  const char* fn = "flops.attention";
  const AttentionConfig c = resolve(in, fn);
  const Arith a{fn};
  const Core core{c.heads, c.kv_heads, c.head_size, c.batch, c.causal, static_cast<const VariantOptions&>(c)};
  std::vector<RawTerm> raw;
  core_terms(core, a, raw);
  AttentionCost out;
  out.config = c;
  const Poly total = sum(raw, a, Group::attention, true);
  out.macs = macs_at(total, c.n, a, "the attention count");
  out.flops = 2 * out.macs;
  for (const auto& r : raw) {
    Term t = to_term(r, c.n, a);
    t.share = out.macs > 0 ? t.macs / out.macs : 0;
    out.terms.push_back(std::move(t));
  }
  const i64 entries = memory_entries(core, c.n, a);
  out.memory_entries = exact(entries, fn, "the attention memory");
  out.memory_bytes = exact(a.mul(entries, c.bytes_per_element), fn, "the attention memory in bytes");
  return out;
}

// ------------------------------------------------------------------------------ layer

LayerCost layer(const Config& in) {
  const char* fn = "flops.layer";
  const Resolved r = resolve(in, fn);
  const Config& c = r.config;
  const Arith a{fn};
  const i64 n = c.n;
  const std::vector<RawTerm> raw = layer_terms(r, r.core, a);

  const Poly proj = sum(raw, a, Group::projection, false);
  const Poly core = sum(raw, a, Group::attention, false);
  const Poly ffn = sum(raw, a, Group::ffn, false);
  const Poly total = sum(raw, a, Group::attention, true);
  const Poly attn{proj.a2 + core.a2, proj.a1 + core.a1, proj.a0 + core.a0};

  LayerCost out;
  out.config = c;
  Parts& m = out.macs;
  m.projections = macs_at(proj, n, a, "the projection count");
  m.attention_core = macs_at(core, n, a, "the attention core count");
  m.attention = macs_at(attn, n, a, "the attention count");
  m.ffn = macs_at(ffn, n, a, "the FFN count");
  m.total = macs_at(total, n, a, "the layer count");
  m.quadratic = static_cast<double>(a.mul(total.a2, n, n)) / 2;
  m.linear = static_cast<double>(a.mul(total.a1, n)) / 2;
  m.constant = static_cast<double>(total.a0) / 2;
  Parts& f = out.flops;
  f = m;
  for (double* x : {&f.projections, &f.attention_core, &f.attention, &f.ffn, &f.total, &f.quadratic, &f.linear, &f.constant})
    *x *= 2;
  for (const auto& t : raw) {
    Term term = to_term(t, n, a);
    term.share = term.macs / m.total;
    out.terms.push_back(std::move(term));
  }
  out.attention_share = m.attention / m.total;
  out.core_share = m.attention_core / m.total;
  out.ffn_share = m.ffn / m.total;
  out.quadratic_fraction = m.quadratic / m.total;
  out.attention_ffn_ratio = m.attention / m.ffn;

  const i64 entries = memory_entries(r.core, n, a);
  out.memory_entries = exact(entries, fn, "the attention memory");
  out.memory_bytes = exact(a.mul(entries, c.bytes_per_element), fn, "the attention memory in bytes");

  const i64 H = c.hidden, hd = a.mul(c.heads, c.head_size), gd = a.mul(c.kv_heads, c.head_size);
  const i64 params = a.add(a.add(a.mul(2, H, hd), a.mul(2, H, gd)), a.mul(r.c, H, c.ffn));
  out.parameters = exact(params, fn, "the parameter count");
  const i64 model_macs = a.mul(eval2(total, n, a) / 2, c.layers);
  out.model.macs = exact(model_macs, fn, "the model count");
  out.model.flops = exact(a.mul(model_macs, 2), fn, "the model count in FLOPs");
  const i64 model_params = a.mul(params, c.layers);
  out.model.parameters = exact(model_params, fn, "the model's parameter count");
  out.model.flops_per_token = out.model.flops / (static_cast<double>(c.batch) * static_cast<double>(n));
  const i64 context = a.mul(2, c.layers, n, hd);
  out.kaplan.parameters = out.model.parameters;
  out.kaplan.context_flops_per_token = exact(context, fn, "Kaplan's context term");
  out.kaplan.flops_per_token = exact(a.add(a.mul(2, model_params), context), fn, "Kaplan's estimate");

  // ---- crossovers
  const i64 h = c.heads, g = c.kv_heads, d = c.head_size, F = c.ffn;
  const bool mha = g == h, causal = c.causal, gated = r.c == 3;
  const Variant v = c.variant;
  const i64 P = a.mul(2, H, h + g, d);  // projections per n
  const i64 FF = a.mul(r.c, H, F);      // FFN per n
  const bool post = mha && hd == H && F == 4 * H && !gated;
  const bool standard = v == Variant::standard;
  // Formulas by [causal][gated][GQA] (TeX; H hidden, h heads, g KV heads, d head size, F FFN width).
  static const char* const kAttnFfn[2][2][2] = {
      {{"\\frac{2HF-4Hhd}{2hd}", "\\frac{2HF-2H(h+g)d}{2hd}"}, {"\\frac{3HF-4Hhd}{2hd}", "\\frac{3HF-2H(h+g)d}{2hd}"}},
      {{"\\frac{2HF-4Hhd}{hd}-1", "\\frac{2HF-2H(h+g)d}{hd}-1"}, {"\\frac{3HF-4Hhd}{hd}-1", "\\frac{3HF-2H(h+g)d}{hd}-1"}}};
  static const char* const kQuadLin[2][2][2] = {
      {{"\\frac{4Hhd+2HF}{2hd}", "\\frac{2H(h+g)d+2HF}{2hd}"}, {"\\frac{4Hhd+3HF}{2hd}", "\\frac{2H(h+g)d+3HF}{2hd}"}},
      {{"\\frac{4Hhd+2HF}{hd}+1", "\\frac{2H(h+g)d+2HF}{hd}+1"}, {"\\frac{4Hhd+3HF}{hd}+1", "\\frac{2H(h+g)d+3HF}{hd}+1"}}};
  // [causal][widen][GQA]
  static const char* const kLinear[2][2][2] = {
      {{"kd", "\\frac{(h+g)kd}{2h}"}, {"k^{2}d", "\\frac{(h+g)k^{2}d}{2h}"}},
      {{"2kd-1", "\\frac{(h+g)kd}{h}-1"}, {"2k^{2}d-1", "\\frac{(h+g)k^{2}d}{h}-1"}}};
  static const char* const kPerformer[2][2] = {{"2m", "\\frac{(h+g)m}{h}"}, {"4m-1", "\\frac{2(h+g)m}{h}-1"}};
  out.crossovers.push_back(cross(
      "attentionFfn", "attention (projections + core) exceeds the FFN", "attention", "FFN",
      standard ? at_least_one(causal ? ratio(FF - P, hd) - 1 : ratio(FF - P, 2 * hd)) : std::nullopt,
      !standard ? "" : post ? (causal ? "4H-1" : "2H") : kAttnFfn[causal][gated][!mha], minus(attn, ffn)));
  out.crossovers.push_back(cross(
      "quadraticLinear", "the n² part exceeds the part linear in n", "n² part", "linear part",
      standard ? at_least_one(causal ? ratio(P + FF, hd) + 1 : ratio(P + FF, 2 * hd)) : std::nullopt,
      !standard ? "" : post ? (causal ? "12H+1" : "6H") : kQuadLin[causal][gated][!mha],
      {total.a2, -total.a1, -total.a0}));
  // Standard core vs a variant's core, all heads and the batch.
  auto core_of = [&](Variant which) {
    Core cc = r.core;
    cc.v.variant = which;
    std::vector<RawTerm> t;
    core_terms(cc, a, t);
    return sum(t, a, Group::attention, true);
  };
  const Poly standard_core = core_of(Variant::standard);
  {
    const i64 rr = a.mul(c.feature_multiple, d), dv = c.widen_values ? rr : d;
    const double x = ratio(a.mul(h + g, rr, dv), hd);
    out.crossovers.push_back(
        cross("linearCore",
              c.widen_values ? "the softmax attention core exceeds the linear-attention core (r = dv = k·d)"
                             : "the softmax attention core exceeds the linear-attention core (r = k·d, dv = d)",
              "softmax attention core", "linear attention core", at_least_one(causal ? x - 1 : x / 2),
              kLinear[causal][c.widen_values][!mha], minus(standard_core, core_of(Variant::linear))));
  }
  if (v == Variant::performer) {
    const double x = ratio(a.mul(h + g, c.features), h);
    out.crossovers.push_back(cross("performerCore", "the softmax attention core exceeds the Performer core",
                                   "softmax attention core", "Performer core", at_least_one(causal ? 2 * x - 1 : x),
                                   kPerformer[causal][!mha], minus(standard_core, core)));
  }
  if (v == Variant::nystrom)
    out.crossovers.push_back(cross("nystromCore", "the softmax attention core exceeds the Nyström core",
                                   "softmax attention core", "Nyström core", std::nullopt, "",
                                   minus(standard_core, core)));
  if (!standard) {
    static const char* const kLayerLabel[4] = {
        "", "the layer with softmax attention exceeds the layer with linear attention",
        "the layer with softmax attention exceeds the layer with Performer attention",
        "the layer with softmax attention exceeds the layer with Nyström attention"};
    static const char* const kLayerSecond[4] = {"", "layer with linear attention", "layer with Performer attention",
                                                "layer with Nyström attention"};
    const Poly standard_total{total.a2 - core.a2 + standard_core.a2, total.a1 - core.a1 + standard_core.a1,
                              total.a0 - core.a0 + standard_core.a0};
    out.crossovers.push_back(cross("layerVsStandard", kLayerLabel[static_cast<int>(v)], "layer with softmax attention",
                                   kLayerSecond[static_cast<int>(v)], std::nullopt, "", minus(standard_total, total)));
  }
  return out;
}

// ------------------------------------------------------------------------------ sweeps

std::vector<std::int64_t> log_spaced(std::int64_t from, std::int64_t to, std::int64_t points) {
  const char* fn = "flops.sweep";
  positive(from, fn, "from");
  if (to <= from) fail(fn, "to (" + str(to) + ") must be greater than from (" + str(from) + ")");
  if (to > static_cast<i64>(kTwo53)) fail(fn, "to must be at most 2^53, got " + str(to));
  if (points < 2 || points > 10000) fail(fn, "points must be an integer from 2 to 10000, got " + str(points));
  std::vector<i64> out;
  const double l0 = std::log(static_cast<double>(from)), l1 = std::log(static_cast<double>(to));
  for (i64 i = 0; i < points; ++i) {
    i64 x = i == 0 ? from
            : i == points - 1
                ? to
                : static_cast<i64>(std::llround(std::exp(l0 + (l1 - l0) * static_cast<double>(i) / static_cast<double>(points - 1))));
    x = std::min(std::max(x, from), to);
    if (out.empty() || x > out.back()) out.push_back(x);
  }
  return out;
}

Sweep sweep(const Config& in, const std::vector<std::int64_t>& ns) {
  const char* fn = "flops.sweep";
  if (ns.empty()) fail(fn, "ns is empty");
  if (ns.size() > 100000) fail(fn, "ns has " + std::to_string(ns.size()) + " entries; at most 100000");
  i64 lo = ns[0];
  for (size_t i = 0; i < ns.size(); ++i) {
    if (ns[i] < 1) fail(fn, "ns[" + std::to_string(i) + "] must be a positive integer, got " + str(ns[i]));
    lo = std::min(lo, ns[i]);
  }
  Config c0 = in;
  c0.n = lo;  // the smallest n checks every n-dependent constraint (landmarks ≤ n)
  const Resolved r = resolve(c0, fn);
  const Arith a{fn};
  const std::vector<RawTerm> raw = layer_terms(r, r.core, a);
  const size_t T = raw.size();
  Sweep out;
  for (const auto& t : raw) {
    out.keys.push_back(t.key);
    out.labels.push_back(t.label);
    out.groups.push_back(t.group);
  }
  const Poly proj = sum(raw, a, Group::projection, false);
  const Poly core = sum(raw, a, Group::attention, false);
  const Poly ffn = sum(raw, a, Group::ffn, false);
  const Poly total = sum(raw, a, Group::attention, true);
  out.macs.reserve(ns.size() * T);
  for (const i64 n : ns) {
    out.n.push_back(static_cast<double>(n));
    for (const auto& t : raw) out.macs.push_back(macs_at(t.p, n, a, nullptr, t.key));
    const double tot = macs_at(total, n, a, "the layer count");
    const double pr = macs_at(proj, n, a, "the projection count");
    const double co = macs_at(core, n, a, "the attention core count");
    const double ff = macs_at(ffn, n, a, "the FFN count");
    out.total.push_back(tot);
    out.projections.push_back(pr);
    out.attention_core.push_back(co);
    out.ffn.push_back(ff);
    out.attention_share.push_back((pr + co) / tot);
    out.core_share.push_back(co / tot);
    out.ffn_share.push_back(ff / tot);
    out.quadratic_fraction.push_back(static_cast<double>(a.mul(total.a2, n, n)) / 2 / tot);
  }
  return out;
}

}  // namespace mathlens::flops

#if defined(__clang__)
#pragma clang attribute pop
#endif

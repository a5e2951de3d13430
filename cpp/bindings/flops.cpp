// embind layer for mathlens::flops. A configuration crosses the boundary as one block of
// kConfigSize doubles; results are written as doubles into an output block that web/src/flops.ts
// reserved, and the strings (keys, labels, formulas) come back as one JS array. (Numbers through
// a block instead of val objects keep this file small in the wasm: each distinct val::set costs
// code.) The layouts below are mirrored in web/src/flops.ts.
#include "mathlens/flops.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)  // small beats fast here
#endif

namespace mathlens::bindings {
namespace {

namespace f = mathlens::flops;

// Config block:
//  0 hidden  1 heads  2 headSize  3 kvHeads  4 ffn  5 ffnRatio  6 gated  7 causal  8 n  9 batch
// 10 layers 11 bytesPerElement 12 variant (0..3) 13 featureMultiple 14 widenValues 15 features
// 16 landmarks 17 pinvIterations 18 convKernel
// A term is 7 doubles (group, macs, flops, share, n2, n1, n0), a crossover 4 (closedForm, numeric,
// firstN — NaN for none — and always).
constexpr int kConfig = 19;

/// Integral doubles (checked in TS) to int64; anything else becomes 0 and is rejected by the core.
[[gnu::noinline]] std::int64_t integer(double x) {
  return std::isfinite(x) && std::abs(x) <= 9007199254740992.0 ? static_cast<std::int64_t>(x) : 0;
}

void read_variant(const double* b, f::VariantOptions& v) {
  v.variant = static_cast<f::Variant>(static_cast<int>(integer(b[12])));
  v.feature_multiple = integer(b[13]);
  v.widen_values = b[14] != 0;
  v.features = integer(b[15]);
  v.landmarks = integer(b[16]);
  v.pinv_iterations = integer(b[17]);
  v.conv_kernel = integer(b[18]);
}

void write_variant(double* b, const f::VariantOptions& v) {
  b[12] = static_cast<double>(v.variant);
  b[13] = static_cast<double>(v.feature_multiple);
  b[14] = v.widen_values;
  b[15] = static_cast<double>(v.features);
  b[16] = static_cast<double>(v.landmarks);
  b[17] = static_cast<double>(v.pinv_iterations);
  b[18] = static_cast<double>(v.conv_kernel);
}

f::Config config(std::uintptr_t address) {
  const double* b = at(address);
  f::Config c;
  c.hidden = integer(b[0]);
  c.heads = integer(b[1]);
  c.head_size = integer(b[2]);
  c.kv_heads = integer(b[3]);
  c.ffn = integer(b[4]);
  c.ffn_ratio = b[5];
  c.gated = b[6] != 0;
  c.causal = b[7] != 0;
  c.n = integer(b[8]);
  c.batch = integer(b[9]);
  c.layers = integer(b[10]);
  c.bytes_per_element = integer(b[11]);
  read_variant(b, c);
  return c;
}

void write_config(double* b, const f::Config& c) {
  const std::int64_t v[] = {c.hidden, c.heads, c.head_size, c.kv_heads, c.ffn};
  for (int i = 0; i < 5; ++i) b[i] = static_cast<double>(v[i]);
  b[5] = c.ffn_ratio;
  b[6] = c.gated;
  b[7] = c.causal;
  b[8] = static_cast<double>(c.n);
  b[9] = static_cast<double>(c.batch);
  b[10] = static_cast<double>(c.layers);
  b[11] = static_cast<double>(c.bytes_per_element);
  write_variant(b, c);
}

// std::string crosses as UTF-8 (φ, ᵀ, ö); val(const char*) would not.
void push(val& array, const char* s) { array.call<void>("push", std::string(s)); }

/// Writes the terms at `b` and appends key, label to `strings`; returns the next free slot.
double* write_terms(double* b, const std::vector<f::Term>& terms, val& strings) {
  for (const auto& t : terms) {
    const double x[] = {static_cast<double>(t.group), t.macs, t.flops, t.share, t.n2, t.n1, t.n0};
    for (double v : x) *b++ = v;
    push(strings, t.key);
    push(strings, t.label);
  }
  return b;
}

double or_nan(const std::optional<double>& x) { return x ? *x : std::numeric_limits<double>::quiet_NaN(); }

/// Output: [T, X, config (19), macs parts (8), flops parts (8), shares (4: attention, core, ffn,
/// quadratic), attentionFfnRatio, memory entries, bytes, parameters, model macs, flops, parameters,
/// flopsPerToken, kaplan parameters, flopsPerToken, context, terms (T × 7), crossovers (X × 4)].
/// Strings: [convention, (key, label) × T, (key, label, first, second, formula) × X].
val layer(std::uintptr_t address, std::uintptr_t out) {
  return guard("flops.layer", [&] {
    const f::LayerCost r = f::layer(config(address));
    double* b = bindings::out(out);
    *b++ = static_cast<double>(r.terms.size());
    *b++ = static_cast<double>(r.crossovers.size());
    write_config(b, r.config);
    b += kConfig;
    for (const f::Parts* p : {&r.macs, &r.flops}) {
      const double x[] = {p->projections, p->attention_core, p->attention, p->ffn, p->total, p->quadratic, p->linear, p->constant};
      for (double v : x) *b++ = v;
    }
    const double x[] = {r.attention_share, r.core_share, r.ffn_share, r.quadratic_fraction, r.attention_ffn_ratio,
                        r.memory_entries, r.memory_bytes, r.parameters, r.model.macs, r.model.flops,
                        r.model.parameters, r.model.flops_per_token, r.kaplan.parameters, r.kaplan.flops_per_token,
                        r.kaplan.context_flops_per_token};
    for (double v : x) *b++ = v;
    val strings = val::array();
    push(strings, f::kConvention);
    b = write_terms(b, r.terms, strings);
    for (const auto& c : r.crossovers) {
      *b++ = or_nan(c.closed_form);
      *b++ = or_nan(c.numeric);
      *b++ = c.first_n ? static_cast<double>(*c.first_n) : std::numeric_limits<double>::quiet_NaN();
      *b++ = c.always;
      for (const char* s : {c.key, c.label, c.first, c.second, c.formula}) push(strings, s);
    }
    return strings;
  });
}

/// Output: [T, config (19; hidden, ffn… unused), macs, flops, memory entries, bytes, terms (T × 7)].
/// Strings: [convention, (key, label) × T].
val attention(std::uintptr_t address, std::uintptr_t out) {
  return guard("flops.attention", [&] {
    const double* in = at(address);
    f::AttentionConfig c;
    c.heads = integer(in[1]);
    c.head_size = integer(in[2]);
    c.kv_heads = integer(in[3]);
    c.causal = in[7] != 0;
    c.n = integer(in[8]);
    c.batch = integer(in[9]);
    c.bytes_per_element = integer(in[11]);
    read_variant(in, c);
    const f::AttentionCost r = f::attention(c);
    double* b = bindings::out(out);
    *b++ = static_cast<double>(r.terms.size());
    f::Config echo;
    echo.heads = r.config.heads;
    echo.head_size = r.config.head_size;
    echo.kv_heads = r.config.kv_heads;
    echo.causal = r.config.causal;
    echo.n = r.config.n;
    echo.batch = r.config.batch;
    echo.bytes_per_element = r.config.bytes_per_element;
    static_cast<f::VariantOptions&>(echo) = r.config;
    write_config(b, echo);
    b += kConfig;
    *b++ = r.macs;
    *b++ = r.flops;
    *b++ = r.memory_entries;
    *b++ = r.memory_bytes;
    val strings = val::array();
    push(strings, f::kConvention);
    write_terms(b, r.terms, strings);
    return strings;
  });
}

/// Output: [n (N), term series (T × N), total, projections, core, ffn, attention share, core
/// share, ffn share, quadratic fraction (8 × N)]. Returns [N, T, convention, (key, label, group) × T].
[[gnu::noinline]] val sweep_common(const f::Config& c, const std::vector<std::int64_t>& ns, std::uintptr_t out) {
  const f::Sweep s = f::sweep(c, ns);
  const size_t N = s.n.size(), T = s.keys.size();
  double* b = bindings::out(out);
  for (double v : s.n) *b++ = v;
  for (size_t t = 0; t < T; ++t)
    for (size_t i = 0; i < N; ++i) *b++ = s.macs[i * T + t];
  for (const std::vector<double>* v : {&s.total, &s.projections, &s.attention_core, &s.ffn, &s.attention_share,
                                       &s.core_share, &s.ffn_share, &s.quadratic_fraction})
    for (double x : *v) *b++ = x;
  val strings = val::array();
  strings.call<void>("push", val(static_cast<double>(N)));
  strings.call<void>("push", val(static_cast<double>(T)));
  push(strings, f::kConvention);
  for (size_t t = 0; t < T; ++t) {
    push(strings, s.keys[t]);
    push(strings, s.labels[t]);
    push(strings, f::group_name(s.groups[t]));
  }
  return strings;
}

/// Sweep over `count` values of n at `ns` (doubles holding integers), or, when count = 0, over
/// log_spaced(from, to, points).
val sweep(std::uintptr_t address, std::uintptr_t ns, int count, double from, double to, double points,
          std::uintptr_t out) {
  return guard("flops.sweep", [&] {
    std::vector<std::int64_t> v(static_cast<size_t>(count));
    const double* p = at(ns);
    for (int i = 0; i < count; ++i) v[static_cast<size_t>(i)] = integer(p[i]);
    if (count == 0) v = f::log_spaced(integer(from), integer(to), integer(points));
    return sweep_common(config(address), v, out);
  });
}

/// Output: per preset [context, config (19)]. Returns [(name, label) × P].
val presets(std::uintptr_t out) {
  return guard("flops.presets", [&] {
    double* b = bindings::out(out);
    val strings = val::array();
    for (const auto& p : f::presets()) {
      *b++ = static_cast<double>(p.context);
      write_config(b, p.config);
      b += kConfig;
      push(strings, p.name);
      push(strings, p.label);
    }
    return strings;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_flops) {
  using emscripten::function;
  function("flops_layer", &layer);
  function("flops_attention", &attention);
  function("flops_sweep", &sweep);
  function("flops_presets", &presets);
}

}  // namespace mathlens::bindings

#if defined(__clang__)
#pragma clang attribute pop
#endif

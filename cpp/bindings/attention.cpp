// embind layer for mathlens::attention. Q, K, V arrive as heap addresses of row-major blocks plus
// their shapes; the output (n × dv) and, when asked for, the attention matrix ((heads·n) × N) are
// written into blocks the TS layer reserved. Options travel as plain numbers (scale NaN = default).
#include "mathlens/attention.hpp"

#include <cmath>

#include "common.hpp"

// Glue only: compiled for size.
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

namespace mathlens::bindings {
namespace {

namespace a = mathlens::attention;

#define ML_MAT(x) std::uintptr_t x, int x##r, int x##c
#define ML_ARG(x) matrix(x, x##r, x##c)
#define ML_OPTS int heads, double scale, bool causal, bool errors, bool want_matrix

template <class O>
void set_options(O& o, ML_OPTS) {
  o.heads = heads;
  if (!std::isnan(scale)) o.scale = scale;
  o.causal = causal;
  o.errors = errors;
  o.matrix = want_matrix;
}

val array_of(const std::vector<double>& xs) {
  val arr = val::array();
  for (double x : xs) arr.call<void>("push", x);
  return arr;
}

/// Writes the output (and matrix) and returns { errors, warnings }.
val finish(const a::Result& r, std::uintptr_t out, std::uintptr_t matrix_out) {
  write(out, r.output);
  if (r.matrix.size() > 0) write(matrix_out, r.matrix);
  val o = val::object();
  if (r.errors) {
    val e = val::object();
    e.set("outputRelativeFrobenius", r.errors->output_relative_frobenius);
    e.set("outputMaxAbs", r.errors->output_max_abs);
    e.set("matrixRelativeFrobenius", r.errors->matrix_relative_frobenius);
    e.set("matrixMaxAbs", r.errors->matrix_max_abs);
    e.set("rowSumDeviation", r.errors->row_sum_deviation);
    o.set("errors", e);
  } else {
    o.set("errors", val::null());
  }
  val w = val::array();
  for (const auto& s : r.warnings) w.call<void>("push", s);
  o.set("warnings", w);
  return o;
}

val exact(ML_MAT(q), ML_MAT(k), ML_MAT(v), ML_OPTS, std::uintptr_t out, std::uintptr_t mout) {
  return guard("attention.exact", [&] {
    a::Options o;
    set_options(o, heads, scale, causal, errors, want_matrix);
    return finish(a::exact(ML_ARG(q), ML_ARG(k), ML_ARG(v), o), out, mout);
  });
}

val linear(ML_MAT(q), ML_MAT(k), ML_MAT(v), ML_OPTS, std::uintptr_t out, std::uintptr_t mout) {
  return guard("attention.linear", [&] {
    a::Options o;
    set_options(o, heads, scale, causal, errors, want_matrix);
    return finish(a::linear(ML_ARG(q), ML_ARG(k), ML_ARG(v), o), out, mout);
  });
}

/// projection rows = 0: draw the features from (features, seed, orthogonal).
val performer(ML_MAT(q), ML_MAT(k), ML_MAT(v), ML_OPTS, int features, double seed, bool orthogonal, ML_MAT(p),
              std::uintptr_t out, std::uintptr_t mout) {
  return guard("attention.performer", [&] {
    a::PerformerOptions o;
    set_options(o, heads, scale, causal, errors, want_matrix);
    o.features = features;
    o.seed = static_cast<std::uint64_t>(seed);
    o.orthogonal = orthogonal;
    if (pr > 0) o.projection = ML_ARG(p);
    return finish(a::performer(ML_ARG(q), ML_ARG(k), ML_ARG(v), o), out, mout);
  });
}

val nystrom(ML_MAT(q), ML_MAT(k), ML_MAT(v), ML_OPTS, int landmarks, int pinv, int iterations, int init,
            int segments, std::uintptr_t out, std::uintptr_t mout) {
  return guard("attention.nystrom", [&] {
    a::NystromOptions o;
    set_options(o, heads, scale, causal, errors, want_matrix);
    o.landmarks = landmarks;
    o.pinv = pinv == 1 ? a::Pinv::svd : a::Pinv::iterative;
    o.iterations = iterations;
    o.init = init == 1 ? a::PinvInit::per_matrix : a::PinvInit::original;
    o.segments = segments == 1 ? a::Segments::pad : segments == 2 ? a::Segments::exact : a::Segments::balanced;
    const a::NystromResult r = a::nystrom(ML_ARG(q), ML_ARG(k), ML_ARG(v), o);
    val obj = finish(r, out, mout);
    obj.set("landmarks", r.landmarks);
    obj.set("pinvResidual", array_of(r.pinv_residual));
    obj.set("pinvPenrose", array_of(r.pinv_penrose));
    if (o.pinv == a::Pinv::svd) {
      obj.set("kernelCondition", array_of(r.kernel_condition));
      std::vector<double> ranks(r.kernel_rank.begin(), r.kernel_rank.end());
      obj.set("kernelRank", array_of(ranks));
      obj.set("initScale", val::null());
    } else {
      obj.set("kernelCondition", val::null());
      obj.set("kernelRank", val::null());
      obj.set("initScale", r.init_scale);
    }
    return obj;
  });
}

val random_features(int features, int d, double seed, bool orthogonal, std::uintptr_t out) {
  return guard("attention.randomFeatures", [&] {
    write(out, a::random_features(features, d, static_cast<std::uint64_t>(seed), orthogonal));
    return val::undefined();
  });
}

val landmarks(ML_MAT(x), int m, int segments, std::uintptr_t out) {
  return guard("attention.landmarks", [&] {
    const auto policy = segments == 1 ? a::Segments::pad : segments == 2 ? a::Segments::exact : a::Segments::balanced;
    write(out, a::landmarks(ML_ARG(x), m, policy));
    return val::undefined();
  });
}

/// method 0: iterative (c = 0: per-matrix), 1: SVD. Writes A⁺ (cols × rows) and returns diagnostics.
val pinv(ML_MAT(x), int method, int iterations, double c, std::uintptr_t out) {
  return guard("attention.pinv", [&] {
    const a::PinvResult p = a::pinv(ML_ARG(x), method == 1 ? a::Pinv::svd : a::Pinv::iterative, iterations, c);
    write(out, p.inverse);
    val r = val::object();
    r.set("residual", p.residual);
    r.set("penrose", p.penrose);
    if (method == 1) {
      r.set("rank", p.rank);
      r.set("condition", p.condition);
    } else {
      r.set("rank", val::null());
      r.set("condition", val::null());
    }
    return r;
  });
}

/// Writes q (n×d), k (n×d), v (n×dv) one after the other.
val sample_inputs(int n, int d, int dv, int structure, double seed, int clusters, std::uintptr_t out) {
  return guard("attention.sampleInputs", [&] {
    const a::Inputs x = a::sample_inputs(n, d, dv, structure == 1 ? a::Structure::clustered : a::Structure::random,
                                         static_cast<std::uint64_t>(seed), clusters);
    write(out, x.q);
    write(out + sizeof(double) * x.q.size(), x.k);
    write(out + sizeof(double) * (x.q.size() + x.k.size()), x.v);
    return val::undefined();
  });
}

#undef ML_MAT
#undef ML_ARG
#undef ML_OPTS

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_attention) {
  using emscripten::function;
  function("attention_exact", &exact);
  function("attention_linear", &linear);
  function("attention_performer", &performer);
  function("attention_nystrom", &nystrom);
  function("attention_randomFeatures", &random_features);
  function("attention_landmarks", &landmarks);
  function("attention_pinv", &pinv);
  function("attention_sampleInputs", &sample_inputs);
}

}  // namespace mathlens::bindings

#pragma clang attribute pop

// embind layer for mathlens::rope. To keep the wasm small every binding has the same signature,
// `val rope_<jsName>(args)`: `args` is the heap address of a block of doubles written by
// web/src/rope.ts — 16 doubles of options, then the call's own arguments (integers, numbers and
// heap addresses, listed at each function below). Numeric results are written to heap addresses the
// TS layer reserved; the binding returns undefined (or, for contextScaling, the warnings), or the
// Error of guard() on failure. Batches of vectors (float64 or float32) are rotated in place, or from
// one block into another: either block may be the TS layer's scratch or a resident matrix the user
// holds (web/src/core/buffer.ts), so a call on resident matrices copies nothing.
//
// Options block: [0] base, [1] pairing (0 interleaved, 1 half), [2] rotaryDim, [3] heads,
// [4] axial frequencies (0 split, 1 shared), [5] scaling kind (0 none, 1 linear, 2 ntk, 3 dynamic,
// 4 yarn, 5 llama3), [6] factor, [7] originalContext, [8] length, [9] betaFast, [10] betaSlow,
// [11] truncate (0/1), [12] attentionFactor (NaN: default), [13] lowFreqFactor, [14] highFreqFactor.
#include "mathlens/rope.hpp"

#include <cmath>
#include <cstring>

#include "common.hpp"

#if defined(__clang__)
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)
#endif

namespace mathlens::bindings {
namespace {

namespace r = mathlens::rope;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using A = const double*;

constexpr int kArgs = 16;  // the call's own arguments start here

std::uintptr_t addr(double v) { return static_cast<std::uintptr_t>(v); }
int integer(double v) { return static_cast<int>(v); }
r::Pairing pairing(double v) { return v == 1 ? r::Pairing::half : r::Pairing::interleaved; }

r::Options options(A o) {
  r::Options out;
  out.base = o[0];
  out.pairing = pairing(o[1]);
  out.rotary_dim = integer(o[2]);
  out.heads = integer(o[3]);
  out.scaling.kind = static_cast<r::ScalingKind>(integer(o[5]));
  out.scaling.factor = o[6];
  out.scaling.original_context = o[7];
  out.scaling.length = o[8];
  out.scaling.beta_fast = o[9];
  out.scaling.beta_slow = o[10];
  out.scaling.truncate = o[11] != 0;
  if (!std::isnan(o[12])) out.scaling.attention_factor = o[12];
  out.scaling.low_freq_factor = o[13];
  out.scaling.high_freq_factor = o[14];
  return out;
}

r::AxialOptions axial_options(A o) {
  r::AxialOptions out;
  out.base = o[0];
  out.pairing = pairing(o[1]);
  out.heads = integer(o[3]);
  out.frequencies = o[4] == 1 ? r::AxialFrequencies::shared : r::AxialFrequencies::split;
  return out;
}

VectorXd vec(double address, double n) { return vector(addr(address), integer(n)); }
MatrixXd mat(double address, double rows, double cols) { return matrix(addr(address), integer(rows), integer(cols)); }
void put(double address, const VectorXd& v) { std::memcpy(out(addr(address)), v.data(), sizeof(double) * v.size()); }
void put(double address, const MatrixXd& m) { write(addr(address), m); }
/// Writes n scalars at `address`.
void put(double address, std::initializer_list<double> values) {
  double* p = out(addr(address));
  for (double v : values) *p++ = v;
}

// [16] dim, [17] length, [18] out (dim/2)
val frequencies(A a) {
  put(a[kArgs + 2], r::frequencies(integer(a[kArgs]), options(a), a[kArgs + 1]));
  return val::undefined();
}

// [16] x, [17] rows, [18] cols, [19] positions (0: none), [20] float32, [21] axes (0: 1-D), [22] is 2-D,
// [23] out (0: in place at x; otherwise a rows × cols block of the same type that does not overlap x)
val apply_any(A a) {
  const std::uintptr_t x = addr(a[kArgs]);
  const std::uintptr_t o = a[kArgs + 7] != 0 ? addr(a[kArgs + 7]) : x;
  const int rows = integer(a[kArgs + 1]), cols = integer(a[kArgs + 2]), axes = integer(a[kArgs + 5]);
  const double* pos = a[kArgs + 3] != 0 ? at(addr(a[kArgs + 3])) : nullptr;
  const bool f32 = a[kArgs + 4] != 0;
  const auto* xf = reinterpret_cast<const float*>(x);
  auto* of = reinterpret_cast<float*>(o);
  if (axes == 0) {
    if (f32) r::apply(xf, of, rows, cols, pos, options(a));
    else r::apply(at(x), out(o), rows, cols, pos, options(a));
  } else {
    const char* fn = a[kArgs + 6] != 0 ? "rope.apply2d" : "rope.applyAxial";
    if (f32) r::apply_axial(xf, of, rows, cols, pos, axes, axial_options(a), fn);
    else r::apply_axial(at(x), out(o), rows, cols, pos, axes, axial_options(a), fn);
  }
  return val::undefined();
}

// [16] dim, [17] position, [18] axes (0: 1-D), [19] point (axes numbers), [20] out (dim × dim)
val rotation_matrix(A a) {
  const int dim = integer(a[kArgs]), axes = integer(a[kArgs + 2]);
  put(a[kArgs + 4], axes == 0 ? r::rotation_matrix(dim, a[kArgs + 1], options(a))
                              : r::rotation_matrix_axial(dim, vec(a[kArgs + 3], axes), axial_options(a)));
  return val::undefined();
}

// [16] dim, [17] axes (0: the 1-D generator), [18] out (max(axes, 1) × dim × dim)
val generators(A a) {
  const int dim = integer(a[kArgs]), axes = integer(a[kArgs + 1]);
  if (axes == 0) {
    put(a[kArgs + 2], r::generator(dim, options(a)));
    return val::undefined();
  }
  const auto gs = r::generators_axial(dim, axes, axial_options(a));
  for (size_t k = 0; k < gs.size(); ++k) put(a[kArgs + 2] + 8.0 * k * dim * dim, gs[k]);
  return val::undefined();
}

// [16] headDim, [17] from, [18] to, [19] rotaryDim, [20] out (headDim)
val permutation(A a) {
  const auto p = r::permutation(integer(a[kArgs]), pairing(a[kArgs + 1]), pairing(a[kArgs + 2]), integer(a[kArgs + 3]));
  double* o = out(addr(a[kArgs + 4]));
  for (int j : p) *o++ = j;
  return val::undefined();
}

// [16] w, [17] rows, [18] cols, [19] float32, [20] heads, [21] from, [22] to, [23] rotaryDim (in place)
val convert_weights(A a) {
  const std::uintptr_t w = addr(a[kArgs]);
  const int rows = integer(a[kArgs + 1]), cols = integer(a[kArgs + 2]), heads = integer(a[kArgs + 4]);
  const auto from = pairing(a[kArgs + 5]), to = pairing(a[kArgs + 6]);
  if (a[kArgs + 3] != 0) {
    float* p = reinterpret_cast<float*>(w);
    r::convert_weights(p, p, rows, cols, heads, from, to, integer(a[kArgs + 7]));
  } else {
    r::convert_weights(out(w), out(w), rows, cols, heads, from, to, integer(a[kArgs + 7]));
  }
  return val::undefined();
}

// [16..18] wq, rows, cols, [19..21] wk, rows, cols, [22..24] x, rows, cols, [25] positions (0: none),
// [26] heads, [27] kvHeads, [28] to, [29] out: 8 numbers, then the three score matrices
val check_conversion(A a) {
  const int n = integer(a[kArgs + 7]);
  const VectorXd pos = a[kArgs + 9] != 0 ? vec(a[kArgs + 9], n) : VectorXd();
  const auto c = r::check_conversion(mat(a[kArgs], a[kArgs + 1], a[kArgs + 2]), mat(a[kArgs + 3], a[kArgs + 4], a[kArgs + 5]),
                                     mat(a[kArgs + 6], a[kArgs + 7], a[kArgs + 8]), pos, integer(a[kArgs + 10]),
                                     integer(a[kArgs + 11]), pairing(a[kArgs + 12]), options(a));
  const double o = a[kArgs + 13];
  put(o, {double(c.heads), double(c.kv_heads), double(c.head_dim), c.max_abs_score, c.max_abs_difference,
          c.relative_difference, c.unconverted_relative_difference, c.agree ? 1.0 : 0.0});
  const double block = 8.0 * static_cast<double>(c.scores.size());
  put(o + 64, c.scores);
  put(o + 64 + block, c.converted_scores);
  put(o + 64 + 2 * block, c.unconverted_scores);
  return val::undefined();
}

// [16] dim, [17] m, [18] n, [19] out (6)
val check(A a) {
  const auto c = r::check(integer(a[kArgs]), a[kArgs + 1], a[kArgs + 2], options(a));
  put(a[kArgs + 3], {c.relativity, c.composition, c.orthogonality, c.identity, c.generator, c.skew});
  return val::undefined();
}

// [16] dim, [17] p1, [18] p2, [19] axes, [20] out: 6 numbers, recovered (axes), range (axes)
val check_axial(A a) {
  const int axes = integer(a[kArgs + 3]);
  const auto c = r::check_axial(integer(a[kArgs]), vec(a[kArgs + 1], axes), vec(a[kArgs + 2], axes), axial_options(a));
  const double o = a[kArgs + 4];
  put(o, {c.relativity, c.orthogonality, c.commutator, c.generator, c.recovery_error, c.reversible ? 1.0 : 0.0});
  put(o + 48, c.recovered);
  put(o + 48 + 8.0 * axes, c.range);
  return val::undefined();
}

// [16..21] b, c, d, e, f, theta, [22..25] x1, y1, x2, y2, [26] out: 6 numbers, then b1, b2, commutator,
// rotationFrom, rotationTo (4 × 4 each)
val generator_family(A a) {
  const A p = a + kArgs;
  const auto f = r::generator_family({p[0], p[1], p[2], p[3], p[4], p[5]}, {p[6], p[7]}, {p[8], p[9]});
  const double o = p[10];
  put(o, {f.max_commutator, f.condition_d, f.condition_e, f.commutes ? 1.0 : 0.0, f.independent ? 1.0 : 0.0, f.relativity});
  const MatrixXd* parts[] = {&f.b1, &f.b2, &f.commutator, &f.rotation_from, &f.rotation_to};
  for (int k = 0; k < 5; ++k) put(o + 48 + 128.0 * k, *parts[k]);
  return val::undefined();
}

// [16] dim, [17] offsets, [18] n, [19] out (n)
val decay(A a) {
  put(a[kArgs + 3], r::decay(integer(a[kArgs]), vec(a[kArgs + 1], a[kArgs + 2]), options(a)));
  return val::undefined();
}

// [16] q, [17] k, [18] dim, [19] offsets, [20] n, [21] out (n)
val scores(A a) {
  const A p = a + kArgs;
  put(p[5], r::scores(vec(p[0], p[2]), vec(p[1], p[2]), vec(p[3], p[4]), options(a)));
  return val::undefined();
}

// [16] q, [17] k, [18] dim, [19] dx, [20] nx, [21] dy, [22] ny, [23] encoding (0 rope2d, 1 flattened,
// 2 sum), [24] width, [25] out (nx × ny)
val scores_2d(A a) {
  const A p = a + kArgs;
  const int e = integer(p[7]);
  const auto enc = e == 1 ? r::Encoding2d::flattened : e == 2 ? r::Encoding2d::sum : r::Encoding2d::rope2d;
  put(p[9], r::scores_2d(vec(p[0], p[2]), vec(p[1], p[2]), vec(p[3], p[4]), vec(p[5], p[6]), enc, p[8], axial_options(a)));
  return val::undefined();
}

// [16] dim, [17] contextLength, [18] out: 6 numbers, then 9 arrays of dim/2 (theta, scaledTheta,
// wavelength, originalWavelength, interpolation, rotations, maxAngle, trainedAngle, unseen 0/1).
// Returns the warnings, one per line.
val context_scaling(A a) {
  const int dim = integer(a[kArgs]);
  const auto c = r::context_scaling(dim, a[kArgs + 1], options(a));
  const double o = a[kArgs + 2], m = 8.0 * (dim / 2);
  put(o, {double(c.unseen_count), c.effective_base, c.attention_factor, c.context_length, c.original_context,
          c.scaled_context});
  const VectorXd* arrays[] = {&c.theta, &c.scaled_theta, &c.wavelength, &c.original_wavelength, &c.interpolation,
                              &c.rotations, &c.max_angle, &c.trained_angle};
  for (int k = 0; k < 8; ++k) put(o + 48 + m * k, *arrays[k]);
  double* unseen = out(addr(o + 48 + m * 8));
  for (bool u : c.unseen) *unseen++ = u ? 1.0 : 0.0;
  std::string warnings;
  for (const auto& s : c.warnings) {
    if (!warnings.empty()) warnings += '\n';
    warnings += s;
  }
  return val(warnings);
}

/// The one guarded entry: runs `body` on the argument block.
val run(const char* fn, val (*body)(A), std::uintptr_t args) {
  return guard(fn, [&] { return body(at(args)); });
}

val b_frequencies(std::uintptr_t a) { return run("rope.frequencies", &frequencies, a); }
val b_apply(std::uintptr_t a) { return run("rope.apply", &apply_any, a); }
val b_apply2d(std::uintptr_t a) { return run("rope.apply2d", &apply_any, a); }
val b_apply_axial(std::uintptr_t a) { return run("rope.applyAxial", &apply_any, a); }
val b_rotation_matrix(std::uintptr_t a) { return run("rope.rotationMatrix", &rotation_matrix, a); }
val b_generator(std::uintptr_t a) { return run("rope.generator", &generators, a); }
val b_generators(std::uintptr_t a) { return run("rope.generators", &generators, a); }
val b_permutation(std::uintptr_t a) { return run("rope.permutation", &permutation, a); }
val b_convert_weights(std::uintptr_t a) { return run("rope.convertWeights", &convert_weights, a); }
val b_check_conversion(std::uintptr_t a) { return run("rope.checkConversion", &check_conversion, a); }
val b_check(std::uintptr_t a) { return run("rope.check", &check, a); }
val b_check_axial(std::uintptr_t a) { return run("rope.checkAxial", &check_axial, a); }
val b_generator_family(std::uintptr_t a) { return run("rope.generatorFamily", &generator_family, a); }
val b_decay(std::uintptr_t a) { return run("rope.decay", &decay, a); }
val b_scores(std::uintptr_t a) { return run("rope.scores", &scores, a); }
val b_scores_2d(std::uintptr_t a) { return run("rope.scores2d", &scores_2d, a); }
val b_context_scaling(std::uintptr_t a) { return run("rope.contextScaling", &context_scaling, a); }

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_rope) {
  using emscripten::function;
  function("rope_frequencies", &b_frequencies);
  function("rope_apply", &b_apply);
  function("rope_apply2d", &b_apply2d);
  function("rope_applyAxial", &b_apply_axial);
  function("rope_rotationMatrix", &b_rotation_matrix);
  function("rope_generator", &b_generator);
  function("rope_generators", &b_generators);
  function("rope_permutation", &b_permutation);
  function("rope_convertWeights", &b_convert_weights);
  function("rope_checkConversion", &b_check_conversion);
  function("rope_check", &b_check);
  function("rope_checkAxial", &b_check_axial);
  function("rope_generatorFamily", &b_generator_family);
  function("rope_decay", &b_decay);
  function("rope_scores", &b_scores);
  function("rope_scores2d", &b_scores_2d);
  function("rope_contextScaling", &b_context_scaling);
}

}  // namespace mathlens::bindings

#if defined(__clang__)
#pragma clang attribute pop
#endif

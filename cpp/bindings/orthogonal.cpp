// embind layer for mathlens::orthogonal. a, b and the optional fallback direction arrive as heap
// addresses with their lengths (a length of 0 for "no fallback"); the construction as 0/1/2;
// matrices are written row-major into an output block the TS layer reserved, and apply() works in
// place on the block holding x.
#include "mathlens/orthogonal.hpp"

#include "common.hpp"

namespace mathlens::bindings {
namespace {

namespace o = mathlens::orthogonal;

// Marshalling only: optimised for size, not speed (the O(d) and O(d²) loops live in the core).
#define ML_SMALL __attribute__((minsize))

ML_SMALL o::Options options(std::uintptr_t fallback, int nf, int construction) {
  o::Options op;
  op.construction = construction == 1   ? o::Construction::householder
                    : construction == 2 ? o::Construction::simplest
                                        : o::Construction::rotation;
  if (nf > 0) op.fallback = vector(fallback, nf);
  return op;
}

/// A vector in the wasm heap, passed to the core without a copy.
Eigen::Map<const Eigen::VectorXd> view(std::uintptr_t address, int n) { return {at(address), n}; }

#define ML_PAIR std::uintptr_t a, int na, std::uintptr_t b, int nb, std::uintptr_t f, int nf
#define ML_VECTORS view(a, na), view(b, nb)

/// The four matrix bindings share one body (one exception guard: wasm size); `which` picks the
/// core function so that its own name appears in error messages.
__attribute__((noinline)) ML_SMALL val matrix_impl(const char* fn, int which, ML_PAIR, int construction,
                                          std::uintptr_t out) {
  return guard(fn, [&]() ML_SMALL {
    const auto av = view(a, na), bv = view(b, nb);
    const o::Options op = options(f, nf, construction);
    write(out, which == 1   ? o::minimal_rotation(av, bv, op.fallback)
               : which == 2 ? o::householder(av, bv, op.fallback)
               : which == 3 ? o::simplest(av, bv, op.fallback)
                            : o::matrix(av, bv, op));
    return val::undefined();
  });
}
#define ML_ARGS a, na, b, nb, f, nf
val matrix_of(ML_PAIR, int construction, std::uintptr_t out) {
  return matrix_impl("orthogonal.matrix", 0, ML_ARGS, construction, out);
}
val minimal_rotation(ML_PAIR, std::uintptr_t out) {
  return matrix_impl("orthogonal.minimalRotation", 1, ML_ARGS, 0, out);
}
val householder(ML_PAIR, std::uintptr_t out) { return matrix_impl("orthogonal.householder", 2, ML_ARGS, 0, out); }
val simplest(ML_PAIR, std::uintptr_t out) { return matrix_impl("orthogonal.simplest", 3, ML_ARGS, 0, out); }
#undef ML_ARGS

/// x: `rows` × `cols` doubles at `x`, replaced by T x (Tᵀ x when transpose); `is_vector` selects
/// the one-vector form (and its error messages).
ML_SMALL val apply(ML_PAIR, int construction, int transpose, std::uintptr_t x, int rows, int cols, int is_vector) {
  return guard("orthogonal.apply", [&]() ML_SMALL {
    const auto av = view(a, na), bv = view(b, nb);
    const o::Options op = options(f, nf, construction);
    if (is_vector)
      o::apply_vector(av, bv, Eigen::Map<Eigen::VectorXd>(out(x), cols), op, transpose != 0);
    else
      o::apply_rows(av, bv, Eigen::Map<o::RowMatrix>(out(x), rows, cols), op, transpose != 0);
    return val::undefined();
  });
}

/// Number of doubles report() writes after the matrix and the five vectors.
constexpr int kReportScalars = 14;

/// Writes T (d×d), then â, b̂, e, bisector, mirror normal (d each), then the kReportScalars
/// numbers in the order the TS layer reads them; returns the warnings (an array of strings).
ML_SMALL val report(ML_PAIR, int construction, std::uintptr_t out_address) {
  return guard("orthogonal.report", [&]() ML_SMALL {
    const o::Report r = o::report(ML_VECTORS, options(f, nf, construction));
    const auto d = static_cast<std::size_t>(r.dim);
    double* p = out(out_address);
    Eigen::Map<RowMajor>(p, r.dim, r.dim) = r.matrix;
    p += d * d;
    for (const Eigen::VectorXd* v : {&r.unit_a, &r.unit_b, &r.plane_vector, &r.bisector, &r.mirror_normal}) {
      Eigen::Map<Eigen::VectorXd>(p, r.dim) = *v;
      p += d;
    }
    const double scalars[kReportScalars] = {r.cos_theta,
                                            r.sin_theta,
                                            r.angle,
                                            r.norm_a,
                                            r.norm_b,
                                            r.orthogonality_error,
                                            r.residual,
                                            r.inverse_residual,
                                            r.determinant,
                                            static_cast<double>(r.expected_determinant),
                                            r.trace,
                                            r.degenerate ? 1.0 : 0.0,
                                            static_cast<double>(r.fallback_axis),
                                            r.sensitivity};
    for (double s : scalars) *p++ = s;
    val w = val::array();
    for (const auto& s : r.warnings) w.call<void>("push", s);
    return w;
  });
}

#undef ML_SMALL
#undef ML_PAIR
#undef ML_VECTORS

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_orthogonal) {
  using emscripten::function;
  function("orthogonal_matrix", &matrix_of);
  function("orthogonal_minimalRotation", &minimal_rotation);
  function("orthogonal_householder", &householder);
  function("orthogonal_simplest", &simplest);
  function("orthogonal_apply", &apply);
  function("orthogonal_report", &report);
}

}  // namespace mathlens::bindings

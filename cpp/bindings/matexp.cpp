// embind layer for mathlens::matexp. Matrices cross the boundary as row-major blocks of the wasm
// heap plus their shapes (the core rejects inconsistent shapes with its own messages); results are
// written into output blocks the TS layer reserved, scalars come back in an object.
#include "mathlens/matexp.hpp"

#include "common.hpp"

namespace mathlens::bindings {
namespace {

namespace m = mathlens::matexp;

m::Balance balance_of(int b) {
  return b == 1 ? m::Balance::always : b == 2 ? m::Balance::never : m::Balance::automatic;
}

/// Writes exp(A) at `result`.
val expm(std::uintptr_t a, int rows, int cols, int balance, std::uintptr_t result) {
  return guard("matexp.expm", [&] {
    write(result, m::expm(matrix(a, rows, cols), balance_of(balance)));
    return val::undefined();
  });
}

/// Writes exp(A) at `result`; returns how it was computed.
val expm_info(std::uintptr_t a, int rows, int cols, int balance, std::uintptr_t result) {
  return guard("matexp.expmInfo", [&] {
    const m::ExpmResult e = m::expm_info(matrix(a, rows, cols), balance_of(balance));
    write(result, e.value);
    val r = val::object();
    r.set("degree", e.degree);
    r.set("squarings", e.squarings);
    r.set("balanced", e.balanced);
    r.set("triangular", e.triangular);
    r.set("route", std::string(m::route_name(e.route)));
    r.set("norm1", e.norm1);
    r.set("normUsed", e.norm1_used);
    return r;
  });
}

val rank_one_scalars(const m::RankOne& r) {
  val o = val::object();
  o.set("s", r.s);
  o.set("phi", r.phi);
  o.set("psi", r.psi);
  o.set("det", r.det);
  o.set("logDet", r.log_det);
  return o;
}

/// Writes exp(x yᵀ) and then its inverse (d × d each) at `result`.
val exp_rank_one(std::uintptr_t x, int nx, std::uintptr_t y, int ny, std::uintptr_t result) {
  return guard("matexp.expRankOne", [&] {
    const m::RankOne r = m::exp_rank_one(vector(x, nx), vector(y, ny));
    write_rows(result, r.exp);
    write_rows(result + sizeof(double) * r.exp.size(), r.inverse);
    return rank_one_scalars(r);
  });
}

/// v holds `count` vectors of length `length`, one after the other (the rows of a row-major
/// count × length block are the columns of a column-major length × count matrix: no copy needed
/// beyond the one into Eigen). The results are written the same way at `result`.
val exp_rank_one_apply(std::uintptr_t x, int nx, std::uintptr_t y, int ny, std::uintptr_t v, int length,
                       int count, int inverse, std::uintptr_t result) {
  return guard("matexp.expRankOneApply", [&] {
    Eigen::MatrixXd vs(length, count);
    std::copy(at(v), at(v) + vs.size(), vs.data());
    const Eigen::MatrixXd w = m::exp_rank_one_apply(vector(x, nx), vector(y, ny), vs, inverse != 0);
    std::copy(w.data(), w.data() + w.size(), out(result));
    return val::undefined();
  });
}

val det_exp(std::uintptr_t a, int rows, int cols, int balance) {
  return guard("matexp.detExp", [&] {
    const m::DetExp d = m::det_exp(matrix(a, rows, cols), balance_of(balance));
    val r = val::object();
    r.set("trace", d.trace);
    r.set("logAbsDet", d.log_abs_det);
    r.set("sign", d.sign);
    r.set("det", d.det);
    r.set("expTrace", d.exp_trace);
    r.set("logDifference", d.log_difference);
    r.set("relativeDifference", d.relative_difference);
    r.set("shift", d.shift);
    r.set("degree", d.degree);
    r.set("squarings", d.squarings);
    r.set("balanced", d.balanced);
    return r;
  });
}

/// Returns the scalars; the partial sums (terms ≤ max_terms doubles) are written at `result`.
val log_det_series(std::uintptr_t a, int rows, int cols, int max_terms, double tolerance, std::uintptr_t result) {
  return guard("matexp.logDetSeries", [&] {
    const m::LogDetSeries s = m::log_det_series(matrix(a, rows, cols), max_terms, tolerance);
    std::copy(s.partial_sums.begin(), s.partial_sums.end(), out(result));
    val r = val::object();
    r.set("value", s.value);
    r.set("terms", s.terms);
    r.set("remainderBound", s.remainder_bound);
    r.set("spectralRadius", s.spectral_radius);
    r.set("norm2", s.norm2);
    r.set("logDet", s.log_det);
    r.set("difference", s.difference);
    return r;
  });
}

/// Writes Re λ, Im λ, Re e^λ, Im e^λ (n doubles each) at `result`.
val spectrum(std::uintptr_t a, int rows, int cols, std::uintptr_t result) {
  return guard("matexp.spectrum", [&] {
    const m::Spectrum s = m::spectrum(matrix(a, rows, cols));
    const Eigen::Index n = s.eigenvalues.size();
    double* o = out(result);
    for (Eigen::Index i = 0; i < n; ++i) {
      o[i] = s.eigenvalues(i).real();
      o[n + i] = s.eigenvalues(i).imag();
      o[2 * n + i] = s.exp_eigenvalues(i).real();
      o[3 * n + i] = s.exp_eigenvalues(i).imag();
    }
    return val::undefined();
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_matexp) {
  using emscripten::function;
  function("matexp_expm", &expm);
  function("matexp_expmInfo", &expm_info);
  function("matexp_expRankOne", &exp_rank_one);
  function("matexp_expRankOneApply", &exp_rank_one_apply);
  function("matexp_detExp", &det_exp);
  function("matexp_logDetSeries", &log_det_series);
  function("matexp_spectrum", &spectrum);
}

}  // namespace mathlens::bindings

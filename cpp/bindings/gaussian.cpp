// embind layer for mathlens::gaussian. A normal crosses the boundary as one block of the wasm heap:
// mean (n doubles) followed by cov (rows×cols doubles, row-major); shapes travel as integers so the
// core can reject inconsistent ones with its own messages.
#include "mathlens/gaussian.hpp"

#include "common.hpp"

namespace mathlens::bindings {
namespace {

namespace g = mathlens::gaussian;

g::Normal normal(std::uintptr_t address, int n, int rows, int cols) {
  return {vector(address, n), matrix(address + sizeof(double) * n, rows, cols)};
}

g::Formula formula(int f) { return f == 1 ? g::Formula::product : g::Formula::symmetric; }

#define ML_NORMAL(x) std::uintptr_t x, int x##n, int x##r, int x##c
#define ML_ARGS(x) normal(x, x##n, x##r, x##c)

val kl(ML_NORMAL(p), ML_NORMAL(q)) {
  return guard("gaussian.kl", [&] { return val(g::kl(ML_ARGS(p), ML_ARGS(q))); });
}
val bhattacharyya(ML_NORMAL(p), ML_NORMAL(q)) {
  return guard("gaussian.bhattacharyya", [&] { return val(g::bhattacharyya(ML_ARGS(p), ML_ARGS(q))); });
}
val bhattacharyya_coefficient(ML_NORMAL(p), ML_NORMAL(q)) {
  return guard("gaussian.bhattacharyyaCoefficient",
               [&] { return val(g::bhattacharyya_coefficient(ML_ARGS(p), ML_ARGS(q))); });
}
val hellinger(ML_NORMAL(p), ML_NORMAL(q)) {
  return guard("gaussian.hellinger", [&] { return val(g::hellinger(ML_ARGS(p), ML_ARGS(q))); });
}
val entropy(ML_NORMAL(p)) {
  return guard("gaussian.entropy", [&] { return val(g::entropy(ML_ARGS(p))); });
}
val wasserstein2(ML_NORMAL(p), ML_NORMAL(q), int f) {
  return guard("gaussian.wasserstein2",
               [&] { return val(g::wasserstein2(ML_ARGS(p), ML_ARGS(q), formula(f))); });
}
val wasserstein2_squared(ML_NORMAL(p), ML_NORMAL(q), int f) {
  return guard("gaussian.wasserstein2Squared",
               [&] { return val(g::wasserstein2_squared(ML_ARGS(p), ML_ARGS(q), formula(f))); });
}
val frechet(ML_NORMAL(p), ML_NORMAL(q)) {
  return guard("gaussian.frechet", [&] { return val(g::frechet(ML_ARGS(p), ML_ARGS(q))); });
}
/// Writes C* (n×n, row-major) at `result`.
val coupling(ML_NORMAL(p), ML_NORMAL(q), std::uintptr_t result) {
  return guard("gaussian.coupling", [&] {
    write(result, g::coupling(ML_ARGS(p), ML_ARGS(q)));
    return val::undefined();
  });
}
/// Writes mean (cols) then cov (cols×cols, row-major) at `result`.
val fit(std::uintptr_t samples, int rows, int cols, std::uintptr_t result) {
  return guard("gaussian.fit", [&] {
    const g::Normal n = g::fit(matrix(samples, rows, cols));
    write(result, n.mean);
    write(result + sizeof(double) * n.mean.size(), n.cov);
    return val::undefined();
  });
}
val frechet_from_samples(std::uintptr_t a, int ar, int ac, std::uintptr_t b, int br, int bc) {
  return guard("gaussian.frechetFromSamples",
               [&] { return val(g::frechet_from_samples(matrix(a, ar, ac), matrix(b, br, bc))); });
}
val kl_monte_carlo(ML_NORMAL(p), ML_NORMAL(q), double samples, double seed) {
  return guard("gaussian.klMonteCarlo", [&] {
    const auto mc = g::kl_monte_carlo(ML_ARGS(p), ML_ARGS(q), static_cast<std::int64_t>(samples),
                                      static_cast<std::uint64_t>(seed));
    val r = val::object();
    r.set("estimate", mc.estimate);
    r.set("standardError", mc.standard_error);
    r.set("samples", static_cast<double>(mc.samples));
    return r;
  });
}
/// Returns the comparison as an object; C* (if any) is written at `coupling_out` (n×n).
val compare(ML_NORMAL(p), ML_NORMAL(q), std::uintptr_t coupling_out) {
  return guard("gaussian.compare", [&] {
    const g::Comparison c = g::compare(ML_ARGS(p), ML_ARGS(q));
    val r = val::object();
    r.set("dim", c.dim);
    r.set("klPQ", optional(c.kl_pq));
    r.set("klQP", optional(c.kl_qp));
    r.set("bhattacharyya", optional(c.bhattacharyya));
    r.set("bhattacharyyaCoefficient", optional(c.bhattacharyya_coefficient));
    r.set("hellinger", optional(c.hellinger));
    r.set("entropyP", optional(c.entropy_p));
    r.set("entropyQ", optional(c.entropy_q));
    r.set("wasserstein2", c.wasserstein2);
    r.set("wasserstein2Squared", c.wasserstein2_squared);
    r.set("wasserstein2SquaredProduct", optional(c.wasserstein2_squared_product));
    r.set("traceTerm", c.trace_term);
    r.set("meanDistanceSquared", c.mean_distance_squared);
    r.set("hasCoupling", c.coupling.has_value());
    if (c.coupling) write(coupling_out, *c.coupling);
    val d = val::object();
    d.set("minEigenvalueP", c.min_eigenvalue_p);
    d.set("maxEigenvalueP", c.max_eigenvalue_p);
    d.set("minEigenvalueQ", c.min_eigenvalue_q);
    d.set("maxEigenvalueQ", c.max_eigenvalue_q);
    d.set("conditionP", c.condition_p);
    d.set("conditionQ", c.condition_q);
    d.set("positiveDefiniteP", c.positive_definite_p);
    d.set("positiveDefiniteQ", c.positive_definite_q);
    d.set("route", std::string(g::route_name(c.route)));
    val w = val::array();
    for (const auto& s : c.warnings) w.call<void>("push", s);
    d.set("warnings", w);
    r.set("diagnostics", d);
    return r;
  });
}

#undef ML_NORMAL
#undef ML_ARGS

}  // namespace

EMSCRIPTEN_BINDINGS(mathlens_gaussian) {
  using emscripten::function;
  function("gaussian_kl", &kl);
  function("gaussian_bhattacharyya", &bhattacharyya);
  function("gaussian_bhattacharyyaCoefficient", &bhattacharyya_coefficient);
  function("gaussian_hellinger", &hellinger);
  function("gaussian_entropy", &entropy);
  function("gaussian_wasserstein2", &wasserstein2);
  function("gaussian_wasserstein2Squared", &wasserstein2_squared);
  function("gaussian_frechet", &frechet);
  function("gaussian_coupling", &coupling);
  function("gaussian_fit", &fit);
  function("gaussian_frechetFromSamples", &frechet_from_samples);
  function("gaussian_klMonteCarlo", &kl_monte_carlo);
  function("gaussian_compare", &compare);
}

}  // namespace mathlens::bindings

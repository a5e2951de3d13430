// libFuzzer harness of mathlens::gaussian (see tests/fuzz/fuzz.hpp for the rules): every entry
// point that takes vectors and matrices, with decoded shapes (including empty and mismatched ones)
// and doubles (including NaN, ±Inf, huge, tiny, denormal; PSD, singular and ill-conditioned
// covariances). Promises checked: KL, BD ≥ 0; BC, Hellinger in [0, 1]; entropy finite; W2, FID,
// coupling and fit finite for moderate input; compare() never NaN; errors name the function.
#include "mathlens/gaussian.hpp"

#include "fuzz.hpp"

namespace g = mathlens::gaussian;
using namespace mathlens::fuzz;

namespace {

constexpr int kMaxDim = 6;

g::Normal normal(Input& in, Index n) {
  g::Normal x;
  // Usually consistent shapes; sometimes a mean of the wrong length.
  const Index mean_n = in.pick(8) == 0 ? in.dim(kMaxDim) : n;
  x.mean = in.vector(mean_n);
  x.cov = in.covariance(n);
  return x;
}

void check_comparison(const g::Comparison& c, const Input& in) {
  for (const auto* o : {&c.kl_pq, &c.kl_qp, &c.bhattacharyya, &c.entropy_p, &c.entropy_q, &c.wasserstein2_squared_product})
    if (*o) promise_not_nan(**o, "gaussian.compare (optional field)");
  if (c.bhattacharyya_coefficient) promise_range(*c.bhattacharyya_coefficient, 0, 1, "gaussian.compare bhattacharyyaCoefficient");
  if (c.hellinger) promise_range(*c.hellinger, 0, 1, "gaussian.compare hellinger");
  if (c.entropy_p) promise_finite(*c.entropy_p, "gaussian.compare entropyP", in);
  promise_finite(c.wasserstein2, "gaussian.compare wasserstein2", in);
  promise_finite(c.wasserstein2_squared, "gaussian.compare wasserstein2Squared", in);
  promise_finite(c.trace_term, "gaussian.compare traceTerm", in);
  promise_finite(c.mean_distance_squared, "gaussian.compare meanDistanceSquared", in);
  for (double d : {c.min_eigenvalue_p, c.max_eigenvalue_p, c.min_eigenvalue_q, c.max_eigenvalue_q, c.condition_p, c.condition_q})
    promise_not_nan(d, "gaussian.compare diagnostics");
  if (c.coupling) promise_finite(*c.coupling, "gaussian.compare coupling", in);
  if ((c.kl_pq.has_value()) != (c.positive_definite_p && c.positive_definite_q))
    bug("gaussian.compare: KL present iff both covariances are positive definite");
  if (!(c.positive_definite_p && c.positive_definite_q) && c.warnings.empty())
    bug("gaussian.compare: a singular covariance without a warning");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const int which = in.pick(13);
  const Index n = in.dim(kMaxDim);
  // Usually the same dimension for q, sometimes a different one.
  const Index nq = in.pick(8) == 0 ? in.dim(kMaxDim) : n;

  switch (which) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: {
      const g::Normal p = normal(in, n);
      const g::Normal q = normal(in, nq);
      const int f = in.pick(2);
      switch (which) {
        case 0: call("gaussian.kl", [&] { promise_range(g::kl(p, q), 0, INFINITY, "gaussian.kl"); }); break;
        case 1:
          call("gaussian.bhattacharyya", [&] { promise_range(g::bhattacharyya(p, q), 0, INFINITY, "gaussian.bhattacharyya"); });
          call("gaussian.bhattacharyyaCoefficient",
               [&] { promise_range(g::bhattacharyya_coefficient(p, q), 0, 1, "gaussian.bhattacharyyaCoefficient"); });
          call("gaussian.hellinger", [&] { promise_range(g::hellinger(p, q), 0, 1, "gaussian.hellinger"); });
          break;
        case 2:
          call("gaussian.wasserstein2", [&] {
            const double w = g::wasserstein2(p, q, f ? g::Formula::product : g::Formula::symmetric);
            promise_finite(w, "gaussian.wasserstein2", in);
            promise_range(w, 0, INFINITY, "gaussian.wasserstein2");
          });
          break;
        case 3:
          call("gaussian.wasserstein2Squared", [&] {
            promise_finite(g::wasserstein2_squared(p, q, f ? g::Formula::product : g::Formula::symmetric),
                           "gaussian.wasserstein2Squared", in);
          });
          call("gaussian.frechet", [&] { promise_finite(g::frechet(p, q), "gaussian.frechet", in); });
          break;
        case 4:
          call("gaussian.coupling", [&] { promise_finite(g::coupling(p, q), "gaussian.coupling", in); });
          break;
        case 5:
          call("gaussian.entropy", [&] { promise_finite(g::entropy(p), "gaussian.entropy", in); });
          break;
        case 6:
          call("gaussian.klMonteCarlo", [&] {
            const auto mc = g::kl_monte_carlo(p, q, in.integer(-2, 64), in.u64());
            promise_not_nan(mc.estimate, "gaussian.klMonteCarlo estimate");
            promise_not_nan(mc.standard_error, "gaussian.klMonteCarlo standardError");
          });
          break;
        default:
          call("gaussian.compare", [&] { check_comparison(g::compare(p, q), in); });
          break;
      }
      break;
    }
    case 8: case 9: {
      const Index rows = in.integer(0, 12);
      const MatrixXd s = in.matrix(rows, n);
      call("gaussian.fit", [&] {
        const g::Normal fit = g::fit(s);
        promise_finite(fit.mean, "gaussian.fit mean", in);
        promise_finite(fit.cov, "gaussian.fit cov", in);
      });
      break;
    }
    default: {
      const MatrixXd a = in.matrix(in.integer(0, 12), n);
      const MatrixXd b = in.matrix(in.integer(0, 12), nq);
      call("gaussian.frechetFromSamples",
           [&] { promise_finite(g::frechet_from_samples(a, b), "gaussian.frechetFromSamples", in); });
      break;
    }
  }
  return 0;
}

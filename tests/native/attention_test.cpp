// Native tests of mathlens::attention: the worked example of spec/MATH.md §5 (d), the property
// tests of §5 (c), fixtures from an independent numpy/mpmath implementation
// (tests/fixtures/gen_attention.py), and the exact error messages for bad input.
#include "mathlens/attention.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include "mathlens/error.hpp"

namespace a = mathlens::attention;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using json = nlohmann::json;

namespace {

MatrixXd mat(std::initializer_list<std::initializer_list<double>> rows) {
  MatrixXd m(rows.size(), rows.begin()->size());
  Eigen::Index i = 0;
  for (const auto& r : rows) {
    Eigen::Index j = 0;
    for (double v : r) m(i, j++) = v;
    ++i;
  }
  return m;
}

MatrixXd from_json(const json& j) {
  MatrixXd m(j.size(), j.empty() ? 0 : j[0].size());
  for (size_t i = 0; i < j.size(); ++i)
    for (size_t c = 0; c < j[i].size(); ++c) m(i, c) = j[i][c].get<double>();
  return m;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

/// max |a − b| / max(1, max |b|).
double rel_diff(const MatrixXd& x, const MatrixXd& ref) {
  EXPECT_EQ(x.rows(), ref.rows());
  EXPECT_EQ(x.cols(), ref.cols());
  if (x.rows() != ref.rows() || x.cols() != ref.cols()) return 1e300;
  return (x - ref).cwiseAbs().maxCoeff() / std::max(1.0, ref.cwiseAbs().maxCoeff());
}

/// A seeded random matrix (entries N(0, σ²)) from the library's own generator.
MatrixXd randn(int rows, int cols, std::uint64_t seed, double sigma = 1.0) {
  return sigma * a::sample_inputs(rows, cols, 1, a::Structure::random, seed).q;
}

MatrixXd softmax_rows(const MatrixXd& s) {
  MatrixXd p = s;
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    p.row(i).array() = (p.row(i).array() - p.row(i).maxCoeff()).exp();
    p.row(i) /= p.row(i).sum();
  }
  return p;
}

// The worked example of MATH.md §5 (d): no scaling, n = 6, d = 2, m = 3, l = 2.
const MatrixXd Q = mat({{1, 0}, {0, 1}, {1, 1}, {-1, 0}, {0, -1}, {2, 1}});
const MatrixXd K = mat({{1, 1}, {2, 0}, {0, -1}, {-1, 2}, {1, -2}, {0, 0}});
const MatrixXd V = mat({{1, 0}, {0, 1}, {1, 1}, {2, -1}, {-1, 3}, {0.5, 0.5}});
const MatrixXd A = mat({{0.6044545015671744, 0.22236638425009486, 0.17317911418273074},
                        {0.4044707686614429, 0.4044707686614429, 0.1910584626771142},
                        {0.6652409557748219, 0.09003057317038045, 0.24472847105479772}});
const MatrixXd AINV = mat({{5.31221800322409, -2.522028871088913, -1.7901891321351766},
                           {1.8261405821583991, 2.1253823185690703, -2.951522900727469},
                           {-15.111905243841958, 6.073700791499217, 10.03820445234274}});
const MatrixXd NYSTROM = mat({{0.14715233491316937, 1.0975761361416283},
                              {1.4811179806451271, -0.4782767439270194},
                              {0.8013237686497208, 0.19772096822705917},
                              {1.4926501711994768, -0.3181915765372021},
                              {-1.2261659305926393, 3.075533187596998},
                              {0.7138924604227139, 0.24363942493645457}});
const MatrixXd EXACT = mat({{0.1471523349131694, 1.0975761361416285},
                            {1.4455304765454884, -0.4056262203005159},
                            {0.6928823735509163, 0.3453743357128424},
                            {1.2410264874498365, 0.003701983604961226},
                            {-0.28010067126783583, 2.081599083468573},
                            {0.281268107452887, 0.736257222329799}});

a::NystromOptions worked_options(a::Pinv pinv, int iterations = 6) {
  a::NystromOptions o;
  o.scale = 1.0;
  o.landmarks = 3;
  o.pinv = pinv;
  o.iterations = iterations;
  return o;
}

}  // namespace

// ---------------------------------------------------------------- worked example (MATH.md §5 d)

TEST(AttentionWorked, LandmarksAreSegmentMeans) {
  EXPECT_EQ(a::landmarks(Q, 3), mat({{0.5, 0.5}, {0, 0.5}, {1, 0}}));
  EXPECT_EQ(a::landmarks(K, 3), mat({{1.5, 0.5}, {-0.5, 0.5}, {0.5, -1}}));
}

TEST(AttentionWorked, ExactAttentionWithoutScaling) {
  a::Options o;
  o.scale = 1.0;
  o.errors = true;
  o.matrix = true;
  const a::Result r = a::exact(Q, K, V, o);
  EXPECT_LT(rel_diff(r.output, EXACT), 4e-16);
  EXPECT_LT(rel_diff(r.matrix * V, EXACT), 1e-15);
  EXPECT_LT(r.errors->row_sum_deviation, 1e-15);
  EXPECT_EQ(r.errors->output_max_abs, 0.0);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(AttentionWorked, KernelAndItsInverse) {
  int rank = 0;
  double cond = 0;
  const MatrixXd ainv = a::pinv_svd(A, &rank, &cond);
  EXPECT_EQ(rank, 3);
  EXPECT_NEAR(cond, 22.4460547295745, 1e-11);  // MATH.md: cond 22.45 (mpmath: 22.4460547295745)
  EXPECT_LT(rel_diff(ainv, AINV), 22.45 * 4e-16);
  const a::PinvResult p = a::pinv(A, a::Pinv::svd);
  EXPECT_LT(p.residual, 1e-14);
}

TEST(AttentionWorked, NystromWithExactInverse) {
  a::NystromOptions o = worked_options(a::Pinv::svd);
  o.errors = true;
  o.matrix = true;
  const a::NystromResult r = a::nystrom(Q, K, V, o);
  EXPECT_EQ(r.landmarks, 3);
  EXPECT_LT(rel_diff(r.output, NYSTROM), 22.45 * 4e-16);
  // q_0 = q̃_2 (a query equal to a landmark): row 0 equals exact attention's row 0.
  EXPECT_LT(std::abs(r.output(0, 0) - EXACT(0, 0)) + std::abs(r.output(0, 1) - EXACT(0, 1)), 1e-14);
  // Rows of F·A⁻¹·B sum to 1 (A invertible).
  EXPECT_LT(r.errors->row_sum_deviation, 1e-14);
  EXPECT_LT((r.matrix.rowwise().sum().array() - 1.0).abs().maxCoeff(), 1e-14);
  EXPECT_EQ(r.kernel_rank, std::vector<int>{3});
  ASSERT_EQ(r.pinv_residual.size(), 1u);
  EXPECT_LT(r.pinv_residual[0], 1e-14);
  EXPECT_TRUE(r.warnings.empty());
  // Errors against exact attention, from the spec's rows.
  EXPECT_NEAR(r.errors->output_max_abs, (NYSTROM - EXACT).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_NEAR(r.errors->output_relative_frobenius, (NYSTROM - EXACT).norm() / EXACT.norm(), 1e-14);
}

TEST(AttentionWorked, SixAndTenIterations) {
  // 6 iterations: max |V₆ − A⁻¹| = 2.80 (MATH.md; mpmath 2.8049…), row 0 = (0.16161…, 1.07463…).
  const MatrixXd v6 = a::pinv_iterative(A, 6);
  EXPECT_NEAR((v6 - AINV).cwiseAbs().maxCoeff(), 2.80, 0.005);
  const MatrixXd v10 = a::pinv_iterative(A, 10);
  EXPECT_LT((v10 - AINV).cwiseAbs().maxCoeff(), 1e-13);  // MATH.md: 9e-15

  const a::NystromResult r6 = a::nystrom(Q, K, V, worked_options(a::Pinv::iterative, 6));
  EXPECT_NEAR(r6.output(0, 0), 0.1616176249193817, 1e-14);
  EXPECT_NEAR(r6.output(0, 1), 1.0746339201473112, 1e-14);
  ASSERT_EQ(r6.warnings.size(), 1u);
  EXPECT_EQ(r6.warnings[0].rfind("the iterative pseudo-inverse has not converged after 6 iterations (Moore–Penrose residual ", 0), 0u)
      << r6.warnings[0];
  EXPECT_GT(r6.pinv_residual[0], 0.1);
  EXPECT_GT(r6.pinv_penrose[0], 0.1);
  // c = ‖A‖₁ = max column sum (one head: 'original' = per-matrix up to ‖A‖_∞ = 1).
  EXPECT_NEAR(r6.init_scale, A.colwise().sum().maxCoeff(), 1e-15);

  const a::NystromResult r10 = a::nystrom(Q, K, V, worked_options(a::Pinv::iterative, 10));
  EXPECT_LT(rel_diff(r10.output, NYSTROM), 1e-13);
  EXPECT_TRUE(r10.warnings.empty());
}

// ---------------------------------------------------------------- properties (MATH.md §5 c)

TEST(AttentionProperties, LandmarksEqualToTheSequenceGiveExactAttention) {
  const MatrixXd q = randn(32, 8, 11), k = randn(32, 8, 12), v = randn(32, 5, 13);
  a::NystromOptions o;
  o.landmarks = 32;
  o.pinv = a::Pinv::svd;
  o.errors = true;
  const a::NystromResult r = a::nystrom(q, k, v, o);
  EXPECT_LT(r.errors->matrix_max_abs, 1e-12);
  EXPECT_LT(r.errors->output_relative_frobenius, 1e-12);
  // The iteration converges to the same thing (third order) given enough steps.
  o.pinv = a::Pinv::iterative;
  o.iterations = 60;
  const a::NystromResult it = a::nystrom(q, k, v, o);
  EXPECT_LT(it.errors->output_relative_frobenius, 1e-10) << it.pinv_residual[0];
}

TEST(AttentionProperties, NystromRowsSumToOne) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const a::Inputs x = a::sample_inputs(100, 16, 4, a::Structure::random, seed);
    a::NystromOptions o;
    o.landmarks = 10;
    o.pinv = a::Pinv::svd;
    o.errors = true;
    o.matrix = true;
    const a::NystromResult r = a::nystrom(x.q, x.k, x.v, o);
    EXPECT_EQ(r.kernel_rank[0], 10);
    EXPECT_LT(r.errors->row_sum_deviation, 1e-12 * r.kernel_condition[0]);
    EXPECT_LT((r.matrix.rowwise().sum().array() - 1.0).abs().maxCoeff(), 1e-12 * r.kernel_condition[0]);
    EXPECT_LT(r.matrix.minCoeff(), 0.0) << "entries may be negative (MATH.md)";
  }
}

TEST(AttentionProperties, QueryEqualToALandmarkReproducesItsExactRow) {
  // Rows 6 and 7 form segment 3 of 8 (l = 2); making them equal makes q_6 = q̃_3.
  MatrixXd q = randn(16, 4, 21);
  const MatrixXd k = randn(16, 4, 22), v = randn(16, 3, 23);
  q.row(7) = q.row(6);
  a::NystromOptions o;
  o.landmarks = 8;
  o.pinv = a::Pinv::svd;
  o.matrix = true;
  const a::NystromResult r = a::nystrom(q, k, v, o);
  a::Options e;
  e.matrix = true;
  const a::Result ex = a::exact(q, k, v, e);
  for (int row : {6, 7}) {
    EXPECT_LT((r.matrix.row(row) - ex.matrix.row(row)).cwiseAbs().maxCoeff(), 1e-13) << row;
    EXPECT_LT((r.output.row(row) - ex.output.row(row)).cwiseAbs().maxCoeff(), 1e-13) << row;
  }
  EXPECT_GT((r.matrix.row(0) - ex.matrix.row(0)).cwiseAbs().maxCoeff(), 1e-3) << "other rows are approximations";
}

TEST(AttentionProperties, PinvErrorRecursion) {
  // E_k = I − A V_k satisfies E_{k+1} = ¼ E_k³ (3I + E_k) exactly (third-order convergence).
  const MatrixXd s = randn(12, 12, 31, 1.5);
  const MatrixXd am = softmax_rows(s);
  const MatrixXd id = MatrixXd::Identity(12, 12);
  for (int k = 0; k < 8; ++k) {
    const MatrixXd ek = id - am * a::pinv_iterative(am, k);
    const MatrixXd ek1 = id - am * a::pinv_iterative(am, k + 1);
    const MatrixXd predicted = 0.25 * ek * ek * ek * (3 * id + ek);
    EXPECT_LT((ek1 - predicted).cwiseAbs().maxCoeff(), 1e-14 * std::max(1.0, a::pinv_iterative(am, k + 1).norm()))
        << "k = " << k;
    if (k > 0) EXPECT_LE(ek1.norm(), ek.norm()) << "k = " << k;
  }
  // V₀ = Aᵀ/(‖A‖₁‖A‖_∞) puts the spectrum of A·V₀ in (0, 1].
  const MatrixXd av0 = am * a::pinv_iterative(am, 0);
  const Eigen::VectorXcd ev = av0.eigenvalues();
  for (Eigen::Index i = 0; i < ev.size(); ++i) {
    EXPECT_GT(ev(i).real(), 0.0);
    EXPECT_LE(ev(i).real(), 1.0 + 1e-12);
  }
}

TEST(AttentionProperties, IterationConvergesToThePseudoInverseOfASingularKernel) {
  // Two equal rows make A singular; the iteration still converges, to A⁺ (MATH.md §5 c).
  MatrixXd s = randn(6, 6, 41);
  s.row(4) = s.row(1);
  const MatrixXd am = softmax_rows(s);
  int rank = 0;
  double cond = 0;
  const MatrixXd exact = a::pinv_svd(am, &rank, &cond);
  EXPECT_EQ(rank, 5);
  EXPECT_TRUE(std::isinf(cond));
  const MatrixXd it = a::pinv_iterative(am, 12);
  EXPECT_LT(rel_diff(it, exact), 1e-10);
  const a::PinvResult p12 = a::pinv(am, a::Pinv::iterative, 12);
  EXPECT_NEAR(p12.residual, 1.0, 1e-12);  // I − AA⁺ is a rank-1 projector: its Frobenius norm is 1
  EXPECT_LT(p12.penrose, 1e-12);
  // …but the null space is an unstable fixed point (×3.25 per step): the Moore–Penrose residual
  // grows while ‖I − A·V‖_F stays 1, and eventually V overflows, which is reported.
  const a::PinvResult p30 = a::pinv(am, a::Pinv::iterative, 30);
  EXPECT_NEAR(p30.residual, 1.0, 1e-6);
  EXPECT_GT(p30.penrose, 1e-7);
  const std::string msg = error_of([&] { a::pinv_iterative(am, 300); });
  EXPECT_EQ(msg.rfind("attention.pinv: the iterative pseudo-inverse diverged at iteration ", 0), 0u) << msg;
  EXPECT_NE(msg.find(": the landmark kernel is singular to working precision, and rounding errors in its null space grow "
                     "3.25× per iteration; use the SVD pseudo-inverse or fewer iterations"),
            std::string::npos)
      << msg;
  // Moore–Penrose conditions of the SVD result.
  EXPECT_LT((am * exact * am - am).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT((exact * am * exact - exact).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT(((am * exact).transpose() - am * exact).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(AttentionProperties, PinvOfHugeAndTinyEntriesIsScaledNotNaN) {
  // ‖A‖₁‖A‖_∞ = 1e600 overflowed: V₀ = Aᵀ/inf = 0 and penrose = inf/inf = NaN. A power-of-two
  // scaling first gives the pseudo-inverse itself.
  for (const double x : {1e300, -1e300, 1e-300, -3e-305}) {
    for (const a::Pinv method : {a::Pinv::iterative, a::Pinv::svd}) {
      const a::PinvResult p = a::pinv(MatrixXd::Constant(1, 1, x), method, 12);
      ASSERT_EQ(p.inverse.size(), 1);
      EXPECT_NEAR(p.inverse(0, 0) * x, 1.0, 1e-15) << x;
      EXPECT_LT(p.penrose, 1e-15) << x;
      EXPECT_LT(p.residual, 1e-15) << x;
    }
  }
  MatrixXd big(2, 2);
  big << 2e300, 1e300, 1e300, 2e300;  // 1e300 · [[2, 1], [1, 2]], inverse 1e-300 · [[2, −1], [−1, 2]] / 3
  const a::PinvResult p = a::pinv(big, a::Pinv::iterative, 12);
  EXPECT_LT((p.inverse * 3e300 - (MatrixXd(2, 2) << 2, -1, -1, 2).finished()).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_TRUE(std::isfinite(p.penrose));
  EXPECT_LT(p.penrose, 1e-14);
  // A⁺ itself beyond double precision: a clear error, not inf or NaN.
  EXPECT_EQ(error_of([] { a::pinv(MatrixXd::Constant(1, 1, 5e-324), a::Pinv::iterative); }),
            "attention.pinv: the pseudo-inverse overflows double precision (a's largest entry is 4.94e-324); scale a up");
}

TEST(AttentionRegression, PinvStartScaleThatOverflowsIsAnError) {
  // Fuzz finding (attention.pinv residual NaN, tests/fuzz/corpus/attention/): a user c = 2.2e-308
  // made V₀ = Aᵀ/c = inf with 0 iterations, and the residual inf − inf = NaN. The start itself
  // overflows, so it is an error naming c (the iteration needs c > ‖A‖₂²/2).
  MatrixXd a = MatrixXd::Zero(3, 3);
  a(0, 0) = 4.9406564584124654e-324;
  a(0, 1) = 2.2250738585072014e-308;
  a(2, 0) = 0.125;
  a(2, 1) = 12.375;
  const std::string msg =
      "attention.pinv: c (2.23e-308) is too small for a: the start V₀ = Aᵀ/c overflows double precision; the "
      "iteration converges for c > ‖A‖₂²/2 (c = 0 picks ‖A‖₁‖A‖_∞)";
  EXPECT_EQ(error_of([&] { a::pinv(a, a::Pinv::iterative, 0, 2.2250738585072014e-308); }), msg);
  EXPECT_EQ(error_of([&] { a::pinv_iterative(a, 0, 2.2250738585072014e-308); }), msg);
  EXPECT_EQ(error_of([&] { a::pinv(a, a::Pinv::iterative, 6, 2.2250738585072014e-308); }), msg);
  // The same A with the default start: finite residuals. Row 0 is below ε of row 2, so A has
  // numerical rank 1 and ‖I − AA⁺‖_F = √(3 − 1).
  const a::PinvResult ok = a::pinv(a, a::Pinv::iterative, 6);
  EXPECT_TRUE(ok.inverse.allFinite());
  EXPECT_NEAR(ok.residual, std::sqrt(2.0), 1e-12);
  EXPECT_FALSE(std::isnan(ok.penrose));
  const a::PinvResult svd = a::pinv(a, a::Pinv::svd);
  EXPECT_EQ(svd.rank, 1);
  EXPECT_NEAR(svd.residual, std::sqrt(2.0), 1e-12);
  // A c scaled with a huge A keeps the c the caller gave in the message; a c that is finite but
  // too small makes the iteration diverge, and the message says that c is the cause.
  EXPECT_EQ(error_of([] { a::pinv(MatrixXd::Constant(1, 1, 1e300), a::Pinv::iterative, 6, 1e280); }),
            "attention.pinv: c (1e+280) is too small for a: the start V₀ = Aᵀ/c overflows double precision; the "
            "iteration converges for c > ‖A‖₂²/2 (c = 0 picks ‖A‖₁‖A‖_∞)");
  EXPECT_EQ(error_of([] { a::pinv_iterative(MatrixXd::Constant(1, 1, 1e300), 6, 1e300); }),
            "attention.pinv: the iterative pseudo-inverse diverged at iteration 1: c (1e+300) is too small for a (the "
            "iteration converges for c > ‖A‖₂²/2 ≥ ‖A‖_F²/(2n)); use c = 0 for ‖A‖₁‖A‖_∞");
}

TEST(AttentionRegression, PinvIterativeOfHugeAndTinyEntries) {
  // pinv_iterative([[1e300]]) returned 0: c = ‖A‖₁‖A‖_∞ = 1e600 = inf and V₀ = Aᵀ/inf = 0, a fixed
  // point of the iteration. It now iterates on 2^{-e}A, like pinv().
  for (const double x : {1e300, -1e300, 1e-300, -3e-305, 1.7976931348623157e308}) {
    const MatrixXd v = a::pinv_iterative(MatrixXd::Constant(1, 1, x), 12);
    ASSERT_EQ(v.size(), 1);
    EXPECT_NEAR(v(0, 0) * x, 1.0, 1e-15) << x;
    const MatrixXd s = a::pinv_svd(MatrixXd::Constant(1, 1, x));
    EXPECT_NEAR(s(0, 0) * x, 1.0, 1e-15) << x;
  }
  EXPECT_NEAR(a::pinv_iterative(MatrixXd::Constant(1, 1, 1e300), 6)(0, 0), 1e-300, 1e-315);
  MatrixXd big(2, 2);
  big << 2e300, 1e300, 1e300, 2e300;
  const MatrixXd want = (MatrixXd(2, 2) << 2, -1, -1, 2).finished();
  EXPECT_LT((a::pinv_iterative(big, 12) * 3e300 - want).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT((a::pinv_svd(big) * 3e300 - want).cwiseAbs().maxCoeff(), 1e-14);
  // An explicit c is scaled with A: 1e-600 is below the double range, c = 4e-600 ≈ ‖A‖₁‖A‖_∞ for 2e-300.
  EXPECT_NEAR(a::pinv_iterative(MatrixXd::Constant(1, 1, 2e-300), 20, 0.0)(0, 0), 5e299, 5e284);
  // A⁺ itself beyond double precision: a clear error, not inf (pinv_svd used to return inf).
  const std::string over =
      "attention.pinv: the pseudo-inverse overflows double precision (a's largest entry is 4.94e-324); scale a up";
  EXPECT_EQ(error_of([] { a::pinv_iterative(MatrixXd::Constant(1, 1, 5e-324), 6); }), over);
  EXPECT_EQ(error_of([] { a::pinv_svd(MatrixXd::Constant(1, 1, 5e-324)); }), over);
}

TEST(AttentionProperties, SingularKernelInNystromIsReported) {
  // Identical landmark queries (constant q) make every row of A equal: rank 1.
  const MatrixXd q = MatrixXd::Ones(12, 3), k = randn(12, 3, 51), v = randn(12, 2, 52);
  a::NystromOptions o;
  o.landmarks = 4;
  o.pinv = a::Pinv::svd;
  const a::NystromResult r = a::nystrom(q, k, v, o);
  EXPECT_EQ(r.kernel_rank[0], 1);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "the landmark kernel A = softmax(Q̃K̃ᵀ) is numerically singular (rank 1 of 4): A⁺ is a pseudo-inverse and "
            "rows of the approximation need not sum to 1");
  EXPECT_TRUE(r.output.allFinite());
}

TEST(AttentionProperties, LinearAttentionRowsSumToOne) {
  const a::Inputs x = a::sample_inputs(200, 8, 4, a::Structure::random, 5);
  for (bool causal : {false, true}) {
    a::Options o;
    o.causal = causal;
    o.errors = true;
    o.matrix = true;
    const a::Result r = a::linear(x.q, x.k, x.v, o);
    EXPECT_LT(r.errors->row_sum_deviation, 1e-14);
    EXPECT_LT((r.matrix.rowwise().sum().array() - 1.0).abs().maxCoeff(), 1e-14);
    EXPECT_GE(r.matrix.minCoeff(), 0.0);
    EXPECT_LT(rel_diff(r.matrix * x.v, r.output), 1e-14);
    if (causal) EXPECT_EQ(r.matrix.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(), 0.0);
  }
}

TEST(AttentionProperties, PerformerErrorShrinksWithMoreFeatures) {
  // The relative variance of one feature's estimate of exp(qᵀk) is about (exp(‖q‖² + ‖k‖²) − 1)/m
  // (q, k scaled by √s): with N(0, 1) entries (d = 8) that is ≈ 290/m, so the error falls slowly
  // until m ≫ 290; with entries of size ½ it is ≈ 3/m and the 1/√m law shows from the start.
  for (double sigma : {1.0, 0.5}) {
    const a::Inputs x = a::sample_inputs(64, 8, 4, a::Structure::random, 9);
    const MatrixXd q = sigma * x.q, k = sigma * x.k;
    std::vector<double> mean;
    for (int m : {8, 32, 128, 512}) {
      double sum = 0;
      for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        a::PerformerOptions o;
        o.features = m;
        o.seed = seed;
        o.errors = true;
        sum += a::performer(q, k, x.v, o).errors->matrix_relative_frobenius;
      }
      mean.push_back(sum / 12);
    }
    for (size_t i = 1; i < mean.size(); ++i) EXPECT_LT(mean[i], mean[i - 1]) << "sigma " << sigma << ", step " << i;
    if (sigma == 0.5) {
      // 64× the features: about ⅛ of the error (numpy, same setting: 0.43 → 0.077).
      EXPECT_LT(mean.back() / mean.front(), 0.25);
      EXPECT_GT(mean.back() / mean.front(), 0.08);
    } else {
      EXPECT_LT(mean.back() / mean.front(), 0.85);
    }
  }
}

TEST(AttentionProperties, OrthogonalRandomFeatures) {
  const MatrixXd w = a::random_features(20, 8, 3);
  ASSERT_EQ(w.rows(), 20);
  ASSERT_EQ(w.cols(), 8);
  for (int b = 0; b < 2; ++b) {  // two full blocks of 8 orthogonal rows
    const MatrixXd blk = w.middleRows(8 * b, 8);
    const MatrixXd gram = blk * blk.transpose();
    const VectorXd d = gram.diagonal();
    const MatrixXd off = gram - MatrixXd(d.asDiagonal());
    EXPECT_LT(off.cwiseAbs().maxCoeff(), 1e-13 * d.maxCoeff());
  }
  // The same seed gives the same features; another seed other ones.
  EXPECT_EQ(w, a::random_features(20, 8, 3));
  EXPECT_NE(w, a::random_features(20, 8, 4));
  // Row lengths are χ_8-distributed (mean ≈ 2.74): a loose check over many rows.
  const MatrixXd big = a::random_features(4096, 8, 5);
  EXPECT_NEAR(big.rowwise().norm().mean(), 2.7418, 0.05);
  EXPECT_NEAR(big.rowwise().squaredNorm().mean(), 8.0, 0.3);
}

TEST(AttentionProperties, PerformerIsStableForLargeLogits) {
  // Logits of several hundred: exp(w·x − ‖x‖²/2) underflows for every feature in the textbook
  // formula (0/0); the stabilised features keep the normaliser ≥ 1.
  const MatrixXd q = randn(40, 4, 61, 12.0), k = randn(40, 4, 62, 12.0), v = randn(40, 3, 63);
  a::PerformerOptions o;
  o.scale = 1.0;
  o.errors = true;
  const a::Result r = a::performer(q, k, v, o);
  EXPECT_TRUE(r.output.allFinite());
  EXPECT_LT(r.errors->row_sum_deviation, 1e-13);
  a::Options e;
  e.scale = 1.0;
  e.matrix = true;
  const a::Result ex = a::exact(q, k, v, e);
  EXPECT_GT(ex.matrix.rowwise().maxCoeff().minCoeff(), 0.5) << "exact attention is nearly one-hot here";
}

TEST(AttentionProperties, SoftmaxExponentialIsAccurateToAFewUlps) {
  // One query against keys whose logits (q = 1, scale 1) cover [−745, 0]: every probability
  // against exp(x − max)/Σ in long double. Below −708.39 the kernel returns 0 (the reference is
  // then < 1e-307).
  const int N = 4001;
  MatrixXd k(N, 1);
  for (int j = 0; j < N; ++j) k(j, 0) = -745.0 * j / (N - 1) + 1e-3 * std::sin(j);
  k(0, 0) = 0.0;
  a::Options o;
  o.scale = 1.0;
  o.matrix = true;
  const a::Result r = a::exact(MatrixXd::Ones(1, 1), k, MatrixXd::Ones(N, 1), o);
  long double sum = 0;
  for (int j = 0; j < N; ++j) sum += std::exp(static_cast<long double>(k(j, 0)));
  double worst = 0;
  for (int j = 0; j < N; ++j) {
    const long double want = std::exp(static_cast<long double>(k(j, 0))) / sum;
    const double got = r.matrix(0, j);
    if (k(j, 0) < -708.39) {
      EXPECT_LT(std::abs(got - static_cast<double>(want)), 1e-307);
      continue;
    }
    worst = std::max(worst, static_cast<double>(std::abs((got - want) / want)));
  }
  EXPECT_LT(worst, 4 * std::numeric_limits<double>::epsilon()) << worst;
}

TEST(AttentionProperties, ExactIsStableForLargeLogits) {
  const MatrixXd q = mat({{300, 0}, {0, 300}}), k = mat({{2, 0}, {0, 2}, {1, 1}}), v = mat({{1}, {2}, {3}});
  a::Options o;
  o.scale = 1.0;
  const a::Result r = a::exact(q, k, v, o);
  EXPECT_DOUBLE_EQ(r.output(0, 0), 1.0);  // e^600 vs e^300: one-hot, no overflow
  EXPECT_DOUBLE_EQ(r.output(1, 0), 2.0);
}

TEST(AttentionProperties, StreamingMatchesTheFullMatrixAndHeadsConcatenate) {
  const a::Inputs x = a::sample_inputs(700, 12, 6, a::Structure::clustered, 77);
  for (bool causal : {false, true}) {
    a::Options o;
    o.heads = 3;
    o.causal = causal;
    o.matrix = true;
    const a::Result r = a::exact(x.q, x.k, x.v, o);
    for (int h = 0; h < 3; ++h) {
      const MatrixXd p = r.matrix.middleRows(700 * h, 700);
      EXPECT_LT(rel_diff(p * x.v.middleCols(2 * h, 2), r.output.middleCols(2 * h, 2)), 1e-14);
      a::Options single;
      single.causal = causal;
      const a::Result one = a::exact(x.q.middleCols(4 * h, 4), x.k.middleCols(4 * h, 4), x.v.middleCols(2 * h, 2), single);
      // Without `matrix` the output rows are divided by the row sums after the product (same value
      // up to rounding).
      EXPECT_LT(rel_diff(one.output, r.output.middleCols(2 * h, 2)), 1e-15);
      if (causal) EXPECT_EQ(p.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(), 0.0);
    }
  }
}

TEST(AttentionProperties, ClusteredKeysSuitSegmentMeans) {
  // Tokens in contiguous clusters: segment means are the cluster centres, and Nyström is far better
  // than on unstructured inputs with the same m.
  a::NystromOptions o;
  o.landmarks = 8;
  o.pinv = a::Pinv::svd;
  o.errors = true;
  const a::Inputs c = a::sample_inputs(256, 16, 8, a::Structure::clustered, 3);
  const a::Inputs r = a::sample_inputs(256, 16, 8, a::Structure::random, 3);
  const double ec = a::nystrom(c.q, c.k, c.v, o).errors->output_relative_frobenius;
  const double er = a::nystrom(r.q, r.k, r.v, o).errors->output_relative_frobenius;
  EXPECT_LT(ec, 0.5 * er) << ec << " vs " << er;
}

TEST(AttentionProperties, OriginalInitIsBatchGlobal) {
  const a::Inputs x = a::sample_inputs(40, 8, 4, a::Structure::random, 91);
  a::NystromOptions o;
  o.landmarks = 8;
  o.heads = 2;
  const a::NystromResult global = a::nystrom(x.q, x.k, x.v, o);
  o.init = a::PinvInit::per_matrix;
  const a::NystromResult per = a::nystrom(x.q, x.k, x.v, o);
  // Head by head, per-matrix equals a one-head run; 'original' uses the larger of the two heads' c.
  a::NystromOptions one;
  one.landmarks = 8;
  double c_max = 0;
  for (int h = 0; h < 2; ++h) {
    const a::NystromResult r = a::nystrom(x.q.middleCols(4 * h, 4), x.k.middleCols(4 * h, 4), x.v.middleCols(2 * h, 2), one);
    c_max = std::max(c_max, r.init_scale);
    EXPECT_LT(rel_diff(per.output.middleCols(2 * h, 2), r.output), 1e-12);
  }
  EXPECT_NEAR(global.init_scale, c_max, 1e-14);
  EXPECT_GT((global.output - per.output).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(AttentionProperties, LargeSequencesWithoutAnNByNMatrix) {
  // n = 8192, d = 128: the approximations run in O(n) memory.
  const a::Inputs x = a::sample_inputs(8192, 128, 128, a::Structure::random, 2);
  a::NystromOptions o;
  o.landmarks = 64;
  const a::NystromResult r = a::nystrom(x.q, x.k, x.v, o);
  EXPECT_TRUE(r.output.allFinite());
  a::Options c;
  c.causal = true;
  EXPECT_TRUE(a::linear(x.q, x.k, x.v, c).output.allFinite());
}

// ---------------------------------------------------------------- fixtures (independent numpy / mpmath)

namespace {

json load_fixtures() {
  std::ifstream f(std::string(MATHLENS_FIXTURES) + "/attention.json");
  if (!f) ADD_FAILURE() << "missing tests/fixtures/attention.json (run tests/fixtures/gen_attention.py)";
  return f ? json::parse(f) : json::object();
}

template <class O>
void common_options(O& o, const json& j) {
  o.heads = j.value("heads", 1);
  if (j.contains("scale")) o.scale = j["scale"].get<double>();
  o.causal = j.value("causal", false);
  o.errors = true;
  o.matrix = true;
}

}  // namespace

TEST(AttentionFixtures, WorkedExampleAtFiftyDigits) {
  const json w = load_fixtures()["worked"];
  const a::NystromResult r = a::nystrom(from_json(w["q"]), from_json(w["k"]), from_json(w["v"]), worked_options(a::Pinv::svd));
  EXPECT_LT(rel_diff(r.output, from_json(w["nystrom"])), 22.45 * 4e-16);
  EXPECT_LT(rel_diff(a::pinv_svd(from_json(w["A"])), from_json(w["Ainv"])), 22.45 * 4e-16);
  a::Options o;
  o.scale = 1.0;
  EXPECT_LT(rel_diff(a::exact(from_json(w["q"]), from_json(w["k"]), from_json(w["v"]), o).output, from_json(w["exact"])), 4e-16);
  const a::NystromResult r6 = a::nystrom(from_json(w["q"]), from_json(w["k"]), from_json(w["v"]), worked_options(a::Pinv::iterative));
  EXPECT_NEAR(r6.output(0, 0), w["row0Iter6"][0].get<double>(), 2e-15);
  EXPECT_NEAR(r6.output(0, 1), w["row0Iter6"][1].get<double>(), 2e-15);
  EXPECT_NEAR((a::pinv_iterative(from_json(w["A"]), 6) - from_json(w["Ainv"])).cwiseAbs().maxCoeff(),
              w["maxAbsV6MinusAinv"].get<double>(), 1e-12);
}

TEST(AttentionFixtures, Kernels) {
  const json fx = load_fixtures();
  ASSERT_GE(fx["cases"].size(), 20u);
  for (const json& c : fx["cases"]) {
    SCOPED_TRACE(c["kind"].get<std::string>() + ": " + c["name"].get<std::string>());
    const MatrixXd q = from_json(c["q"]), k = from_json(c["k"]), v = from_json(c["v"]);
    const json& opt = c["options"];
    const std::string kind = c["kind"];
    const double rtol = c["rtol"];
    a::Result r;
    std::vector<double> residual;
    if (kind == "exact") {
      a::Options o;
      common_options(o, opt);
      r = a::exact(q, k, v, o);
    } else if (kind == "linear") {
      a::Options o;
      common_options(o, opt);
      r = a::linear(q, k, v, o);
    } else if (kind == "performer") {
      a::PerformerOptions o;
      common_options(o, opt);
      if (opt.contains("projection")) o.projection = from_json(opt["projection"]);
      o.features = opt.value("features", 256);
      o.seed = opt.value("seed", 1);
      r = a::performer(q, k, v, o);
    } else {
      a::NystromOptions o;
      common_options(o, opt);
      o.landmarks = opt["landmarks"];
      o.pinv = opt.value("pinv", "iterative") == "svd" ? a::Pinv::svd : a::Pinv::iterative;
      o.iterations = opt.value("iterations", 6);
      o.init = opt.value("init", "original") == "per-matrix" ? a::PinvInit::per_matrix : a::PinvInit::original;
      const std::string seg = opt.value("segments", "balanced");
      o.segments = seg == "pad" ? a::Segments::pad : seg == "exact" ? a::Segments::exact : a::Segments::balanced;
      const a::NystromResult n = a::nystrom(q, k, v, o);
      residual = n.pinv_residual;
      r = n;
    }
    EXPECT_LT(rel_diff(r.output, from_json(c["output"])), rtol);
    if (c.contains("matrix")) EXPECT_LT(rel_diff(r.matrix, from_json(c["matrix"])), rtol);
    if (c.contains("errors")) {
      const json& e = c["errors"];
      auto near = [&](double got, const char* key) {
        const double want = e[key];
        if (want < 1e-9)
          EXPECT_LT(got, 1e-9) << key;  // round-off on both sides (m = n)
        else
          EXPECT_NEAR(got, want, 1e-9 * want) << key;
      };
      near(r.errors->output_relative_frobenius, "outputRelativeFrobenius");
      near(r.errors->output_max_abs, "outputMaxAbs");
      near(r.errors->matrix_relative_frobenius, "matrixRelativeFrobenius");
      near(r.errors->matrix_max_abs, "matrixMaxAbs");
      near(r.errors->row_sum_deviation, "rowSumDeviation");
    }
    if (c.contains("pinvResidual")) {
      ASSERT_EQ(residual.size(), c["pinvResidual"].size());
      for (size_t h = 0; h < residual.size(); ++h) {
        const double want = c["pinvResidual"][h];
        if (want < 1e-8)
          EXPECT_LT(residual[h], 1e-8);  // round-off on both sides
        else
          EXPECT_NEAR(residual[h], want, 1e-9 * want);
      }
    }
  }
}

TEST(AttentionFixtures, LandmarksRandomFeaturesAndInputs) {
  const json fx = load_fixtures();
  for (const json& c : fx["landmarks"]) {
    const std::string seg = c["segments"];
    const auto policy = seg == "pad" ? a::Segments::pad : seg == "exact" ? a::Segments::exact : a::Segments::balanced;
    EXPECT_LT(rel_diff(a::landmarks(from_json(c["x"]), c["m"], policy), from_json(c["result"])), 4e-16) << seg;
  }
  for (const json& c : fx["randomFeatures"]) {
    const MatrixXd w = a::random_features(c["features"], c["d"], c["seed"].get<std::uint64_t>(), c["orthogonal"]);
    EXPECT_LT(rel_diff(w, from_json(c["result"])), 1e-14) << c["seed"];
  }
  for (const json& c : fx["sampleInputs"]) {
    const a::Inputs x = a::sample_inputs(c["n"], c["d"], c["dv"],
                                         c["structure"] == "clustered" ? a::Structure::clustered : a::Structure::random,
                                         c["seed"].get<std::uint64_t>(), c["clusters"]);
    EXPECT_LT(rel_diff(x.q, from_json(c["q"])), 1e-15);
    EXPECT_LT(rel_diff(x.k, from_json(c["k"])), 1e-15);
    EXPECT_LT(rel_diff(x.v, from_json(c["v"])), 1e-15);
  }
}

// ---------------------------------------------------------------- bad input

TEST(AttentionErrors, ExactMessages) {
  const MatrixXd q = randn(6, 4, 1), k = randn(6, 4, 2), v = randn(6, 2, 3);
  a::Options o;
  EXPECT_EQ(error_of([&] { a::exact(MatrixXd(0, 4), k, v); }), "attention.exact: q is empty");
  EXPECT_EQ(error_of([&] { a::exact(q, randn(6, 3, 2), v); }),
            "attention.exact: q and k have different numbers of columns (4 and 3)");
  EXPECT_EQ(error_of([&] { a::linear(q, k, randn(5, 2, 3)); }),
            "attention.linear: k and v have different numbers of rows (6 and 5)");
  o.heads = 3;
  EXPECT_EQ(error_of([&] { a::exact(q, k, v, o); }), "attention.exact: heads (3) must divide the columns of q and k (4)");
  o.heads = 4;
  EXPECT_EQ(error_of([&] { a::exact(q, k, v, o); }), "attention.exact: heads (4) must divide the columns of v (2)");
  o.heads = 0;
  EXPECT_EQ(error_of([&] { a::exact(q, k, v, o); }), "attention.exact: heads must be an integer from 1 to 4096, got 0");
  o = {};
  o.scale = -1.0;
  EXPECT_EQ(error_of([&] { a::exact(q, k, v, o); }), "attention.exact: scale must be positive and finite, got -1");
  o = {};
  o.causal = true;
  EXPECT_EQ(error_of([&] { a::exact(q, randn(7, 4, 2), randn(7, 2, 3), o); }),
            "attention.exact: causal masking needs as many queries as keys (q has 6 rows, k has 7)");
  MatrixXd bad = q;
  bad(3, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_of([&] { a::performer(bad, k, v); }), "attention.performer: q has a non-finite entry (nan) at (3, 1)");
  bad = v;
  bad(0, 1) = std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, bad); }), "attention.nystrom: v has a non-finite entry (inf) at (0, 1)");
  EXPECT_EQ(error_of([&] { a::exact(mat({{1e200}}), mat({{1e200}}), mat({{1}})); }),
            "attention.exact: the logits q·kᵀ overflow double precision; scale q and k down (or pass a smaller scale)");
  a::Options big;
  big.matrix = true;
  const MatrixXd tall = MatrixXd::Zero(5000, 1);
  EXPECT_EQ(error_of([&] { a::exact(tall, tall, tall, big); }),
            "attention.exact: matrix: the attention matrix would have 2.5e+07 entries (heads·n·N); at most 16777216 are "
            "returned (the errors option compares large n without forming it)");
}

TEST(AttentionErrors, NystromAndPerformerMessages) {
  const MatrixXd q = randn(6, 4, 1), k = randn(6, 4, 2), v = randn(6, 2, 3);
  a::NystromOptions n;
  n.landmarks = 7;
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, v, n); }), "attention.nystrom: landmarks (7) exceeds the sequence length (n = 6)");
  n.landmarks = 4;
  n.segments = a::Segments::exact;
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, v, n); }),
            "attention.nystrom: landmarks (4) must divide n (6) with segments 'exact' (the authors' code); use segments "
            "'balanced' or 'pad'");
  n = {};
  n.causal = true;
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, v, n); }),
            "attention.nystrom: causal masking is not supported (segment-mean landmarks mix future tokens into every query)");
  n = {};
  n.iterations = -1;
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, v, n); }), "attention.nystrom: iterations must be an integer from 0 to 1000, got -1");
  n = {};
  n.landmarks = -2;
  EXPECT_EQ(error_of([&] { a::nystrom(q, k, v, n); }), "attention.nystrom: landmarks must be a positive integer, got -2");
  a::PerformerOptions p;
  p.features = 0;
  EXPECT_EQ(error_of([&] { a::performer(q, k, v, p); }),
            "attention.performer: features must be an integer from 1 to 1048576, got 0");
  p = {};
  p.projection = MatrixXd::Ones(3, 5);
  EXPECT_EQ(error_of([&] { a::performer(q, k, v, p); }),
            "attention.performer: projection must be a features×4 matrix (head size 4 columns), got 3x5");
  p = {};
  p.features = 1 << 20;
  const MatrixXd long_q = MatrixXd::Zero(200, 4);
  EXPECT_EQ(error_of([&] { a::performer(long_q, long_q, MatrixXd::Zero(200, 2), p); }),
            "attention.performer: features = 1048576 needs about 6.33 GB of working memory; at most 2 GB");
  EXPECT_EQ(error_of([&] { a::landmarks(q, 0); }), "attention.landmarks: m must be an integer from 1 to the number of rows (6), got 0");
  EXPECT_EQ(error_of([&] { a::pinv_iterative(MatrixXd::Ones(2, 3), 6); }), "attention.pinv: a must be square, got 2x3");
  EXPECT_EQ(error_of([&] { a::random_features(0, 4, 1); }),
            "attention.randomFeatures: features must be an integer from 1 to 1048576, got 0");
  EXPECT_EQ(error_of([&] { a::sample_inputs(10, 4, 4, a::Structure::clustered, 1, 11); }),
            "attention.sampleInputs: clusters must be an integer from 1 to n (10), got 11");
  EXPECT_EQ(error_of([&] { a::linear(mat({{-800}}), mat({{-800}}), mat({{1}})); }),
            "attention.linear: the normaliser φ(q_i)ᵀΣφ(k_j) of query row 0 is 0; the inputs are too large in magnitude");
}

// Native tests of mathlens::gaussian: the worked numbers of spec/MATH.md §2, properties, fixtures
// from an independent implementation (tests/fixtures/gen_gaussian.py: mpmath / scipy), and the
// exact error messages for bad input.
#include "mathlens/gaussian.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "mathlens/error.hpp"

namespace g = mathlens::gaussian;
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
VectorXd vec(std::initializer_list<double> v) {
  VectorXd x(v.size());
  Eigen::Index i = 0;
  for (double e : v) x(i++) = e;
  return x;
}

// The spec's 2-D and 3-D worked cases.
const g::Normal P2{vec({1, 2}), mat({{2, 0.5}, {0.5, 1}})};
const g::Normal Q2{vec({0, 0}), mat({{1, 0}, {0, 3}})};
const g::Normal P3{vec({1, 0, -1}), mat({{2, 1, 0}, {1, 2, 1}, {0, 1, 2}})};
const g::Normal Q3{vec({0, 1, 1}), mat({{1, 0, 0}, {0, 2, 0}, {0, 0, 3}})};

void expect_rel(double actual, double expected, double rtol, const std::string& what = "") {
  const double tol = rtol * std::max(std::abs(expected), 1e-300);
  EXPECT_NEAR(actual, expected, tol) << what;
}

g::Normal random_normal(int n, std::mt19937_64& rng, double jitter = 0.1) {
  std::normal_distribution<double> z;
  MatrixXd a(n, n);
  VectorXd m(n);
  for (int i = 0; i < n; ++i) {
    m(i) = z(rng);
    for (int j = 0; j < n; ++j) a(i, j) = z(rng);
  }
  MatrixXd c = a * a.transpose() / n + jitter * MatrixXd::Identity(n, n);
  return {m, 0.5 * (c + c.transpose())};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// ---------------------------------------------------------------- worked numbers (MATH.md §2 d)

TEST(GaussianWorked, OneDimensional) {
  const g::Normal p{vec({0}), mat({{1}})}, q{vec({1}), mat({{4}})};
  expect_rel(g::kl(p, q), 0.4431471805599453, 1e-15);
  expect_rel(g::kl(q, p), 1.3068528194400546, 1e-15);
  expect_rel(g::bhattacharyya(p, q), 0.16157177565710487, 1e-15);
  expect_rel(g::wasserstein2_squared(p, q), 2.0, 1e-15);
}

TEST(GaussianWorked, TwoDimensional) {
  expect_rel(g::kl(P2, Q2), 1.6028315836996772, 1e-15);
  expect_rel(g::kl(Q2, P2), 2.7305017496336568, 1e-15);
  expect_rel(g::bhattacharyya(P2, Q2), 0.4220947610097875, 1e-15);
  const double h = g::hellinger(P2, Q2);
  expect_rel(h * h, 0.34432809568224554, 1e-15);
  expect_rel(g::bhattacharyya_coefficient(P2, Q2), std::exp(-0.4220947610097875), 1e-15);
  expect_rel(g::wasserstein2_squared(P2, Q2), 5.808852870442883, 1e-15);
  expect_rel(g::wasserstein2(P2, Q2), std::sqrt(5.808852870442883), 1e-15);
  expect_rel(g::frechet(P2, Q2), 5.808852870442883, 1e-15);
  expect_rel(g::entropy(P2), 3.1176849603770567, 1e-15);
  expect_rel(g::entropy(Q2), 3.3871832107434003, 1e-15);
  const g::Normal std2{vec({0, 0}), MatrixXd::Identity(2, 2)};
  expect_rel(g::kl(P2, std2), 2.7201921060322887, 1e-15);
  expect_rel(g::wasserstein2_squared(P2, std2), 5.247842043422973, 1e-15);
  const MatrixXd c = g::coupling(P2, Q2);
  const MatrixXd want = mat({{1.386265826890434, 0.484562866496536}, {0.161520955498845, 1.709307737888125}});
  EXPECT_LT((c - want).cwiseAbs().maxCoeff(), 1e-14);
  expect_rel(c.trace(), 3.0955735647785585, 1e-15);
  const g::Comparison r = g::compare(P2, Q2);
  expect_rel(r.trace_term, 3.0955735647785585, 1e-15);
  EXPECT_EQ(r.route, g::Route::cholesky_p);
}

TEST(GaussianWorked, ThreeDimensional) {
  expect_rel(g::kl(P3, Q3), 1.9527325540540819, 1e-15);
  expect_rel(g::kl(Q3, P3), 2.1722674459459177, 1e-15);
  expect_rel(g::bhattacharyya(P3, Q3), 0.4875414770176554, 1e-15);
  expect_rel(g::wasserstein2_squared(P3, Q3), 6.858172154879700, 1e-14);
  expect_rel(g::wasserstein2(P3, Q3), 2.6188112102401924, 1e-15);
  expect_rel(g::entropy(P3), 4.949962780173964, 1e-15);
}

TEST(GaussianWorked, CommutingCovariances) {
  const double th = 0.3;
  const MatrixXd u = mat({{std::cos(th), -std::sin(th)}, {std::sin(th), std::cos(th)}});
  const g::Normal a{vec({1, -1}), u * vec({1, 4}).asDiagonal() * u.transpose()};
  const g::Normal b{vec({0.5, 0.5}), u * vec({9, 0.25}).asDiagonal() * u.transpose()};
  expect_rel(g::wasserstein2_squared(a, b), 8.75, 1e-14);
  expect_rel(g::wasserstein2_squared(a, b, g::Formula::product), 8.75, 1e-14);
}

// ---------------------------------------------------------------- properties (MATH.md §2 c)

TEST(GaussianProperties, EqualCovariances) {
  const MatrixXd s = mat({{2, 0.5}, {0.5, 1}});
  const g::Normal a{vec({1, -2}), s}, b{vec({0, 0}), s};
  expect_rel(g::kl(a, b), 22.0 / 7.0, 1e-15);
  expect_rel(g::kl(b, a), 22.0 / 7.0, 1e-15);
  expect_rel(g::bhattacharyya(a, b), 11.0 / 14.0, 1e-15);
  expect_rel(g::kl(a, b), 4.0 * g::bhattacharyya(a, b), 1e-15);
  expect_rel(g::wasserstein2_squared(a, b), 5.0, 1e-15);  // ‖Δ‖²
}

TEST(GaussianProperties, ZeroForEqualDistributions) {
  std::mt19937_64 rng(7);
  for (int n : {1, 2, 5, 17}) {
    const g::Normal p = random_normal(n, rng);
    // Zero up to round-off of squared size (eps² ~ 5e-32): the stable forms leave no O(eps) residue.
    EXPECT_LT(g::kl(p, p), 1e-29);
    EXPECT_LT(g::bhattacharyya(p, p), 1e-29);
    EXPECT_LT(g::hellinger(p, p), 1e-14);
    EXPECT_NEAR(g::wasserstein2(p, p), 0.0, 1e-7);  // √ of a round-off-sized W2²
  }
}

TEST(GaussianProperties, SignsSymmetryAndBothFormulas) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 1 + trial % 9;
    const g::Normal p = random_normal(n, rng), q = random_normal(n, rng), r = random_normal(n, rng);
    EXPECT_GT(g::kl(p, q), 0.0);
    EXPECT_GT(g::bhattacharyya(p, q), 0.0);
    expect_rel(g::bhattacharyya(p, q), g::bhattacharyya(q, p), 1e-12, "BD symmetric");
    // W2² = ‖Δ‖² + Tr Σp + Tr Σq − 2 Tr R cancels when p ≈ q: agreement is judged on that scale.
    const double scale = (p.mean - q.mean).squaredNorm() + p.cov.trace() + q.cov.trace();
    EXPECT_NEAR(g::wasserstein2_squared(p, q), g::wasserstein2_squared(q, p), 1e-13 * scale) << "W2 symmetric";
    EXPECT_NEAR(g::wasserstein2_squared(p, q), g::wasserstein2_squared(p, q, g::Formula::product), 1e-13 * scale)
        << "version 1 == version 2";
    EXPECT_LE(g::wasserstein2(p, r), g::wasserstein2(p, q) + g::wasserstein2(q, r) + 1e-12) << "triangle";
    const double h = g::hellinger(p, q);
    EXPECT_GT(h, 0.0);
    EXPECT_LT(h, 1.0);
    expect_rel(h * h, 1.0 - g::bhattacharyya_coefficient(p, q), 1e-12, "H² = 1 − BC");
  }
}

TEST(GaussianProperties, TranslationInvarianceOfTheCovariancePart) {
  std::mt19937_64 rng(3);
  const g::Normal p = random_normal(4, rng), q = random_normal(4, rng);
  const double base = g::wasserstein2_squared(p, q) - (p.mean - q.mean).squaredNorm();
  g::Normal p2 = p, q2 = q;
  p2.mean += vec({3, -1, 2, 5});
  q2.mean += vec({-7, 0.5, 1, 1});
  expect_rel(g::wasserstein2_squared(p2, q2) - (p2.mean - q2.mean).squaredNorm(), base, 1e-10);
}

TEST(GaussianProperties, OneDimensionalClosedForms) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.2, 3.0), m(-2, 2);
  for (int t = 0; t < 50; ++t) {
    const double m1 = m(rng), m2 = m(rng), s1 = u(rng), s2 = u(rng);
    const g::Normal a{vec({m1}), mat({{s1 * s1}})}, b{vec({m2}), mat({{s2 * s2}})};
    const double d2 = (m1 - m2) * (m1 - m2);
    expect_rel(g::wasserstein2_squared(a, b), d2 + (s1 - s2) * (s1 - s2), 1e-12);
    expect_rel(g::kl(a, b), std::log(s2 / s1) + (s1 * s1 + d2) / (2 * s2 * s2) - 0.5, 1e-12);
    expect_rel(g::bhattacharyya(a, b),
               d2 / (4 * (s1 * s1 + s2 * s2)) + 0.5 * std::log((s1 * s1 + s2 * s2) / (2 * s1 * s2)), 1e-12);
  }
}

TEST(GaussianProperties, OptimalCouplingIsFeasibleAndTight) {
  std::mt19937_64 rng(9);
  for (int n : {2, 3, 6}) {
    const g::Normal p = random_normal(n, rng), q = random_normal(n, rng);
    const MatrixXd c = g::coupling(p, q);
    MatrixXd joint(2 * n, 2 * n);
    joint << p.cov, c, c.transpose(), q.cov;
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(joint);
    EXPECT_GT(es.eigenvalues()(0), -1e-10);             // PSD
    EXPECT_LT(std::abs(es.eigenvalues()(n - 1)), 1e-10);  // rank n: n zero eigenvalues
    // Schur complement Σq − C*ᵀ Σp⁻¹ C* vanishes.
    const MatrixXd schur = q.cov - c.transpose() * p.cov.llt().solve(c);
    EXPECT_LT(schur.cwiseAbs().maxCoeff(), 1e-10);
    expect_rel(c.trace(), g::compare(p, q).trace_term, 1e-12);
  }
}

TEST(GaussianProperties, NearlyEqualKeepsRelativeAccuracy) {
  // Σq = (1 + t) Σp exactly along a diagonal: KL(p‖q) = ½ n (1/(1+t) − 1 + log(1+t)), no cancellation
  // in this reference form since it is computed by the series below.
  const int n = 4;
  const double t = 1e-7;
  const g::Normal p{VectorXd::Zero(n), MatrixXd::Identity(n, n)};
  const g::Normal q{VectorXd::Zero(n), (1.0 + t) * MatrixXd::Identity(n, n)};
  // 1/(1+t) − 1 + log(1+t) = t²/2 − 2t³/3 + 3t⁴/4 − …
  const double series = t * t / 2 - 2 * t * t * t / 3 + 3 * t * t * t * t / 4;
  expect_rel(g::kl(p, q), 0.5 * n * series, 1e-8);  // limited by the rounding of 1 + t itself
  // The naive trace form would return ~1e-16 noise here, i.e. 100% error.
}

TEST(GaussianLarge, CommutingAtDimension2048) {
#if defined(__SANITIZE_ADDRESS__)
  const int n = 256;  // the same check; at 2048 the instrumented O(n³) work takes over a minute
#else
  const int n = 2048;
#endif
  VectorXd a(n), b(n), ma(n), mb(n);
  for (int i = 0; i < n; ++i) {
    a(i) = 0.5 + 0.001 * i;
    b(i) = 2.0 - 0.0005 * i;
    ma(i) = std::sin(i);
    mb(i) = std::cos(i);
  }
  const g::Normal p{ma, a.asDiagonal()}, q{mb, b.asDiagonal()};
  const double expected = (ma - mb).squaredNorm() + (a.cwiseSqrt() - b.cwiseSqrt()).squaredNorm();
  expect_rel(g::frechet(p, q), expected, 1e-10);
  double kl = 0;
  for (int i = 0; i < n; ++i)
    kl += 0.5 * ((mb(i) - ma(i)) * (mb(i) - ma(i)) / b(i) + a(i) / b(i) - 1 - std::log(a(i) / b(i)));
  expect_rel(g::kl(p, q), kl, 1e-11);
}

// ---------------------------------------------------------------- semidefinite covariances

TEST(GaussianSemidefinite, RoutesAndValues) {
  // Rank-1 Σp: W2 still defined; KL is not.
  const g::Normal p{vec({0, 0}), mat({{1, 1}, {1, 1}})};
  const g::Normal q{vec({1, 0}), mat({{2, 0}, {0, 1}})};
  const g::Comparison r = g::compare(p, q);
  EXPECT_EQ(r.route, g::Route::cholesky_q);
  EXPECT_FALSE(r.kl_pq.has_value());
  EXPECT_FALSE(r.bhattacharyya.has_value());
  EXPECT_TRUE(r.entropy_q.has_value());
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings[0],
            "cov of p is singular (only semidefinite): KL, Bhattacharyya and Hellinger are not defined, only W2 is");
  expect_rel(r.wasserstein2_squared, *r.wasserstein2_squared_product, 1e-12);
  // Point masses: W2 = ‖Δ‖ exactly.
  const g::Normal a{vec({1, 2}), MatrixXd::Zero(2, 2)}, b{vec({4, 6}), MatrixXd::Zero(2, 2)};
  EXPECT_DOUBLE_EQ(g::wasserstein2(a, b), 5.0);
  EXPECT_EQ(g::compare(a, b).route, g::Route::eigen);
  // A point mass against N(μ, Σ): W2² = ‖Δ‖² + Tr Σ.
  expect_rel(g::wasserstein2_squared(a, Q2), 5.0 + 4.0, 1e-15);
  EXPECT_EQ(error_of([&] { g::coupling(a, b); }),
            "gaussian.coupling: cov of p and cov of q are both singular; the coupling needs one of them "
            "positive definite");
}

// ---------------------------------------------------------------- fit, FID from samples, Monte Carlo

TEST(GaussianFit, SmallIntegerSamples) {
  const MatrixXd x = mat({{1, 2}, {3, 5}, {0, 1}});
  const g::Normal n = g::fit(x);
  EXPECT_DOUBLE_EQ(n.mean(0), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(n.mean(1), 8.0 / 3.0);
  const MatrixXd want = mat({{7.0 / 3.0, 19.0 / 6.0}, {19.0 / 6.0, 13.0 / 3.0}});
  EXPECT_LT((n.cov - want).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(n.cov, n.cov.transpose());
  EXPECT_DOUBLE_EQ(g::frechet_from_samples(x, x), 0.0 + g::frechet(n, n));
}

TEST(GaussianMonteCarlo, AgreesWithClosedFormAndIsSeeded) {
  const g::MonteCarlo a = g::kl_monte_carlo(P2, Q2, 200000, 42);
  const g::MonteCarlo b = g::kl_monte_carlo(P2, Q2, 200000, 42);
  EXPECT_EQ(a.estimate, b.estimate);
  EXPECT_EQ(a.samples, 200000);
  EXPECT_GT(a.standard_error, 0.0);
  EXPECT_LT(std::abs(a.estimate - 1.6028315836996772), 5 * a.standard_error);
  EXPECT_LT(a.standard_error, 0.01);
}

// ---------------------------------------------------------------- bad input: exact messages

TEST(GaussianErrors, ExactMessages) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of([&] { g::kl(P2, {vec({0, 0}), mat({{1, 2}, {2, 1}})}); }),
            "gaussian.kl: cov of q is not positive definite (Cholesky failed)");
  EXPECT_EQ(error_of([&] { g::kl(P2, {vec({0, 0}), mat({{1, 2, 3}, {2, 1, 3}})}); }),
            "gaussian.kl: cov of q must be square, got 2x3");
  EXPECT_EQ(error_of([&] { g::kl(P2, {vec({0, 0}), mat({{1, 0.5}, {0.4, 1}})}); }),
            "gaussian.kl: cov of q is not symmetric (max |A - A^T| = 0.1, tolerance 1e-08)");
  EXPECT_EQ(error_of([&] { g::kl({vec({0, 0, 0}), mat({{1, 0}, {0, 1}})}, Q2); }),
            "gaussian.kl: mean of p has 3 entries but cov of p is 2x2");
  EXPECT_EQ(error_of([&] { g::kl(P2, Q3); }), "gaussian.kl: p and q have different dimensions (2 and 3)");
  EXPECT_EQ(error_of([&] { g::kl({VectorXd(), MatrixXd()}, Q2); }), "gaussian.kl: mean of p is empty");
  EXPECT_EQ(error_of([&] { g::bhattacharyya({vec({nan, 0}), Q2.cov}, Q2); }),
            "gaussian.bhattacharyya: mean of p has a non-finite entry (nan) at [0]");
  EXPECT_EQ(error_of([&] { g::wasserstein2(P2, {vec({0, 0}), mat({{1, 0}, {0, inf}})}); }),
            "gaussian.wasserstein2: cov of q has a non-finite entry (inf) at (1, 1)");
  EXPECT_EQ(error_of([&] { g::wasserstein2(P2, {vec({0, 0}), mat({{1, 0}, {0, -1}})}); }),
            "gaussian.wasserstein2: cov of q is not positive semidefinite (smallest eigenvalue -1)");
  EXPECT_EQ(error_of([&] { g::wasserstein2({vec({0, 0}), mat({{0, 0}, {0, -2}})}, {vec({0, 0}), mat({{0, 0}, {0, 0}})}); }),
            "gaussian.wasserstein2: cov of p is not positive semidefinite (smallest eigenvalue -2)");
  EXPECT_EQ(error_of([&] { g::entropy({vec({0}), mat({{0}})}); }),
            "gaussian.entropy: cov of p is not positive definite (Cholesky failed)");
  EXPECT_EQ(error_of([&] { g::fit(mat({{1, 2}})); }),
            "gaussian.fit: samples has 1 row; at least 2 samples are needed");
  EXPECT_EQ(error_of([&] { g::fit(MatrixXd(0, 3)); }), "gaussian.fit: samples is empty");
  EXPECT_EQ(error_of([&] { g::frechet_from_samples(mat({{1, 2}, {3, 4}}), mat({{1}, {2}})); }),
            "gaussian.frechetFromSamples: a and b have different numbers of columns (2 and 1)");
  EXPECT_EQ(error_of([&] { g::kl_monte_carlo(P2, Q2, 1, 0); }),
            "gaussian.klMonteCarlo: samples must be an integer from 2 to 100000000, got 1");
  // The core keeps working after errors.
  expect_rel(g::kl(P2, Q2), 1.6028315836996772, 1e-15);
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

MatrixXd decode(const json& m) {
  if (m.is_array()) {
    if (m.empty()) return MatrixXd();
    if (!m[0].is_array()) {  // a vector
      VectorXd v(m.size());
      for (size_t i = 0; i < m.size(); ++i) v(i) = m[i].get<double>();
      return v;
    }
    MatrixXd out(m.size(), m[0].size());
    for (size_t i = 0; i < m.size(); ++i)
      for (size_t j = 0; j < m[i].size(); ++j) out(i, j) = m[i][j].get<double>();
    return out;
  }
  // {"rows", "cols", "b64"}: row-major little-endian float64.
  const std::string b64 = m.at("b64").get<std::string>();
  const int rows = m.at("rows").get<int>(), cols = m.at("cols").get<int>();
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
  };
  std::string bytes;
  unsigned buf = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    buf = (buf << 6) | static_cast<unsigned>(val(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  EXPECT_EQ(bytes.size(), static_cast<size_t>(rows) * cols * 8);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm(rows, cols);
  std::memcpy(rm.data(), bytes.data(), bytes.size());
  return rm;
}

g::Normal normal_of(const json& j) { return {decode(j.at("mean")), decode(j.at("cov"))}; }

json load_fixtures() {
  std::ifstream f(std::string(MATHLENS_FIXTURES) + "/gaussian.json");
  if (!f) ADD_FAILURE() << "missing tests/fixtures/gaussian.json (run tests/fixtures/gen_gaussian.py)";
  return f ? json::parse(f) : json::object();
}

}  // namespace

TEST(GaussianFixtures, PositiveDefiniteCases) {
  const json fx = load_fixtures();
  ASSERT_TRUE(fx.contains("cases"));
  ASSERT_GE(fx["cases"].size(), 10u);
  for (const json& c : fx["cases"]) {
    const std::string name = c["name"];
    const double rtol = c["rtol"];
    const g::Normal p = normal_of(c["p"]), q = normal_of(c["q"]);
    const g::Comparison r = g::compare(p, q);
    expect_rel(g::kl(p, q), c["kl_pq"], rtol, name + " kl_pq");
    expect_rel(*r.kl_pq, c["kl_pq"], rtol, name + " compare.kl_pq");
    expect_rel(*r.kl_qp, c["kl_qp"], rtol, name + " kl_qp");
    expect_rel(*r.bhattacharyya, c["bhattacharyya"], rtol, name + " bd");
    expect_rel(*r.bhattacharyya_coefficient, c["bhattacharyya_coefficient"], rtol, name + " bc");
    expect_rel(*r.hellinger, c["hellinger"], rtol, name + " hellinger");
    expect_rel(*r.entropy_p, c["entropy_p"], rtol, name + " entropy_p");
    expect_rel(*r.entropy_q, c["entropy_q"], rtol, name + " entropy_q");
    // W2² cancels (‖Δ‖² + Tr Σp + Tr Σq − 2 Tr R), so it also gets the fixture's absolute tolerance.
    const double atol = c["atol"];
    EXPECT_NEAR(r.trace_term, c["trace_term"].get<double>(), atol + rtol * std::abs(c["trace_term"].get<double>()))
        << name << " trace_term";
    EXPECT_NEAR(r.wasserstein2_squared, c["w2_squared"].get<double>(),
                atol + rtol * std::abs(c["w2_squared"].get<double>()))
        << name << " w2_squared";
    if (c.contains("coupling")) {
      const MatrixXd want = decode(c["coupling"]);
      EXPECT_LT((*r.coupling - want).cwiseAbs().maxCoeff(), rtol * std::max(1.0, want.cwiseAbs().maxCoeff()))
          << name << " coupling";
    }
  }
}

TEST(GaussianFixtures, SemidefiniteCases) {
  const json fx = load_fixtures();
  ASSERT_TRUE(fx.contains("psd_cases"));
  for (const json& c : fx["psd_cases"]) {
    const std::string name = c["name"];
    const g::Normal p = normal_of(c["p"]), q = normal_of(c["q"]);
    EXPECT_NEAR(g::wasserstein2_squared(p, q), c["w2_squared"].get<double>(), c["atol"].get<double>()) << name;
  }
}

TEST(GaussianFixtures, FitAndFrechetFromSamples) {
  const json fx = load_fixtures();
  for (const json& c : fx["fit_cases"]) {
    const g::Normal n = g::fit(decode(c["samples"]));
    const double rtol = c["rtol"];
    const VectorXd mean = decode(c["mean"]);
    const MatrixXd cov = decode(c["cov"]);
    EXPECT_LT((n.mean - mean).cwiseAbs().maxCoeff(), rtol * std::max(1.0, mean.cwiseAbs().maxCoeff()));
    EXPECT_LT((n.cov - cov).cwiseAbs().maxCoeff(), rtol * std::max(1.0, cov.cwiseAbs().maxCoeff()));
  }
  for (const json& c : fx["frechet_from_samples"])
    expect_rel(g::frechet_from_samples(decode(c["a"]), decode(c["b"])), c["frechet"], c["rtol"],
               c["name"].get<std::string>());
}

// ---------------------------------------------------------------- fuzzing regressions
// Inputs found by tests/fuzz/gaussian_fuzz.cpp (scripts/fuzz.sh), decoded with MATHLENS_FUZZ_TRACE=1.

TEST(GaussianFuzzRegressions, FitNearDblMaxGivesTheExactMeanOrAnOverflowError) {
  const double M = std::numeric_limits<double>::max();
  // crash-58ca71d0…: a 7×2 sample with three entries at DBL_MAX returned a NaN covariance (the column
  // sums overflowed). Its true covariance overflows, so the answer is an explicit error.
  MatrixXd s = MatrixXd::Zero(7, 2);
  s(0, 0) = s(0, 1) = s(1, 0) = M;
  try {
    g::fit(s);
    ADD_FAILURE() << "no error";
  } catch (const mathlens::Error& e) {
    EXPECT_STREQ(e.what(),
                 "gaussian.fit: samples is too large in magnitude: its covariance overflows double precision "
                 "(largest |entry| 1.8e+308)");
  }
  // A representable mean and covariance near the limit are computed exactly.
  MatrixXd t(3, 2);
  t << M, -M, M, -M, M, -M;
  const g::Normal f = g::fit(t);
  EXPECT_EQ(f.mean(0), M);
  EXPECT_EQ(f.mean(1), -M);
  EXPECT_EQ(f.cov.cwiseAbs().maxCoeff(), 0.0);
  MatrixXd u(2, 1);
  u << 0x1p1000, -0x1p1000;
  EXPECT_THROW(g::fit(u), mathlens::Error);  // mean 0, but the variance 2^2001 overflows
  EXPECT_THROW(g::frechet_from_samples(s, s), mathlens::Error);
}

TEST(GaussianFuzzRegressions, CovarianceNearDblMaxIsNotSymmetrisedIntoInfinity) {
  const double M = std::numeric_limits<double>::max();
  // crash-5824bbf8…: compare(N(0, [[DBL_MAX]]), N(DBL_MAX, [[0]])) returned traceTerm = NaN, because
  // ½(Σ + Σᵀ) overflowed to Inf before the halving.
  const g::Normal p{vec({0}), mat({{M}})};
  const g::Normal q{vec({M}), mat({{0}})};
  const g::Comparison c = g::compare(p, q);
  EXPECT_EQ(c.trace_term, 0.0);
  EXPECT_EQ(c.wasserstein2_squared, std::numeric_limits<double>::infinity());  // M² + M: a true overflow
  EXPECT_EQ(c.max_eigenvalue_p, M);
  // Well inside the range, the same shapes are exact.
  const g::Normal big{vec({0}), mat({{0x1p1020}})};
  EXPECT_EQ(g::entropy(big), 0.5 * (1.0 + std::log(2.0 * M_PI)) + 0.5 * 1020 * std::log(2.0));
  EXPECT_EQ(g::kl(big, big), 0.0);
  EXPECT_EQ(g::bhattacharyya(big, big), 0.0);
}

TEST(GaussianFuzzRegressions, OverflowInsideTheComputationIsAnErrorNotNaNOrZero) {
  // Σp = Σq = DBL_MAX·I₂, Δ = (1, 0): ½(Σ + Σᵀ) overflowed and the NaNs that followed were clamped
  // to 0 by std::max(0.0, NaN), so KL and W2² both came out as 0, silently (true: 0.5/DBL_MAX and 1).
  const double M = std::numeric_limits<double>::max();
  const g::Normal p{vec({0, 0}), mat({{M, 0}, {0, M}})};
  const g::Normal q{vec({1, 0}), mat({{M, 0}, {0, M}})};
  expect_rel(g::kl(p, q), 0.5 / M, 1e-15, "KL");
  // Tr Σp + Tr Σq overflows inside W2², so it is an explicit error (not a 0, not a NaN).
  EXPECT_THROW(g::compare(p, q), mathlens::Error);
  for (auto f : {&g::wasserstein2_squared, &g::wasserstein2}) {
    try {
      const double w = f(p, q, g::Formula::symmetric);
      EXPECT_FALSE(std::isnan(w));
      EXPECT_GT(w, 0.0) << "W2 between distinct normals is positive (or an explicit error)";
    } catch (const mathlens::Error& e) {
      EXPECT_NE(std::string(e.what()).find("not representable in double precision"), std::string::npos) << e.what();
    }
  }
}

TEST(GaussianFuzzRegressions, W2AndCouplingAtExtremeScales) {
  // Σp = s·I₂, Σq = 4s·I₂: W2² = 2s, C* = 2s·I, KL = ½·2·(¼ − 1 + log 4) for every scale s. The degree-4
  // products inside the trace term underflowed (s = 1e-300: W2² = 1e-299, five times too large) or
  // overflowed (s = 1e200: W2² = 0, coupling NaN) before the power-of-two rescaling.
  const double kl_exact = 0.25 - 1.0 + std::log(4.0);
  for (double s : {1e-300, 1e-200, 1e-100, 1.0, 1e100, 1e200}) {
    const g::Normal p{vec({0, 0}), s * MatrixXd::Identity(2, 2)};
    const g::Normal q{vec({0, 0}), 4 * s * MatrixXd::Identity(2, 2)};
    const std::string at = "s = " + std::to_string(s);
    expect_rel(g::wasserstein2_squared(p, q), 2 * s, 1e-14, at);
    expect_rel(g::kl(p, q), kl_exact, 1e-14, at);
    const MatrixXd c = g::coupling(p, q);
    EXPECT_LT((c - 2 * s * MatrixXd::Identity(2, 2)).cwiseAbs().maxCoeff(), 1e-14 * 2 * s) << at;
    const g::Comparison r = g::compare(p, q);
    expect_rel(r.wasserstein2_squared, 2 * s, 1e-14, at);
    expect_rel(r.trace_term, 4 * s, 1e-14, at);
    ASSERT_TRUE(r.wasserstein2_squared_product.has_value()) << at;
    expect_rel(*r.wasserstein2_squared_product, 2 * s, 1e-12, at);
  }
}

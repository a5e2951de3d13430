// Native tests of mathlens::matexp: the worked numbers of spec/MATH.md §7 and §8, properties of
// exp(A) and exp(x yᵀ), the hard expm cases against the independent fixtures
// (tests/fixtures/gen_matexp.py: mpmath at 50 digits and exact structured references), and the
// exact error messages for bad input.
#include "mathlens/matexp.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "mathlens/error.hpp"

namespace mx = mathlens::matexp;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using json = nlohmann::json;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

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

void expect_rel(double actual, double expected, double rtol, const std::string& what = "") {
  EXPECT_NEAR(actual, expected, rtol * std::max(std::abs(expected), 1e-300)) << what;
}

/// max |A − B| / max |B|.
double normwise(const MatrixXd& a, const MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

/// max over entries of |a − b| / |b| (b = 0 requires a = 0).
double elementwise(const MatrixXd& a, const MatrixXd& b) {
  double err = 0;
  for (Eigen::Index j = 0; j < b.cols(); ++j)
    for (Eigen::Index i = 0; i < b.rows(); ++i) {
      if (b(i, j) == 0) {
        if (a(i, j) != 0) return std::numeric_limits<double>::infinity();
      } else {
        err = std::max(err, std::abs(a(i, j) - b(i, j)) / std::abs(b(i, j)));
      }
    }
  return err;
}

MatrixXd random_matrix(int n, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  MatrixXd a(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) a(i, j) = z(rng) * scale / std::sqrt(static_cast<double>(n));
  return a;
}

VectorXd random_vector(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  VectorXd v(n);
  for (int i = 0; i < n; ++i) v(i) = z(rng);
  return v;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

const MatrixXd kA2 = mat({{1, 2}, {3, 4}});
const MatrixXd kB3 = mat({{0, 1, 2}, {-1, 0.5, 0}, {3, 0, -2}});
const MatrixXd kM = mat({{0.2, -0.1, 0.3}, {0, 0.1, 0.2}, {-0.1, 0.05, -0.3}});
const MatrixXd kMoler = mat({{0, 1e-8, 0}, {-(2e10 + 4e8 / 6), -3, 2e10}, {200.0 / 3, 0, -200.0 / 3}});

}  // namespace

// ---------------------------------------------------------------- worked numbers (MATH.md §8 d)

TEST(MatexpWorked, ExpmOfTheTwoByTwo) {
  const MatrixXd e = mx::expm(kA2);
  const MatrixXd want = mat({{51.96895619870499, 74.73656456700321}, {112.10484685050481, 164.07380304920983}});
  EXPECT_LT(elementwise(e, want), 1e-14);
  const mx::DetExp d = mx::det_exp(kA2);
  expect_rel(d.det, 148.4131591025766, 1e-14);
  EXPECT_NEAR(d.log_abs_det, 5.0, 1e-13);
  EXPECT_EQ(d.trace, 5.0);
  EXPECT_EQ(d.sign, 1);
  EXPECT_LT(d.relative_difference, 1e-13);
  EXPECT_EQ(d.shift, 0.0);
}

TEST(MatexpWorked, JordanBlock) {
  const MatrixXd e = mx::expm(mat({{1, 1}, {0, 1}}));
  const double euler = 2.718281828459045;
  EXPECT_LT(elementwise(e, euler * mat({{1, 1}, {0, 1}})), 2 * kEps);
  const mx::DetExp d = mx::det_exp(mat({{1, 1}, {0, 1}}));
  expect_rel(d.det, 7.38905609893065, 4 * kEps);
}

TEST(MatexpWorked, ThreeByThreeDeterminant) {
  const mx::DetExp d = mx::det_exp(kB3);
  expect_rel(d.det, 0.22313016014842982, 1e-14);
  EXPECT_NEAR(d.log_difference, 0.0, 1e-14);
  expect_rel(mx::expm(kB3).determinant(), 0.22313016014842982, 1e-14);
}

TEST(MatexpWorked, RotationGenerator) {
  const MatrixXd e = mx::expm(mat({{0, -0.5}, {0.5, 0}}));
  const MatrixXd want = mat({{0.8775825618903728, -0.479425538604203}, {0.479425538604203, 0.8775825618903728}});
  EXPECT_LT(elementwise(e, want), 2 * kEps);
  EXPECT_LT((e.transpose() * e - MatrixXd::Identity(2, 2)).cwiseAbs().maxCoeff(), 2 * kEps);
  EXPECT_NEAR(e.determinant(), 1.0, 2 * kEps);
}

TEST(MatexpWorked, LogDetSeries) {
  const mx::LogDetSeries r = mx::log_det_series(kM);
  EXPECT_NEAR(r.value, -0.05445618579605874, 1e-16);
  EXPECT_NEAR(r.log_det, -0.05445618579605874, 1e-16);
  EXPECT_LT(std::abs(r.difference), 1e-16);
  EXPECT_LT(r.spectral_radius, 0.5);
  EXPECT_GT(r.terms, 10);
  EXPECT_LT(r.terms, 80);
  EXPECT_LE(r.remainder_bound, 1e-16 * 0.0545);
  ASSERT_EQ(static_cast<int>(r.partial_sums.size()), r.terms);
  EXPECT_EQ(r.partial_sums.back(), r.value);
}

TEST(MatexpWorked, DerivativeOfLogDetIsTheTrace) {
  // f(t) = log det exp(tA); f'(t) = Tr A = 5 (central difference at t = 0.7, h = 1e-6).
  const double t = 0.7, h = 1e-6;
  const double fp = mx::det_exp((t + h) * kA2).log_abs_det;
  const double fm = mx::det_exp((t - h) * kA2).log_abs_det;
  EXPECT_NEAR((fp - fm) / (2 * h), 5.0, 1e-7);
}

// ---------------------------------------------------------------- worked numbers (MATH.md §7 d)

TEST(MatexpRankOne, WorkedExample) {
  const VectorXd x = vec({1, 2, 3}), y = vec({0.5, -1, 1});
  const mx::RankOne r = mx::exp_rank_one(x, y);
  EXPECT_EQ(r.s, 1.5);
  expect_rel(r.phi, 2.321126046892043, kEps);
  expect_rel(r.psi, 0.5179132265677134, kEps);
  expect_rel(r.det, 4.481689070338064, kEps);
  EXPECT_EQ(r.log_det, 1.5);
  const MatrixXd e = mat({{2.160563023446022, -2.321126046892043, 2.321126046892043},
                          {2.321126046892043, -3.6422520937840863, 4.642252093784086},
                          {3.4816890703380645, -6.963378140676129, 7.963378140676129}});
  const MatrixXd inv = mat({{0.7410433867161432, 0.5179132265677134, -0.5179132265677134},
                            {-0.5179132265677134, 2.035826453135427, -1.0358264531354269},
                            {-0.7768698398515701, 1.5537396797031402, -0.5537396797031402}});
  EXPECT_LT(elementwise(r.exp, e), 2 * kEps);
  EXPECT_LT(elementwise(r.inverse, inv), 4 * kEps);
  // The closed form is the matrix exponential of the rank-one matrix.
  EXPECT_LT(normwise(mx::expm(x * y.transpose()), r.exp), 1e-15);
  EXPECT_LT((r.exp * r.inverse - MatrixXd::Identity(3, 3)).cwiseAbs().maxCoeff(), 1e-14);
  expect_rel(r.exp.determinant(), r.det, 1e-14);
}

TEST(MatexpRankOne, OrthogonalVectorsGiveExactMatrices) {
  const mx::RankOne r = mx::exp_rank_one(vec({1, 2, -1}), vec({0.5, 0.25, 1}));
  EXPECT_EQ(r.s, 0.0);
  EXPECT_EQ(r.phi, 1.0);
  EXPECT_EQ(r.psi, 1.0);
  EXPECT_EQ(r.det, 1.0);
  EXPECT_EQ(r.exp, mat({{1.5, 0.25, 1}, {1, 1.5, 2}, {-0.5, -0.25, 0}}));
  EXPECT_EQ(r.inverse, mat({{0.5, -0.25, -1}, {-1, 0.5, -2}, {0.5, 0.25, 2}}));
  EXPECT_EQ(mx::expm(vec({1, 2, -1}) * vec({0.5, 0.25, 1}).transpose()), r.exp);  // nilpotent: exact
}

TEST(MatexpRankOne, TinyS) {
  // MATH.md §7b: the naive (e^s − 1)/s at s = 1e−12 gives 1.0000889; expm1 gives 1.0000000000005.
  const mx::RankOne r = mx::exp_rank_one_scalars(vec({1, 0, 0}), vec({1e-12, 5, -7}));
  EXPECT_EQ(r.s, 1e-12);
  expect_rel(r.phi, 1.0000000000005, kEps);
  expect_rel(r.psi, 0.9999999999995, kEps);
  EXPECT_GT(std::abs((std::exp(1e-12) - 1) / 1e-12 - 1), 1e-5);  // what the naive formula does
  // Continuity through s = 0: φ(s) = 1 + s/2 + s²/6 + …, ψ(s) = 1 − s/2 + s²/6 − …
  for (double s : {-1e-5, -1e-9, -1e-14, -1e-300, 1e-300, 1e-14, 1e-9, 1e-5}) {
    const mx::RankOne q = mx::exp_rank_one_scalars(vec({s}), vec({1}));
    expect_rel(q.phi, 1 + s / 2 + s * s / 6 + s * s * s / 24, 2 * kEps, "phi");
    expect_rel(q.psi, 1 - s / 2 + s * s / 6 - s * s * s / 24, 2 * kEps, "psi");
  }
}

TEST(MatexpRankOne, CompensatedDotProduct) {
  // s = 3·fl(1/3) − 1 + 1e−12 = 1e−12 − 2^−54: the plain dot product returns 1e−12.
  const VectorXd x = vec({3, 1, 1e-12}), y = vec({1.0 / 3.0, -1, 1});
  EXPECT_EQ(x.dot(y), 1e-12);
  const mx::RankOne r = mx::exp_rank_one_scalars(x, y);
  EXPECT_EQ(r.s, 1e-12 - std::ldexp(1.0, -54));
  // s = 1e8·fl(1 + 1e−8) − 1 − 1e8 ≈ −6.08e−9, the plain dot product gives 0.
  const VectorXd x2 = vec({1e8, 1, -1e8}), y2 = vec({1 + 1e-8, -1, 1});
  EXPECT_EQ(x2.dot(y2), 0.0);
  EXPECT_EQ(mx::exp_rank_one_scalars(x2, y2).s, -6.07747097092215e-09);  // mpmath: −6.0774709709221505…e−9
}

TEST(MatexpRankOne, Properties) {
  std::mt19937_64 rng(17);
  for (int d : {1, 2, 5, 40}) {
    for (double scale : {0.1, 1.0, 2.0}) {
      // s = yᵀx has standard deviation scale²: up to |s| ≈ 10.
      const double c = scale / std::pow(static_cast<double>(d), 0.25);
      const VectorXd x = random_vector(d, rng) * c, y = random_vector(d, rng) * c;
      const mx::RankOne r = mx::exp_rank_one(x, y);
      // Closed form = the general expm of the rank-one matrix; E E⁻¹ = I; det = e^s.
      const double size =
          1 + std::max(std::abs(r.phi), std::abs(r.psi)) * x.cwiseAbs().maxCoeff() * y.cwiseAbs().maxCoeff();
      EXPECT_LT((mx::expm(x * y.transpose()) - r.exp).cwiseAbs().maxCoeff(), 1e-13 * size) << d << " " << scale;
      EXPECT_LT((r.exp * r.inverse - MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff(), 1e-13 * size * size);
      expect_rel(r.exp.determinant(), r.det, 1e-14 * size * size);  // LU: κ(E) ≲ size²
      // φ − ψ − s φ ψ = 0.
      EXPECT_NEAR(r.phi - r.psi - r.s * r.phi * r.psi, 0.0, 8 * kEps * std::max(1.0, std::abs(r.s * r.phi * r.psi)));
      // Eigenvalues: e^s (eigenvector x) and 1 on y^⊥.
      EXPECT_LT((r.exp * x - r.det * x).norm(), 1e-13 * x.norm() * size);
      // O(d) apply = the matrix times the vector, forwards and backwards.
      const VectorXd v = random_vector(d, rng);
      EXPECT_LT((mx::exp_rank_one_apply(x, y, v) - r.exp * v).norm(), 1e-13 * size * v.norm());
      EXPECT_LT((mx::exp_rank_one_apply(x, y, v, true) - r.inverse * v).norm(), 1e-13 * size * v.norm());
      EXPECT_LT((mx::exp_rank_one_apply(x, y, mx::exp_rank_one_apply(x, y, v), true) - v).norm(),
                1e-13 * size * size * v.norm());
    }
  }
  // A batch (columns are vectors).
  const VectorXd x = vec({1, 2, 3}), y = vec({0.5, -1, 1});
  MatrixXd batch(3, 4);
  batch << 1, 0, 2, -1, 0, 1, 3, 0.5, 0, 0, 1, 2;
  EXPECT_LT((mx::exp_rank_one_apply(x, y, batch) - mx::exp_rank_one(x, y).exp * batch).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(MatexpRankOne, ProductsOfRankOneExponentialsAreNotTheExponentialOfTheSum) {
  // MATH.md §7c: x1 = e1, y1 = e2, x2 = e2, y2 = e1.
  const VectorXd e1 = vec({1, 0}), e2 = vec({0, 1});
  const MatrixXd prod = mx::exp_rank_one(e1, e2).exp * mx::exp_rank_one(e2, e1).exp;
  const MatrixXd sum = mx::expm(e1 * e2.transpose() + e2 * e1.transpose());
  expect_rel((prod - sum).cwiseAbs().maxCoeff(), 0.5430806348152437, 4 * kEps);
}

TEST(MatexpRankOne, LargeDimensionApply) {
  const int d = 1000000;
  VectorXd x(d), y(d), v(d);
  for (int i = 0; i < d; ++i) {
    x(i) = std::sin(i * 0.001);
    y(i) = std::cos(i * 0.002) / d;
    v(i) = 1.0 / (1 + i);
  }
  const mx::RankOne r = mx::exp_rank_one_scalars(x, y);
  const VectorXd w = mx::exp_rank_one_apply(x, y, v);
  const VectorXd back = mx::exp_rank_one_apply(x, y, w, true);
  EXPECT_LT((back - v).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_NEAR(w(0) - v(0), r.phi * y.dot(v) * x(0), 1e-15);
}

// ---------------------------------------------------------------- properties of expm

TEST(MatexpProperties, PadeCoefficientsFollowTheFormula) {
  // b_j / b_m = c_j / c_m with c_j = (2m − j)! m! / ((2m)! j! (m − j)!).
  for (int m : {3, 5, 7, 9, 13}) {
    const std::vector<double> b = mx::pade_coefficients(m);
    ASSERT_EQ(static_cast<int>(b.size()), m + 1);
    EXPECT_EQ(b[m], 1.0);
    for (int j = 0; j < m; ++j) {
      // c_j / c_m = (2m − j)! m! / (m! j! (m − j)!) = (2m − j)! / (j! (m − j)!), as a long double.
      long double ratio = 1;
      for (int k = m + 1; k <= 2 * m - j; ++k) ratio *= k;  // (2m − j)! / m!
      for (int k = 2; k <= j; ++k) ratio /= k;
      for (int k = 2; k <= m - j; ++k) ratio /= k;
      for (int k = 2; k <= m; ++k) ratio *= k;  // × m!
      expect_rel(b[j], static_cast<double>(ratio), 4 * kEps, "m=" + std::to_string(m) + " j=" + std::to_string(j));
    }
  }
  EXPECT_EQ(error_of([] { mx::pade_coefficients(4); }), "matexp.padeCoefficients: m must be 3, 5, 7, 9 or 13, got 4");
}

TEST(MatexpProperties, InverseIsExpOfMinusA) {
  std::mt19937_64 rng(3);
  for (int n : {1, 2, 5, 20, 60}) {
    for (double scale : {0.01, 1.0, 10.0}) {
      const MatrixXd a = random_matrix(n, scale, rng);
      const MatrixXd p = mx::expm(a) * mx::expm(-a);
      const double growth = mx::expm(a).norm() * mx::expm(-a).norm();
      EXPECT_LT((p - MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-14 * n * growth) << n << " " << scale;
    }
  }
}

TEST(MatexpProperties, CommutingSums) {
  // B = 2A − 0.3A² commutes with A: exp(A + B) = exp(A) exp(B).
  std::mt19937_64 rng(4);
  for (int n : {3, 8}) {
    const MatrixXd a = random_matrix(n, 1.0, rng);
    const MatrixXd b = 2 * a - 0.3 * a * a;
    const MatrixXd lhs = mx::expm(a + b), rhs = mx::expm(a) * mx::expm(b);
    EXPECT_LT(normwise(lhs, rhs), 1e-13);
  }
  // Diagonal matrices: exp is elementwise (triangular route: exact diagonal).
  const MatrixXd d = vec({-3, 0.5, 2}).asDiagonal();
  const MatrixXd e = mx::expm(d);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(e(i, i), std::exp(d(i, i)));
  EXPECT_EQ((e - MatrixXd(e.diagonal().asDiagonal())).cwiseAbs().maxCoeff(), 0.0);
}

TEST(MatexpProperties, DetExpEqualsExpTraceOnRandomAndDefectiveMatrices) {
  std::mt19937_64 rng(5);
  for (int n : {2, 7, 30, 100}) {
    const MatrixXd a = random_matrix(n, 2.0, rng);
    const mx::DetExp d = mx::det_exp(a);
    EXPECT_LT(std::abs(d.log_difference), 1e-12 * std::max(1.0, std::abs(d.trace))) << n;
    EXPECT_EQ(d.sign, 1);
    EXPECT_LT(d.relative_difference, 1e-11);
  }
  // Defective: a Jordan block J_4(−1.5) made non-triangular by a similarity.
  MatrixXd j = -1.5 * MatrixXd::Identity(4, 4);
  for (int i = 0; i < 3; ++i) j(i, i + 1) = 1;
  const MatrixXd s = mat({{1, 2, 0, 1}, {0, 1, 3, 0}, {1, 0, 1, 1}, {2, 1, 0, 1}});
  const MatrixXd a = s * j * s.inverse();
  const mx::DetExp d = mx::det_exp(a);
  EXPECT_NEAR(d.trace, -6.0, 1e-13);
  EXPECT_NEAR(d.log_abs_det, -6.0, 1e-11);
  // The Jordan block itself: exp(J) = e^λ (I + N + N²/2 + N³/6) exactly representable up to rounding.
  const MatrixXd ej = mx::expm(j);
  MatrixXd want = MatrixXd::Zero(4, 4);
  for (int r = 0; r < 4; ++r)
    for (int c = r; c < 4; ++c) want(r, c) = std::exp(-1.5) / std::tgamma(c - r + 1);
  EXPECT_LT(elementwise(ej, want), 4 * kEps);
}

TEST(MatexpProperties, DetExpInTheLogDomain) {
  // det exp(A) = e^{800} overflows, the entries of exp(A) do not.
  std::mt19937_64 rng(6);
  MatrixXd a = random_matrix(40, 1.0, rng);
  a.diagonal().array() += 20.0;
  const mx::DetExp d = mx::det_exp(a);
  EXPECT_EQ(d.shift, 0.0);
  EXPECT_EQ(d.det, std::numeric_limits<double>::infinity());
  EXPECT_EQ(d.exp_trace, std::numeric_limits<double>::infinity());
  EXPECT_LT(std::abs(d.log_difference), 1e-12 * d.trace);
  // exp(A) itself overflows: formed as e^c exp(A − cI), c = Tr A / n.
  const MatrixXd big = 800.0 * MatrixXd::Identity(3, 3) + mat({{0, 1, 0}, {0, 0, 2}, {0.5, 0, 0}});
  EXPECT_EQ(error_of([&] { mx::expm(big); }), "matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)");
  const mx::DetExp db = mx::det_exp(big);
  EXPECT_EQ(db.shift, 800.0);
  EXPECT_EQ(db.trace, 2400.0);
  EXPECT_NEAR(db.log_abs_det, 2400.0, 1e-12 * 2400);
  EXPECT_LT(db.relative_difference, 1e-12);
  // … and underflows.
  const mx::DetExp du = mx::det_exp(-big);
  EXPECT_EQ(du.shift, -800.0);
  EXPECT_NEAR(du.log_abs_det, -2400.0, 1e-12 * 2400);
  EXPECT_EQ(du.det, 0.0);
  // Too widely spread even for the shift.
  EXPECT_EQ(error_of([] { mx::det_exp(mat({{1000, 0}, {0, -1000}})); }),
            "matexp.detExp: exp(A) is out of the double range even as e^c exp(A - cI) with c = tr(A)/n = 0 "
            "(the eigenvalues of A are spread too widely)");
}

TEST(MatexpProperties, Spectrum) {
  const mx::Spectrum s = mx::spectrum(mat({{-49, 24}, {-64, 31}}));
  EXPECT_NEAR(s.eigenvalues(0).real(), -1.0, 1e-13);
  EXPECT_NEAR(s.eigenvalues(1).real(), -17.0, 1e-13);
  EXPECT_EQ(s.eigenvalues(0).imag(), 0.0);
  expect_rel(s.exp_eigenvalues(0).real(), std::exp(-1.0), 1e-13);
  EXPECT_EQ(s.exp_eigenvalues(0).imag(), 0.0);
  const mx::Spectrum r = mx::spectrum(mat({{0, -0.5}, {0.5, 0}}));
  EXPECT_NEAR(r.eigenvalues(0).imag(), 0.5, 1e-15);  // sorted: +0.5i first
  EXPECT_NEAR(r.eigenvalues(1).imag(), -0.5, 1e-15);
  EXPECT_NEAR(std::abs(r.exp_eigenvalues(0)), 1.0, 1e-15);
  EXPECT_NEAR(std::arg(r.exp_eigenvalues(0)), 0.5, 1e-15);
  // e^λ of a huge real eigenvalue is +inf, never NaN.
  const mx::Spectrum h = mx::spectrum(mat({{800}}));
  EXPECT_EQ(h.exp_eigenvalues(0).real(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.exp_eigenvalues(0).imag(), 0.0);
}

TEST(MatexpProperties, Norm1EstimatorIsALowerBoundAndExactForADominantColumn) {
  // Gaussian products have many near-equal column norms, the hard case for the estimator: like
  // scipy.sparse.linalg.onenormest(t=2) it then lands within 20–30 % (a lower bound).
  std::mt19937_64 rng(7);
  double ratio_sum = 0;
  int total = 0;
  for (int n : {40, 100}) {
    for (int t = 0; t < 10; ++t) {
      const MatrixXd a = random_matrix(n, 1.0, rng), b = random_matrix(n, 1.0, rng);
      const MatrixXd ab = a * b;
      const double truth = ab.cwiseAbs().colwise().sum().maxCoeff();
      const double est = mx::norm1_product_estimate({&a, &b});
      EXPECT_LE(est, truth * (1 + 1e-13));
      EXPECT_GE(est, truth * 0.6);
      ratio_sum += est / truth;
      ++total;
      EXPECT_EQ(est, mx::norm1_product_estimate({&a, &b}));  // deterministic
      // One dominant column of the product: found exactly.
      MatrixXd b2 = b;
      b2.col(t) *= 10;
      const double truth2 = (a * b2).cwiseAbs().colwise().sum().maxCoeff();
      expect_rel(mx::norm1_product_estimate({&a, &b2}), truth2, 1e-13);
      // Three factors.
      expect_rel(mx::norm1_product_estimate({&a, &b2, &b}) , (a * b2 * b).cwiseAbs().colwise().sum().maxCoeff(), 0.4);
    }
  }
  EXPECT_GT(ratio_sum / total, 0.8);
  // Nonnegative matrices: exact (the all-ones start is optimal).
  const MatrixXd p = MatrixXd::Random(50, 50).cwiseAbs();
  expect_rel(mx::norm1_product_estimate({&p, &p}), (p * p).cwiseAbs().colwise().sum().maxCoeff(), 1e-14);
}

TEST(MatexpRoutes, WhichRouteForWhichMatrix) {
  const mx::ExpmResult tri = mx::expm_info(mat({{1, 1e6}, {0, 1}}));
  EXPECT_EQ(tri.route, mx::Route::pade);
  EXPECT_TRUE(tri.triangular);
  EXPECT_EQ(tri.degree, 13);
  EXPECT_EQ(tri.norm1, 1e6 + 1);
  const mx::ExpmResult nil = mx::expm_info(mat({{1e4, 1e4}, {-1e4, -1e4}}));
  EXPECT_EQ(nil.route, mx::Route::taylor);
  EXPECT_EQ(nil.degree, 0);
  EXPECT_EQ(nil.value, mat({{1 + 1e4, 1e4}, {-1e4, 1 - 1e4}}));
  const mx::ExpmResult sym = mx::expm_info(mat({{-1000, 999}, {999, -1000}}));
  EXPECT_EQ(sym.route, mx::Route::symmetric);
  const mx::ExpmResult schur = mx::expm_info(mat({{-49, 24}, {-64, 31}}));
  EXPECT_EQ(schur.route, mx::Route::schur);
  const mx::ExpmResult plain = mx::expm_info(kA2);
  EXPECT_EQ(plain.route, mx::Route::pade);
  EXPECT_FALSE(plain.triangular);
  EXPECT_EQ(plain.degree, 13);
  EXPECT_EQ(plain.squarings, 1);
  const mx::ExpmResult small = mx::expm_info(1e-3 * kA2);
  EXPECT_EQ(small.degree, 3);
  EXPECT_EQ(small.squarings, 0);
  EXPECT_EQ(std::string(mx::route_name(mx::Route::schur)), "schur");
}

TEST(MatexpRoutes, EntriesNearDblMaxWhoseNormOverflows) {
  // ‖A‖₁ = 2e308 = inf although every entry is finite: the pre-scaling must not take log2(inf)
  // (static_cast<int> of infinity is undefined behaviour, caught by UBSan).
  const double M = 1e308;
  const mx::ExpmResult sym = mx::expm_info(mat({{-M, -M}, {-M, -M}}));
  EXPECT_LT(elementwise(sym.value, mat({{0.5, -0.5}, {-0.5, 0.5}})), 4 * kEps);  // eigenvalues 0 and −2M
  // Not symmetric, so scaling and squaring: A is pre-scaled by 2^{-1024} (from the exponent of its
  // largest entry); both eigenvalues are ≤ −0.29M, so exp(A) underflows to 0.
  const mx::ExpmResult pade = mx::expm_info(mat({{-M, -M}, {-M / 2, -M}}));
  EXPECT_EQ(pade.route, mx::Route::pade);
  EXPECT_EQ(pade.squarings, 1024);
  EXPECT_TRUE(pade.value.allFinite());
  EXPECT_EQ(pade.value.cwiseAbs().maxCoeff(), 0.0);
  const mx::ExpmResult tri = mx::expm_info(mat({{-M, -M}, {0, -M}}));
  EXPECT_TRUE(tri.triangular);
  EXPECT_EQ(tri.value.cwiseAbs().maxCoeff(), 0.0);
}

TEST(MatexpBalancing, MolersExample) {
  // Cleve Moler, "A balancing act for the matrix exponential" (2012). Reference: mpmath, 50 digits.
  const MatrixXd want = mat({{0.4468494682831738, 1.5404415738395202e-09, 0.4628114535587736},
                             {-5743067.779479561, -0.01528300386868225, -4526542.712784101},
                             {0.44772297784949333, 1.5427048451959122e-09, 0.46348064883765006}});
  const mx::ExpmResult never = mx::expm_info(kMoler, mx::Balance::never);
  const mx::ExpmResult autob = mx::expm_info(kMoler, mx::Balance::automatic);
  const mx::ExpmResult always = mx::expm_info(kMoler, mx::Balance::always);
  EXPECT_FALSE(never.balanced);
  EXPECT_TRUE(autob.balanced);
  EXPECT_TRUE(always.balanced);
  EXPECT_LT(autob.norm1_used, 200.0);  // from 2e10
  EXPECT_GT(never.squarings, autob.squarings);
  EXPECT_LT(elementwise(never.value, want), 5e-13);
  EXPECT_LT(elementwise(autob.value, want), 2e-13);
  EXPECT_LT(elementwise(autob.value, want), elementwise(never.value, want));
}

TEST(MatexpBalancing, PowerOfTwoSimilarityIsUndoneExactly) {
  // A = D A0 D⁻¹ with D = diag(2^k): balancing recovers a matrix like A0, the result D exp(A0) D⁻¹.
  std::mt19937_64 rng(8);
  const MatrixXd a0 = random_matrix(5, 1.0, rng);
  VectorXd dk(5);
  dk << 0, 30, -25, 12, -40;
  const VectorXd d = dk.unaryExpr([](double k) { return std::ldexp(1.0, static_cast<int>(k)); });
  const MatrixXd a = d.asDiagonal() * a0 * d.cwiseInverse().asDiagonal();
  const mx::ExpmResult r = mx::expm_info(a);
  EXPECT_TRUE(r.balanced);
  EXPECT_LT(r.norm1_used, 10 * a0.cwiseAbs().colwise().sum().maxCoeff());
  const MatrixXd back = d.cwiseInverse().asDiagonal() * r.value * d.asDiagonal();  // exact
  EXPECT_LT(normwise(back, mx::expm(a0, mx::Balance::never)), 1e-14);
  // Without balancing the same matrix needs many more squarings and loses accuracy in small entries.
  const MatrixXd back_never = d.cwiseInverse().asDiagonal() * mx::expm(a, mx::Balance::never) * d.asDiagonal();
  EXPECT_GT(normwise(back_never, mx::expm(a0, mx::Balance::never)), normwise(back, mx::expm(a0, mx::Balance::never)));
  // A permutation that isolates an eigenvalue: a row with zero off-diagonal part.
  const MatrixXd p = mat({{1, 2, 3}, {0, 5, 0}, {4, 6, 7}});
  const mx::ExpmResult rp = mx::expm_info(p, mx::Balance::always);
  EXPECT_LT(normwise(rp.value, mx::expm(p, mx::Balance::never)), 1e-14);
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

MatrixXd decode(const json& m) {
  if (m.is_array()) {
    if (m.empty()) return MatrixXd();
    if (m[0].is_number()) {
      MatrixXd v(m.size(), 1);
      for (std::size_t i = 0; i < m.size(); ++i) v(static_cast<Eigen::Index>(i), 0) = m[i].get<double>();
      return v;
    }
    MatrixXd r(m.size(), m[0].size());
    for (std::size_t i = 0; i < m.size(); ++i)
      for (std::size_t j = 0; j < m[i].size(); ++j)
        r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m[i][j].get<double>();
    return r;
  }
  // {"rows", "cols", "b64"}: row-major little-endian float64.
  const std::string b64 = m.at("b64").get<std::string>();
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes;
  unsigned acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<unsigned>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  const int rows = m.at("rows").get<int>(), cols = m.at("cols").get<int>();
  EXPECT_EQ(bytes.size(), static_cast<std::size_t>(rows) * cols * 8);
  MatrixXd r(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) std::memcpy(&r(i, j), &bytes[(static_cast<std::size_t>(i) * cols + j) * 8], 8);
  return r;
}

VectorXd decode_vector(const json& v) { return decode(v).col(0); }

const json& fixtures() {
  static const json fx = [] {
    std::ifstream f(std::string(MATHLENS_FIXTURES) + "/matexp.json");
    if (!f) ADD_FAILURE() << "missing tests/fixtures/matexp.json (run tests/fixtures/gen_matexp.py)";
    return f ? json::parse(f) : json::object();
  }();
  return fx;
}

}  // namespace

TEST(MatexpFixtures, ExpmHardCases) {
  const json& fx = fixtures();
  ASSERT_GE(fx["expm_cases"].size(), 25u);
  for (const json& c : fx["expm_cases"]) {
    const std::string name = c["name"];
    const MatrixXd a = decode(c["A"]), want = decode(c["expm"]);
    const mx::ExpmResult r = mx::expm_info(a);
    EXPECT_LE(normwise(r.value, want), c["rtol"].get<double>()) << name;
    if (c.contains("elementwise_rtol"))
      EXPECT_LE(elementwise(r.value, want), c["elementwise_rtol"].get<double>()) << name;
    // LAPACK's balancing (scipy.linalg.matrix_balance) gives the same balanced 1-norm.
    if (r.balanced) expect_rel(r.norm1_used, c["balanced_norm1_lapack"].get<double>(), 1e-15, name);
  }
}

TEST(MatexpFixtures, ExpmBeatsScipyWhereScipyFails) {
  for (const json& c : fixtures()["expm_cases"]) {
    const std::string name = c["name"];
    const MatrixXd a = decode(c["A"]), want = decode(c["expm"]);
    const double err = normwise(mx::expm(a), want);
    if (name == "nilpotent_rank_one_large") {
      EXPECT_GT(c["scipy_error"].get<double>(), 1e-6);
      EXPECT_EQ(err, 0.0);
    }
    if (name == "nonnormal_rotated") {
      EXPECT_GT(c["scipy_error"].get<double>(), 1e-6);
      EXPECT_LT(err, c["scipy_error"].get<double>() / 2);
    }
    if (name == "large_norm_cancel_2x2") {
      EXPECT_TRUE(c["scipy_error"].is_null());  // scipy 1.10 returns NaN
      EXPECT_LT(err, 1e-13);
    }
  }
}

TEST(MatexpFixtures, RankOne) {
  const json& fx = fixtures();
  ASSERT_GE(fx["rank_one_cases"].size(), 8u);
  for (const json& c : fx["rank_one_cases"]) {
    const std::string name = c["name"];
    const VectorXd x = decode_vector(c["x"]), y = decode_vector(c["y"]);
    const mx::RankOne r = mx::exp_rank_one(x, y);
    const double s = c["s"].get<double>();  // Dot2: s to (about) the last bit, even with cancellation
    EXPECT_NEAR(r.s, s, 2 * kEps * std::abs(s) + 5e-324) << name;
    expect_rel(r.phi, c["phi"].get<double>(), 2 * kEps, name + " phi");
    expect_rel(r.psi, c["psi"].get<double>(), 2 * kEps, name + " psi");
    expect_rel(r.det, c["det"].get<double>(), 2 * kEps, name + " det");
    const MatrixXd e = decode(c["exp"]), inv = decode(c["inverse"]);
    const double tol_e = 4 * kEps * (1 + std::abs(r.phi) * x.cwiseAbs().maxCoeff() * y.cwiseAbs().maxCoeff());
    const double tol_i = 4 * kEps * (1 + std::abs(r.psi) * x.cwiseAbs().maxCoeff() * y.cwiseAbs().maxCoeff());
    EXPECT_LE((r.exp - e).cwiseAbs().maxCoeff(), tol_e) << name;
    EXPECT_LE((r.inverse - inv).cwiseAbs().maxCoeff(), tol_i) << name;
  }
}

TEST(MatexpFixtures, DetExp) {
  for (const json& c : fixtures()["det_exp_cases"]) {
    const std::string name = c["name"];
    const mx::DetExp d = mx::det_exp(decode(c["A"]));
    expect_rel(d.trace, c["trace"].get<double>(), kEps, name);
    EXPECT_LE(std::abs(d.log_abs_det - c["trace"].get<double>()), c["atol"].get<double>()) << name;
    EXPECT_EQ(d.sign, 1) << name;
  }
}

TEST(MatexpFixtures, LogDetSeries) {
  for (const json& c : fixtures()["log_det_series_cases"]) {
    const std::string name = c["name"];
    const mx::LogDetSeries r = mx::log_det_series(decode(c["M"]));
    const double want = c["log_det"].get<double>();
    EXPECT_LE(std::abs(r.value - want), c["rtol"].get<double>() * std::max(1.0, std::abs(want))) << name;
    EXPECT_LE(std::abs(r.log_det - want), 1e-14 * std::max(1.0, std::abs(want))) << name;
    expect_rel(r.spectral_radius, c["spectral_radius"].get<double>(), 1e-12, name);
    expect_rel(r.norm2, c["norm2"].get<double>(), 1e-14, name);
    if (c.contains("series_80_terms"))  // the spec's 80 terms: converged long before
      EXPECT_NEAR(r.value, c["series_80_terms"].get<double>(), 1e-16);
  }
}

// ---------------------------------------------------------------- log det series: convergence

TEST(MatexpLogDetSeries, ConvergenceChecks) {
  // Non-normal: ‖M‖₂ > 1 (the post's sufficient condition fails) but ρ(M) < 1: the series converges.
  const mx::LogDetSeries nn = mx::log_det_series(mat({{0.5, 3}, {0, 0.4}}));
  EXPECT_GT(nn.norm2, 1.0);
  EXPECT_NEAR(nn.value, std::log(1.5 * 1.4), 1e-15);
  // Nilpotent: one term, exactly 0.
  const mx::LogDetSeries nil = mx::log_det_series(mat({{0, 5}, {0, 0}}));
  EXPECT_EQ(nil.terms, 1);
  EXPECT_EQ(nil.value, 0.0);
  EXPECT_EQ(nil.remainder_bound, 0.0);
  // The remainder bound really bounds the error of every partial sum.
  const mx::LogDetSeries slow = mx::log_det_series(mat({{0.9, 0.1}, {0, -0.5}}), 1000, 1e-15);
  EXPECT_LE(slow.remainder_bound, 1e-15 * 0.53);  // scale = max(|log 0.95|, |Tr M| = 0.4, |Tr M²|/2 = 0.53)
  for (int k = 0; k < slow.terms; k += 7) {
    const double bound = 2 * std::pow(0.9, k + 2) / ((k + 2) * 0.1);
    EXPECT_LE(std::abs(slow.partial_sums[static_cast<std::size_t>(k)] - slow.log_det), bound + 1e-15) << k;
  }
  EXPECT_EQ(error_of([] { mx::log_det_series(mat({{1.2, 0}, {0, 0.1}})); }),
            "matexp.logDetSeries: the series diverges: the spectral radius of M is 1.2 (it must be below 1)");
  EXPECT_EQ(error_of([] { mx::log_det_series(mat({{0, -1}, {1, 0}})); }),
            "matexp.logDetSeries: the series diverges: the spectral radius of M is 1 (it must be below 1)");
  EXPECT_EQ(error_of([] { mx::log_det_series(mat({{0.999, 0}, {0, 0}}), 100); }),
            "matexp.logDetSeries: the series converges too slowly: with spectral radius 0.999 it needs more than "
            "maxTerms = 100 terms to reach the tolerance 1e-16 (remainder bound after 100 terms: 17.9)");
  EXPECT_EQ(error_of([] { mx::log_det_series(kM, 0); }),
            "matexp.logDetSeries: maxTerms must be an integer from 1 to 100000, got 0");
  EXPECT_EQ(error_of([] { mx::log_det_series(kM, 10, 0.0); }),
            "matexp.logDetSeries: tolerance must be a number between 0 and 1, got 0");
}

// ---------------------------------------------------------------- hostile input (fuzz regressions)

TEST(MatexpRegression, LogDetSeriesOfEntriesAtBothEndsOfTheRange) {
  // Fuzz finding (matexp.logDetSeries NaN, tests/fuzz/corpus/matexp/): Eigen's eigensolver divides M
  // by its largest entry, the 1e-300 entries underflowed to 0 and ρ(M) came out 0 instead of
  // √(1.8e308 · 1e-300) = 13407.8; the series then "converged" to 2e-300 (log det(I + M) = 19.0),
  // and ‖M‖₂ from MᵀM = inf was NaN. ρ is now computed on the balanced matrix.
  const double big = std::numeric_limits<double>::max();
  const MatrixXd m = mat({{1e-300, -big}, {1e-300, 1e-300}});
  EXPECT_EQ(error_of([&] { mx::log_det_series(m, 80); }),
            "matexp.logDetSeries: the series diverges: the spectral radius of M is 13407.8 (it must be below 1)");
  const mx::Spectrum s = mx::spectrum(m);
  expect_rel(std::abs(s.eigenvalues(0)), std::sqrt(big * 1e-300), 1e-14);
  expect_rel(s.eigenvalues(0).imag(), std::sqrt(big * 1e-300), 1e-14);
  expect_rel(s.eigenvalues(1).imag(), -std::sqrt(big * 1e-300), 1e-14);
  // ‖M‖₂ of huge entries: 2^e‖2^{-e}M‖₂, not the NaN of an overflowing MᵀM.
  const mx::LogDetSeries nil = mx::log_det_series(mat({{0, 1e300}, {0, 0}}));
  expect_rel(nil.norm2, 1e300, 1e-15);
  EXPECT_EQ(nil.value, 0.0);
  EXPECT_EQ(nil.spectral_radius, 0.0);
  const mx::LogDetSeries tiny = mx::log_det_series(mat({{0.5e-200, 0}, {1e-200, 0.25e-200}}));
  EXPECT_GT(tiny.norm2, 1e-200);
  EXPECT_LT(tiny.norm2, 1.2e-200);
  expect_rel(tiny.value, 0.75e-200, 1e-15);
}

TEST(MatexpRegression, DetExpWithATraceBeyondTheDoubleRange) {
  // Tr A = −2e308 is not a double: the compensated sum gave NaN, c = Tr A / n was NaN, and the error
  // blamed A for a NaN entry it does not have. log det exp(A) = Tr A overflows: said so.
  const double m = 1e308;
  EXPECT_EQ(error_of([&] { mx::det_exp(mat({{-m, -m}, {0, -m}})); }),
            "matexp.detExp: tr(A) = -2e+308 is beyond the double range, so log det exp(A) = tr(A) overflows to -inf "
            "(det exp(A) underflows to 0); scale A down");
  EXPECT_EQ(error_of([&] { mx::det_exp(mat({{1.5e308, 0, 0}, {0, 1.5e308, 1}, {0, 0, 1.5e308}})); }),
            "matexp.detExp: tr(A) = 4.5e+308 is beyond the double range, so log det exp(A) = tr(A) overflows to inf "
            "(det exp(A) overflows); scale A down");
  // Tr A finite but A − cI is not: the shift cannot rescue exp(A), and the message says why.
  EXPECT_EQ(error_of([] { mx::det_exp(mat({{-1.7e308, 0, 0}, {0, 1.7e308, 0}, {0, 1, 1.7e308}})); }),
            "matexp.detExp: exp(A) is out of the double range, and A - cI with c = tr(A)/n = 5.67e+307 has a "
            "diagonal entry beyond the double range (the eigenvalues of A are spread too widely)");
  // Just inside the range: Tr A = −1.5e308 is fine, log det exp(A) = Tr A (through the shift c = Tr A/n).
  const mx::DetExp d = mx::det_exp(mat({{-0.75e308, 5}, {0, -0.75e308}}));
  EXPECT_EQ(d.trace, -1.5e308);
  EXPECT_EQ(d.shift, -0.75e308);
  expect_rel(d.log_abs_det, -1.5e308, 1e-15);
  EXPECT_EQ(d.det, 0.0);
}

TEST(MatexpRegression, SchurOfEntriesNearTheDoubleRangeFallsBackToPade) {
  // Fuzz finding (FUZZ_RUNS=200000 FUZZ_SEED=1, matexp_fuzz): the real Schur form of this strongly
  // non-normal matrix overflows (T has inf/NaN entries); exp(T) then took ilogb(NaN) = INT_MAX + 1
  // pre-scalings (signed overflow, and 2^31 squarings). The Padé route, which scales such matrices
  // first, is taken instead, and the overflow of exp(A) is reported.
  const double m = std::numeric_limits<double>::max();
  const MatrixXd a = mat({{1e8, -11.25, -m, -m, -m},
                          {-m, -m, 1e8, -0.125, -m},
                          {-11.25, 1e8, -11.25, -m, -m},
                          {-m, -m, -m, 1e8, -0.125},
                          {0, 0, 0, 0, 0}});
  for (const mx::Balance b : {mx::Balance::automatic, mx::Balance::always, mx::Balance::never}) {
    EXPECT_EQ(error_of([&] { mx::expm_info(a, b); }),
              "matexp.expmInfo: exp(A) overflows double precision (an entry exceeds 1.8e308)");
    EXPECT_EQ(error_of([&] { mx::det_exp(a, b); }),
              "matexp.detExp: exp(A) is out of the double range even as e^c exp(A - cI) with c = tr(A)/n = -3.6e+307 "
              "(the eigenvalues of A are spread too widely)");
  }
}

// ---------------------------------------------------------------- large matrices

TEST(MatexpLarge, KroneckerSumAt256) {
  // exp(B ⊕ C) = exp(B) ⊗ exp(C) with B, C 16 × 16.
  std::mt19937_64 rng(9);
  const MatrixXd b = random_matrix(16, 2.0, rng), c = random_matrix(16, 2.0, rng);
  const MatrixXd i16 = MatrixXd::Identity(16, 16);
  MatrixXd a(256, 256), want(256, 256);
  const MatrixXd eb = mx::expm(b), ec = mx::expm(c);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      a.block(16 * i, 16 * j, 16, 16) = b(i, j) * i16;
      if (i == j) a.block(16 * i, 16 * j, 16, 16) += c;
      want.block(16 * i, 16 * j, 16, 16) = eb(i, j) * ec;
    }
  EXPECT_LT(normwise(mx::expm(a), want), 1e-13);
  const mx::DetExp d = mx::det_exp(a);
  EXPECT_LT(std::abs(d.log_difference), 1e-11);
}

// ---------------------------------------------------------------- bad input

TEST(MatexpErrors, ExactMessages) {
  const MatrixXd nan = mat({{1, std::nan("")}, {0, 1}});
  EXPECT_EQ(error_of([] { mx::expm(MatrixXd()); }), "matexp.expm: A is empty");
  EXPECT_EQ(error_of([] { mx::expm(MatrixXd::Zero(2, 3)); }), "matexp.expm: A must be square, got 2x3");
  EXPECT_EQ(error_of([&] { mx::expm(nan); }), "matexp.expm: A has a non-finite entry (nan) at (0, 1)");
  EXPECT_EQ(error_of([] { mx::expm(mat({{1000}})); }),
            "matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)");
  EXPECT_EQ(error_of([] { mx::expm_info(mat({{0, 1}, {std::numeric_limits<double>::infinity(), 0}})); }),
            "matexp.expmInfo: A has a non-finite entry (inf) at (1, 0)");
  EXPECT_EQ(error_of([] { mx::det_exp(MatrixXd::Zero(3, 1)); }), "matexp.detExp: A must be square, got 3x1");
  EXPECT_EQ(error_of([] { mx::spectrum(MatrixXd::Zero(1, 2)); }), "matexp.spectrum: A must be square, got 1x2");
  EXPECT_EQ(error_of([] { mx::log_det_series(MatrixXd()); }), "matexp.logDetSeries: M is empty");

  EXPECT_EQ(error_of([] { mx::exp_rank_one(vec({1, 2, 3}), vec({1, 2})); }),
            "matexp.expRankOne: x has 3 entries but y has 2");
  EXPECT_EQ(error_of([] { mx::exp_rank_one(VectorXd(), vec({1})); }), "matexp.expRankOne: x is empty");
  EXPECT_EQ(error_of([] { mx::exp_rank_one(vec({1, 2}), vec({1, -std::numeric_limits<double>::infinity()})); }),
            "matexp.expRankOne: y has a non-finite entry (-inf) at [1]");
  EXPECT_EQ(error_of([] { mx::exp_rank_one(vec({40, 0}), vec({20, 1})); }),
            "matexp.expRankOne: exp(x y^T) overflows double precision (s = y^T x = 800)");
  EXPECT_EQ(error_of([] { mx::exp_rank_one(vec({-40, 0}), vec({20, 1})); }),
            "matexp.expRankOne: exp(-x y^T) overflows double precision (s = y^T x = -800)");
  EXPECT_EQ(error_of([] { mx::exp_rank_one_scalars(vec({1e200, 1}), vec({1e200, 1})); }),
            "matexp.expRankOne: s = y^T x overflows double precision");
  EXPECT_EQ(error_of([] { mx::exp_rank_one_apply(vec({1, 2, 3}), vec({1, 0, 0}), VectorXd::Ones(4)); }),
            "matexp.expRankOneApply: v has vectors of length 4 but x and y have length 3");
  EXPECT_EQ(error_of([] { mx::exp_rank_one_apply(vec({1, 2, 3}), vec({1, 0, 0}), MatrixXd(3, 0)); }),
            "matexp.expRankOneApply: v is empty");
  EXPECT_EQ(error_of([] { mx::exp_rank_one_apply(vec({1}), vec({1}), mat({{1, std::nan("")}})); }),
            "matexp.expRankOneApply: v has a non-finite entry (nan) at (0, 1)");
  EXPECT_EQ(error_of([] { mx::exp_rank_one_apply(vec({40}), vec({20}), vec({1})); }),
            "matexp.expRankOneApply: exp(x y^T) v overflows double precision (s = y^T x = 800)");
  // After errors everything still works.
  EXPECT_EQ(mx::expm(mat({{0}}))(0, 0), 1.0);
}

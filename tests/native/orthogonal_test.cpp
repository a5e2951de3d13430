// Native tests of mathlens::orthogonal: the worked numbers of spec/MATH.md §3, properties of the
// three constructions in many dimensions, the degenerate pairs b = ±a and their neighbourhood
// (continuity and the switch threshold), O(d) apply up to d = 10⁶, fixtures from an independent
// implementation (tests/fixtures/gen_orthogonal.py: the closed forms in mpmath at 60 digits), and
// the exact error messages.
#include "mathlens/orthogonal.hpp"

#include <gtest/gtest.h>

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

namespace o = mathlens::orthogonal;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using json = nlohmann::json;
using C = o::Construction;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
const C kAll[] = {C::rotation, C::householder, C::simplest};

VectorXd vec(std::initializer_list<double> v) {
  VectorXd x(v.size());
  Eigen::Index i = 0;
  for (double e : v) x(i++) = e;
  return x;
}
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
double maxabs(const MatrixXd& m) { return m.cwiseAbs().maxCoeff(); }
/// ‖x‖ accumulated in long double (the check must be more accurate than what it checks).
double lnorm(const VectorXd& x) {
  long double s = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) s += static_cast<long double>(x(i)) * x(i);
  return static_cast<double>(std::sqrt(s));
}
long double ldot(const VectorXd& x, const VectorXd& y) {
  long double s = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) s += static_cast<long double>(x(i)) * y(i);
  return s;
}
o::Options opts(C c, const VectorXd& fallback = VectorXd()) {
  o::Options op;
  op.construction = c;
  op.fallback = fallback;
  return op;
}
VectorXd random_vector(int d, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  VectorXd x(d);
  for (int i = 0; i < d; ++i) x(i) = z(rng);
  return x;
}
/// A random unit vector orthogonal to the unit vector a.
VectorXd unit_perp(const VectorXd& a, std::mt19937_64& rng) {
  VectorXd w = random_vector(static_cast<int>(a.size()), rng);
  for (int k = 0; k < 2; ++k) w -= a.dot(w) * a;
  return w.normalized();
}
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}
/// The closed forms of MATH.md §3 (a), evaluated literally (fine away from the singular pairs).
MatrixXd closed_form(const VectorXd& a0, const VectorXd& b0, C c) {
  const VectorXd a = a0.normalized(), b = b0.normalized();
  const auto d = a.size();
  const MatrixXd eye = MatrixXd::Identity(d, d);
  const double ab = a.dot(b);
  switch (c) {
    case C::rotation: return eye + 2 * b * a.transpose() - (a + b) * (a + b).transpose() / (1 + ab);
    case C::householder: return eye - (a - b) * (a - b).transpose() / (1 - ab);
    case C::simplest: return (a + b) * (a + b).transpose() / (1 + ab) - eye;
  }
  return eye;
}

}  // namespace

// ---------------------------------------------------------------- worked numbers (MATH.md §3 d)

TEST(OrthogonalWorked, TwoDimensional) {
  const VectorXd a = vec({1, 0}), b = vec({0.6, 0.8});
  EXPECT_LT(maxabs(o::minimal_rotation(a, b) - mat({{0.6, -0.8}, {0.8, 0.6}})), 2 * kEps);
  EXPECT_LT(maxabs(o::householder(a, b) - mat({{0.6, 0.8}, {0.8, -0.6}})), 2 * kEps);
  EXPECT_LT(maxabs(o::simplest(a, b) - mat({{0.6, 0.8}, {0.8, -0.6}})), 2 * kEps);  // T_H = T_S in 2-D
}

TEST(OrthogonalWorked, ThreeDimensionalExactRationals) {
  const VectorXd a = vec({1, 2, 2}), b = vec({2, -1, 2});  // normalised inside: (1,2,2)/3, (2,−1,2)/3
  const MatrixXd rot = mat({{88, 77, -4}, {-53, 56, -88}, {-56, 68, 77}}) / 117.0;
  const MatrixXd hh = mat({{0.8, 0.6, 0}, {0.6, -0.8, 0}, {0, 0, 1}});
  const MatrixXd simple = mat({{-4, 3, 12}, {3, -12, 4}, {12, 4, 3}}) / 13.0;
  EXPECT_LT(maxabs(o::minimal_rotation(a, b) - rot), 3 * kEps);
  EXPECT_LT(maxabs(o::householder(a, b) - hh), 3 * kEps);
  EXPECT_LT(maxabs(o::simplest(a, b) - simple), 3 * kEps);
  EXPECT_LT(maxabs(o::matrix(a, b, opts(C::simplest)) - simple), 3 * kEps);
  const o::Report r = o::report(a, b);
  EXPECT_NEAR(r.cos_theta, 4.0 / 9.0, kEps);
  EXPECT_NEAR(r.angle, std::acos(4.0 / 9.0), 2 * kEps);
  EXPECT_NEAR(r.trace, 1.0 + 2.0 * 4.0 / 9.0, 4 * kEps);  // (d − 2) + 2c
  EXPECT_NEAR(r.determinant, 1.0, 4 * kEps);
  EXPECT_EQ(o::report(a, b, opts(C::simplest)).expected_determinant, 1);  // d odd
}

TEST(OrthogonalWorked, AntiparallelWithTheSpecPlane) {
  // MATH.md: a = −b with u = (2, −1, 0)/√5 gives T = I − 2aaᵀ − 2uuᵀ (det +1, T a = −a).
  const VectorXd a = vec({1, 2, 2}), u = vec({2, -1, 0});
  const MatrixXd want = mat({{-37, 16, -20}, {16, -13, -40}, {-20, -40, 5}}) / 45.0;
  const MatrixXd t = o::minimal_rotation(a, -a, u);
  EXPECT_LT(maxabs(t - want), 3 * kEps);
  EXPECT_NEAR(want(0, 0), -0.8222222222222222, 1e-15);
  EXPECT_NEAR(want(1, 2), -0.8888888888888888, 1e-15);
  EXPECT_NEAR(Eigen::PartialPivLU<MatrixXd>(t).determinant(), 1.0, 4 * kEps);
  // The default plane: a and the least aligned axis e₀ → a clean π-rotation.
  const o::Report r = o::report(a, -a);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.fallback_axis, 0);
  EXPECT_LT(maxabs(r.matrix - mat({{-1, 0, 0}, {0, 0, -1}, {0, -1, 0}})), 3 * kEps);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "b = -a: every rotation by pi in a plane containing a maps a to b; this one turns the plane of a and "
            "the coordinate axis with index 0 (the one least aligned with a; options.fallback chooses another)");
  EXPECT_EQ(r.sensitivity, std::numeric_limits<double>::infinity());
}

TEST(OrthogonalWorked, ThePostsFiveDimensionalCheck) {
  const VectorXd a = vec({1, 2, 3, 4, 5}), b = vec({9, 8, 7, 6, 5});
  const MatrixXd t = o::simplest(a, b);
  const VectorXd ta = t * a;
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(ta(i) / b(i), 0.464420364013, 5e-13) << i;
  EXPECT_NEAR(ta(0) / b(0), std::sqrt(55.0 / 255.0), 4 * kEps);  // ‖a‖/‖b‖
  const double row0[] = {-0.7293162581181842, 0.29867192057902026, 0.32666009927622475, 0.35464827797342924,
                         0.38263645667063373};
  for (int j = 0; j < 5; ++j) EXPECT_NEAR(t(0, j), row0[j], 2 * kEps) << j;
  EXPECT_LT(maxabs(t * t.transpose() - MatrixXd::Identity(5, 5)), 4 * kEps);
  const VectorXd tb = t * b;  // T b ∥ a, positive ratio
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(tb(i) / a(i), std::sqrt(255.0 / 55.0), 1e-14);
}

// ---------------------------------------------------------------- properties (MATH.md §3 c)

TEST(OrthogonalProperties, AllConstructionsInManyDimensions) {
  std::mt19937_64 rng(42);
  for (int d : {2, 3, 4, 5, 6, 7, 8, 17, 64}) {
    for (int trial = 0; trial < 6; ++trial) {
      const VectorXd a = random_vector(d, rng) * std::pow(10.0, trial - 3);
      const VectorXd b = random_vector(d, rng);
      const VectorXd ah = a.normalized(), bh = b.normalized();
      const double c = ah.dot(bh);
      const MatrixXd eye = MatrixXd::Identity(d, d);
      const double tol = 8 * kEps * std::sqrt(static_cast<double>(d)) * (1 + 1 / std::min(1 + c, 1 - c));
      for (C con : kAll) {
        SCOPED_TRACE("d=" + std::to_string(d) + " " + o::construction_name(con));
        const MatrixXd t = o::matrix(a, b, opts(con));
        EXPECT_LT(maxabs(t.transpose() * t - eye), 8 * d * kEps);
        EXPECT_LT((t * ah - bh).norm(), 8 * kEps);
        EXPECT_LT((t * a - (a.norm() / b.norm()) * b).norm(), 8 * kEps * a.norm());  // non-unit inputs
        EXPECT_LT(maxabs(t - closed_form(a, b, con)), tol);
        const double det = Eigen::PartialPivLU<MatrixXd>(t).determinant();
        const double want = con == C::rotation ? 1 : con == C::householder ? -1 : (d % 2 == 1 ? 1 : -1);
        EXPECT_NEAR(det, want, 16 * d * kEps);
        if (con == C::rotation) {
          EXPECT_LT((t.transpose() * bh - ah).norm(), 8 * kEps);
          EXPECT_NEAR(t.trace(), d - 2 + 2 * c, 8 * d * kEps);
        }
        if (con == C::rotation && d > 2) {
          // Identity on span{a, b}^⊥.
          VectorXd x = random_vector(d, rng);
          for (int k = 0; k < 2; ++k) {
            x -= ah.dot(x) * ah;
            const VectorXd e = (bh - bh.dot(ah) * ah).normalized();
            x -= e.dot(x) * e;
          }
          EXPECT_LT((t * x - x).norm(), 16 * kEps * x.norm());
        }
        if (con != C::rotation) {
          EXPECT_TRUE(t == t.transpose()) << "bitwise symmetric";
          EXPECT_LT(maxabs(t * t - eye), 8 * d * kEps);  // involutive
          EXPECT_LT((t * bh - ah).norm(), 8 * kEps);       // T b = a
        }
      }
      if (d == 2) EXPECT_LT(maxabs(o::householder(a, b) - o::simplest(a, b)), 4 * kEps);
    }
  }
}

TEST(OrthogonalProperties, BlockFormEqualsQRQtPlusIMinusQQt) {
  // MATH.md: T = Q R Qᵀ + I − Q Qᵀ with Q = [a, (b − ca)/‖b − ca‖] and the 2-D blocks.
  std::mt19937_64 rng(5);
  for (int d : {3, 6, 10}) {
    const VectorXd a = random_vector(d, rng).normalized(), b = random_vector(d, rng).normalized();
    const double c = a.dot(b);
    const VectorXd e = (b - c * a).normalized();
    const double s = (b - c * a).norm();
    MatrixXd q(d, 2);
    q << a, e;
    const MatrixXd rest = MatrixXd::Identity(d, d) - q * q.transpose();
    EXPECT_LT(maxabs(o::minimal_rotation(a, b) - (q * mat({{c, -s}, {s, c}}) * q.transpose() + rest)), 4e-16 * d);
    EXPECT_LT(maxabs(o::householder(a, b) - (q * mat({{c, s}, {s, -c}}) * q.transpose() + rest)), 4e-16 * d);
    // E cancels: any completion gives the same rotation (checked through the plane identity above).
  }
}

TEST(OrthogonalProperties, ReportChecksAndGeometry) {
  std::mt19937_64 rng(8);
  const VectorXd a = random_vector(5, rng), b = random_vector(5, rng);
  for (C con : kAll) {
    const o::Report r = o::report(a, b, opts(con));
    EXPECT_EQ(r.dim, 5);
    EXPECT_LT(r.orthogonality_error, 20 * kEps);
    EXPECT_LT(r.residual, 8 * kEps);
    EXPECT_LT(r.inverse_residual, 8 * kEps);
    EXPECT_NEAR(r.determinant, r.expected_determinant, 32 * kEps);
    EXPECT_NEAR(r.norm_a, a.norm(), 4 * kEps * a.norm());
    EXPECT_NEAR(r.norm_b, b.norm(), 4 * kEps * b.norm());
    EXPECT_NEAR(r.cos_theta * r.cos_theta + r.sin_theta * r.sin_theta, 1.0, 4 * kEps);
    EXPECT_LT((r.cos_theta * r.unit_a + r.sin_theta * r.plane_vector - r.unit_b).norm(), 4 * kEps);
    EXPECT_LT((r.bisector - (r.unit_a + r.unit_b).normalized()).norm(), 4 * kEps);
    EXPECT_LT((r.mirror_normal - (r.unit_b - r.unit_a).normalized()).norm(), 4 * kEps);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_FALSE(r.degenerate);
    EXPECT_EQ(r.fallback_axis, -1);
  }
  const MatrixXd eye = MatrixXd::Identity(5, 5);
  const o::Report h = o::report(a, b, opts(C::householder));
  EXPECT_LT(maxabs(h.matrix - (eye - 2 * h.mirror_normal * h.mirror_normal.transpose())), 4 * kEps);
  const o::Report s = o::report(a, b, opts(C::simplest));
  EXPECT_LT(maxabs(s.matrix - (2 * s.bisector * s.bisector.transpose() - eye)), 4 * kEps);
}

TEST(OrthogonalProperties, SensitivityIsTheFirstOrderBound) {
  // Finite differences: the largest ‖ΔT‖_F/‖Δb̂‖ over tangent directions matches Report::sensitivity.
  std::mt19937_64 rng(13);
  for (int d : {2, 3, 6}) {
    const VectorXd a = random_vector(d, rng).normalized();
    for (double t : {2.0, 0.5, 1e-2}) {  // angle from −a (rotation/simplest) or from a (householder)
      for (C con : kAll) {
        const VectorXd w = unit_perp(a, rng);
        const double sign = con == C::householder ? 1.0 : -1.0;
        const VectorXd b = sign * std::cos(t) * a + std::sin(t) * w;
        const o::Report r = o::report(a, b, opts(con));
        const double h = 1e-7 * std::min(1.0, t);
        double worst = 0;
        for (int k = 0; k < 40; ++k) {
          VectorXd delta = k == 0 && d > 2 ? unit_perp(a, rng) : random_vector(d, rng);
          if (k == 0 && d > 2)  // orthogonal to both a and b: the direction that attains the bound
            for (int p = 0; p < 2; ++p) delta -= r.plane_vector.dot(delta) * r.plane_vector;
          delta -= r.unit_b.dot(delta) * r.unit_b;  // tangent at b̂
          delta.normalize();
          const VectorXd b2 = (r.unit_b + h * delta).normalized();
          worst = std::max(worst, (o::matrix(a, b2, opts(con)) - r.matrix).norm() / (b2 - r.unit_b).norm());
        }
        SCOPED_TRACE("d=" + std::to_string(d) + " t=" + std::to_string(t) + " " + o::construction_name(con));
        EXPECT_LE(worst, r.sensitivity * (1 + 1e-4));
        EXPECT_GE(worst, r.sensitivity * (d == 2 ? 0.999 : 0.99));
      }
    }
  }
}

// ---------------------------------------------------------------- O(d) apply

TEST(OrthogonalApply, MatchesTheMatrixForVectorsAndBatches) {
  std::mt19937_64 rng(21);
  for (int d : {2, 3, 9, 300, 600}) {  // 300, 600: more than one pairwise block
    const VectorXd a = random_vector(d, rng), b = random_vector(d, rng);
    o::RowMatrix rows(4, d);
    for (int i = 0; i < 4; ++i) rows.row(i) = random_vector(d, rng).transpose();
    for (C con : kAll) {
      const MatrixXd t = o::matrix(a, b, opts(con));
      for (bool tr : {false, true}) {
        const MatrixXd m = tr ? MatrixXd(t.transpose()) : t;
        const VectorXd x = random_vector(d, rng);
        EXPECT_LT((o::apply(a, b, x, opts(con), tr) - m * x).norm(), 16 * kEps * x.norm());
        o::RowMatrix y = rows;
        o::apply_rows(a, b, y, opts(con), tr);
        for (int i = 0; i < 4; ++i)
          EXPECT_LT((y.row(i).transpose() - m * rows.row(i).transpose()).norm(), 16 * kEps * rows.row(i).norm());
      }
    }
    // Tᵀ undoes T.
    const VectorXd x = random_vector(d, rng);
    EXPECT_LT((o::apply(a, b, o::apply(a, b, x), {}, true) - x).norm(), 16 * kEps * x.norm());
  }
}

TEST(OrthogonalApply, StridedBlocksAndEmptyBatches) {
  const VectorXd a = vec({1, 2, 2}), b = vec({2, -1, 2});
  MatrixXd big = MatrixXd::Random(6, 5);  // column-major: a 6×3 block of its rows is strided
  o::RowMatrix rows = big.block(1, 1, 4, 3);
  const o::RowMatrix expected = rows * o::minimal_rotation(a, b).transpose();
  o::RowMatrix wide(4, 7);
  wide.setZero();
  wide.block(0, 2, 4, 3) = rows;
  Eigen::Ref<o::RowMatrix> view = wide.block(0, 2, 4, 3);
  o::apply_rows(a, b, view, {});
  EXPECT_LT(maxabs(wide.block(0, 2, 4, 3) - expected), 8 * kEps);
  EXPECT_EQ(wide.col(0).cwiseAbs().sum() + wide.col(6).cwiseAbs().sum(), 0.0);
  o::RowMatrix none(0, 3);
  o::apply_rows(a, b, none, {});  // nothing to do, no error
}

TEST(OrthogonalApply, MillionDimensionsAgainstALongDoubleReference) {
  const int d = 1000000;
  VectorXd a(d), b(d), x(d);
  for (int i = 0; i < d; ++i) {
    a(i) = std::sin(0.37 * i) + 0.01;
    b(i) = std::cos(0.11 * i) * (1 + i % 7);
    x(i) = std::sin(1.3 * i + 0.5) * (i % 3 == 0 ? 1e3 : 1.0);
  }
  // Reference in long double (64-bit mantissa): T_S x = u (2 uᵀx) − x, T_H x = x − 2 v (vᵀx),
  // T_rot x = x + 2 b̂(âᵀx) − w (wᵀx)/(1 + c), w = â + b̂.
  long double na = 0, nb = 0;
  for (int i = 0; i < d; ++i) {
    na += static_cast<long double>(a(i)) * a(i);
    nb += static_cast<long double>(b(i)) * b(i);
  }
  na = std::sqrt(na);
  nb = std::sqrt(nb);
  long double c = 0, ax = 0, bx = 0, xx = 0;
  for (int i = 0; i < d; ++i) {
    c += (a(i) / na) * (b(i) / nb);
    ax += (a(i) / na) * x(i);
    bx += (b(i) / nb) * x(i);
    xx += static_cast<long double>(x(i)) * x(i);
  }
  const long double wx = ax + bx, vn2 = 2 - 2 * c;
  for (C con : kAll) {
    const VectorXd y = o::apply(a, b, x, opts(con));
    long double err = 0, yy = 0;
    for (int i = 0; i < d; ++i) {
      const long double ai = a(i) / na, bi = b(i) / nb, wi = ai + bi;
      long double ref = 0;
      if (con == C::rotation) ref = x(i) + 2 * bi * ax - wi * wx / (1 + c);
      if (con == C::householder) ref = x(i) - 2 * (ai - bi) * (ax - bx) / vn2;
      if (con == C::simplest) ref = wi * wx / (1 + c) - x(i);
      err = std::max(err, std::abs(y(i) - ref));
      yy += static_cast<long double>(y(i)) * y(i);
    }
    SCOPED_TRACE(o::construction_name(con));
    EXPECT_LT(static_cast<double>(err), 32 * kEps * std::sqrt(static_cast<double>(xx)));
    EXPECT_NEAR(static_cast<double>(std::sqrt(yy / xx)), 1.0, 8 * kEps);  // ‖Tx‖ = ‖x‖
  }
  // T â = b̂ at d = 10⁶.
  const VectorXd ah = a / static_cast<double>(na);
  const VectorXd y = o::apply(a, b, ah);
  EXPECT_LT((y - b / static_cast<double>(nb)).norm(), 16 * kEps);
}

// ---------------------------------------------------------------- degenerate pairs and their neighbourhood

TEST(OrthogonalDegenerate, ParallelAndAntiparallelInputsAreDetected) {
  // b = k·a for any k ≠ 0 is recognised after normalisation, in any dimension and scale.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-30, 30);
  for (int trial = 0; trial < 400; ++trial) {
    const int d = 2 + trial % 40 + (trial % 97 == 0 ? 5000 : 0);
    const VectorXd a = random_vector(d, rng) * std::pow(10.0, u(rng) / 3);
    const double k = std::pow(10.0, u(rng)) * (trial % 2 ? 1.0 : -1.0) * (1.0 + 0.3 * std::sin(trial));
    const o::Frame f = o::frame(a, k * a);
    ASSERT_TRUE(f.degenerate) << "trial " << trial;
    EXPECT_EQ(f.theta, k > 0 ? 0.0 : M_PI);
    EXPECT_EQ(f.sin_theta, 0.0);
    EXPECT_LT(std::abs(static_cast<double>(ldot(f.a, f.e))), 4 * kEps);
    EXPECT_NEAR(lnorm(f.e), 1.0, 4 * kEps);
    EXPECT_NEAR(lnorm(f.a), 1.0, 4 * kEps);
  }
}

TEST(OrthogonalDegenerate, DocumentedChoices) {
  const VectorXd a = vec({0.5, -0.25, 0.0, 1.0});  // least aligned axis: index 2 (a₂ = 0)
  const VectorXd ah = a.normalized(), e2 = VectorXd::Unit(4, 2);
  const MatrixXd eye = MatrixXd::Identity(4, 4);
  // b = a
  EXPECT_TRUE(o::minimal_rotation(a, 3 * a) == eye);  // exactly the identity
  EXPECT_LT(maxabs(o::simplest(a, 3 * a) - (2 * ah * ah.transpose() - eye)), 4 * kEps);
  EXPECT_LT(maxabs(o::householder(a, 3 * a) - (eye - 2 * e2 * e2.transpose())), 4 * kEps);
  // b = −a
  EXPECT_LT(maxabs(o::minimal_rotation(a, -a) - (eye - 2 * ah * ah.transpose() - 2 * e2 * e2.transpose())), 4 * kEps);
  EXPECT_LT(maxabs(o::simplest(a, -a) - (2 * e2 * e2.transpose() - eye)), 4 * kEps);
  EXPECT_LT(maxabs(o::householder(a, -a) - (eye - 2 * ah * ah.transpose())), 4 * kEps);
  // Ties: the first smallest |a_k|.
  EXPECT_EQ(o::frame(vec({1, 1, 0, 0}), vec({-1, -1, 0, 0})).fallback_axis, 2);
  EXPECT_EQ(o::frame(vec({3, 1, 1}), vec({-3, -1, -1})).fallback_axis, 1);
  // 2-D: the choices are the unique maps (−I; the reflection across the line ⟂ a; across a).
  const VectorXd a2 = vec({3, -4});
  EXPECT_LT(maxabs(o::minimal_rotation(a2, -a2) + MatrixXd::Identity(2, 2)), 4 * kEps);
  const VectorXd p = vec({0.8, 0.6});  // ⟂ (3, −4)/5
  EXPECT_LT(maxabs(o::simplest(a2, -a2) - (2 * p * p.transpose() - MatrixXd::Identity(2, 2))), 4 * kEps);
  EXPECT_TRUE(o::report(a2, -a2).warnings.empty());  // unique in 2-D: nothing to warn about
  // The user's fallback direction is used only at the degenerate pair.
  const VectorXd f = vec({0, 1, 0, 0});
  const VectorXd fe = (f - ah.dot(f) * ah).normalized();
  EXPECT_LT(maxabs(o::minimal_rotation(a, -a, f) - (eye - 2 * ah * ah.transpose() - 2 * fe * fe.transpose())), 4 * kEps);
  const VectorXd b = vec({1, 2, 3, 4});
  EXPECT_TRUE(o::minimal_rotation(a, b, f) == o::minimal_rotation(a, b));
}

TEST(OrthogonalDegenerate, WarningsNameTheChoice) {
  const VectorXd a = vec({1, 2, 2});
  EXPECT_EQ(o::report(a, -a, opts(C::simplest)).warnings.at(0),
            "b = -a: T = 2uu^T - I maps a to b for every unit u orthogonal to a; u is taken from the coordinate axis "
            "with index 0 (the one least aligned with a; options.fallback chooses another)");
  EXPECT_EQ(o::report(a, a, opts(C::householder, vec({0, 0, 1}))).warnings.at(0),
            "b = a: every mirror containing a maps a to b; T = I - 2uu^T (det -1) with u orthogonal to a taken from "
            "options.fallback");
  EXPECT_TRUE(o::report(a, a).warnings.empty());                            // rotation: T = I
  EXPECT_TRUE(o::report(a, -a, opts(C::householder)).warnings.empty());    // I − 2aaᵀ
  // Close to the pair: a conditioning warning with the sensitivity.
  const VectorXd w = vec({2, -1, 0}) / std::sqrt(5.0);
  const VectorXd b = -std::cos(1e-8) * a / 3 + std::sin(1e-8) * w;
  const o::Report r = o::report(a, b);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "b is close to -a (|a + b| = 1e-08 after normalisation): T depends sensitively on a and b; a change h in "
            "b can move T by up to 2.83e+08 h");
  EXPECT_NEAR(r.sensitivity, 2 * std::sqrt(2.0) / 1e-8, 1e-6 * r.sensitivity);
}

TEST(OrthogonalDegenerate, StableFromFarToTheSingularPairs) {
  // For angles 1e-1 … 1e-300 away from b = −a and b = a, T stays orthogonal and maps a to b to a
  // few ulps, for every construction (the literal closed forms lose everything near their 1 ± c).
  std::mt19937_64 rng(17);
  for (int d : {2, 3, 5, 40}) {
    const VectorXd a = random_vector(d, rng).normalized();
    for (double sign : {-1.0, 1.0})
      for (double t = 1e-1; t > 1e-300; t *= 1e-7) {
        const VectorXd b = sign * std::cos(t) * a + std::sin(t) * unit_perp(a, rng);
        for (C con : kAll) {
          const o::Report r = o::report(a, b, opts(con));
          SCOPED_TRACE("d=" + std::to_string(d) + " t=" + std::to_string(t) + " " + o::construction_name(con));
          EXPECT_LT(r.orthogonality_error, 8 * d * kEps);
          EXPECT_LT(r.residual, 8 * kEps);
          EXPECT_LT(r.inverse_residual, 8 * kEps);
          EXPECT_NEAR(r.determinant, r.expected_determinant, 16 * d * kEps);
          EXPECT_EQ(r.degenerate, t <= o::kParallelTolerance * 0.999);
        }
      }
  }
}

TEST(OrthogonalDegenerate, ContinuityAcrossTheSwitchThreshold) {
  // Approaching the degenerate pair along the documented fallback direction e, T(t) → T(0)
  // linearly in t, across the switch at sin θ = kParallelTolerance (no jump).
  const VectorXd a = vec({1, 2, 2}) / 3.0;
  const o::Frame f0 = o::frame(a, -a);
  const VectorXd e = f0.e;  // from axis 0
  const double tau = o::kParallelTolerance;
  for (C con : {C::rotation, C::simplest}) {
    const MatrixXd t0 = o::matrix(a, -a, opts(con));
    for (double t : {1e-3, 1e-6, 1e-10, 1e-13, 4 * tau, 1.1 * tau, 0.9 * tau, 0.25 * tau, 1e-20}) {
      const VectorXd b = -std::cos(t) * a + std::sin(t) * e;
      const o::Frame f = o::frame(a, b);
      EXPECT_EQ(f.degenerate, t < tau) << t;
      // ‖T(t) − T(0)‖ ≤ √2·t·(1 + small) plus rounding.
      EXPECT_LE((o::matrix(a, b, opts(con)) - t0).norm(), 1.5 * t + 16 * kEps)
          << o::construction_name(con) << " t=" << t;
    }
  }
  // Near b = a: the rotation → I and simplest → 2aaᵀ − I from every direction (well-defined);
  // the Householder reflection → I − 2eeᵀ along e.
  std::mt19937_64 rng(2);
  const MatrixXd eye = MatrixXd::Identity(3, 3);
  const MatrixXd h0 = o::householder(a, a);
  for (double t : {1e-4, 1e-9, 1.1 * tau, 0.9 * tau, 1e-18}) {
    const VectorXd w = unit_perp(a, rng);
    const VectorXd b = std::cos(t) * a + std::sin(t) * w;
    EXPECT_LE((o::minimal_rotation(a, b) - eye).norm(), 1.5 * t + 8 * kEps);
    EXPECT_LE((o::simplest(a, b) - (2 * a * a.transpose() - eye)).norm(), 1.5 * t + 8 * kEps);
    const VectorXd be = std::cos(t) * a + std::sin(t) * f0.e;
    EXPECT_LE((o::householder(a, be) - h0).norm(), 1.5 * t + 16 * kEps);
  }
  // Near b = −a the Householder reflection is well-defined: → I − 2aaᵀ from every direction.
  for (double t : {1e-4, 1e-9, 0.9 * tau}) {
    const VectorXd b = -std::cos(t) * a + std::sin(t) * unit_perp(a, rng);
    EXPECT_LE((o::householder(a, b) - (eye - 2 * a * a.transpose())).norm(), 1.5 * t + 8 * kEps);
  }
}

TEST(OrthogonalDegenerate, InternalSwitchesAreSeamless) {
  // The half-angle formulas switch between 1 + c and 1 − c at c = 0 (θ = 90°), and the second
  // projection starts at sin θ = 1/2 (θ = 30° and 150°). Across each switch T moves by ~√2·Δθ only,
  // and it matches the literal closed form (well conditioned there) to a few ulps on both sides.
  const VectorXd a = vec({1, 2, 2, -1}) / std::sqrt(10.0);
  VectorXd w = vec({0.5, -1, 3, 2});
  w -= a.dot(w) * a;
  w.normalize();
  for (double theta0 : {M_PI / 2, M_PI / 6, 5 * M_PI / 6})
    for (C con : kAll)
      for (double h : {1e-12, 1e-9}) {
        const double t1 = theta0 - h, t2 = theta0 + h;
        const VectorXd b1 = std::cos(t1) * a + std::sin(t1) * w, b2 = std::cos(t2) * a + std::sin(t2) * w;
        const MatrixXd m1 = o::matrix(a, b1, opts(con)), m2 = o::matrix(a, b2, opts(con));
        SCOPED_TRACE(std::string(o::construction_name(con)) + " at " + std::to_string(theta0));
        EXPECT_LE((m1 - m2).norm(), 1.5 * 2 * h + 16 * kEps);
        EXPECT_LT(maxabs(m1 - closed_form(a, b1, con)), 8 * kEps);
        EXPECT_LT(maxabs(m2 - closed_form(a, b2, con)), 8 * kEps);
      }
}

TEST(OrthogonalDegenerate, TwoDimensionalMapsAreContinuousThroughMinusA) {
  // In 2-D every construction depends smoothly on the angle, also through b = −a.
  const VectorXd a = vec({0.6, -0.8});
  const VectorXd p = vec({0.8, 0.6});  // a rotated by +90°
  for (C con : kAll) {
    const MatrixXd t0 = o::matrix(a, -a, opts(con));
    for (double t : {1e-5, -1e-5, 1e-12, -1e-12, 1e-15, -1e-15})
      EXPECT_LE((o::matrix(a, -std::cos(t) * a + std::sin(t) * p, opts(con)) - t0).norm(), 1.5 * std::abs(t) + 8 * kEps)
          << o::construction_name(con) << " " << t;
  }
}

// ---------------------------------------------------------------- bad input: exact messages

TEST(OrthogonalErrors, ExactMessages) {
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  const VectorXd a = vec({1, 2, 2}), b = vec({2, -1, 2});
  EXPECT_EQ(error_of([&] { o::matrix(VectorXd(), b); }), "orthogonal.matrix: a is empty");
  EXPECT_EQ(error_of([&] { o::matrix(vec({1}), vec({2})); }), "orthogonal.matrix: a must have at least 2 entries, got 1");
  EXPECT_EQ(error_of([&] { o::minimal_rotation(a, VectorXd()); }), "orthogonal.minimalRotation: b is empty");
  EXPECT_EQ(error_of([&] { o::householder(a, vec({1, 2})); }),
            "orthogonal.householder: a and b have different lengths (3 and 2)");
  EXPECT_EQ(error_of([&] { o::simplest(vec({nan, 1, 0}), b); }),
            "orthogonal.simplest: a has a non-finite entry (nan) at [0]");
  EXPECT_EQ(error_of([&] { o::report(a, vec({0, -inf, 1})); }),
            "orthogonal.report: b has a non-finite entry (-inf) at [1]");
  EXPECT_EQ(error_of([&] { o::matrix(vec({0, 0, 0}), b); }), "orthogonal.matrix: a is the zero vector");
  EXPECT_EQ(error_of([&] { o::apply(a, vec({0, 0, 0}), a); }), "orthogonal.apply: b is the zero vector");
  EXPECT_EQ(error_of([&] { o::apply(a, b, vec({1, 2})); }), "orthogonal.apply: x has 2 entries but a has 3");
  EXPECT_EQ(error_of([&] { o::apply(a, b, vec({1, inf, 2})); }),
            "orthogonal.apply: x has a non-finite entry (inf) at [1]");
  EXPECT_EQ(error_of([&] { o::apply(a, b, vec({1e305, 1e305, 1e305})); }),
            "orthogonal.apply: x is too large to map without overflow (|x| above 1e300)");
  o::RowMatrix rows(2, 3);
  rows << 1, 2, 3, 4, nan, 6;
  EXPECT_EQ(error_of([&] { o::apply_rows(a, b, rows); }), "orthogonal.apply: x has a non-finite entry (nan) at (1, 1)");
  EXPECT_EQ(rows(1, 0), 4.0) << "the failing row is left as it was";
  o::RowMatrix wide(2, 4);
  wide.setOnes();
  EXPECT_EQ(error_of([&] { o::apply_rows(a, b, wide); }), "orthogonal.apply: x has 4 columns but a has 3 entries");
  EXPECT_EQ(error_of([&] { o::matrix(a, b, opts(C::rotation, vec({1, 2}))); }),
            "orthogonal.matrix: options.fallback has 2 entries but a has 3");
  EXPECT_EQ(error_of([&] { o::matrix(a, b, opts(C::rotation, vec({-2, -4, -4}))); }),
            "orthogonal.matrix: options.fallback is parallel to a");
  EXPECT_EQ(error_of([&] { o::matrix(a, b, opts(C::rotation, vec({0, 0, 0}))); }),
            "orthogonal.matrix: options.fallback is the zero vector");
  EXPECT_EQ(error_of([&] { o::report(a, b, opts(C::rotation, vec({0, nan, 0}))); }),
            "orthogonal.report: options.fallback has a non-finite entry (nan) at [1]");
  // Extreme but valid scales work.
  EXPECT_LT(maxabs(o::minimal_rotation(a * 1e-310, b * 1e300) - o::minimal_rotation(a, b)), 4 * kEps);
  const o::Report r = o::report(vec({1.5e308, 1.5e308}), vec({1, 0}));
  EXPECT_EQ(r.norm_a, inf);  // the norm overflows; the map does not
  EXPECT_LT(r.residual, 4 * kEps);
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

MatrixXd decode(const json& m) {
  if (m.is_array()) {
    if (m.empty()) return MatrixXd();
    if (!m[0].is_array()) {
      VectorXd v(m.size());
      for (size_t i = 0; i < m.size(); ++i) v(i) = m[i].get<double>();
      return v;
    }
    MatrixXd out(m.size(), m[0].size());
    for (size_t i = 0; i < m.size(); ++i)
      for (size_t j = 0; j < m[i].size(); ++j) out(i, j) = m[i][j].get<double>();
    return out;
  }
  const std::string b64 = m.at("b64").get<std::string>();
  const int rows = m.at("rows").get<int>(), cols = m.at("cols").get<int>();
  auto val = [](char c) -> unsigned {
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
    buf = (buf << 6) | val(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  EXPECT_EQ(bytes.size(), static_cast<size_t>(rows) * cols * 8);
  o::RowMatrix rm(rows, cols);
  std::memcpy(rm.data(), bytes.data(), bytes.size());
  if (rows == 1) return VectorXd(rm.row(0).transpose());  // long vectors are stored as 1 × d
  return rm;
}

C construction_of(const std::string& s) {
  return s == "rotation" ? C::rotation : s == "householder" ? C::householder : C::simplest;
}

}  // namespace

TEST(OrthogonalFixtures, AgainstMpmathClosedForms) {
  std::ifstream in(std::string(MATHLENS_FIXTURES) + "/orthogonal.json");
  ASSERT_TRUE(in) << "missing tests/fixtures/orthogonal.json (run tests/fixtures/gen_orthogonal.py)";
  const json fx = json::parse(in);
  ASSERT_GE(fx["cases"].size(), 25u);
  int matrices = 0, vectors = 0;
  for (const json& c : fx["cases"]) {
    const std::string name = c["name"];
    const VectorXd a = decode(c["a"]), b = decode(c["b"]);
    const VectorXd fallback = c.contains("fallback") ? VectorXd(decode(c["fallback"])) : VectorXd();
    const o::Frame f = o::frame(a, b, opts(C::rotation, fallback));
    EXPECT_EQ(f.degenerate, c["degenerate"].get<bool>()) << name;
    EXPECT_NEAR(f.theta, c["angle"].get<double>(), 4 * kEps) << name;
    if (c.contains("fallback_axis")) EXPECT_EQ(f.fallback_axis, c["fallback_axis"].get<int>()) << name;
    for (const auto& [con_name, m] : c["maps"].items()) {
      SCOPED_TRACE(name + " " + con_name);
      const C con = construction_of(con_name);
      const double tol = m["tol"];
      const o::Options op = opts(con, fallback);
      if (m.contains("matrix")) {
        const MatrixXd want = decode(m["matrix"]);
        const o::Report r = o::report(a, b, op);
        EXPECT_LE(maxabs(r.matrix - want), tol);
        EXPECT_EQ(r.expected_determinant, m["det"].get<int>());
        EXPECT_NEAR(r.determinant, m["det"].get<int>(), 64 * r.dim * kEps);
        EXPECT_NEAR(r.trace, m["trace"].get<double>(), r.dim * tol);
        if (m["sensitivity"].is_string())
          EXPECT_EQ(r.sensitivity, std::numeric_limits<double>::infinity());
        else
          // ‖â ± b̂‖ carries an absolute error ~eps, i.e. a relative error ~eps·sensitivity.
          EXPECT_NEAR(r.sensitivity, m["sensitivity"].get<double>(),
                      (1e-12 + 8 * kEps * r.sensitivity) * m["sensitivity"].get<double>());
        ++matrices;
      }
      const json& xs = c["x"];
      for (size_t k = 0; k < xs.size(); ++k) {
        const VectorXd x = decode(xs[k]);
        EXPECT_LE(maxabs(o::apply(a, b, x, op) - decode(m["apply"][k])), tol * x.norm());
        EXPECT_LE(maxabs(o::apply(a, b, x, op, true) - decode(m["apply_transpose"][k])), tol * x.norm());
        ++vectors;
      }
      if (c.contains("batch")) {
        o::RowMatrix rows = decode(c["batch"]);
        const MatrixXd want = decode(m["batch"]);
        const double scale = rows.rowwise().norm().maxCoeff();
        o::apply_rows(a, b, rows, op);
        EXPECT_LE(maxabs(rows - want), tol * scale);
      }
    }
  }
  EXPECT_GE(matrices, 75);
  EXPECT_GE(vectors, 140);
}

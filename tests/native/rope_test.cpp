// Native tests of mathlens::rope: the worked numbers of spec/MATH.md §4, the properties of §4c,
// fixtures from an independent numpy/scipy/mpmath implementation (tests/fixtures/gen_rope.py:
// Hugging Face's rotate_half form and Meta's complex form), and the exact error messages.
#include "mathlens/rope.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>

#include "mathlens/error.hpp"

namespace r = mathlens::rope;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using json = nlohmann::json;
using RM = r::RowMatrixXd;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

VectorXd vec(std::initializer_list<double> v) {
  VectorXd x(v.size());
  Eigen::Index i = 0;
  for (double e : v) x(i++) = e;
  return x;
}
RM row(const VectorXd& v) { return v.transpose(); }
RM rows(std::initializer_list<std::initializer_list<double>> rs) {
  RM m(rs.size(), rs.begin()->size());
  Eigen::Index i = 0;
  for (const auto& rr : rs) {
    Eigen::Index j = 0;
    for (double v : rr) m(i, j++) = v;
    ++i;
  }
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

RM random_rows(Eigen::Index n, Eigen::Index d, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  RM x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = z(rng);
  return x;
}

double max_abs(const MatrixXd& a) { return a.size() ? a.cwiseAbs().maxCoeff() : 0.0; }

r::Options with_pairing(r::Pairing p) {
  r::Options o;
  o.pairing = p;
  return o;
}

// MATH.md §4d.
const VectorXd Q = vec({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8});
const VectorXd K = vec({-0.1, 0.05, 0.2, -0.03, 0.07, 0.11, -0.2, 0.04});

}  // namespace

// ---------------------------------------------------------------- worked numbers (MATH.md §4d)

TEST(RopeWorked, FrequenciesOfDimension8) {
  const VectorXd t = r::frequencies(8);
  ASSERT_EQ(t.size(), 4);
  EXPECT_EQ(t(0), 1.0);
  EXPECT_NEAR(t(1), 0.1, 1e-17);
  EXPECT_NEAR(t(2), 0.01, 1e-18);
  EXPECT_NEAR(t(3), 0.001, 1e-19);
}

TEST(RopeWorked, RotateQAtPosition5AndTheScore) {
  const VectorXd want = vec({0.22015107347895035, -0.0391599903736686, 0.07150455312543058, 0.4948606863374099,
                             0.46938762863507616, 0.6242397408723189, 0.695991266684875, 0.8034899854375184});
  const RM q5 = r::apply(row(Q), vec({5}));
  EXPECT_LT(max_abs(q5.row(0).transpose() - want), 2e-16);
  const RM k2 = r::apply(row(K), vec({2}));
  const double score = q5.row(0).dot(k2.row(0));
  EXPECT_NEAR(score, 0.016991833351582643, 1e-16);
  // The same number three more ways: qᵀ R_{−3} k, the dense matrices, scores() at offset −3.
  EXPECT_NEAR(Q.dot(r::rotation_matrix(8, -3) * K), 0.016991833351582643, 1e-16);
  EXPECT_NEAR((r::rotation_matrix(8, 5) * Q).dot(r::rotation_matrix(8, 2) * K), 0.016991833351582643, 1e-16);
  EXPECT_NEAR(r::scores(Q, K, vec({-3}))(0), 0.016991833351582643, 1e-16);
}

TEST(RopeWorked, DecayCurveOfDimension128) {
  const VectorXd offsets = vec({0, 1, 2, 5, 10, 20, 50, 100, 200, 256});
  const VectorXd want = vec({32.5, 31.5381661427, 28.9559884736, 20.8453577784, 17.9541371371, 15.2424301087,
                             12.6294524883, 10.2273299485, 7.2447707485, 6.5430973230});
  const VectorXd f = r::decay(128, offsets);
  for (Eigen::Index i = 0; i < offsets.size(); ++i) EXPECT_NEAR(f(i), want(i), 6e-11) << "f(" << offsets(i) << ")";
  EXPECT_EQ(f(0), 32.5);  // (d/2 + 1)/2 exactly
}

TEST(RopeWorked, TwoDimensionalExample) {
  const VectorXd v = vec({0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8});
  const VectorXd w = vec({0.05, -0.1, 0.025, 0.2, -0.05, 0.1, 0.15, -0.2});
  const VectorXd want = vec({-0.22347416901985057, 0.007700375373139681, 0.29194053532264014, 0.4059196026746311,
                             -0.579668253136143, -0.5234354939303336, 0.6756886234622949, 0.8206368771409372});
  const RM v23 = r::apply_2d(row(v), rows({{2, 3}}));
  EXPECT_LE(max_abs(v23.row(0).transpose() - want), 2.3e-16);  // ≤ 2 ulp of 0.82
  EXPECT_LE(max_abs(r::rotation_matrix_axial(8, vec({2, 3})) * v - want), 2.3e-16);
  const double score = r::apply_2d(row(v), rows({{1, 2}})).row(0).dot(r::apply_2d(row(w), rows({{4, -1}})).row(0));
  EXPECT_NEAR(score, 0.017498921908046, 1e-15);
  EXPECT_NEAR(v.dot(r::rotation_matrix_axial(8, vec({3, -3})) * w), 0.017498921908046, 1e-15);
  const MatrixXd s = r::scores_2d(v, w, vec({3}), vec({-3}), r::Encoding2d::rope2d);
  EXPECT_NEAR(s(0, 0), 0.017498921908046, 1e-15);
}

// ---------------------------------------------------------------- properties (MATH.md §4c)

TEST(RopeProperties, RelativityCompositionOrthogonalityGenerator) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> pos(-300, 300);
  for (int dim : {2, 4, 8, 16, 64, 128}) {
    for (const r::Pairing p : {r::Pairing::interleaved, r::Pairing::half}) {
      const double m = pos(rng), n = pos(rng);
      const r::Check c = r::check(dim, m, n, with_pairing(p));
      const double bound = 8 * kEps * (1 + std::abs(m) + std::abs(n));
      EXPECT_LT(c.relativity, bound) << dim;
      EXPECT_LT(c.composition, bound) << dim;
      EXPECT_LT(c.orthogonality, 8 * kEps) << dim;
      EXPECT_EQ(c.identity, 0.0) << "R_0 = I exactly";
      EXPECT_EQ(c.skew, 0.0) << "B is exactly skew-symmetric";
      EXPECT_LT(c.generator, 64 * kEps * (1 + std::abs(m))) << "exp(mB) = R_m, dim " << dim;
    }
  }
  // A large position still gives residuals at the level of the angle's own rounding.
  const r::Check big = r::check(32, 1e6, -2.5e5);
  EXPECT_LT(big.relativity, 8 * kEps * 1.25e6 * 2);
  EXPECT_LT(big.generator, 64 * kEps * 1e6);
}

TEST(RopeProperties, GeneratorIsBlockDiagonalSkewAndExpMatchesEigenFreeForm) {
  const MatrixXd B = r::generator(8);
  EXPECT_EQ(B(0, 1), -1.0);
  EXPECT_EQ(B(1, 0), 1.0);
  EXPECT_NEAR(B(3, 2), 0.1, 1e-17);
  EXPECT_EQ(B(0, 2), 0.0);
  const MatrixXd Bh = r::generator(8, with_pairing(r::Pairing::half));
  EXPECT_EQ(Bh(0, 4), -1.0);
  EXPECT_NEAR(Bh(5, 1), 0.1, 1e-17);
  // expm() itself on a known case: exp([[0, −a], [a, 0]]) = rotation by a.
  MatrixXd j(2, 2);
  j << 0, -2.5, 2.5, 0;
  const MatrixXd e = r::expm(j);
  EXPECT_NEAR(e(0, 0), std::cos(2.5), 4 * kEps);
  EXPECT_NEAR(e(1, 0), std::sin(2.5), 4 * kEps);
}

TEST(RopeProperties, ElementwiseFormEqualsDenseMatrix) {
  std::mt19937_64 rng(2);
  for (const r::Pairing p : {r::Pairing::interleaved, r::Pairing::half}) {
    for (int rotary : {0, 8}) {
      const int d = 24;
      r::Options o = with_pairing(p);
      o.rotary_dim = rotary;
      const RM x = random_rows(50, d, rng);
      VectorXd positions(50);
      for (int t = 0; t < 50; ++t) positions(t) = 3 * t - 40;  // integers: the angle-addition path
      const RM y = r::apply(x, positions, o);
      VectorXd frac = positions.array() + 0.25;  // not integers: the direct path
      const RM yf = r::apply(x, frac, o);
      for (int t = 0; t < 50; ++t) {
        const VectorXd dense = r::rotation_matrix(d, positions(t), o) * x.row(t).transpose();
        EXPECT_LT(max_abs(y.row(t).transpose() - dense), 8 * kEps * (1 + std::abs(positions(t))) * 4);
        const VectorXd dense_f = r::rotation_matrix(d, frac(t), o) * x.row(t).transpose();
        EXPECT_LT(max_abs(yf.row(t).transpose() - dense_f), 8 * kEps * (1 + std::abs(frac(t))) * 4);
      }
      if (rotary) {  // the pass-through dims are untouched, bit for bit
        EXPECT_EQ(y.rightCols(d - rotary), x.rightCols(d - rotary));
      }
    }
  }
}

TEST(RopeProperties, AngleAdditionPathMatchesDirectSinCos) {
  // 0..4095 with integer positions uses the √L tables; the same positions + 0.5 − 0.5 in a
  // different order force nothing, so compare against the dense R_p (direct sin/cos) row by row.
  std::mt19937_64 rng(3);
  const int n = 4096, d = 16;
  const RM x = random_rows(n, d, rng);
  const RM y = r::apply(x);
  double worst = 0;
  for (int t = 0; t < n; t += 37) {
    const VectorXd dense = r::rotation_matrix(d, t) * x.row(t).transpose();
    worst = std::max(worst, max_abs(y.row(t).transpose() - dense) / (1 + t));
  }
  EXPECT_LT(worst, 16 * kEps);
}

TEST(RopeProperties, ScoresDependOnlyOnTheOffset) {
  std::mt19937_64 rng(4);
  const RM qk = random_rows(2, 32, rng);
  const VectorXd q = qk.row(0).transpose(), k = qk.row(1).transpose();
  for (double shift : {0.0, 7.0, -123.0, 4096.0}) {
    for (double m : {0.0, 5.0, -17.0}) {
      for (double n : {0.0, 3.0, 250.0}) {
        const double a = r::apply(row(q), vec({m + shift})).row(0).dot(r::apply(row(k), vec({n + shift})).row(0));
        const double b = r::scores(q, k, vec({n - m}))(0);
        EXPECT_NEAR(a, b, 64 * kEps * (1 + std::abs(m) + std::abs(n) + std::abs(shift)) * 6);
      }
    }
  }
}

TEST(RopeProperties, InPlaceHeadsFloat32) {
  std::mt19937_64 rng(5);
  const int n = 40, hd = 16, heads = 3;
  const RM x = random_rows(n, hd * heads, rng);
  r::Options o;
  o.heads = heads;
  o.pairing = r::Pairing::half;
  const RM y = r::apply(x, {}, o);
  // Each head alone gives the same numbers.
  r::Options one = o;
  one.heads = 1;
  for (int h = 0; h < heads; ++h) {
    const RM part = x.middleCols(h * hd, hd);
    EXPECT_EQ(r::apply(part, {}, one), RM(y.middleCols(h * hd, hd))) << h;
  }
  // In place.
  RM z = x;
  r::apply(z.data(), z.data(), n, hd * heads, nullptr, o);
  EXPECT_EQ(z, y);
  // float32 in: the float64 result rounded once.
  r::RowMatrixXf xf = x.cast<float>();
  r::RowMatrixXf yf(n, hd * heads);
  r::apply(xf.data(), yf.data(), n, hd * heads, nullptr, o);
  const RM y64 = r::apply(RM(xf.cast<double>()), {}, o);
  for (Eigen::Index i = 0; i < yf.size(); ++i) {
    const float want = static_cast<float>(y64.data()[i]);
    EXPECT_LE(std::abs(yf.data()[i] - want), std::abs(std::nextafter(want, 2 * want + 1.0f) - want)) << i;
  }
}

TEST(RopeProperties, PairingsAreOnePermutationApart) {
  // half-pairing RoPE of P x equals P (interleaved RoPE of x), P the interleaved → half permutation.
  std::mt19937_64 rng(6);
  const int d = 12;
  const RM x = random_rows(9, d, rng);
  const std::vector<int> perm = r::permutation(d, r::Pairing::interleaved, r::Pairing::half);
  EXPECT_EQ(perm, (std::vector<int>{0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11}));
  RM px(9, d);
  for (int j = 0; j < d; ++j) px.col(j) = x.col(perm[j]);
  const RM a = r::apply(px, {}, with_pairing(r::Pairing::half));
  const RM b = r::apply(x, {}, with_pairing(r::Pairing::interleaved));
  RM pb(9, d);
  for (int j = 0; j < d; ++j) pb.col(j) = b.col(perm[j]);
  EXPECT_EQ(a, pb);  // the same arithmetic on the same numbers
  // Round trip and the inverse map.
  const std::vector<int> back = r::permutation(d, r::Pairing::half, r::Pairing::interleaved);
  for (int j = 0; j < d; ++j) EXPECT_EQ(perm[back[j]], j);
  // Partial rotary: only the first 4 dims are permuted.
  EXPECT_EQ(r::permutation(8, r::Pairing::interleaved, r::Pairing::half, 4), (std::vector<int>{0, 2, 1, 3, 4, 5, 6, 7}));
}

TEST(RopeProperties, ConvertedWeightsGiveIdenticalScores) {
  std::mt19937_64 rng(7);
  for (const auto& [heads, kv, rotary] : {std::tuple{4, 4, 0}, std::tuple{8, 2, 0}, std::tuple{2, 1, 4}}) {
    const int hd = 8, dm = 24, n = 10;
    const MatrixXd wq = random_rows(heads * hd, dm, rng), wk = random_rows(kv * hd, dm, rng), x = random_rows(n, dm, rng);
    r::Options o;
    o.rotary_dim = rotary;
    const r::ConversionCheck c = r::check_conversion(wq, wk, x, {}, heads, kv, r::Pairing::half, o);
    EXPECT_TRUE(c.agree);
    EXPECT_LT(c.relative_difference, 1e-14);
    EXPECT_GT(c.unconverted_relative_difference, 0.05) << "forgetting the conversion changes the scores";
    EXPECT_EQ(c.scores.rows(), heads * n);
    // And back: half → interleaved.
    r::Options h = o;
    h.pairing = r::Pairing::half;
    EXPECT_TRUE(r::check_conversion(wq, wk, x, {}, heads, kv, r::Pairing::interleaved, h).agree);
  }
  // The weight conversion is a row permutation per head.
  const RM w = random_rows(16, 3, rng);
  const RM c = r::convert_weights(w, 2, r::Pairing::interleaved, r::Pairing::half);
  EXPECT_EQ(c.row(1), w.row(2));
  EXPECT_EQ(c.row(4), w.row(1));
  EXPECT_EQ(c.row(9), w.row(10));
  EXPECT_EQ(r::convert_weights(c, 2, r::Pairing::half, r::Pairing::interleaved), w);
}

TEST(RopeAxial, RelativityCommutatorGeneratorReversibility) {
  for (const r::Pairing p : {r::Pairing::interleaved, r::Pairing::half}) {
    for (const r::AxialFrequencies f : {r::AxialFrequencies::split, r::AxialFrequencies::shared}) {
      r::AxialOptions o;
      o.pairing = p;
      o.frequencies = f;
      const r::AxialCheck c = r::check_axial(16, vec({1, 2}), vec({40, -25}), o);
      EXPECT_LT(c.relativity, 1e-13);
      EXPECT_EQ(c.commutator, 0.0);
      EXPECT_LT(c.generator, 1e-12);
      EXPECT_LT(c.orthogonality, 8 * kEps);
      EXPECT_TRUE(c.reversible);
      EXPECT_LT(c.recovery_error, 1e-12);
      const r::AxialCheck c3 = r::check_axial(24, vec({1, 2, 3}), vec({-7.5, 25, 13}), o);
      EXPECT_LT(c3.relativity, 1e-13);
      EXPECT_TRUE(c3.reversible);  // 'shared': the parts' slowest θ is 0.1, range π/0.1 ≈ 31.4
      EXPECT_LT(c3.recovery_error, 1e-12);
      EXPECT_NEAR(c3.range(0), f == r::AxialFrequencies::split ? M_PI / 0.001 : M_PI / std::pow(10000.0, -6.0 / 24), 1e-9);
      EXPECT_EQ(c3.commutator, 0.0);
    }
  }
  // d = 8, split: each half has θ = (1, 0.01), so |x| < π/0.01 is recoverable.
  const r::AxialCheck c = r::check_axial(8, vec({0, 0}), vec({300, -2}));
  EXPECT_NEAR(c.range(0), M_PI / 0.01, 1e-9);
  EXPECT_TRUE(c.reversible);
  EXPECT_NEAR(c.recovered(0), 300, 1e-12);
  const r::AxialCheck out = r::check_axial(8, vec({0, 0}), vec({320, -2}));
  EXPECT_FALSE(out.reversible);
  EXPECT_GT(out.recovery_error, 1.0);  // aliased: 320 − 2π/0.01
  EXPECT_NEAR(out.recovered(0), 320 - 2 * M_PI / 0.01, 1e-9);
}

TEST(RopeAxial, ApplyEqualsDenseAndGenerators) {
  std::mt19937_64 rng(8);
  const int d = 24;
  const RM x = random_rows(30, d, rng);
  RM pos(30, 3);
  for (int t = 0; t < 30; ++t) pos.row(t) << t % 5, t / 5, 2 * t - 30;
  for (const r::Pairing p : {r::Pairing::interleaved, r::Pairing::half}) {
    r::AxialOptions o;
    o.pairing = p;
    const RM y = r::apply_axial(x, pos, o);
    for (int t = 0; t < 30; ++t)
      EXPECT_LT(max_abs(y.row(t).transpose() - r::rotation_matrix_axial(d, pos.row(t).transpose(), o) * x.row(t).transpose()), 1e-13);
    const auto B = r::generators_axial(d, 3, o);
    ASSERT_EQ(B.size(), 3u);
    const VectorXd p0 = pos.row(17).transpose();
    const MatrixXd e = r::expm(p0(0) * B[0] + p0(1) * B[1] + p0(2) * B[2]);
    EXPECT_LT(max_abs(e - r::rotation_matrix_axial(d, p0, o)), 1e-13);
    EXPECT_EQ(max_abs(B[0] * B[2] - B[2] * B[0]), 0.0);
  }
  // 2-D = axial with two axes; with zero y the second half is untouched.
  const RM x8 = random_rows(3, 8, rng);
  EXPECT_EQ(r::apply_2d(x8, rows({{1, 0}, {2, 0}, {3, 0}})).rightCols(4), x8.rightCols(4));
}

TEST(RopeAxial, FlattenedEncodingIsAnisotropicAndSumIsLossy) {
  const VectorXd q = VectorXd::Ones(8), k = VectorXd::Ones(8);
  const VectorXd d = vec({-1, 0, 1});
  const MatrixXd flat = r::scores_2d(q, k, d, d, r::Encoding2d::flattened, 16);
  const MatrixXd rope = r::scores_2d(q, k, d, d, r::Encoding2d::rope2d);
  // 2-D RoPE treats the two neighbour directions alike; the flattened index does not.
  EXPECT_NEAR(rope(2, 1), rope(1, 2), 1e-15);
  EXPECT_GT(std::abs(flat(2, 1) - flat(1, 2)), 0.1);
  // x + y: (1, −1) looks like (0, 0).
  const MatrixXd sum = r::scores_2d(q, k, d, d, r::Encoding2d::sum);
  EXPECT_EQ(sum(2, 0), sum(1, 1));
  EXPECT_EQ(rope(1, 1), 8.0);  // qᵀk at the origin
}

TEST(RopeFamily, CommutationConditionAndPerturbation) {
  // MATH.md §4c: 0.1 perturbation of d → max |[B1, B2]| = 0.1.
  r::FamilyParams p;  // b = c = 0, f = 1: the post's simplest solution
  const r::Family base = r::generator_family(p);
  EXPECT_TRUE(base.commutes);
  EXPECT_EQ(base.max_commutator, 0.0);
  EXPECT_LT(base.relativity, 1e-14);
  EXPECT_TRUE(base.independent);
  // blockdiag(Rot(x), Rot(y)) at (1, 2).
  EXPECT_NEAR(base.rotation_from(0, 0), std::cos(1.0), 1e-15);
  EXPECT_NEAR(base.rotation_from(3, 2), std::sin(2.0), 1e-15);
  p.d = 0.1;
  const r::Family pert = r::generator_family(p);
  EXPECT_NEAR(pert.max_commutator, 0.1, 1e-16);
  EXPECT_FALSE(pert.commutes);
  EXPECT_NEAR(pert.condition_d, 0.1, 1e-16);
  EXPECT_GT(pert.relativity, 0.01);
  // General commuting members: d = cf, e = −bf.
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int t = 0; t < 20; ++t) {
    r::FamilyParams g;
    g.b = u(rng), g.c = u(rng), g.f = u(rng);
    g.d = g.c * g.f, g.e = -g.b * g.f;
    const r::Family f = r::generator_family(g, {u(rng), u(rng)}, {u(rng), u(rng)});
    EXPECT_LT(f.max_commutator, 1e-15);
    EXPECT_TRUE(f.commutes);
    EXPECT_LT(f.relativity, 1e-12);
  }
  // B2 ∥ nothing, but B2 = 0 is not independent (the 3×3 argument of the post).
  r::FamilyParams zero;
  zero.f = 0;
  EXPECT_FALSE(r::generator_family(zero).independent);
}

// ---------------------------------------------------------------- context scaling

TEST(RopeScaling, FormulasAndAttentionFactor) {
  r::Options o;
  o.scaling.kind = r::ScalingKind::linear;
  o.scaling.factor = 4;
  const VectorXd plain = r::frequencies(64), lin = r::frequencies(64, o);
  EXPECT_LT(max_abs(lin * 4 - plain), 1e-17);
  o.scaling.kind = r::ScalingKind::ntk;
  const VectorXd ntk = r::frequencies(64, o);
  const double base2 = 10000 * std::pow(4.0, 64.0 / 62.0);
  EXPECT_NEAR(ntk(31), std::pow(base2, -62.0 / 64.0), 1e-18);
  EXPECT_EQ(ntk(0), 1.0);  // the highest frequency is never changed
  // YaRN: attention factor 0.1 ln s + 1 multiplies the rotated vector.
  o.scaling.kind = r::ScalingKind::yarn;
  o.scaling.original_context = 2048;
  o.scaling.factor = 8;
  const r::ContextScaling c = r::context_scaling(64, 16384, o);
  EXPECT_NEAR(c.attention_factor, 0.1 * std::log(8.0) + 1, 1e-15);
  const RM x = rows({{1, 0, 0, 0, 0, 0, 0, 0}});
  r::Options y8 = o;
  const RM y = r::apply(x, vec({0}), y8);
  EXPECT_NEAR(y(0, 0), 0.1 * std::log(8.0) + 1, 1e-15);
  o.scaling.attention_factor = 1.0;
  EXPECT_EQ(r::apply(x, vec({0}), o)(0, 0), 1.0);
}

TEST(RopeScaling, ContextViewAndWarnings) {
  r::Options o;
  o.scaling.original_context = 4096;
  r::ContextScaling none = r::context_scaling(128, 8192, o);
  EXPECT_GT(none.unseen_count, 0);
  ASSERT_EQ(none.warnings.size(), 1u);
  EXPECT_EQ(none.warnings[0],
            "the context length 8192 exceeds the original context 4096 and no scaling is set: " +
                std::to_string(none.unseen_count) +
                " of 64 frequency pairs rotate through angles never seen in training (up to 2× the trained angle)");
  // Position interpolation by 2 removes every unseen angle at 2× the context.
  o.scaling.kind = r::ScalingKind::linear;
  o.scaling.factor = 2;
  const r::ContextScaling pi = r::context_scaling(128, 8192, o);
  EXPECT_EQ(pi.unseen_count, 0);
  EXPECT_TRUE(pi.warnings.empty());
  for (Eigen::Index i = 0; i < 64; ++i) EXPECT_NEAR(pi.interpolation(i), 2.0, 1e-15);
  // …but not at 4×.
  const r::ContextScaling pi4 = r::context_scaling(128, 16384, o);
  ASSERT_GE(pi4.warnings.size(), 1u);
  EXPECT_EQ(pi4.warnings[0], "the context length 16384 exceeds factor × originalContext = 8192, the length the factor maps onto the "
            "trained context: beyond it the model relies on having been trained at that length");
  // jquesnelle/yarn#53: dynamic NTK with factor 8 from 2K to 16K.
  o.scaling.kind = r::ScalingKind::dynamic;
  o.scaling.factor = 8;
  o.scaling.original_context = 2048;
  const r::ContextScaling dyn = r::context_scaling(128, 16384, o);
  EXPECT_NEAR(dyn.effective_base, 10000 * std::pow(57.0, 128.0 / 126.0), 1e-9 * dyn.effective_base);
  ASSERT_FALSE(dyn.warnings.empty());
  EXPECT_EQ(dyn.warnings[0],
            "dynamic NTK scales the base as for a context 57× the original (factor 8 at 8× the original length): the "
            "factor multiplies the growth with length, so it is usually 1–2, not the target extension");
  // YaRN leaves no angle unseen within s·L₀.
  o.scaling.kind = r::ScalingKind::yarn;
  o.scaling.factor = 4;
  o.scaling.original_context = 32768;
  o.base = 1e6;
  const r::ContextScaling yarn = r::context_scaling(128, 131072, o);
  EXPECT_EQ(yarn.unseen_count, 0);
  EXPECT_EQ(yarn.scaled_context, 131072);
  EXPECT_NEAR(yarn.interpolation(0), 1.0, 1e-15);    // fast dims extrapolate
  EXPECT_NEAR(yarn.interpolation(63), 4.0, 1e-13);   // slow dims interpolate
}

// ---------------------------------------------------------------- bad input: exact messages

TEST(RopeErrors, ExactMessages) {
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  const RM x7 = RM::Zero(2, 7);
  EXPECT_EQ(error_of([&] { r::apply(x7); }),
            "rope.apply: x has 7 columns; the dimension must be a positive even number (RoPE rotates pairs)");
  r::Options heads;
  heads.heads = 2;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 14), {}, heads); }),
            "rope.apply: x has 14 columns = 2 heads × 7; the head dimension must be a positive even number (RoPE rotates pairs)");
  heads.heads = 3;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 8), {}, heads); }),
            "rope.apply: heads must be a positive integer that divides the 8 columns of x, got 3");
  r::Options rot;
  rot.rotary_dim = 10;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 8), {}, rot); }),
            "rope.apply: rotaryDim must be an even integer from 2 to 8 (the head dimension), got 10");
  rot.rotary_dim = 3;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 8), {}, rot); }),
            "rope.apply: rotaryDim must be an even integer from 2 to 8 (the head dimension), got 3");
  r::Options base;
  base.base = 1;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 8), {}, base); }),
            "rope.apply: base must be a finite number greater than 1, got 1");
  base.base = nan;
  EXPECT_EQ(error_of([&] { r::frequencies(8, base); }), "rope.frequencies: base must be a finite number greater than 1, got nan");
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(3, 8), vec({0, 1, nan})); }),
            "rope.apply: positions has a non-finite entry (nan) at [2]");
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(2, 8), vec({0, 1e300})); }),
            "rope.apply: positions has an entry too large for its angle to mean anything (1e+300) at [1]; |position| must be at most 2^53");
  RM bad = RM::Zero(3, 8);
  bad(2, 5) = inf;
  EXPECT_EQ(error_of([&] { r::apply(bad); }), "rope.apply: x has a non-finite entry (inf) at (2, 5)");
  r::RowMatrixXf badf = r::RowMatrixXf::Zero(2, 4);
  badf(1, 0) = std::nanf("");
  EXPECT_EQ(error_of([&] { r::apply(badf.data(), badf.data(), 2, 4, nullptr); }),
            "rope.apply: x has a non-finite entry (nan) at (1, 0)");
  // Finite but so large that the rotation could overflow: a clear error, not a silent ±inf.
  r::RowMatrixXf huge = r::RowMatrixXf::Zero(1, 2);
  huge(0, 0) = 3e38f;
  EXPECT_EQ(error_of([&] { r::apply(huge.data(), huge.data(), 1, 2, nullptr); }),
            "rope.apply: x has entries up to 3e+38 in magnitude; rotated they could exceed the largest float32");
  RM big = RM::Zero(1, 2);
  big(0, 1) = 1.5e308;
  EXPECT_EQ(error_of([&] { r::apply(big); }),
            "rope.apply: x has entries up to 1.5e+308 in magnitude; rotated they could exceed the largest float64");
  big(0, 1) = 1e300;  // large but safe: exact rotation, no overflow
  EXPECT_NEAR(r::apply(big, vec({1}))(0, 0), -1e300 * std::sin(1.0), 1e285);
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(4, 8), vec({0, 1, 2, 3, 4})); }),
            "rope.apply: positions has 5 entries but x has 4 rows");
  // 2-D and axial
  EXPECT_EQ(error_of([&] { r::apply_2d(RM::Zero(1, 6), rows({{1, 2}})); }),
            "rope.apply2d: the head dimension must be a multiple of 4 for 2-D RoPE (two halves of even size), got 6");
  EXPECT_EQ(error_of([&] { r::apply_2d(RM::Zero(1, 8), rows({{1, 2, 3}})); }),
            "rope.apply2d: positions must have 2 columns (x, y), got 3");
  EXPECT_EQ(error_of([&] { r::apply_2d(RM::Zero(2, 8), rows({{1, 2}})); }),
            "rope.apply2d: positions has 1 rows but x has 2 rows");
  EXPECT_EQ(error_of([&] { r::apply_2d(RM::Zero(1, 8), rows({{1, inf}})); }),
            "rope.apply2d: positions has a non-finite entry (inf) at (0, 1)");
  EXPECT_EQ(error_of([&] { r::apply_axial(RM::Zero(1, 8), rows({{1, 2, 3}})); }),
            "rope.applyAxial: the head dimension must be a multiple of 2 × axes = 6, got 8");
  EXPECT_EQ(error_of([&] { r::check_axial(8, vec({1, 2}), vec({1, 2, 3})); }),
            "rope.checkAxial: p1 and p2 must have the same number of coordinates, got 2 and 3");
  // Dims, positions, scaling
  EXPECT_EQ(error_of([&] { r::frequencies(7); }), "rope.frequencies: dim must be an even integer from 2 to 1048576, got 7");
  EXPECT_EQ(error_of([&] { r::rotation_matrix(0, 1); }), "rope.rotationMatrix: dim must be an even integer from 2 to 4096, got 0");
  EXPECT_EQ(error_of([&] { r::rotation_matrix(8, inf); }), "rope.rotationMatrix: position must be a finite number, got inf");
  EXPECT_EQ(error_of([&] { r::check(512, 1, 2); }), "rope.check: dim must be an even integer from 2 to 256, got 512");
  EXPECT_EQ(error_of([&] { r::decay(8, VectorXd()); }), "rope.decay: offsets is empty");
  EXPECT_EQ(error_of([&] { r::decay(1 << 20, VectorXd::Zero(1000)); }),
            "rope.decay: offsets × dim/2 = 5.24e+08 terms; at most 1e+08 per call");
  EXPECT_EQ(error_of([&] { r::scores(Q, vec({1, 2}), vec({0})); }), "rope.scores: q and k must have the same length, got 8 and 2");
  EXPECT_EQ(error_of([&] { r::scores(vec({1, 2, nan, 4}), vec({1, 2, 3, 4}), vec({0})); }),
            "rope.scores: q has a non-finite entry (nan) at [2]");
  EXPECT_EQ(error_of([&] { r::scores_2d(Q, K, vec({0}), vec({0}), r::Encoding2d::flattened, 0); }),
            "rope.scores2d: width must be a number ≥ 1 (the grid width of the flattened index x·w + y), got 0");
  r::Options s;
  s.scaling.kind = r::ScalingKind::yarn;
  s.scaling.factor = 4;
  EXPECT_EQ(error_of([&] { r::apply(RM::Zero(1, 8), {}, s); }),
            "rope.apply: scaling.originalContext must be a positive number (the trained context length) for 'yarn', got 0");
  s.scaling.factor = 0.5;
  EXPECT_EQ(error_of([&] { r::frequencies(8, s); }), "rope.frequencies: scaling.factor must be a finite number ≥ 1, got 0.5");
  s.scaling.factor = 2;
  s.scaling.original_context = 4096;
  s.scaling.beta_fast = 1;
  s.scaling.beta_slow = 32;
  EXPECT_EQ(error_of([&] { r::frequencies(8, s); }),
            "rope.frequencies: scaling.betaFast and scaling.betaSlow must satisfy betaFast > betaSlow > 0, got 1 and 32");
  r::Options l3;
  l3.scaling.kind = r::ScalingKind::llama3;
  l3.scaling.factor = 8;
  l3.scaling.original_context = 8192;
  l3.scaling.high_freq_factor = 1;
  EXPECT_EQ(error_of([&] { r::frequencies(8, l3); }),
            "rope.frequencies: scaling.highFreqFactor and scaling.lowFreqFactor must satisfy highFreqFactor > lowFreqFactor > 0, got 1 and 1");
  EXPECT_EQ(error_of([&] { r::context_scaling(128, 8192, r::Options{}); }),
            "rope.contextScaling: scaling.originalContext must be a positive number (the trained context length), got 0");
  // Conversion
  EXPECT_EQ(error_of([&] { r::convert_weights(RM::Zero(10, 4), 2, r::Pairing::interleaved, r::Pairing::half); }),
            "rope.convertWeights: w has 10 rows = 2 heads × 5; the head dimension must be an even number up to 1048576");
  EXPECT_EQ(error_of([&] { r::convert_weights(RM::Zero(12, 4), 5, r::Pairing::interleaved, r::Pairing::half); }),
            "rope.convertWeights: heads must be a positive integer that divides the 12 rows of w, got 5");
  EXPECT_EQ(error_of([&] { r::check_conversion(MatrixXd::Zero(16, 4), MatrixXd::Zero(8, 4), MatrixXd::Zero(3, 4), {}, 2, 3, r::Pairing::half); }),
            "rope.checkConversion: kvHeads must be a positive integer that divides heads = 2, got 3");
  EXPECT_EQ(error_of([&] { r::check_conversion(MatrixXd::Zero(16, 4), MatrixXd::Zero(8, 5), MatrixXd::Zero(3, 4), {}, 2, 1, r::Pairing::half); }),
            "rope.checkConversion: wq, wk and x must have the same number of columns (the model dimension), got 4, 5 and 4");
  r::FamilyParams fp;
  fp.b = nan;
  EXPECT_EQ(error_of([&] { r::generator_family(fp); }), "rope.generatorFamily: b must be a finite number of magnitude at most 1e6, got nan");
  // The core keeps working.
  EXPECT_NEAR(r::scores(Q, K, vec({-3}))(0), 0.016991833351582643, 1e-16);
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

std::string b64decode(const std::string& s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
  };
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    buf = (buf << 6) | static_cast<unsigned>(val(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

/// Nested arrays or {"shape", "b64"} → a row-major matrix (vectors: one column).
RM decode(const json& j) {
  if (j.is_object()) {
    const auto shape = j.at("shape");
    const Eigen::Index rows = shape[0].get<Eigen::Index>(), cols = shape.size() > 1 ? shape[1].get<Eigen::Index>() : 1;
    const std::string bytes = b64decode(j.at("b64").get<std::string>());
    EXPECT_EQ(bytes.size(), static_cast<size_t>(rows * cols * 8));
    RM m(rows, cols);
    std::memcpy(m.data(), bytes.data(), bytes.size());
    return m;
  }
  if (j.empty()) return RM();
  if (!j[0].is_array()) {
    RM v(j.size(), 1);
    for (size_t i = 0; i < j.size(); ++i) v(i, 0) = j[i].get<double>();
    return v;
  }
  RM m(j.size(), j[0].size());
  for (size_t i = 0; i < j.size(); ++i)
    for (size_t k = 0; k < j[i].size(); ++k) m(i, k) = j[i][k].get<double>();
  return m;
}
VectorXd dvec(const json& j) { return decode(j).col(0); }

const json& fixtures() {
  static const json fx = [] {
    std::ifstream f(std::string(MATHLENS_FIXTURES) + "/rope.json");
    if (!f) ADD_FAILURE() << "missing tests/fixtures/rope.json (run tests/fixtures/gen_rope.py)";
    return f ? json::parse(f) : json::object();
  }();
  return fx;
}

r::Pairing pairing_of(const json& j) { return j.get<std::string>() == "half" ? r::Pairing::half : r::Pairing::interleaved; }

r::Options scaling_options(const json& c) {
  r::Options o;
  o.base = c.at("base");
  const std::string t = c.at("type");
  o.scaling.kind = t == "linear" ? r::ScalingKind::linear : t == "ntk" ? r::ScalingKind::ntk
                 : t == "dynamic" ? r::ScalingKind::dynamic : t == "yarn" ? r::ScalingKind::yarn
                 : t == "llama3" ? r::ScalingKind::llama3 : r::ScalingKind::none;
  o.scaling.factor = c.value("factor", 1.0);
  o.scaling.original_context = c.value("originalContext", 0.0);
  o.scaling.length = c.value("length", 0.0);
  o.scaling.beta_fast = c.value("betaFast", 32.0);
  o.scaling.beta_slow = c.value("betaSlow", 1.0);
  o.scaling.truncate = c.value("truncate", true);
  if (c.contains("attentionFactor")) o.scaling.attention_factor = c["attentionFactor"].get<double>();
  o.scaling.low_freq_factor = c.value("lowFreqFactor", 1.0);
  o.scaling.high_freq_factor = c.value("highFreqFactor", 4.0);
  return o;
}

}  // namespace

// ---------------------------------------------------------------- hostile input (rope_fuzz findings)

TEST(RopeRegression, ErrorsOfConversionNameTheCaller) {
  // convertWeights and checkConversion reported their option errors as "rope.permutation: …" and
  // "rope.apply: …" (the helpers they call), not under their own names.
  EXPECT_EQ(error_of([] { r::convert_weights(RM::Zero(12, 2), 2, r::Pairing::interleaved, r::Pairing::half, -2); }),
            "rope.convertWeights: rotaryDim must be an even integer from 2 to 6 (the head dimension), got -2");
  float wf[8] = {0}, of[8];
  EXPECT_EQ(error_of([&] { r::convert_weights(wf, of, 4, 2, 1, r::Pairing::half, r::Pairing::interleaved, 6); }),
            "rope.convertWeights: rotaryDim must be an even integer from 2 to 4 (the head dimension), got 6");
  r::Options bad;
  bad.base = 0.5;
  EXPECT_EQ(error_of([&] { r::check_conversion(MatrixXd::Ones(8, 3), MatrixXd::Ones(4, 3), MatrixXd::Ones(2, 3), {}, 2, 1, r::Pairing::half, bad); }),
            "rope.checkConversion: base must be a finite number greater than 1, got 0.5");
  r::Options rot;
  rot.rotary_dim = 6;
  EXPECT_EQ(error_of([&] { r::check_conversion(MatrixXd::Ones(8, 3), MatrixXd::Ones(4, 3), MatrixXd::Ones(2, 3), {}, 2, 1, r::Pairing::half, rot); }),
            "rope.checkConversion: rotaryDim must be an even integer from 2 to 4 (the head dimension), got 6");
  EXPECT_EQ(error_of([] { r::check_conversion(MatrixXd::Ones(6, 3), MatrixXd::Ones(3, 3), MatrixXd::Ones(2, 3), {}, 2, 1, r::Pairing::half); }),
            "rope.checkConversion: wq has 6 rows = 2 heads × 3; the head dimension must be an even number (RoPE rotates pairs)");
}

TEST(RopeRegression, CheckConversionOverflowIsAnErrorNotNaN) {
  // Finite weights whose scores overflow gave NaN scores (inf − inf in q·k); projections that
  // overflow were reported as "x has a non-finite entry" although x is finite.
  MatrixXd wq = MatrixXd::Constant(4, 2, 0.625), wk = MatrixXd::Constant(2, 2, 0.625);
  wq(0, 0) = 1e200;
  wk(1, 0) = -1e200;
  const MatrixXd x = (MatrixXd(2, 2) << 1, 0.5, -0.25, 1).finished();
  EXPECT_EQ(error_of([&] { r::check_conversion(wq, wk, x, {}, 2, 1, r::Pairing::half); }),
            "rope.checkConversion: the scores q·k overflow double precision (the projections reach 1e+200 and 1e+200 "
            "in magnitude); scale the weights or x down");
  wq(0, 0) = 1.7976931348623157e308;
  EXPECT_EQ(error_of([&] { r::check_conversion(wq, wk, x, {}, 2, 1, r::Pairing::half); }),
            "rope.checkConversion: the projection W·xᵀ has entries up to 1.8e+308 in magnitude; rotated they could "
            "exceed the largest float64");
  MatrixXd wbig = MatrixXd::Constant(2, 2, 1.5e308);
  EXPECT_EQ(error_of([&] { r::check_conversion(wbig, wbig, MatrixXd::Ones(1, 2), {}, 1, 1, r::Pairing::half); }),
            "rope.checkConversion: the projections of x overflow double precision (an entry of W·xᵀ is inf); scale the "
            "weights or x down");
}

TEST(RopeRegression, ScoresOfHugeEntriesAreScaledOrAnError) {
  // q·k with entries near 1e200 overflowed inside a representable score (inf − inf = NaN); q and k
  // are now scaled by powers of 2 first.
  const VectorXd q = vec({1e200, 1e200}), k = vec({1e200, -1e200});
  EXPECT_EQ(r::scores(q, k, vec({0}))(0), 0.0);  // qᵀk = 1e400 − 1e400
  // offset 1: qᵀR₁k = 1e400·(cos 1 − sin 1 − sin 1 − cos 1)… beyond the double range: an error.
  EXPECT_EQ(error_of([&] { r::scores(q, k, vec({1})); }),
            "rope.scores: a score overflows double precision (q and k have entries up to 1e+200 and 1e+200 in magnitude); "
            "scale q or k down");
  const VectorXd big = vec({12.125, 224.84375, -1.3676981325261295e-08, -1.7976931348623157e308});
  const VectorXd kb = vec({3.902241587638855e-06, -7.375, -1.7976931348623157e308, 1.75});
  r::Options half;
  half.pairing = r::Pairing::half;
  EXPECT_EQ(error_of([&] { r::scores(big, kb, vec({1.75}), half); }),
            "rope.scores: a score overflows double precision (q and k have entries up to 1.8e+308 and 1.8e+308 in "
            "magnitude); scale q or k down");
  // Tiny and huge together: the exact score 1e300 · 1e-300 = 1 at offset 0.
  EXPECT_NEAR(r::scores(vec({1e300, 0}), vec({1e-300, 0}), vec({0}))(0), 1.0, 1e-15);
  // YaRN's attention factor a = 1e200: a² overflows, but a zero rotated score stays 0 (was inf·0 = NaN).
  r::Options yarn;
  yarn.scaling.kind = r::ScalingKind::yarn;
  yarn.scaling.factor = 4;
  yarn.scaling.original_context = 4096;
  yarn.scaling.attention_factor = 1e200;
  EXPECT_EQ(r::scores(vec({1, 0}), vec({0, 1}), vec({0}), yarn)(0), 0.0);
  EXPECT_EQ(error_of([&] { r::scores(vec({1, 0}), vec({0, 1}), vec({1}), yarn); }),
            "rope.scores: a score overflows double precision (q and k have entries up to 1 and 1 in magnitude); scale q "
            "or k down");
  // 2-D scores: the same scaling.
  const MatrixXd s2 = r::scores_2d(vec({1e200, 1e200, 1e200, 1e200}), vec({1e200, -1e200, 1e200, -1e200}), vec({0}),
                                   vec({0}), r::Encoding2d::rope2d);
  EXPECT_EQ(s2(0, 0), 0.0);
  EXPECT_EQ(error_of([] {
              r::scores_2d(vec({1e200, 0, 0, 0}), vec({1e200, 0, 0, 0}), vec({0}), vec({0}), r::Encoding2d::sum);
            }),
            "rope.scores2d: a score overflows double precision (q and k have entries up to 1e+200 and 1e+200 in "
            "magnitude); scale q or k down");
  // Ordinary inputs are unchanged (the scaling is by powers of 2).
  EXPECT_NEAR(r::scores(Q, K, vec({-3}))(0), 0.016991833351582643, 1e-16);
}

TEST(RopeRegression, TinyYarnAttentionFactorKeepsFullPrecision) {
  // a·cos and a·sin with a subnormal attention factor (a = 1e-320 has 9 significant bits) changed
  // the length of rotated pairs by up to 50% (a = 5e-324: a·cos ∈ {0, 5e-324}); such a factor now
  // multiplies the rotated values instead.
  r::Options o;
  o.scaling.kind = r::ScalingKind::yarn;
  o.scaling.factor = 4;
  o.scaling.original_context = 4096;
  o.scaling.attention_factor = 1e-320;
  const RM x = rows({{1e300, 0, 3e299, -2e299}});
  const VectorXd th = r::frequencies(4, o);
  const RM out = r::apply(x, vec({1}), o);
  const double a = 1e-320;
  const double want[4] = {a * (1e300 * std::cos(th(0))), a * (1e300 * std::sin(th(0))),
                          a * (3e299 * std::cos(th(1)) + 2e299 * std::sin(th(1))),
                          a * (3e299 * std::sin(th(1)) - 2e299 * std::cos(th(1)))};
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(out(0, j), want[j], 4 * kEps * 1e-20) << j;
  // float32, and the smallest factor: the pair keeps its length a·|x|.
  o.scaling.attention_factor = 4.9406564584124654e-324;
  const float xf[2] = {1e30f, 0};
  float of[2];
  const double pos = 1;
  r::apply(xf, of, 1, 2, &pos, o);
  EXPECT_EQ(of[0], 0.0f);  // 4.9e-294 underflows float32
  const RM big = r::apply(rows({{1e300, 0}}), vec({1}), o);
  EXPECT_NEAR(std::hypot(big(0, 0), big(0, 1)), 4.9406564584124654e-24, 1e-15 * 4.94e-24);
}

TEST(RopeFixtures, ApplyAgainstHuggingFaceAndMetaForms) {
  const json& fx = fixtures();
  ASSERT_GE(fx["apply"].size(), 16u);
  for (const json& c : fx["apply"]) {
    const std::string name = c["name"];
    r::Options o;
    o.pairing = pairing_of(c["pairing"]);
    o.heads = c["heads"];
    o.rotary_dim = c["rotary_dim"];
    o.base = c["base"];
    const RM x = decode(c["x"]);
    const VectorXd pos = c["positions"].is_null() ? VectorXd() : dvec(c["positions"]);
    const RM y = r::apply(x, pos, o);
    const double atol = c["atol"];
    EXPECT_LE(max_abs(y - decode(c["expected"])), atol) << name << " (" << c["reference"].get<std::string>() << ")";
    if (c.contains("mp_expected")) EXPECT_LE(max_abs(y - decode(c["mp_expected"])), atol) << name << " (mpmath)";
  }
}

TEST(RopeFixtures, Float32) {
  for (const json& c : fixtures()["float32"]) {
    const RM x = decode(c["x"]);
    const r::RowMatrixXf xf = x.cast<float>();
    r::RowMatrixXf y(xf.rows(), xf.cols());
    r::apply(xf.data(), y.data(), xf.rows(), xf.cols(), nullptr, with_pairing(pairing_of(c["pairing"])));
    const RM want = decode(c["expected32"]);
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      const float w = static_cast<float>(want.data()[i]);
      EXPECT_LE(std::abs(y.data()[i] - w), std::abs(std::nextafter(w, 2 * w + 1.0f) - w)) << c["name"] << " " << i;
    }
  }
}

TEST(RopeFixtures, ScalingFrequencies) {
  const json& fx = fixtures();
  ASSERT_GE(fx["scaling"].size(), 8u);
  for (const json& c : fx["scaling"]) {
    const r::Options o = scaling_options(c);
    const VectorXd theta = r::frequencies(c["dim"], o);
    const VectorXd want = dvec(c["theta"]);
    ASSERT_EQ(theta.size(), want.size());
    const double rtol = c["rtol"];
    for (Eigen::Index i = 0; i < want.size(); ++i)
      EXPECT_NEAR(theta(i), want(i), rtol * want(i)) << c["name"] << " θ_" << i;
    const r::ContextScaling cs = r::context_scaling(c["dim"], 1000, [&] {
      r::Options oo = o;
      if (oo.scaling.original_context == 0) oo.scaling.original_context = 1000;
      return oo;
    }());
    EXPECT_NEAR(cs.attention_factor, c["attention_factor"].get<double>(), 1e-15) << c["name"];
  }
  const json& ya = fx["yarn_apply"];
  r::Options o;
  o.base = ya["base"];
  o.pairing = r::Pairing::half;
  o.scaling.kind = r::ScalingKind::yarn;
  o.scaling.factor = ya["factor"];
  o.scaling.original_context = ya["originalContext"];
  const RM y = r::apply(decode(ya["x"]), dvec(ya["positions"]), o);
  EXPECT_LE(max_abs(y - decode(ya["expected"])), ya["atol"].get<double>());
}

TEST(RopeFixtures, ContextScaling) {
  for (const json& c : fixtures()["context"]) {
    r::Options o = scaling_options(c);
    const r::ContextScaling cs = r::context_scaling(c["dim"], c["L"], o);
    const VectorXd st = dvec(c["scaled_theta"]), wl = dvec(c["wavelength"]), turns = dvec(c["rotations"]);
    for (Eigen::Index i = 0; i < st.size(); ++i) {
      EXPECT_NEAR(cs.scaled_theta(i), st(i), 64 * kEps * st(i)) << c["name"];
      EXPECT_NEAR(cs.wavelength(i), wl(i), 64 * kEps * wl(i)) << c["name"];
      EXPECT_NEAR(cs.rotations(i), turns(i), 64 * kEps * turns(i)) << c["name"];
      EXPECT_EQ(cs.unseen[static_cast<size_t>(i)], c["unseen"][static_cast<size_t>(i)].get<bool>()) << c["name"] << " " << i;
    }
    EXPECT_EQ(cs.unseen_count, c["unseen_count"].get<int>()) << c["name"];
  }
}

TEST(RopeFixtures, DecayAxialConversionMatricesScoresFamily) {
  const json& fx = fixtures();
  const json& d = fx["decay"];
  const VectorXd f = r::decay(d["dim"], dvec(d["offsets"]));
  const VectorXd want = dvec(d["numpy"]);
  for (Eigen::Index i = 0; i < f.size(); ++i) EXPECT_NEAR(f(i), want(i), 1e-12 * want(i)) << "decay numpy " << i;
  const VectorXd fm = r::decay(d["dim"], dvec(d["mp_offsets"]));
  for (Eigen::Index i = 0; i < fm.size(); ++i)
    EXPECT_NEAR(fm(i), d["mpmath"][static_cast<size_t>(i)].get<double>(), 1e-13 * fm(i)) << "decay mpmath " << i;

  ASSERT_GE(fx["axial"].size(), 12u);
  for (const json& c : fx["axial"]) {
    r::AxialOptions o;
    o.pairing = pairing_of(c["pairing"]);
    o.frequencies = c["frequencies"] == "shared" ? r::AxialFrequencies::shared : r::AxialFrequencies::split;
    const RM y = r::apply_axial(decode(c["x"]), decode(c["positions"]), o);
    EXPECT_LE(max_abs(y - decode(c["expected"])), c["atol"].get<double>()) << c["name"];
  }

  const json& cv = fx["conversion"];
  const int heads = cv["heads"], kv = cv["kv_heads"];
  const RM wq = decode(cv["wq"]), wk = decode(cv["wk"]);
  EXPECT_EQ(r::convert_weights(wq, heads, r::Pairing::interleaved, r::Pairing::half), decode(cv["wq_half"]));
  EXPECT_EQ(r::convert_weights(wk, kv, r::Pairing::interleaved, r::Pairing::half), decode(cv["wk_half"]));
  const std::vector<int> perm = r::permutation(cv["head_dim"], r::Pairing::interleaved, r::Pairing::half);
  const VectorXd hf = dvec(cv["permutation"]);
  for (int j = 0; j < static_cast<int>(perm.size()); ++j) EXPECT_EQ(perm[j], hf(j));
  const r::ConversionCheck c = r::check_conversion(wq, wk, decode(cv["x"]), {}, heads, kv, r::Pairing::half);
  const double atol = cv["atol"];
  EXPECT_LE(max_abs(c.scores - MatrixXd(decode(cv["scores"]))), atol);
  EXPECT_LE(max_abs(c.converted_scores - MatrixXd(decode(cv["converted_scores"]))), atol);
  EXPECT_LE(max_abs(c.unconverted_scores - MatrixXd(decode(cv["unconverted_scores"]))), atol);
  EXPECT_NEAR(c.unconverted_relative_difference, cv["unconverted_relative_difference"].get<double>(), 1e-12);
  EXPECT_TRUE(c.agree);

  for (const json& m : fx["matrices"]) {
    const r::Options o = with_pairing(pairing_of(m["pairing"]));
    EXPECT_LE(max_abs(r::generator(m["dim"], o) - MatrixXd(decode(m["generator"]))), 2 * kEps);  // pow vs 1/pow: ≤ 1 ulp
    EXPECT_LE(max_abs(r::rotation_matrix(m["dim"], m["position"], o) - MatrixXd(decode(m["rotation_expm"]))),
              m["atol"].get<double>())
        << "R_m vs scipy expm(mB), dim " << m["dim"];
  }

  const json& s = fx["scores"];
  const VectorXd sc = r::scores(dvec(s["q"]), dvec(s["k"]), dvec(s["offsets"]));
  const double satol = s["atol"];
  for (Eigen::Index i = 0; i < sc.size(); ++i) EXPECT_NEAR(sc(i), s["scores"][static_cast<size_t>(i)].get<double>(), satol);
  const VectorXd q2 = dvec(s["q2"]), k2 = dvec(s["k2"]), dd = dvec(s["d"]);
  const MatrixXd rope2d = r::scores_2d(q2, k2, dd, dd, r::Encoding2d::rope2d);
  const MatrixXd flat = r::scores_2d(q2, k2, dd, dd, r::Encoding2d::flattened, s["width"]);
  const MatrixXd sum = r::scores_2d(q2, k2, dd, dd, r::Encoding2d::sum);
  EXPECT_LE(max_abs(rope2d - MatrixXd(decode(s["rope2d"]))), satol);
  EXPECT_LE(max_abs(flat - MatrixXd(decode(s["flattened"]))), satol);
  EXPECT_LE(max_abs(sum - MatrixXd(decode(s["sum"]))), satol);

  for (const json& c : fx["family"]) {
    r::FamilyParams p{c["b"], c["c"], c["d"], c["e"], c["f"], 1.0};
    const r::Family f = r::generator_family(p);
    EXPECT_LE(max_abs(f.commutator - MatrixXd(decode(c["commutator"]))), 1e-15);
    EXPECT_LE(max_abs(f.rotation_from - MatrixXd(decode(c["rotation_from"]))), 1e-14);
    EXPECT_LE(max_abs(f.rotation_to - MatrixXd(decode(c["rotation_to"]))), 1e-14);
    EXPECT_NEAR(f.relativity, c["relativity"].get<double>(), 1e-13);
  }
}

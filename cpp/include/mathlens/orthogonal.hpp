// mathlens::orthogonal — orthogonal matrices T with T a = b for unit vectors a, b in any dimension
// d ≥ 2 (spec/MATH.md §3, kexue.fm/archives/8453).
//
// Inputs are normalised first (T â = b̂ with â = a/‖a‖, b̂ = b/‖b‖, so T a = (‖a‖/‖b‖) b); a zero
// vector is an error. Let c = cos θ = âᵀb̂, θ ∈ [0, π], and e the unit vector of b̂ − c â (so that
// b̂ = cos θ â + sin θ e). Every construction is the identity (or −identity) plus a rank-2 term in
// the plane F = [â e] (d × 2):
//
//   T = α I + F M Fᵀ,  φ = θ/2,
//   rotation    (det +1)          α = +1, M = [[−2sin²φ, −2sinφcosφ], [2sinφcosφ, −2sin²φ]]
//               = I + 2b̂âᵀ − (â+b̂)(â+b̂)ᵀ/(1+c), the minimal rotation (identity on span{a,b}^⊥);
//   householder (det −1)          α = +1, M = −2wwᵀ, w = (−sinφ, cosφ)
//               = I − 2vvᵀ, v = (b̂ − â)/‖b̂ − â‖, a reflection (symmetric, involutive);
//   simplest    (det (−1)^{d+1})  α = −1, M = 2uuᵀ, u = (cosφ, sinφ)
//               = (â+b̂)(â+b̂)ᵀ/(1+c) − I = 2uuᵀ − I, u = (â+b̂)/‖â+b̂‖, the post's favourite.
//
// The block form is exact algebra on the closed forms, but it never divides by 1 ± c: c and
// sin θ come from projecting b̂ onto â (projecting the remainder once more when sin θ < 1/2, so
// that e ⟂ â to ~eps however small sin θ is), θ = atan2(sin θ, cos θ), and the half-angle sines and
// cosines give 1 − c = 2sin²φ and 1 + c = 2cos²φ without cancellation. T is orthogonal and
// T â = b̂ to a few ulps for every pair, including pairs at angle 1e-300 from ±a. Dot products and
// norms are summed pairwise over blocks of 256, so the rounding error grows like log d, not d.
//
// Near-singular switches (tested for continuity): the half-angle formulas use 1 + c when c ≥ 0 and
// 1 − c when c < 0 (both exact in exact arithmetic, so the switch at c = 0 is seamless); the second
// projection starts at sin θ < 1/2; the degenerate rule below applies at sin θ ≤ kParallelTolerance.
//
// Degenerate pairs. When sin θ ≤ kParallelTolerance (b̂ = ±â to within rounding of the normalised
// inputs) the plane of a and b is undefined; then θ is set to exactly 0 or π and e is taken from
// `fallback` (Gram–Schmidt against â, twice), by default the coordinate axis least aligned with â
// (smallest |â_k|, first on ties): e = (e_k − â_k â)/‖e_k − â_k â‖. This gives, at b = −a,
//   rotation:    T = I − 2ââᵀ − 2eeᵀ (a π-rotation in the plane of a and e; −I in 2-D);
//   simplest:    T = 2eeᵀ − I;    householder: T = I − 2ââᵀ (well defined);
// and at b = a: rotation T = I, simplest T = 2ââᵀ − I (both well defined), householder
// T = I − 2eeᵀ (the mirror through a orthogonal to e: det −1 is kept; in 2-D this is the limit of
// the Householder reflection, while the identity would not be). Approaching the degenerate pair
// along e gives a continuous result; along another direction the limit differs, because the
// rotation (d ≥ 3) and the reflections (d ≥ 3) are discontinuous there — see Report::sensitivity.
//
// Every function throws mathlens::Error("orthogonal.<jsName>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <limits>
#include <string>
#include <vector>

namespace mathlens::orthogonal {

/// Row-major matrix: a batch of vectors, one per row (how JavaScript lays them out).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Any contiguous vector (VectorXd, a Map of foreign memory, a segment) without a copy.
using VectorRef = Eigen::Ref<const Eigen::VectorXd>;

/// Which orthogonal map taking a to b.
enum class Construction {
  rotation,     ///< minimal rotation I + 2baᵀ − (a+b)(a+b)ᵀ/(1+c), det +1
  householder,  ///< Householder reflection I − 2vvᵀ, v = (b−a)/‖b−a‖, det −1
  simplest,     ///< the post's (a+b)(a+b)ᵀ/(1+c) − I, det (−1)^{d+1}
};
/// "rotation", "householder" or "simplest".
const char* construction_name(Construction c);

/// sin θ at or below which b̂ counts as exactly ±â (32 ulps of 1: ≈ 7.1e-15). Normalising the same
/// direction twice (b = k·a for any k ≠ 0) leaves sin θ ≲ 4 eps, well below it.
inline constexpr double kParallelTolerance = 32 * std::numeric_limits<double>::epsilon();

struct Options {
  Construction construction = Construction::rotation;
  /// Direction that completes the plane when b = ±a (only used then). Empty: the coordinate axis
  /// least aligned with a. Must have d entries and not be parallel to a.
  Eigen::VectorXd fallback;
};

/// The geometry of a pair: T = alpha I + F m Fᵀ with F = [a e] (see the header comment).
struct Frame {
  Eigen::VectorXd a;  ///< â, unit
  Eigen::VectorXd b;  ///< b̂, unit
  Eigen::VectorXd e;  ///< unit, ⟂ â; b̂ = cos θ â + sin θ e (or the fallback direction when degenerate)
  double cos_theta = 1, sin_theta = 0, theta = 0;  ///< θ ∈ [0, π], cos² + sin² = 1
  double norm_a = 0, norm_b = 0;                   ///< ‖a‖, ‖b‖ of the inputs (may overflow to inf)
  bool degenerate = false;                         ///< sin θ ≤ kParallelTolerance: b̂ = ±â
  Eigen::Index fallback_axis = -1;  ///< the axis k that gave e when degenerate with no fallback, else −1
  Construction construction = Construction::rotation;
  double alpha = 1;
  Eigen::Matrix2d m = Eigen::Matrix2d::Zero();
};

/// Validates a and b (finite, equal lengths d ≥ 2, non-zero) and builds the frame. `fn` is the
/// JavaScript name used in error messages.
Frame frame(const VectorRef& a, const VectorRef& b, const Options& options = {},
            const char* fn = "orthogonal.frame");

/// The d × d matrix T of `options.construction`. O(d²); exactly symmetric for householder/simplest.
Eigen::MatrixXd matrix(const VectorRef& a, const VectorRef& b, const Options& options = {});
/// T_rot = I + 2baᵀ − (a+b)(a+b)ᵀ/(1+aᵀb) (unit a, b): the rotation by θ in the plane of a and b.
Eigen::MatrixXd minimal_rotation(const VectorRef& a, const VectorRef& b,
                                 const Eigen::VectorXd& fallback = {});
/// T_H = I − 2vvᵀ, v = (b − a)/‖b − a‖ (unit a, b).
Eigen::MatrixXd householder(const VectorRef& a, const VectorRef& b,
                            const Eigen::VectorXd& fallback = {});
/// T_S = (a+b)(a+b)ᵀ/(1+aᵀb) − I (unit a, b), the post's "simplest" form.
Eigen::MatrixXd simplest(const VectorRef& a, const VectorRef& b, const Eigen::VectorXd& fallback = {});

/// T x (or Tᵀ x = T⁻¹ x when `transpose`), O(d): two dot products and two axpys, T never formed.
Eigen::VectorXd apply(const VectorRef& a, const VectorRef& b, const VectorRef& x,
                      const Options& options = {}, bool transpose = false);
/// The same in place on one vector x (length d).
void apply_vector(const VectorRef& a, const VectorRef& b, Eigen::Ref<Eigen::VectorXd> x,
                  const Options& options = {}, bool transpose = false);
/// Every row x_i of `rows` (n × d) replaced by T x_i (or Tᵀ x_i), in place; O(n d).
void apply_rows(const VectorRef& a, const VectorRef& b, Eigen::Ref<RowMatrix> rows,
                const Options& options = {}, bool transpose = false);
/// The frame's map applied in place to n rows of length d at `x`, row i starting at x + i·stride
/// (stride 0: d, contiguous). A row with a non-finite entry (or one so large that T x would
/// overflow) throws before it is changed; rows before it are already mapped.
void apply_frame(const Frame& f, double* x, Eigen::Index n, bool transpose = false, Eigen::Index stride = 0);

/// The matrix with its checks, computed from the formed matrix. O(d³) (the product TᵀT and an LU).
struct Report {
  int dim = 0;
  Construction construction = Construction::rotation;
  Eigen::MatrixXd matrix;
  Eigen::VectorXd unit_a, unit_b;  ///< â, b̂
  Eigen::VectorXd plane_vector;    ///< e: b̂ = cos θ â + sin θ e (the fallback direction when degenerate)
  Eigen::VectorXd bisector;        ///< u = (â + b̂)/‖â + b̂‖ (= e when b = −a); T_S = 2uuᵀ − I
  Eigen::VectorXd mirror_normal;   ///< v = (b̂ − â)/‖b̂ − â‖ (= e when b = a); T_H = I − 2vvᵀ
  double cos_theta = 1, sin_theta = 0, angle = 0;  ///< θ = ∠(a, b) ∈ [0, π]
  double norm_a = 0, norm_b = 0;
  double orthogonality_error = 0;  ///< ‖TᵀT − I‖_F
  double residual = 0;             ///< ‖T â − b̂‖₂
  double inverse_residual = 0;     ///< ‖Tᵀ b̂ − â‖₂
  double determinant = 0;          ///< det T by LU with partial pivoting
  int expected_determinant = 1;    ///< +1, −1 or (−1)^{d+1}
  double trace = 0;                ///< Tr T (rotation: d − 2 + 2c)
  bool degenerate = false;
  Eigen::Index fallback_axis = -1;
  /// First-order sensitivity max ‖ΔT‖_F / ‖Δb̂‖ over small changes of the unit vector b̂ (of â:
  /// alike): √2 in 2-D (T depends only on the angle); in d ≥ 3, 2√2/‖â+b̂‖ for rotation and
  /// simplest and 2√2/‖â−b̂‖ for householder, attained by a change of b̂ orthogonal to the plane
  /// of a and b — large near the pair where that plane (or mirror) is undefined, infinite there.
  double sensitivity = 0;
  std::vector<std::string> warnings;
};
Report report(const VectorRef& a, const VectorRef& b, const Options& options = {});

}  // namespace mathlens::orthogonal

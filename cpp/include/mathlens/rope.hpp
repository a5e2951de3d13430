// mathlens::rope — rotary position embedding in one and more dimensions: the posts
// "Transformer upgrade path 2: RoPE" (kexue.fm/archives/8265) and "... 4: 2-D RoPE" (/archives/8397),
// spec/MATH.md §4.
//
// Conventions (MATH.md §4b): angles in radians; θ_i = base^(−2i/d), i = 0..d/2−1 (0-based; the
// RoFormer paper writes −2(i−1)/d, 1-based); a pair (u, v) is rotated by R(φ) = [[cos φ, −sin φ],
// [sin φ, cos φ]]. Two layouts of the pairs are in use:
//   interleaved — pair i is dims (2i, 2i+1): RoFormer, GPT-J, Meta's LLaMA (complex form x0 + i x1);
//   half        — pair i is dims (i, i + d/2): GPT-NeoX, Hugging Face LLaMA (`rotate_half`).
// With a rotary dimension r < d only the first r dims are rotated (frequencies use r), the rest pass.
// N-D (axial) RoPE splits the head dimension into k equal parts; part a is a 1-D RoPE of its own
// dimension d/k driven by coordinate a (MATH.md's chosen convention for the post's 2-D case, k = 2);
// the alternative reuses the first d/(2k) frequencies of the d-dimensional schedule.
// Every function throws mathlens::Error("rope.<jsName>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mathlens::rope {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Which dimensions form a rotated pair.
enum class Pairing {
  interleaved,  ///< (2i, 2i+1): RoFormer, GPT-J, Meta LLaMA
  half,         ///< (i, i + r/2): GPT-NeoX, Hugging Face LLaMA (rotate_half)
};

/// The frequency schedule of the parts of N-D (axial) RoPE.
enum class AxialFrequencies {
  split,   ///< part a is a 1-D RoPE of dimension P = d/k: θ_j = base^(−2j/P) (default, MATH.md §4b)
  shared,  ///< θ_j = base^(−2j/d), j < P/2: the first P/2 frequencies of the d-dimensional schedule
};

/// Context-length scaling of the frequencies (Hugging Face `rope_scaling` semantics).
enum class ScalingKind {
  none,
  linear,   ///< position interpolation: θ'_i = θ_i / s
  ntk,      ///< NTK-aware: base' = base · s^(d/(d−2))
  dynamic,  ///< dynamic NTK: base' = base · (s·L/L₀ − (s − 1))^(d/(d−2)) once L > L₀
  yarn,     ///< YaRN: per-dimension ramp between θ_i and θ_i/s, attention factor 0.1 ln s + 1
  llama3,   ///< Llama 3.1: θ_i/s for wavelengths > L₀/low, θ_i below L₀/high, smooth in between
};

struct Scaling {
  ScalingKind kind = ScalingKind::none;
  double factor = 1;            ///< s ≥ 1
  double original_context = 0;  ///< L₀, the trained context (needed by dynamic, yarn, llama3)
  double length = 0;            ///< dynamic: current sequence length L (0: max position + 1)
  double beta_fast = 32, beta_slow = 1;              ///< yarn: rotations bounding the ramp
  bool truncate = true;                              ///< yarn: floor/ceil the ramp bounds (HF default)
  std::optional<double> attention_factor;            ///< yarn: default 0.1 ln s + 1
  double low_freq_factor = 1, high_freq_factor = 4;  ///< llama3
};

struct Options {
  double base = 10000;
  Pairing pairing = Pairing::interleaved;
  int rotary_dim = 0;  ///< dims rotated per head (even, ≤ head dim); 0: all
  int heads = 1;       ///< x holds `heads` heads side by side; each is rotated alike
  Scaling scaling;
};

struct AxialOptions {
  double base = 10000;
  Pairing pairing = Pairing::interleaved;  ///< the layout of the pairs inside each part
  AxialFrequencies frequencies = AxialFrequencies::split;
  int heads = 1;
};

// ---------------------------------------------------------------- frequencies and application

/// θ_i = base^(−2i/dim), i = 0..dim/2−1 (MATH.md §4a), after `scaling` if one is set. `length`
/// stands in for the sequence length of dynamic NTK when scaling.length is 0.
Eigen::VectorXd frequencies(int dim, const Options& options = {}, double length = 0);

/// Applies 1-D RoPE to every row of the row-major rows×cols block `x`: row t is rotated by R_{p_t},
/// p_t = positions[t] (positions == nullptr: p_t = t). Angles are evaluated in double precision for
/// float input too; `out` may equal `x` (in place) but must not otherwise overlap it. YaRN's
/// attention factor multiplies the rotated dims, as in Hugging Face (cos and sin scaled; a factor below
/// 2^-960 multiplies the rotated values instead, keeping full precision). Integer positions use exact
/// sin/cos at √L coarse steps and the angle addition formula in between (error ≤ 3 ulp plus the
/// inherent |p θ| ulp of the angle itself).
void apply(const double* x, double* out, Eigen::Index rows, Eigen::Index cols, const double* positions,
           const Options& options = {});
void apply(const float* x, float* out, Eigen::Index rows, Eigen::Index cols, const double* positions,
           const Options& options = {});
/// Convenience form; `positions` empty means 0..rows−1.
RowMatrixXd apply(const RowMatrixXd& x, const Eigen::VectorXd& positions = {}, const Options& options = {});

/// N-D axial RoPE: positions is rows×axes (row-major); part a of every head is rotated by coordinate
/// a. axes = 2 is the post's 2-D RoPE: R_{x,y} = blockdiag(R^{(d/2)}_x, R^{(d/2)}_y).
void apply_axial(const double* x, double* out, Eigen::Index rows, Eigen::Index cols, const double* positions,
                 int axes, const AxialOptions& options = {}, const char* fn = "rope.applyAxial");
void apply_axial(const float* x, float* out, Eigen::Index rows, Eigen::Index cols, const double* positions,
                 int axes, const AxialOptions& options = {}, const char* fn = "rope.applyAxial");
RowMatrixXd apply_axial(const RowMatrixXd& x, const RowMatrixXd& positions, const AxialOptions& options = {});
/// apply_axial with 2 axes and the messages of rope.apply2d.
RowMatrixXd apply_2d(const RowMatrixXd& x, const RowMatrixXd& positions, const AxialOptions& options = {});

// ---------------------------------------------------------------- matrices

/// The dense dim×dim rotation R_m (MATH.md §4a), in the chosen pairing, with scaling's frequencies.
Eigen::MatrixXd rotation_matrix(int dim, double position, const Options& options = {});
/// The generator B with R_m = exp(mB): blockdiag(θ_i J), J = [[0, −1], [1, 0]] (skew-symmetric).
Eigen::MatrixXd generator(int dim, const Options& options = {});
/// R_{p} = exp(Σ_a p_a B_a) of axial RoPE, for a point p with one coordinate per axis.
Eigen::MatrixXd rotation_matrix_axial(int dim, const Eigen::VectorXd& point, const AxialOptions& options = {});
/// The commuting generators B_1..B_k of axial RoPE (disjoint diagonal blocks).
std::vector<Eigen::MatrixXd> generators_axial(int dim, int axes, const AxialOptions& options = {});

/// exp(A) by scaling and squaring of a degree-18 Taylor polynomial; used by the checks as an
/// independent evaluation of exp(mB) (accurate for the normal matrices met here).
Eigen::MatrixXd expm(const Eigen::MatrixXd& a);

// ---------------------------------------------------------------- converting between pairings

/// Index map within one head: converted[j] = original[perm[j]]. Interleaved → half is
/// perm = (0, 2, 4, …, r−2, 1, 3, …, r−1, r, …, d−1) (Hugging Face's convert_llama_weights_to_hf
/// `permute`); half → interleaved is its inverse.
std::vector<int> permutation(int head_dim, Pairing from, Pairing to, int rotary_dim = 0);

/// Permutes the rows of a q or k projection weight (rows = heads × head_dim, PyTorch's
/// out_features × in_features; a bias is a one-column matrix) head by head.
RowMatrixXd convert_weights(const RowMatrixXd& w, int heads, Pairing from, Pairing to, int rotary_dim = 0);
void convert_weights(const double* w, double* out, Eigen::Index rows, Eigen::Index cols, int heads, Pairing from,
                     Pairing to, int rotary_dim);
void convert_weights(const float* w, float* out, Eigen::Index rows, Eigen::Index cols, int heads, Pairing from,
                     Pairing to, int rotary_dim);

struct ConversionCheck {
  int heads = 0, kv_heads = 0, head_dim = 0;
  /// Scores (RoPE q)·(RoPE k) of every head, stacked: (heads·n) × n. original: the weights in
  /// `from` with `from` RoPE; converted: permuted weights with `to` RoPE; unconverted: the classic
  /// bug, original weights with `to` RoPE.
  Eigen::MatrixXd scores, converted_scores, unconverted_scores;
  double max_abs_score = 0;
  double max_abs_difference = 0;       ///< max |converted − original|
  double relative_difference = 0;      ///< max_abs_difference / max_abs_score
  double unconverted_relative_difference = 0;
  bool agree = false;                  ///< relative_difference ≤ 1e-12
  ~ConversionCheck();  // out of line: keeps callers small
};
/// Projects x (n × d_model) with wq ((heads·hd) × d_model) and wk ((kv_heads·hd) × d_model), applies
/// RoPE at `positions` (empty: 0..n−1) and compares the attention scores before and after converting
/// the weights from options.pairing to `to`. Grouped-query attention: query head h uses key head
/// h / (heads / kv_heads).
ConversionCheck check_conversion(const Eigen::MatrixXd& wq, const Eigen::MatrixXd& wk, const Eigen::MatrixXd& x,
                                 const Eigen::VectorXd& positions, int heads, int kv_heads, Pairing to,
                                 const Options& options = {});

// ---------------------------------------------------------------- relativity and reversibility

/// Residuals (max abs entry) of the 1-D identities of MATH.md §4c for positions m and n.
struct Check {
  double relativity = 0;     ///< R_mᵀ R_n − R_{n−m}
  double composition = 0;    ///< R_m R_n − R_{m+n}
  double orthogonality = 0;  ///< R_mᵀ R_m − I
  double identity = 0;       ///< R_0 − I
  double generator = 0;      ///< exp(mB) − R_m (expm() above)
  double skew = 0;           ///< B + Bᵀ
};
Check check(int dim, double m, double n, const Options& options = {});

/// Residuals of the axial identities and the reversibility of p2 ↦ R_{p2}.
struct AxialCheck {
  double relativity = 0;     ///< R_{p1}ᵀ R_{p2} − R_{p2−p1}
  double orthogonality = 0;  ///< R_{p2}ᵀ R_{p2} − I
  double commutator = 0;     ///< max over pairs a < b of |B_a B_b − B_b B_a|
  double generator = 0;      ///< exp(Σ p2_a B_a) − R_{p2}
  Eigen::VectorXd recovered;  ///< p2 read back from R_{p2} (atan2 of each part's slowest pair, refined)
  double recovery_error = 0;  ///< max |recovered − p2|
  Eigen::VectorXd range;      ///< per axis: |p_a| < π/θ_min of that part is recoverable
  bool reversible = false;    ///< every |p2_a| is inside its range
  ~AxialCheck();
};
AxialCheck check_axial(int dim, const Eigen::VectorXd& p1, const Eigen::VectorXd& p2, const AxialOptions& options = {});

/// The post's 4×4 family B1 = [[0,−1,−b,0],[1,0,−c,0],[b,c,0,0],[0,0,0,0]],
/// B2 = [[0,0,0,−d],[0,0,0,−e],[0,0,0,−f],[d,e,f,0]] (MATH.md §4a'): they commute iff d = cf, e = −bf.
struct FamilyParams {
  double b = 0, c = 0, d = 0, e = 0, f = 1, theta = 1;
};
struct Family {
  Eigen::MatrixXd b1, b2, commutator;  ///< 4×4
  double max_commutator = 0;
  double condition_d = 0;  ///< d − c·f
  double condition_e = 0;  ///< e + b·f
  bool commutes = false;     ///< max |[B1, B2]| ≤ 1e-12 · scale
  bool independent = false;  ///< B1, B2 linearly independent (necessary for reversibility)
  Eigen::MatrixXd rotation_from, rotation_to;  ///< exp(θ(x B1 + y B2)) at the two points (4×4)
  double relativity = 0;  ///< max |R_fromᵀ R_to − R_{to−from}|
  ~Family();
};
Family generator_family(const FamilyParams& params, const std::array<double, 2>& from = {1, 2},
                        const std::array<double, 2>& to = {4, -1});

// ---------------------------------------------------------------- decay and score maps

/// The long-range decay curve of the 1-D post, f(r) = (2/d) Σ_{j=1}^{d/2} |S_j(r)|,
/// S_j(r) = Σ_{i<j} e^{i r θ_i} (MATH.md §4a), at each offset r.
Eigen::VectorXd decay(int dim, const Eigen::VectorXd& offsets, const Options& options = {});

/// s(r) = qᵀ R_r k = (R_m q)ᵀ (R_{m+r} k) for each offset r (depends on r only). q and k are scaled
/// by powers of 2 first, so products of huge entries inside a representable score do not overflow;
/// a score beyond the double range is an error (also in scores_2d).
Eigen::VectorXd scores(const Eigen::VectorXd& q, const Eigen::VectorXd& k, const Eigen::VectorXd& offsets,
                       const Options& options = {});

/// How a 2-D offset (Δx, Δy) becomes a rotation in scores_2d.
enum class Encoding2d {
  rope2d,     ///< the post's 2-D RoPE: qᵀ R_{Δx,Δy} k
  flattened,  ///< 1-D RoPE of dimension d on the flattened index x·w + y (what the post rejects)
  sum,        ///< 1-D RoPE on x + y: relative but not reversible
};
/// S(i, j) = score at (Δx, Δy) = (dx[i], dy[j]); rows follow dx, columns dy.
Eigen::MatrixXd scores_2d(const Eigen::VectorXd& q, const Eigen::VectorXd& k, const Eigen::VectorXd& dx,
                          const Eigen::VectorXd& dy, Encoding2d encoding, double width = 0,
                          const AxialOptions& options = {});

// ---------------------------------------------------------------- context scaling

/// Per-dimension view of a scaling at a context length L (MATH.md §4; Hugging Face rope_scaling).
struct ContextScaling {
  Eigen::VectorXd theta;             ///< θ_i unscaled
  Eigen::VectorXd scaled_theta;      ///< θ'_i
  Eigen::VectorXd wavelength;        ///< 2π / θ'_i (tokens per turn)
  Eigen::VectorXd original_wavelength;  ///< 2π / θ_i
  Eigen::VectorXd interpolation;     ///< θ_i / θ'_i: 1 = unchanged (extrapolated), s = fully interpolated
  Eigen::VectorXd rotations;         ///< L θ'_i / 2π: turns over the context
  Eigen::VectorXd max_angle;         ///< L θ'_i (radians)
  Eigen::VectorXd trained_angle;     ///< L₀ θ_i: the largest angle seen in training
  std::vector<bool> unseen;          ///< L₀θ_i < 2π and Lθ'_i > L₀θ_i: angles never seen in training
  int unseen_count = 0;
  double effective_base = 0;         ///< base' (ntk, dynamic); base otherwise
  double attention_factor = 1;       ///< YaRN's mscale (multiplies q and k)
  double context_length = 0, original_context = 0, scaled_context = 0;  ///< L, L₀, s·L₀
  std::vector<std::string> warnings;
  ~ContextScaling();
};
ContextScaling context_scaling(int dim, double context_length, const Options& options = {});

}  // namespace mathlens::rope

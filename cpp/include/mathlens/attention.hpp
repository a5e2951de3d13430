// mathlens::attention — exact softmax attention and three linear-time approximations of it:
// linear attention (Katharopoulos et al.), Performer FAVOR+ (Choromanski et al.) and Nyström
// attention (Xiong et al.), the subject of kexue.fm/archives/8180 (spec/MATH.md §5; costs §1).
//
// Shapes: q is n×d (queries), k is N×d (keys), v is N×dv (values); the output is n×dv. With
// `heads = h` the columns of q, k (and v) are split into h equal, contiguous heads (head size
// d/h, value size dv/h); each head is computed separately and the outputs are concatenated.
// Row i of the attention matrix is the distribution of query i over the N keys.
//
// Logit scale: logits are s·q_i·k_j with s = 1/√(d/h) by default (the Transformer convention; the
// Nyströmformer code multiplies q and k by (d/h)^(−1/4) each, which is the same). s = 1 gives Su's
// formulas without scaling. Linear attention ignores s (φ(x) = elu(x)+1 has no temperature).
//
// Memory: the approximations never form an n×N matrix. Exact attention streams over blocks of
// query rows, so the peak extra memory is one block of N·block doubles. The same streaming pass
// computes the errors of an approximation against exact attention, so `errors = true` costs about
// one exact attention. Only `matrix = true` forms the (heads·n)×N attention matrix, and only up to
// kMaxMatrixEntries entries.
//
// Every function throws mathlens::Error("attention.<jsName>: <argument> ...") on bad input.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mathlens::attention {

/// The largest attention matrix that `matrix = true` returns: heads·n·N ≤ 2²⁴ (128 MB of doubles).
inline constexpr double kMaxMatrixEntries = 16777216.0;

/// Options shared by every kernel.
struct Options {
  int heads = 1;                ///< number of heads the columns are split into
  std::optional<double> scale;  ///< logit scale s; default 1/√(head size)
  bool causal = false;          ///< query i sees keys j ≤ i only (needs n = N); not for Nyström
  bool errors = false;          ///< compare with exact softmax attention (one streaming exact pass)
  bool matrix = false;          ///< also return the (heads·n)×N attention matrix (head after head)
};

/// How far an approximation is from exact softmax attention (over all heads).
struct Errors {
  double output_relative_frobenius = 0;  ///< ‖Ô − O‖_F / ‖O‖_F of the outputs
  double output_max_abs = 0;             ///< max |Ô − O|
  double matrix_relative_frobenius = 0;  ///< ‖Â − P‖_F / ‖P‖_F of the attention matrices (streamed)
  double matrix_max_abs = 0;             ///< max |Â − P|
  double row_sum_deviation = 0;          ///< max_i |Σ_j Â_ij − 1| (exact: 0 up to round-off)
};

/// What every kernel returns.
struct Result {
  Eigen::MatrixXd output;            ///< n × dv
  Eigen::MatrixXd matrix;            ///< (heads·n) × N when requested, else empty
  std::optional<Errors> errors;      ///< when requested
  std::vector<std::string> warnings; ///< accuracy notes (e.g. an unconverged pseudo-inverse)
};

// ------------------------------------------------------------------------------------- exact

/// softmax(s·Q Kᵀ [+ causal mask]) V, row-wise softmax shifted by the row maximum (never overflows
/// for finite logits). Streams blocks of query rows; `errors` reports the round-off of the row sums.
Result exact(const Eigen::MatrixXd& q, const Eigen::MatrixXd& k, const Eigen::MatrixXd& v,
             const Options& options = {});

// ------------------------------------------------------------------------------------ linear

/// Linear attention with φ(x) = elu(x) + 1 (> 0): out_i = φ(q_i)ᵀ Σ_j φ(k_j) v_jᵀ / φ(q_i)ᵀ Σ_j φ(k_j),
/// computed as φ(Q)(φ(K)ᵀV) in O(n·d·dv); causal: prefix sums over j ≤ i, in chunks of 64 rows
/// (state S = Σ φ(k_j) v_jᵀ, z = Σ φ(k_j) carried across chunks). Rows of Â sum to 1.
Result linear(const Eigen::MatrixXd& q, const Eigen::MatrixXd& k, const Eigen::MatrixXd& v,
              const Options& options = {});

// --------------------------------------------------------------------------------- performer

/// How the Performer draws its random features.
struct PerformerOptions : Options {
  int features = 256;           ///< m random features
  std::uint64_t seed = 1;       ///< detail::Random seed (same features natively and in wasm)
  bool orthogonal = true;       ///< orthogonal blocks of d rows (ORF) instead of i.i.d. Gaussian rows
  std::optional<Eigen::MatrixXd> projection;  ///< use this m×(head size) matrix W instead of drawing
};

/// Performer FAVOR+: positive random features φ(x) = exp(Wx − ‖x‖²/2)/√m, E[φ(q)ᵀφ(k)] = exp(qᵀk),
/// with q, k scaled by √s each; out = φ(Q)(φ(K)ᵀV) / φ(Q)(φ(K)ᵀ1). W is shared by all heads.
/// Stabilised without changing the result: each key feature column is divided by its maximum
/// over the keys and each query row by its largest (shifted) feature, so the denominator is ≥ 1
/// (non-causal). Causal: prefix sums as in `linear`.
Result performer(const Eigen::MatrixXd& q, const Eigen::MatrixXd& k, const Eigen::MatrixXd& v,
                 const PerformerOptions& options = {});

/// The m×d projection the Performer draws for (features, d, seed, orthogonal). Stream of
/// detail::Random(seed).normal(): first ⌈m/d⌉ blocks of d×d Gaussians (row by row); with
/// `orthogonal` each block's rows are orthonormalised (Gram–Schmidt, twice, = QR with R_ii > 0) and
/// row r is then scaled by ‖g_r‖ for a further m×d Gaussians g (drawn after all blocks), so each
/// row's length is χ_d-distributed as for an i.i.d. Gaussian row. Without `orthogonal` the first m
/// rows of the blocks are used as drawn.
Eigen::MatrixXd random_features(int features, int d, std::uint64_t seed, bool orthogonal = true);

// ---------------------------------------------------------------------------------- nystrom

/// Pseudo-inverse of the m×m landmark kernel A = softmax(Q̃K̃ᵀ).
enum class Pinv {
  iterative,  ///< Razavi et al.'s third-order iteration (the paper's "pINV"), `iterations` steps
  svd,        ///< exact Moore–Penrose pseudo-inverse by SVD, singular values ≤ m·ε·σ_max dropped
};

/// Initial scaling of the iteration, V₀ = Aᵀ / c.
enum class PinvInit {
  original,    ///< c = max over all heads of ‖A_h‖₁ (max column sum): the authors' default code
  per_matrix,  ///< c = ‖A‖₁‖A‖_∞ per head (Razavi et al., MATH.md §5; = ‖A‖₁ for softmax rows)
};

/// What happens when m does not divide the sequence length.
enum class Segments {
  balanced,  ///< segment j = rows ⌊j·n/m⌋ … ⌊(j+1)·n/m⌋ − 1: sizes differ by at most 1 (default)
  pad,       ///< Su's zero padding: n is padded with zero rows to a multiple of m, segments of
             ///< ⌈n/m⌉ rows, so the last means are pulled towards 0; padded keys are not attended to
  exact,     ///< the authors' code: m must divide n (and N), else an error
};

struct NystromOptions : Options {
  int landmarks = 0;        ///< m; 0 = min(64, n, N)
  Pinv pinv = Pinv::iterative;
  int iterations = 6;       ///< of the iterative pseudo-inverse (the paper uses 6)
  PinvInit init = PinvInit::original;
  Segments segments = Segments::balanced;
};

struct NystromResult : Result {
  int landmarks = 0;                      ///< m used
  std::vector<double> pinv_residual;      ///< ‖I − A·A⁺‖_F per head
  std::vector<double> pinv_penrose;       ///< Moore–Penrose residual per head (see PinvResult)
  std::vector<double> kernel_condition;   ///< σ_max/σ_min of A per head (Pinv::svd only; inf if singular)
  std::vector<int> kernel_rank;           ///< numerical rank of A per head (Pinv::svd only)
  double init_scale = 0;                  ///< c of V₀ = Aᵀ/c for head 0 (Pinv::iterative only)
};

/// Nyström attention  softmax(Q K̃ᵀ) · softmax(Q̃ K̃ᵀ)⁺ · softmax(Q̃ Kᵀ) · V  evaluated right to left
/// in O(n·m·d) (MATH.md §5 a): Q̃, K̃ are segment means (landmarks) of the scaled queries and keys.
/// Not causal (pooling mixes future tokens): `causal = true` is an error.
NystromResult nystrom(const Eigen::MatrixXd& q, const Eigen::MatrixXd& k, const Eigen::MatrixXd& v,
                      const NystromOptions& options = {});

/// Segment means of the rows of x (m×cols) under a segmentation policy (the landmarks).
Eigen::MatrixXd landmarks(const Eigen::MatrixXd& x, int m, Segments segments = Segments::balanced);

/// Iterative pseudo-inverse: V₀ = Aᵀ/c, V_{k+1} = ¼ V_k (13I − AV_k (15I − AV_k (7I − AV_k))).
/// c = 0 means the per-matrix c = ‖A‖₁‖A‖_∞. With E_k = I − AV_k, E_{k+1} = ¼ E_k³ (3I + E_k).
/// For a singular A the fixed point e = 1 of e ↦ ¼e³(3 + e) (the null space) is unstable
/// (derivative 13/4): V first converges to A⁺, then rounding errors grow 3.25× per step and V
/// diverges after a few dozen iterations; the Moore–Penrose residual shows it, and a non-finite
/// V is an error (so is a c so small that V₀ = Aᵀ/c overflows; the iteration needs c > ‖A‖₂²/2).
/// A with entries far from 1 (beyond 2^±250) is iterated as B = 2^{-e}A (largest entry in [½, 1),
/// c scaled by 2^{-2e}) and A⁺ = 2^{-e}B⁺: [[1e300]] gives 1e-300, not 0 from c = ‖A‖₁‖A‖_∞ = inf;
/// an A⁺ beyond the double range is an error.
Eigen::MatrixXd pinv_iterative(const Eigen::MatrixXd& a, int iterations, double c = 0);

/// Exact pseudo-inverse by SVD (singular values ≤ max(rows, cols)·ε·σ_max treated as 0); optionally
/// the rank and σ_max/σ_min (inf when rank-deficient). Scaled by powers of 2 as pinv_iterative.
Eigen::MatrixXd pinv_svd(const Eigen::MatrixXd& a, int* rank = nullptr, double* condition = nullptr);

/// A pseudo-inverse with its residual ‖I − A·A⁺‖_F (and, for the SVD, rank and condition).
struct PinvResult {
  Eigen::MatrixXd inverse;
  double residual = 0;    ///< ‖I − A·A⁺‖_F (≥ √(m − rank) for a singular A, whatever A⁺ is)
  double penrose = 0;     ///< max(‖AXA − A‖_F/‖A‖_F, ‖XAX − X‖_F/‖X‖_F), X = A⁺: ≈ ε·cond when converged
  int rank = -1;          ///< SVD only
  double condition = 0;   ///< SVD only
};
/// `pinv_iterative(a, iterations, c)` or `pinv_svd(a)`, plus the residual.
PinvResult pinv(const Eigen::MatrixXd& a, Pinv method, int iterations = 6, double c = 0);

// ----------------------------------------------------------------------------------- inputs

/// Structure of generated inputs.
enum class Structure {
  random,     ///< i.i.d. N(0, 1) entries
  clustered,  ///< C = `clusters` centres c ~ N(0, I); token i belongs to cluster ⌊i·C/n⌋ (contiguous
              ///< runs, like topical segments of a text) and q_i = c + 0.5·ε, k_i = c + 0.5·ε' with
              ///< independent noise: attention is nearly block-diagonal; v ~ N(0, 1)
};

struct Inputs {
  Eigen::MatrixXd q, k, v;
};

/// Seeded Q (n×d), K (n×d), V (n×dv) from detail::Random(seed).normal(), row by row: (clustered:
/// the C×d centres first), then q, then k, then v.
Inputs sample_inputs(int n, int d, int dv, Structure structure, std::uint64_t seed, int clusters = 8);

}  // namespace mathlens::attention

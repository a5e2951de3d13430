// mathlens::flops — the cost model of a Transformer layer from the post "Linear Transformer is
// probably not the model you are waiting for" (kexue.fm/archives/8610, spec/MATH.md §1), extended
// to GQA/MQA, gated FFNs, causal masks, batches, whole models and three efficient-attention
// variants (linear attention, Performer, Nyström; the Nyström count is spec/MATH.md §5(a)).
//
// Unit (the post's): multiplying an a×b by a b×c matrix costs abc multiply-adds (MACs, the post's
// "multiplications"); FLOPs = 2 × MACs (Kaplan et al.'s convention). Softmax and its normalisation,
// the linear-attention normaliser φ(Q)·Σφ(k), activation functions, residuals, LayerNorm, biases,
// embeddings and the landmark pooling (additions only) are not counted. Every count is per layer
// and covers the whole batch (it is linear in the batch size) unless it says "model".
//
// Notation: n sequence length, H hidden size, h query heads, d head size, g key/value heads
// (g = h: MHA, 1 < g < h: GQA, g = 1: MQA), F FFN inner width, b batch. Per layer:
//   projections  Q: nH·hd   K: nH·gd   V: nH·gd   O: n·hd·H
//   standard     scores QKᵀ: h·n²d   weighted sum AV: h·n²d   (causal: h·d·n(n+1)/2 each — only the
//                unmasked entries are computed)
//   linear       r = k·d features (k = featureMultiple), values of width dv = k·d when widenValues
//                (the post's "4× head size", cost 2n(4d)² per head) else d:
//                φ(K)ᵀV: g·n·r·dv   φ(Q)(φ(K)ᵀV): h·n·r·dv   (the causal prefix-sum form costs the same)
//   performer    m random features: φ(Q), φ(K): (h+g)·n·m·d   φ(K)ᵀV: g·n·m·d   φ(Q)(·): h·n·m·d
//   nystrom      m landmarks, per query head: QK̃ᵀ nmd, Q̃K̃ᵀ m²d, Q̃Kᵀ mnd, BV mnd,
//                pseudo-inverse 4m³ per iteration, A⁺(BV) m²d, F(A⁺BV) nmd, optional depthwise
//                conv skip n·d·kernel; not causal (pooling mixes future tokens)
//   FFN          2·nHF, gated (SwiGLU, three matrices) 3·nHF
// With H = hd, g = h, F = 4H: C_SA = 4nH² + 2n²H, C_FFN = 8nH²; attention exceeds the FFN for
// n > 2H and the n² part exceeds the linear part for n > 6H (1536 and 4608 for BERT-base).
//
// Exactness: every count is computed in exact, overflow-checked 64-bit integer arithmetic and
// returned as a double only if that double is the exact integer. This always holds below
// 2^53 = 9007199254740992; above it only integers with enough trailing zero bits are doubles
// (typical counts, with n and the widths multiples of powers of two, are). A count that is not
// exactly representable, or whose arithmetic overflows 64 bits (a layer above 2^62 MACs), makes the
// call fail with mathlens::Error("flops.<fn>: counts too large to be exact ..."). Shares, ratios
// and crossover points are ordinary doubles. Keys, labels and formulas are static strings.
//
// Every function throws mathlens::Error("flops.<jsName>: <argument> ...") on bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mathlens::flops {

/// The convention, stated in every result: "MACs: ...; FLOPs = 2 × MACs; not counted: ...".
extern const char* const kConvention;

/// Which attention the layer uses.
enum class Variant {
  standard,   ///< softmax(QKᵀ)V, quadratic in n
  linear,     ///< φ(Q)(φ(K)ᵀV) with r = featureMultiple·d features (Katharopoulos et al.)
  performer,  ///< FAVOR+ with m random features (Choromanski et al.)
  nystrom,    ///< Nyström attention with m landmarks and an iterative pseudo-inverse (Xiong et al.)
};
/// "standard", "linear", "performer", "nystrom".
const char* variant_name(Variant v);

/// The parameters of the attention variant (each is used only by its variant, but always checked).
struct VariantOptions {
  Variant variant = Variant::standard;
  std::int64_t feature_multiple = 1;  ///< linear: r = multiple·d (the post argues 4 is needed)
  bool widen_values = true;           ///< linear: values widen with the features (the post's count)
  std::int64_t features = 256;        ///< performer: m random features
  std::int64_t landmarks = 64;        ///< nystrom: m landmarks (m ≤ n)
  std::int64_t pinv_iterations = 6;   ///< nystrom: iterations of the pseudo-inverse (4m³ each)
  std::int64_t conv_kernel = 0;       ///< nystrom: kernel of the depthwise conv skip on V (0 = none)
};

/// A Transformer layer (and the model it belongs to) at sequence length n.
struct Config : VariantOptions {
  std::int64_t hidden = 0;     ///< H
  std::int64_t heads = 0;      ///< h (query heads)
  std::int64_t head_size = 0;  ///< d; 0: hidden / heads (which must divide)
  std::int64_t kv_heads = 0;   ///< g; 0: heads (MHA). Must divide heads.
  std::int64_t ffn = 0;        ///< F; 0: ffn_ratio · hidden (which must be a whole number)
  double ffn_ratio = 4;        ///< used when ffn = 0
  bool gated = false;          ///< gated FFN (SwiGLU/GeGLU): three H×F matrices instead of two
  bool causal = false;         ///< causal mask: only the n(n+1)/2 unmasked scores are computed
  std::int64_t n = 0;          ///< sequence length
  std::int64_t batch = 1;      ///< sequences per batch
  std::int64_t layers = 1;     ///< layers of the model (for the model totals)
  std::int64_t bytes_per_element = 4;  ///< for the attention memory (4 = float32, 2 = bf16/fp16)
};

/// One attention core on its own — what an attention kernel computes (no projections).
struct AttentionConfig : VariantOptions {
  std::int64_t n = 0;          ///< sequence length
  std::int64_t head_size = 0;  ///< d
  std::int64_t heads = 1;      ///< h
  std::int64_t kv_heads = 0;   ///< g; 0: heads
  std::int64_t batch = 1;
  bool causal = false;
  std::int64_t bytes_per_element = 4;
};

/// A named model: BERT-base/large, GPT-2 small/medium/large/XL, LLaMA-2-7B.
struct Preset {
  const char* name;     ///< "bert-base", "bert-large", "gpt2-small", "gpt2-medium", "gpt2-large", "gpt2-xl", "llama-2-7b"
  const char* label;    ///< "BERT-base", …
  std::int64_t context; ///< the model's context length (the preset's n)
  Config config;        ///< hidden, heads, FFN, gated, causal, layers; n = context
};
const std::vector<Preset>& presets();
/// The preset's configuration (n = its context length); throws for an unknown name.
Config preset(const std::string& name);

/// Where a term belongs.
enum class Group { projection, attention, ffn };
const char* group_name(Group g);  ///< "projection", "attention", "ffn"

/// One term of the breakdown. macs(n) = n2·n² + n1·n + n0 (as a function of n, all else fixed).
struct Term {
  const char* key;    ///< stable id: qProj kProj vProj oProj scores weightedSum linearKV linearQ
                      ///< featureMap performerKV performerQ nystromF nystromA nystromB nystromBV
                      ///< nystromPinv nystromPinvBV nystromOut nystromConv ffn
  const char* label;  ///< English description
  Group group = Group::attention;
  double macs = 0;    ///< exact
  double flops = 0;   ///< exact, 2·macs
  double share = 0;   ///< of the total of the result it belongs to
  double n2 = 0, n1 = 0, n0 = 0;
};

/// Where two costs cross as n grows.
struct Crossover {
  const char* key;    ///< attentionFfn quadraticLinear linearCore performerCore nystromCore layerVsStandard
  const char* label;  ///< English, "<first> exceeds <second>"
  const char* first;
  const char* second;
  /// n where first = second from the post-style formula (when the configuration has one).
  std::optional<double> closed_form;
  const char* formula = "";  ///< that formula in TeX ("" when there is none)
  /// The same point found numerically: bisection on the cost model evaluated at real n (the
  /// largest n ≥ 1 with first = second, beyond which first stays larger).
  std::optional<double> numeric;
  /// The smallest integer n from which on first > second for every larger n (checked on the exact
  /// integer counts); empty when first never stays larger (or, for absurd sizes, when the counts
  /// near the crossing overflow 64 bits).
  std::optional<std::int64_t> first_n;
  bool always = false;  ///< first > second at every n ≥ 1
};

/// The attention core alone (terms of group "attention").
struct AttentionCost {
  AttentionConfig config;  ///< kv_heads resolved
  std::vector<Term> terms;
  double macs = 0, flops = 0;
  /// Entries of the matrices the variant materialises, over all heads and the batch: standard n²
  /// per head (the dense weight matrix, also when causal); linear φ(Q), φ(K), φ(K)ᵀV; Performer
  /// the same with m features; Nyström F (n×m), A (m×m) and B (m×n) per query head.
  double memory_entries = 0, memory_bytes = 0;
};
AttentionCost attention(const AttentionConfig& config);

/// Parts of a cost by their power of n.
struct Parts {
  double projections = 0, attention_core = 0, attention = 0, ffn = 0, total = 0;
  double quadratic = 0;  ///< n² part of the total
  double linear = 0;     ///< part proportional to n
  double constant = 0;   ///< part independent of n (Nyström's m³ and m²d terms)
};

struct LayerCost {
  Config config;  ///< resolved: head_size, kv_heads, ffn filled in, ffn_ratio = ffn/hidden
  std::vector<Term> terms;
  Parts macs, flops;
  double attention_share = 0;     ///< (projections + core) / total
  double core_share = 0;          ///< attention core / total
  double ffn_share = 0;
  double quadratic_fraction = 0;  ///< n² part / total; n/(n + 6H) in the post's model
  double attention_ffn_ratio = 0; ///< (projections + core) / FFN; ½ + n/(4H) in the post's model
  double memory_entries = 0, memory_bytes = 0;  ///< of the attention core, see AttentionCost
  double parameters = 0;          ///< weights of the layer: 2H·hd + 2H·gd + (2|3)·HF (no biases)
  struct Model {
    double macs = 0, flops = 0, parameters = 0;
    double flops_per_token = 0;   ///< forward FLOPs / (batch · n)
  } model;
  /// Kaplan et al. (2020): forward FLOPs per token ≈ 2N + 2·n_layer·n_ctx·d_attn with N the
  /// non-embedding parameters, n_ctx = n and d_attn = h·d (it counts causal attention, n/2 keys on
  /// average per query).
  struct Kaplan {
    double parameters = 0, flops_per_token = 0, context_flops_per_token = 0;
  } kaplan;
  std::vector<Crossover> crossovers;
};

/// Cost of one layer at config.n, the model totals and the crossovers:
///   attentionFfn     attention (projections + core) exceeds the FFN
///                    standard: n* = (c·HF − 2H(h+g)d)/(2hd) (causal: ·2, −1), c = 2 or 3 → 2H
///   quadraticLinear  the n² part exceeds the part linear in n: n* = (2H(h+g)d + cHF)/(2hd) → 6H
///                    (causal: (…)/(hd) + 1)
///   linearCore       the standard core exceeds the linear core with r = k·d:
///                    n* = (h+g)·r·dv/(2hd) → k²d (16d = 1024 for k = 4, d = 64; causal: ·2, −1)
///   performerCore    (variant performer) the standard core exceeds the Performer core: (h+g)m/h → 2m
///   nystromCore      (variant nystrom) the same for Nyström (numeric only)
///   layerVsStandard  (variant ≠ standard) the layer with standard attention exceeds this layer
///                    (numeric only)
LayerCost layer(const Config& config);

/// Per-layer costs over many n (everything but n fixed). macs is points × terms, row-major.
struct Sweep {
  std::vector<double> n;
  std::vector<const char*> keys, labels;
  std::vector<Group> groups;
  std::vector<double> macs;  ///< macs[i·terms + t]: term t at n[i]
  std::vector<double> total, projections, attention_core, ffn;  ///< MACs
  std::vector<double> attention_share, core_share, ffn_share, quadratic_fraction;
};
Sweep sweep(const Config& config, const std::vector<std::int64_t>& ns);

/// `points` integers from `from` to `to`, spaced evenly in log n, rounded, duplicates dropped;
/// the first is `from` and the last `to`. 2 ≤ points ≤ 10000, 1 ≤ from < to.
std::vector<std::int64_t> log_spaced(std::int64_t from, std::int64_t to, std::int64_t points);

}  // namespace mathlens::flops

// Native tests of mathlens::flops: the post's headline numbers and the per-n table of spec/MATH.md §1,
// the §5(a) Nyström count, properties of the cost model, closed-form vs numeric crossovers, the
// fixtures of an independent implementation (tests/fixtures/gen_flops.py: traced matrix products in
// Python integers), exactness limits and the exact error messages.
#include "mathlens/flops.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "mathlens/error.hpp"

namespace f = mathlens::flops;
using json = nlohmann::json;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const mathlens::Error& e) {
    return e.what();
  }
  return "(no error)";
}

f::Config bert(std::int64_t n) {
  f::Config c = f::preset("bert-base");
  c.n = n;
  return c;
}

f::Config post_model(std::int64_t h, std::int64_t d, std::int64_t n) {
  f::Config c;
  c.hidden = h * d;
  c.heads = h;
  c.n = n;
  return c;
}

const f::Term& term(const f::LayerCost& r, const std::string& key) {
  for (const auto& t : r.terms)
    if (t.key == key) return t;  // std::string == const char*
  throw std::runtime_error("no term " + key);
}

const f::Crossover& crossover(const f::LayerCost& r, const std::string& key) {
  for (const auto& x : r.crossovers)
    if (x.key == key) return x;  // std::string == const char*
  throw std::runtime_error("no crossover " + key);
}

void expect_rel(double actual, double expected, double rtol, const std::string& what = "") {
  EXPECT_NEAR(actual, expected, rtol * std::abs(expected)) << what;
}

}  // namespace

// ---------------------------------------------------------------- the post's numbers (MATH.md §1d)

TEST(FlopsPost, PerNTableBertBase) {
  struct Row {
    std::int64_t n;
    double sa, ffn, total, ratio, quad;
  };
  const Row rows[] = {
      {128, 327155712.0, 603979776.0, 931135488.0, 0.541667, 0.027027},
      {512, 1610612736.0, 2415919104.0, 4026531840.0, 0.666667, 0.100000},
      {1536, 7247757312.0, 7247757312.0, 14495514624.0, 1.000000, 0.250000},
      {4608, 43486543872.0, 21743271936.0, 65229815808.0, 2.000000, 0.500000},
      {8192, 122406567936.0, 38654705664.0, 161061273600.0, 3.166667, 0.640000},
  };
  for (const Row& row : rows) {
    const f::LayerCost r = f::layer(bert(row.n));
    EXPECT_EQ(r.macs.attention, row.sa) << row.n;  // exact integers
    EXPECT_EQ(r.macs.ffn, row.ffn) << row.n;
    EXPECT_EQ(r.macs.total, row.total) << row.n;
    EXPECT_NEAR(r.attention_ffn_ratio, row.ratio, 5e-7) << row.n;
    EXPECT_NEAR(r.quadratic_fraction, row.quad, 5e-7) << row.n;
    // the derived closed forms: SA/FFN = ½ + n/(4hd), q(n) = n/(n + 6hd)
    expect_rel(r.attention_ffn_ratio, 0.5 + row.n / (4.0 * 768), 1e-15);
    expect_rel(r.quadratic_fraction, row.n / (row.n + 6.0 * 768), 1e-15);
    // C_SA = 4nh²d² + 2n²hd, C_FFN = 8nh²d²
    const double n = static_cast<double>(row.n);
    EXPECT_EQ(r.macs.attention, 4 * n * 768 * 768 + 2 * n * n * 768);
    EXPECT_EQ(r.flops.total, 2 * row.total);
  }
}

TEST(FlopsPost, HeadlineCrossoversBertBase) {
  f::Config c = bert(512);
  c.feature_multiple = 4;
  const f::LayerCost r = f::layer(c);
  const auto& sa = crossover(r, "attentionFfn");
  EXPECT_EQ(*sa.closed_form, 1536.0);
  EXPECT_STREQ(sa.formula, "2H");
  EXPECT_NEAR(*sa.numeric, 1536.0, 1536 * 1e-13);
  EXPECT_EQ(*sa.first_n, 1537);  // SA > FFN ⇔ n > 2hd
  EXPECT_FALSE(sa.always);
  const auto& q = crossover(r, "quadraticLinear");
  EXPECT_EQ(*q.closed_form, 4608.0);
  EXPECT_STREQ(q.formula, "6H");
  EXPECT_NEAR(*q.numeric, 4608.0, 4608 * 1e-13);
  EXPECT_EQ(*q.first_n, 4609);
  const auto& lin = crossover(r, "linearCore");
  EXPECT_EQ(*lin.closed_form, 1024.0);  // 16d with d = 64
  EXPECT_STREQ(lin.formula, "k^{2}d");
  EXPECT_NEAR(*lin.numeric, 1024.0, 1024 * 1e-13);
  EXPECT_EQ(*lin.first_n, 1025);
  // equal head size: n > d
  c.feature_multiple = 1;
  EXPECT_EQ(*crossover(f::layer(c), "linearCore").closed_form, 64.0);
  EXPECT_EQ(*crossover(f::layer(c), "linearCore").first_n, 65);
  // only φ widened (the spec's open question 1): n > 4d
  c.feature_multiple = 4;
  c.widen_values = false;
  EXPECT_EQ(*crossover(f::layer(c), "linearCore").closed_form, 256.0);
  EXPECT_STREQ(crossover(f::layer(c), "linearCore").formula, "kd");
}

TEST(FlopsPost, LargeModelThresholds) {
  const f::LayerCost r = f::layer(post_model(16, 64, 512));
  EXPECT_EQ(*crossover(r, "attentionFfn").closed_form, 2048.0);
  EXPECT_EQ(*crossover(r, "quadraticLinear").closed_form, 6144.0);
  EXPECT_DOUBLE_EQ(r.attention_ffn_ratio, 0.625);
  EXPECT_DOUBLE_EQ(r.quadratic_fraction, 1.0 / 13);
}

TEST(FlopsPost, AttentionCoreEqualityAt16d) {
  f::AttentionConfig a;
  a.n = 1024;
  a.head_size = 64;
  const f::AttentionCost s = f::attention(a);
  EXPECT_EQ(s.macs, 134217728.0);  // 2n²d
  a.variant = f::Variant::linear;
  a.feature_multiple = 4;
  const f::AttentionCost l = f::attention(a);
  EXPECT_EQ(l.macs, 134217728.0);  // 2n(4d)²
  EXPECT_EQ(l.flops, 2 * 134217728.0);
  ASSERT_EQ(l.terms.size(), 2u);
  EXPECT_STREQ(l.terms[0].key, "linearKV");
  EXPECT_EQ(l.terms[0].macs, 1024.0 * 256 * 256);
  EXPECT_EQ(s.memory_entries, 1024.0 * 1024);
  EXPECT_EQ(s.memory_bytes, 4 * 1024.0 * 1024);
}

// ---------------------------------------------------------------- properties (MATH.md §1c)

TEST(FlopsProperties, CrossoverIdentities) {
  for (std::int64_t h : {4, 12, 16, 32})
    for (std::int64_t d : {32, 64, 128}) {
      const double H = static_cast<double>(h * d);
      const f::LayerCost at2 = f::layer(post_model(h, d, 2 * h * d));
      EXPECT_EQ(at2.macs.attention, at2.macs.ffn);  // C_SA(2hd) = C_FFN(2hd)
      const f::LayerCost at6 = f::layer(post_model(h, d, 6 * h * d));
      EXPECT_EQ(at6.macs.quadratic, at6.macs.linear);  // 2n²hd = 12nh²d² at n = 6hd
      EXPECT_DOUBLE_EQ(at6.quadratic_fraction, 0.5);
      // scale invariance: thresholds depend on hd only
      EXPECT_EQ(*crossover(at2, "attentionFfn").closed_form, 2 * H);
      EXPECT_EQ(*crossover(at2, "quadraticLinear").closed_form, 6 * H);
    }
  // SA/FFN = ½ + n/(4hd) is increasing in n
  double prev = 0;
  for (std::int64_t n = 1; n <= 1 << 17; n *= 2) {
    const double ratio = f::layer(bert(n)).attention_ffn_ratio;
    EXPECT_GT(ratio, prev);
    expect_rel(ratio, 0.5 + n / 3072.0, 1e-15);
    prev = ratio;
  }
}

TEST(FlopsProperties, BreakdownAddsUpAndScales) {
  for (const auto& p : f::presets())
    for (auto v : {f::Variant::standard, f::Variant::linear, f::Variant::performer, f::Variant::nystrom}) {
      f::Config c = p.config;
      c.variant = v;
      c.causal = c.causal && v != f::Variant::nystrom;
      const f::LayerCost r = f::layer(c);
      double sum = 0, shares = 0, proj = 0, core = 0, ffn = 0;
      for (const auto& t : r.terms) {
        sum += t.macs;
        shares += t.share;
        EXPECT_EQ(t.flops, 2 * t.macs);
        EXPECT_EQ(t.macs, t.n2 * c.n * c.n + t.n1 * c.n + t.n0) << t.key;
        (t.group == f::Group::projection ? proj : t.group == f::Group::ffn ? ffn : core) += t.macs;
      }
      EXPECT_EQ(sum, r.macs.total) << p.name;
      EXPECT_NEAR(shares, 1.0, 1e-14);
      EXPECT_EQ(proj, r.macs.projections);
      EXPECT_EQ(core, r.macs.attention_core);
      EXPECT_EQ(ffn, r.macs.ffn);
      EXPECT_EQ(r.macs.quadratic + r.macs.linear + r.macs.constant, r.macs.total);
      EXPECT_EQ(r.model.macs, r.macs.total * static_cast<double>(c.layers));
      EXPECT_EQ(r.model.flops, 2 * r.model.macs);
      // every term is linear in the batch size
      f::Config c3 = c;
      c3.batch = 3;
      const f::LayerCost r3 = f::layer(c3);
      for (size_t i = 0; i < r.terms.size(); ++i) EXPECT_EQ(r3.terms[i].macs, 3 * r.terms[i].macs);
      EXPECT_EQ(r3.memory_entries, 3 * r.memory_entries);
      EXPECT_DOUBLE_EQ(r3.model.flops_per_token, r.model.flops_per_token);
    }
}

TEST(FlopsProperties, CausalCountsOnlyUnmaskedScores) {
  f::Config c = bert(1000);
  const double full = term(f::layer(c), "scores").macs;
  c.causal = true;
  const f::LayerCost r = f::layer(c);
  EXPECT_EQ(full, 12.0 * 64 * 1000 * 1000);
  EXPECT_EQ(term(r, "scores").macs, 12.0 * 64 * 1000 * 1001 / 2);
  EXPECT_EQ(term(r, "weightedSum").macs, 12.0 * 64 * 1000 * 1001 / 2);
  // the linear variants do the same multiply-adds in their prefix-sum form
  c.variant = f::Variant::linear;
  const double causal_linear = f::layer(c).macs.total;
  c.causal = false;
  EXPECT_EQ(f::layer(c).macs.total, causal_linear);
  // GPT-2 small (causal): attention exceeds the FFN from 4H on, the n² part dominates from 12H + 2 on
  const f::LayerCost g = f::layer(f::preset("gpt2-small"));
  EXPECT_EQ(*crossover(g, "attentionFfn").closed_form, 4 * 768 - 1.0);
  EXPECT_STREQ(crossover(g, "attentionFfn").formula, "4H-1");
  EXPECT_EQ(*crossover(g, "attentionFfn").first_n, 4 * 768);
  EXPECT_EQ(*crossover(g, "quadraticLinear").closed_form, 12 * 768 + 1.0);
  EXPECT_EQ(*crossover(g, "quadraticLinear").first_n, 12 * 768 + 2);
}

TEST(FlopsProperties, GqaAndGatedFfn) {
  f::Config c = f::preset("llama-2-7b");
  c.kv_heads = 8;  // GQA as in LLaMA-2-70B
  const f::LayerCost r = f::layer(c);
  EXPECT_EQ(r.config.head_size, 128);
  EXPECT_EQ(term(r, "kProj").macs, 4096.0 * 4096 * 1024);
  EXPECT_EQ(term(r, "qProj").macs, 4096.0 * 4096 * 4096);
  EXPECT_EQ(term(r, "ffn").macs, 3 * 4096.0 * 4096 * 11008);
  EXPECT_EQ(r.parameters, 2 * 4096.0 * 4096 + 2 * 4096.0 * 1024 + 3 * 4096.0 * 11008);
  // scores do not shrink with fewer KV heads
  EXPECT_EQ(term(r, "scores").macs, 32.0 * 128 * 4096 * 4097 / 2);
  EXPECT_STREQ(crossover(r, "attentionFfn").formula, "\\frac{3HF-2H(h+g)d}{hd}-1");
  c.kv_heads = 5;
  EXPECT_EQ(error_of([&] { f::layer(c); }), "flops.layer: heads (32) is not divisible by kvHeads (5)");
}

TEST(FlopsProperties, NystromCountOfSpec5) {
  // ≈ 4nmd + 2m²d + 24m³ per head for 6 iterations
  f::AttentionConfig a;
  a.variant = f::Variant::nystrom;
  a.n = 4096;
  a.head_size = 64;
  a.landmarks = 64;
  const f::AttentionCost r = f::attention(a);
  const double n = 4096, m = 64, d = 64;
  EXPECT_EQ(r.macs, 4 * n * m * d + 2 * m * m * d + 24 * m * m * m);
  EXPECT_EQ(r.memory_entries, 2 * n * m + m * m);
  a.conv_kernel = 33;
  EXPECT_EQ(f::attention(a).macs, 4 * n * m * d + 2 * m * m * d + 24 * m * m * m + n * d * 33);
  a.landmarks = 4096;  // m = n: more expensive than exact attention (2n²d)
  EXPECT_GT(f::attention(a).macs, 2 * n * n * d);
}

TEST(FlopsProperties, PerformerCount) {
  f::AttentionConfig a;
  a.variant = f::Variant::performer;
  a.n = 1000;
  a.head_size = 64;
  a.features = 256;
  EXPECT_EQ(f::attention(a).macs, 4 * 1000.0 * 256 * 64);
  f::Config c = bert(512);
  c.variant = f::Variant::performer;
  const f::LayerCost r = f::layer(c);
  EXPECT_EQ(*crossover(r, "performerCore").closed_form, 512.0);  // 2m
  EXPECT_STREQ(crossover(r, "performerCore").formula, "2m");
  EXPECT_EQ(*crossover(r, "performerCore").first_n, 513);
}

TEST(FlopsProperties, Kaplan) {
  const f::LayerCost r = f::layer(f::preset("gpt2-small"));
  const double N = 12.0 * 12 * 768 * 768;  // 12·n_layer·d_model² = 84,934,656
  EXPECT_EQ(r.kaplan.parameters, N);
  EXPECT_EQ(r.kaplan.context_flops_per_token, 2.0 * 12 * 1024 * 768);
  EXPECT_EQ(r.kaplan.flops_per_token, 2 * N + 2.0 * 12 * 1024 * 768);
  // the causal count per token is 2N + 2·n_layer·(n+1)·d_attn: Kaplan's with n+1 for n
  EXPECT_EQ(r.model.flops_per_token, 2 * N + 2.0 * 12 * 1025 * 768);
}

TEST(FlopsProperties, Presets) {
  ASSERT_EQ(f::presets().size(), 7u);
  const f::Config l = f::preset("llama-2-7b");
  EXPECT_EQ(l.hidden, 4096);
  EXPECT_EQ(l.ffn, 11008);
  EXPECT_TRUE(l.gated && l.causal);
  EXPECT_EQ(l.layers, 32);
  EXPECT_EQ(l.n, 4096);
  EXPECT_EQ(f::preset("gpt2-xl").heads, 25);
  EXPECT_EQ(f::layer(f::preset("gpt2-xl")).config.head_size, 64);
  // non-embedding parameters: BERT-base 85M, GPT-2 XL 1.47B, LLaMA-2-7B 6.48B
  EXPECT_EQ(f::layer(f::preset("bert-base")).model.parameters, 84934656.0);
  EXPECT_EQ(f::layer(f::preset("gpt2-xl")).model.parameters, 1474560000.0);
  EXPECT_EQ(f::layer(f::preset("llama-2-7b")).model.parameters, 6476005376.0);
}

// ---------------------------------------------------------------- closed forms vs numeric crossovers

TEST(FlopsCrossovers, ClosedFormsAgreeWithNumericRoots) {
  int checked = 0;
  for (std::int64_t H : {64, 96, 768, 1000, 4096})
    for (std::int64_t h : {1, 4, 8})
      for (std::int64_t g : {1, 2, 8})
        for (bool causal : {false, true})
          for (bool gated : {false, true})
            for (auto v : {f::Variant::standard, f::Variant::linear, f::Variant::performer}) {
              if (H % h || h % g) continue;
              f::Config c;
              c.hidden = H;
              c.heads = h;
              c.kv_heads = g;
              c.ffn = 3 * H;
              c.gated = gated;
              c.causal = causal;
              c.variant = v;
              c.features = 48;
              c.feature_multiple = 3;
              c.n = 100;
              const f::LayerCost r = f::layer(c);
              for (const auto& x : r.crossovers) {
                if (x.closed_form) {
                  ASSERT_TRUE(x.numeric.has_value()) << x.key;
                  EXPECT_NEAR(*x.numeric, *x.closed_form, 1e-12 * *x.closed_form) << x.key;
                  ++checked;
                }
                if (!x.first_n) continue;
                // from first_n on, first > second, and not at first_n − 1 (exact integer check)
                f::Config at = c;
                auto diff = [&](std::int64_t n) {
                  at.n = n;
                  const f::LayerCost y = f::layer(at);
                  const std::string key = x.key;
                  if (key == "attentionFfn") return y.macs.attention - y.macs.ffn;
                  if (key == "quadraticLinear") return y.macs.quadratic - y.macs.linear - y.macs.constant;
                  f::Config s = at;
                  s.variant = f::Variant::standard;
                  const f::LayerCost z = f::layer(s);
                  if (key == "layerVsStandard") return z.macs.total - y.macs.total;
                  if (key == "linearCore") {
                    f::Config l = at;
                    l.variant = f::Variant::linear;
                    return z.macs.attention_core - f::layer(l).macs.attention_core;
                  }
                  return z.macs.attention_core - y.macs.attention_core;
                };
                const std::int64_t k = *x.first_n;
                EXPECT_GT(diff(k), 0) << x.key;
                EXPECT_GT(diff(k + 1), 0) << x.key;
                EXPECT_GT(diff(2 * k + 7), 0) << x.key;
                if (k > 1) EXPECT_LE(diff(k - 1), 0) << x.key;
                EXPECT_EQ(x.always, k == 1);
                if (x.numeric && *x.numeric >= 1) EXPECT_EQ(k, static_cast<std::int64_t>(std::floor(*x.numeric)) + 1) << x.key;
              }
            }
  EXPECT_GT(checked, 300);
}

TEST(FlopsCrossovers, NumericOnlyForNystromAndVariantLayers) {
  f::Config c = bert(4096);
  c.variant = f::Variant::nystrom;
  const f::LayerCost r = f::layer(c);
  const auto& ny = crossover(r, "nystromCore");
  EXPECT_FALSE(ny.closed_form.has_value());
  // 2n²d = 4nmd + 2m²d + 24m³ (d = m = 64): n² − 128n − 53248 = 0 ⇒ n = 64 + √(4096 + 53248)
  EXPECT_NEAR(*ny.numeric, 64 + std::sqrt(57344.0), 1e-12 * 300);
  EXPECT_EQ(*ny.first_n, 304);
  const auto& layer = crossover(r, "layerVsStandard");
  EXPECT_NEAR(*layer.numeric, 64 + std::sqrt(57344.0), 1e-12 * 300);  // projections and FFN cancel
  // linear attention without n² terms: attention/FFN is constant, so no crossover
  c.variant = f::Variant::linear;
  const f::LayerCost lin = f::layer(c);
  EXPECT_FALSE(crossover(lin, "attentionFfn").first_n.has_value());
  EXPECT_FALSE(crossover(lin, "quadraticLinear").numeric.has_value());
  // ... unless the linear core alone outweighs the FFN: then attention exceeds it at every n
  c.feature_multiple = 8;
  const f::LayerCost wide = f::layer(c);  // named: crossover() returns a reference into it
  const auto& always = crossover(wide, "attentionFfn");
  EXPECT_TRUE(always.always);
  EXPECT_EQ(*always.first_n, 1);
  EXPECT_FALSE(always.numeric.has_value());
}

// ---------------------------------------------------------------- exactness

TEST(FlopsExactness, LargeButExactCountsPass) {
  f::Config c = f::preset("llama-2-7b");
  c.n = 131072;
  c.batch = 4;
  const f::LayerCost r = f::layer(c);
  EXPECT_GT(r.model.flops, 9007199254740992.0);  // above 2^53, and still the exact integer
  // 4 sequences × 32 layers × 2 × (4·n·H² + 3·n·H·F + H·n(n+1))
  const double n = 131072, H = 4096, F = 11008;
  EXPECT_EQ(r.macs.total, 4 * (4 * n * H * H + 3 * n * H * F + H * n * (n + 1)));
  EXPECT_EQ(r.model.flops, 256 * (4 * n * H * H + 3 * n * H * F + H * n * (n + 1)));
}

TEST(FlopsExactness, InexactCountsAreRejected) {
  f::Config c;
  c.hidden = 1001;
  c.heads = 7;
  c.n = 100003;
  c.layers = 1001;
  c.batch = 3;
  EXPECT_EQ(error_of([&] { f::layer(c); }),
            "flops.layer: counts too large to be exact: the model count = 6.37e+16 is not exactly representable as "
            "a double (above 2^53 only some integers are); reduce n, batch, layers or the sizes");
  c.layers = 1;
  c.batch = 1000000000;
  c.n = 1000000000;
  EXPECT_EQ(error_of([&] { f::layer(c); }),
            "flops.layer: counts too large to be exact: they overflow 64-bit integers; reduce n, batch, layers or "
            "the sizes");
}

// ---------------------------------------------------------------- sweeps

TEST(FlopsSweep, MatchesLayerAtEveryN) {
  f::Config c = f::preset("gpt2-medium");
  c.variant = f::Variant::nystrom;
  c.causal = false;
  const auto ns = f::log_spaced(64, 131072, 40);
  EXPECT_EQ(ns.front(), 64);
  EXPECT_EQ(ns.back(), 131072);
  EXPECT_EQ(ns.size(), 40u);
  for (size_t i = 1; i < ns.size(); ++i) EXPECT_GT(ns[i], ns[i - 1]);
  const f::Sweep s = f::sweep(c, ns);
  const size_t T = s.keys.size();
  ASSERT_EQ(s.macs.size(), ns.size() * T);
  for (size_t i = 0; i < ns.size(); ++i) {
    c.n = ns[i];
    const f::LayerCost r = f::layer(c);
    ASSERT_EQ(r.terms.size(), T);
    for (size_t t = 0; t < T; ++t) EXPECT_EQ(s.macs[i * T + t], r.terms[t].macs);
    EXPECT_EQ(s.total[i], r.macs.total);
    EXPECT_EQ(s.attention_share[i], r.attention_share);
    EXPECT_EQ(s.quadratic_fraction[i], r.quadratic_fraction);
  }
  EXPECT_EQ(f::log_spaced(1, 4, 100), (std::vector<std::int64_t>{1, 2, 3, 4}));
}

// ---------------------------------------------------------------- fixtures (independent reference)

namespace {

json load_fixtures() {
  std::ifstream in(std::string(MATHLENS_FIXTURES) + "/flops.json");
  if (!in) ADD_FAILURE() << "missing tests/fixtures/flops.json (run tests/fixtures/gen_flops.py)";
  return in ? json::parse(in) : json::object();
}

f::Variant variant_of(const std::string& s) {
  if (s == "linear") return f::Variant::linear;
  if (s == "performer") return f::Variant::performer;
  if (s == "nystrom") return f::Variant::nystrom;
  return f::Variant::standard;
}

template <class C>
void apply_variant(C& c, const json& j) {
  c.variant = variant_of(j.value("variant", "standard"));
  c.feature_multiple = j.value("feature_multiple", 1);
  c.widen_values = j.value("widen_values", true);
  c.features = j.value("features", 256);
  c.landmarks = j.value("landmarks", 64);
  c.pinv_iterations = j.value("pinv_iterations", 6);
  c.conv_kernel = j.value("conv_kernel", 0);
}

f::Config config_of(const json& j) {
  f::Config c;
  c.hidden = j.at("hidden");
  c.heads = j.at("heads");
  c.head_size = j.value("head_size", 0);
  c.kv_heads = j.value("kv_heads", 0);
  c.ffn = j.value("ffn", 0);
  c.ffn_ratio = j.value("ffn_ratio", 4.0);
  c.gated = j.value("gated", false);
  c.causal = j.value("causal", false);
  c.batch = j.value("batch", 1);
  c.layers = j.value("layers", 1);
  apply_variant(c, j);
  return c;
}

void expect_opt(const std::optional<double>& got, const json& want, double rtol, const std::string& what) {
  if (want.is_null()) {
    EXPECT_FALSE(got.has_value()) << what;
    return;
  }
  ASSERT_TRUE(got.has_value()) << what;
  EXPECT_NEAR(*got, want.get<double>(), rtol * want.get<double>()) << what;
}

}  // namespace

TEST(FlopsFixtures, LayersMatchTheTracedReference) {
  const json fx = load_fixtures();
  ASSERT_GE(fx.at("layers").size(), 20u);
  int cases = 0;
  for (const auto& L : fx.at("layers")) {
    const std::string name = L.at("name");
    f::Config c = config_of(L.at("config"));
    if (!L.at("preset").is_null()) {  // the preset gives the same configuration
      const f::Config p = f::preset(L.at("preset"));
      EXPECT_EQ(p.hidden, c.hidden) << name;
      EXPECT_EQ(p.heads, c.heads) << name;
      EXPECT_EQ(p.ffn, c.ffn) << name;
      EXPECT_EQ(p.layers, c.layers) << name;
      EXPECT_EQ(p.causal, c.causal) << name;
      EXPECT_EQ(p.gated, c.gated) << name;
    }
    for (const auto& k : L.at("cases")) {
      c.n = k.at("n");
      const std::string what = name + " n=" + std::to_string(c.n);
      const f::LayerCost r = f::layer(c);
      for (const auto& t : r.terms) EXPECT_EQ(t.macs, k.at("terms").at(t.key).get<double>()) << what << " " << t.key;
      EXPECT_EQ(r.terms.size(), k.at("terms").size()) << what;
      EXPECT_EQ(r.macs.projections, k.at("projections").get<double>()) << what;
      EXPECT_EQ(r.macs.attention_core, k.at("attention_core").get<double>()) << what;
      EXPECT_EQ(r.macs.attention, k.at("attention").get<double>()) << what;
      EXPECT_EQ(r.macs.ffn, k.at("ffn").get<double>()) << what;
      EXPECT_EQ(r.macs.total, k.at("total").get<double>()) << what;
      EXPECT_EQ(r.flops.total, k.at("total_flops").get<double>()) << what;
      EXPECT_EQ(r.macs.quadratic, k.at("quadratic").get<double>()) << what;
      EXPECT_NEAR(r.quadratic_fraction, k.at("quadratic_fraction").get<double>(), 1e-15) << what;
      expect_rel(r.attention_ffn_ratio, k.at("attention_ffn_ratio"), 1e-15, what);
      EXPECT_EQ(r.memory_entries, k.at("memory_entries").get<double>()) << what;
      EXPECT_EQ(r.memory_bytes, k.at("memory_bytes").get<double>()) << what;
      EXPECT_EQ(r.parameters, k.at("parameters").get<double>()) << what;
      EXPECT_EQ(r.model.macs, k.at("model_macs").get<double>()) << what;
      EXPECT_EQ(r.model.flops, k.at("model_flops").get<double>()) << what;
      EXPECT_EQ(r.model.parameters, k.at("model_parameters").get<double>()) << what;
      EXPECT_EQ(r.kaplan.flops_per_token, k.at("kaplan_flops_per_token").get<double>()) << what;
      EXPECT_EQ(r.kaplan.context_flops_per_token, k.at("kaplan_context").get<double>()) << what;
      ++cases;
    }
    const f::LayerCost r = f::layer(c);
    EXPECT_EQ(r.crossovers.size(), L.at("crossovers").size()) << name;
    for (const auto& x : r.crossovers) {
      const json& want = L.at("crossovers").at(x.key);
      const std::string what = name + " " + x.key;
      expect_opt(x.numeric, want.at("numeric"), 1e-12, what + " numeric");
      expect_opt(x.closed_form, want.at("closed_form"), 1e-15, what + " closed form");
      if (want.at("first_n").is_null()) EXPECT_FALSE(x.first_n.has_value()) << what;
      else EXPECT_EQ(x.first_n.value_or(-1), want.at("first_n").get<std::int64_t>()) << what;
    }
  }
  EXPECT_GE(cases, 100);
}

TEST(FlopsFixtures, AttentionCoresMatchTheTracedReference) {
  const json fx = load_fixtures();
  for (const auto& A : fx.at("attention")) {
    const json& j = A.at("config");
    f::AttentionConfig a;
    a.n = j.at("n");
    a.head_size = j.at("head_size");
    a.heads = j.value("heads", 1);
    a.kv_heads = j.value("kv_heads", 0);
    a.batch = j.value("batch", 1);
    a.causal = j.value("causal", false);
    apply_variant(a, j);
    const f::AttentionCost r = f::attention(a);
    EXPECT_EQ(r.macs, A.at("macs").get<double>()) << j.dump();
    EXPECT_EQ(r.memory_entries, A.at("memory_entries").get<double>()) << j.dump();
    for (const auto& t : r.terms) EXPECT_EQ(t.macs, A.at("terms").at(t.key).get<double>()) << j.dump() << t.key;
  }
}

// ---------------------------------------------------------------- errors

TEST(FlopsErrors, ExactMessages) {
  f::Config c = bert(512);
  auto err = [&](const std::function<void(f::Config&)>& edit) {
    f::Config x = c;
    edit(x);
    return error_of([&] { f::layer(x); });
  };
  EXPECT_EQ(err([](f::Config& x) { x.hidden = 0; }), "flops.layer: hidden must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.heads = -2; }), "flops.layer: heads must be a positive integer, got -2");
  EXPECT_EQ(err([](f::Config& x) { x.heads = 10; }),
            "flops.layer: hidden (768) is not divisible by heads (10); give headSize for an attention width other than "
            "hidden");
  EXPECT_EQ(err([](f::Config& x) { x.head_size = -1; }), "flops.layer: headSize must be a positive integer, got -1");
  EXPECT_EQ(err([](f::Config& x) { x.kv_heads = 5; }), "flops.layer: heads (12) is not divisible by kvHeads (5)");
  EXPECT_EQ(err([](f::Config& x) {
              x.ffn = 0;
              x.ffn_ratio = 2.7;
            }),
            "flops.layer: ffnRatio × hidden = 2073.6 is not a whole number; give ffn instead");
  EXPECT_EQ(err([](f::Config& x) {
              x.ffn = 0;
              x.ffn_ratio = 8.0 / 3;  // 2048: whole
            }),
            "(no error)");
  EXPECT_EQ(err([](f::Config& x) {
              x.ffn = 0;
              x.ffn_ratio = -1;
            }),
            "flops.layer: ffnRatio must be a positive number, got -1");
  EXPECT_EQ(err([](f::Config& x) { x.n = 0; }), "flops.layer: n must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.batch = 0; }), "flops.layer: batch must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.layers = -1; }), "flops.layer: layers must be a positive integer, got -1");
  EXPECT_EQ(err([](f::Config& x) { x.bytes_per_element = 0; }),
            "flops.layer: bytesPerElement must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.feature_multiple = 0; }),
            "flops.layer: featureMultiple must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.features = 0; }), "flops.layer: features must be a positive integer, got 0");
  EXPECT_EQ(err([](f::Config& x) { x.pinv_iterations = -1; }),
            "flops.layer: pinvIterations must be a non-negative integer, got -1");
  EXPECT_EQ(err([](f::Config& x) {
              x.variant = f::Variant::nystrom;
              x.n = 32;
            }),
            "flops.layer: landmarks (64) must not exceed n (32)");
  EXPECT_EQ(err([](f::Config& x) {
              x.variant = f::Variant::nystrom;
              x.causal = true;
            }),
            "flops.layer: causal attention is not supported by the nystrom variant (landmark pooling mixes future tokens)");
  EXPECT_EQ(err([](f::Config& x) { x.variant = static_cast<f::Variant>(7); }),
            "flops.layer: variant must be standard, linear, performer or nystrom");
  EXPECT_EQ(error_of([] { f::preset("gpt5"); }),
            "flops.preset: unknown preset \"gpt5\" (one of: bert-base, bert-large, gpt2-small, gpt2-medium, gpt2-large, "
            "gpt2-xl, llama-2-7b)");
  f::AttentionConfig a;
  a.n = 100;
  EXPECT_EQ(error_of([&] { f::attention(a); }), "flops.attention: headSize must be a positive integer, got 0");
  a.head_size = 64;
  a.variant = f::Variant::nystrom;
  a.landmarks = 128;
  EXPECT_EQ(error_of([&] { f::attention(a); }), "flops.attention: landmarks (128) must not exceed n (100)");
  EXPECT_EQ(error_of([&] { f::sweep(c, {}); }), "flops.sweep: ns is empty");
  EXPECT_EQ(error_of([&] { f::sweep(c, {64, 0}); }), "flops.sweep: ns[1] must be a positive integer, got 0");
  c.variant = f::Variant::nystrom;
  EXPECT_EQ(error_of([&] { f::sweep(c, {128, 32}); }), "flops.sweep: landmarks (64) must not exceed n (32)");
  EXPECT_EQ(error_of([] { f::log_spaced(64, 64, 10); }), "flops.sweep: to (64) must be greater than from (64)");
  EXPECT_EQ(error_of([] { f::log_spaced(0, 64, 10); }), "flops.sweep: from must be a positive integer, got 0");
  EXPECT_EQ(error_of([] { f::log_spaced(1, 64, 1); }), "flops.sweep: points must be an integer from 2 to 10000, got 1");
  // the core keeps working after errors
  EXPECT_EQ(f::layer(bert(1536)).macs.total, 14495514624.0);
}

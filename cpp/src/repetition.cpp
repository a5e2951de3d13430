// mathlens::repetition — implementation. Formulas: spec/MATH.md §6.
#include "mathlens/repetition.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <utility>

#include "mathlens/detail/check.hpp"
#include "mathlens/detail/random.hpp"

// Orchestration code that runs once per call is compiled for size in the wasm build (the hot loops are
// Eigen's kernels and the functions without ML_COLD); natively nothing changes.
#if defined(__clang__) && defined(__EMSCRIPTEN__)
#define ML_COLD __attribute__((minsize, noinline))
#else
#define ML_COLD
#endif

namespace mathlens::repetition {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using detail::fail;
using detail::num;

namespace {

/// The module's one std::sort instantiation (each comparator type adds ~2 KB of wasm): sorts the
/// indices in `idx` so that `before(a, b, context)` holds for every a placed before b.
struct IndexOrder {
  bool (*before)(int, int, const void*);
  const void* context;
  bool operator()(int a, int b) const { return before(a, b, context); }
};
ML_COLD void sort_indices(std::vector<int>& idx, IndexOrder order) { std::sort(idx.begin(), idx.end(), order); }

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = std::numeric_limits<double>::epsilon();

/// A row sum for messages: enough digits to see why it was rejected (1.0000001, not 1).
std::string sum_text(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string at(Index i, Index j) { return "(" + std::to_string(i) + ", " + std::to_string(j) + ")"; }

void report(const Progress& progress, double fraction, const char* stage) {
  if (progress) progress(std::min(1.0, std::max(0.0, fraction)), stage);
}

/// A sum of nonnegative numbers in double-double (Neumaier): hi + lo carries ~32 digits.
struct Sum2 {
  double hi = 0, lo = 0;
  void add(double x) {
    const double t = hi + x;
    lo += std::abs(hi) >= std::abs(x) ? (hi - t) + x : (x - t) + hi;
    hi = t;
  }
};

/// One row of a chain from an unnormalised full row q (block part q_0…q_{n−1}, EOS q_n ≥ 0), all ≥ 0:
/// writes the normalised block row and EOS, and returns σ = 1 − Σ_j (q_j/T)² = (e(e + 2r) + 2Σ_{j<l} q_j q_l)/T²
/// with r = Σ_{j<n} q_j, e = q_n, T = r + e: nonnegative terms only, and r, T summed in double-double.
/// If `eos_from_block`, e is not given but 1 − r (the block layout, T = 1), computed from the double-double r.
double set_row(Chain& c, Eigen::Index i, const double* q, Eigen::Index stride, Eigen::Index n, double e_given,
               bool eos_from_block) {
  Sum2 r;
  double cross = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double x = q[j * stride];
    cross += x * r.hi;  // Σ_{l<j} q_l to double precision is enough for a term of a sum of positives
    r.add(x);
  }
  double e, total;
  if (eos_from_block) {
    // 1 − r: exact subtraction of hi when hi ∈ [0.5, 2] (Sterbenz), then the low part.
    e = std::max(0.0, (1.0 - r.hi) - r.lo);
    total = 1.0;
  } else {
    e = e_given;
    Sum2 t = r;
    t.add(e);
    total = t.hi + t.lo;
  }
  const double rv = r.hi + r.lo;
  const double sigma = (e * (e + 2.0 * rv) + 2.0 * cross) / (total * total);
  for (Eigen::Index j = 0; j < n; ++j) c.block(i, j) = total == 1.0 ? q[j * stride] : q[j * stride] / total;
  c.eos(i) = total == 1.0 ? e : e / total;
  return sigma;
}

/// Deterministic cycles: rows with σ_i = 0 are one-hot with a 1 (P_ij = 1, no EOS); a cycle of such
/// rows is a closed class of S with row sums 1, i.e. ρ(S) = 1. Each cycle starts at its smallest index.
/// With `max_slack` > 0, rows with σ_i ≤ max_slack count as deterministic too (their largest entry
/// rounds to 1): the cycles that make R overflow although no row is exactly one-hot.
ML_COLD std::vector<std::vector<int>> deterministic_cycles(const MatrixXd& p, const VectorXd& sigma,
                                                           double max_slack = 0.0) {
  const Index n = p.rows();
  std::vector<int> next(n, -1);
  for (Index i = 0; i < n; ++i) {
    if (!(sigma(i) <= max_slack)) continue;
    Index arg = 0;
    for (Index j = 1; j < n; ++j)
      if (p(i, j) > p(i, arg)) arg = j;
    next[i] = static_cast<int>(arg);
  }
  std::vector<int> state(n, 0);  // 0 unvisited, 1 on the current path, 2 done
  std::vector<std::vector<int>> cycles;
  std::vector<int> path;
  for (Index s = 0; s < n; ++s) {
    if (state[s] != 0 || next[s] < 0) continue;
    path.clear();
    int v = static_cast<int>(s);
    while (v >= 0 && state[v] == 0) {
      state[v] = 1;
      path.push_back(v);
      v = next[v];
    }
    if (v >= 0 && state[v] == 1) {  // closed a new cycle at v
      auto it = std::find(path.begin(), path.end(), v);
      std::vector<int> cyc(it, path.end());
      std::rotate(cyc.begin(), std::min_element(cyc.begin(), cyc.end()), cyc.end());
      cycles.push_back(std::move(cyc));
    }
    for (int u : path) state[u] = 2;
  }
  // Cycles are found in increasing order of their smallest index (a cycle through v < s would have been
  // found from v), so the list is already sorted.
  return cycles;
}

// ---- triangular inverses in place (recursive, TRMM-based; every product is of one sign here) ----

constexpr Index kTriBase = 32;

/// Inverts the upper triangle (diagonal included) of t in place.
void invert_upper(Eigen::Ref<MatrixXd> t) {
  const Index n = t.rows();
  if (n <= kTriBase) {
    double buf[kTriBase];
    for (Index j = 0; j < n; ++j) {
      const double d = 1.0 / t(j, j);
      // X(0:j, j) = −d · X(0:j, 0:j) T(0:j, j), with X(0:j, 0:j) already inverted in place.
      for (Index i = 0; i < j; ++i) {
        double s = 0;
        for (Index m = i; m < j; ++m) s += t(i, m) * t(m, j);
        buf[i] = -d * s;
      }
      for (Index i = 0; i < j; ++i) t(i, j) = buf[i];
      t(j, j) = d;
    }
    return;
  }
  const Index h = n / 2, r = n - h;
  invert_upper(t.topLeftCorner(h, h));
  invert_upper(t.bottomRightCorner(r, r));
  MatrixXd tmp = t.topLeftCorner(h, h).triangularView<Eigen::Upper>() * t.topRightCorner(h, r);
  t.topRightCorner(h, r).noalias() = -(tmp * t.bottomRightCorner(r, r).triangularView<Eigen::Upper>());
}

/// Inverts the unit lower triangle of t (strictly lower part; the diagonal is not touched) in place.
void invert_unit_lower(Eigen::Ref<MatrixXd> t) {
  const Index n = t.rows();
  if (n <= kTriBase) {
    double buf[kTriBase];
    for (Index j = n - 1; j >= 0; --j) {
      // X(j+1:n, j) = −X(j+1:n, j+1:n) L(j+1:n, j), with the trailing block already inverted.
      for (Index i = j + 1; i < n; ++i) {
        double s = t(i, j);
        for (Index m = j + 1; m < i; ++m) s += t(i, m) * t(m, j);
        buf[i] = -s;
      }
      for (Index i = j + 1; i < n; ++i) t(i, j) = buf[i];
    }
    return;
  }
  const Index h = n / 2, r = n - h;
  invert_unit_lower(t.topLeftCorner(h, h));
  invert_unit_lower(t.bottomRightCorner(r, r));
  MatrixXd tmp = t.bottomRightCorner(r, r).triangularView<Eigen::UnitLower>() * t.bottomLeftCorner(r, h);
  t.bottomLeftCorner(r, h).noalias() = -(tmp * t.topLeftCorner(h, h).triangularView<Eigen::UnitLower>());
}

// ---- strongly connected components (iterative Tarjan) ----

ML_COLD std::vector<std::vector<int>> components_of(const MatrixXd& a) {
  const Index n = a.rows();
  // Adjacency in CSR form from the pattern a_ij > 0.
  std::vector<int> start(n + 1, 0), adj;
  adj.reserve(static_cast<std::size_t>(n) * 4);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j)
      if (a(i, j) > 0) adj.push_back(static_cast<int>(j));
    start[i + 1] = static_cast<int>(adj.size());
  }
  std::vector<int> index(n, -1), low(n, 0), stack, edge(n, 0);
  std::vector<char> on(n, 0);
  std::vector<std::vector<int>> out;
  std::vector<int> call;
  int counter = 0;
  for (Index root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    call.push_back(static_cast<int>(root));
    index[root] = low[root] = counter++;
    stack.push_back(static_cast<int>(root));
    on[root] = 1;
    edge[root] = start[root];
    while (!call.empty()) {
      const int v = call.back();
      if (edge[v] < start[v + 1]) {
        const int w = adj[edge[v]++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on[w] = 1;
          edge[w] = start[w];
          call.push_back(w);
        } else if (on[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      call.pop_back();
      if (!call.empty()) low[call.back()] = std::min(low[call.back()], low[v]);
      if (low[v] == index[v]) {
        std::vector<int> comp;
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          on[w] = 0;
          comp.push_back(w);
        } while (w != v);
        sort_indices(comp, {[](int a, int b, const void*) { return a < b; }, nullptr});
        out.push_back(std::move(comp));
      }
    }
  }
  return out;
}

// ---- matrix-power series ----

/// Sums of the lower-bound series and of Tr(S^k) up to `cap` terms, each stopped when a proven tail
/// bound falls below 1e-16 of its sum.
struct SeriesResult {
  std::vector<double> traces, partial;
  double partial_tail = kInf;
  std::vector<Series> bounds;
};

double geometric_tail(double c, double q, int k) {
  // c Σ_{j>k} q^j = c q^{k+1}/(1 − q); +inf when q ≥ 1.
  if (!(q < 1.0)) return kInf;
  if (q <= 0.0) return 0.0;
  return c * std::exp(static_cast<double>(k + 1) * std::log(q)) / (1.0 - q);
}

bool small_enough(double tail, double value) { return tail <= 1e-16 * value || (tail == 0 && value == 0); }

SeriesResult power_series(const MatrixXd& p, const MatrixXd& s, double zeta, double rho_s_hi, double rho_p_lo,
                          double rho_p_hi, int cap, bool divergent, const Progress& progress, double from,
                          double to) {
  const Index n = p.rows();
  const double nd = static_cast<double>(n);
  const double zn = zeta * nd;
  SeriesResult out;
  enum { kCount, kPower, kPerNode, kPerNodeCount, kZeta, kZetaPerNode, kN };
  const char* names[kN] = {"count", "power", "per-node", "per-node-count", "zeta", "zeta-per-node"};
  const bool rigorous[kN] = {true, true, true, true, false, false};
  Series ser[kN];
  for (int t = 0; t < kN; ++t) {
    ser[t].name = names[t];
    ser[t].rigorous = rigorous[t];
  }
  // Termwise bounds: |Tr P^k| ≤ n ρ(P)^k; Σ_i ((P^k)_ii)² ≤ (Tr P^k)² ≤ n² ρ^{2k}; count terms ≤ Tr S^k ≤ n ρ(S)^k.
  const double q_power = rho_p_hi * rho_p_hi / nd;
  // ζ = 0 (P = 0): every term is 0.
  const double q_zeta = zn > 0 ? rho_p_hi * rho_p_hi / zn : 0.0;
  const bool zeta_divergent = zn > 0 && rho_p_lo * rho_p_lo >= zn;
  auto tail_of = [&](int t, int k) {
    switch (t) {
      case kCount:
      case kPerNodeCount: return divergent ? kInf : geometric_tail(nd, rho_s_hi, k);
      case kPower: return geometric_tail(nd * nd, q_power, k);
      case kPerNode: return geometric_tail(nd * nd * nd, q_power, k);
      case kZeta: return geometric_tail(nd * nd, q_zeta, k);
      default: return geometric_tail(nd * nd * nd, q_zeta, k);
    }
  };
  const double s_tail_c = divergent ? kInf : nd;
  // The series over S (partial sums of R) stops early when divergent: its terms do not decay.
  const int s_cap = divergent ? std::min(cap, 20) : cap;

  // k = 1, 2 in O(n²); k ≥ 3 with products (P^k, B^k scaled by its largest entry, S^k).
  const bool products = cap >= 3;
  const MatrixXd b = (p.array() > 0).cast<double>().matrix();
  MatrixXd pk, bk, sk;  // P^k, B^k · exp(−log_scale), S^k
  double log_scale = 0;
  bool p_done = false, s_done = false;
  const double log_n = std::log(nd), log_zn = zn > 0 ? std::log(zn) : 0.0;
  // exp(a − b) for logs of nonnegative quantities (−inf for zero), 0 when the numerator is 0.
  const auto ratio_of_logs = [](double a, double b) { return a == -kInf ? 0.0 : std::exp(a - b); };
  for (int k = 1; k <= cap && !(p_done && s_done); ++k) {
    const double kd = static_cast<double>(k);
    VectorXd pdiag, bdiag;  // (P^k)_ii and (B^k)_ii · exp(−log_scale)
    double trs = 0;
    const bool need_p = !p_done, need_s = !s_done && k <= s_cap;
    if (k == 1) {
      pdiag = p.diagonal();
      bdiag = b.diagonal();
      trs = s.trace();
      if (products) {
        pk = p;
        bk = b;
        sk = s;
      }
    } else if (!products) {  // k = 2
      pdiag = p.cwiseProduct(p.transpose()).rowwise().sum();
      bdiag = b.cwiseProduct(b.transpose()).rowwise().sum();
      trs = s.cwiseProduct(s.transpose()).sum();
    } else {
      if (need_p) {
        MatrixXd next = pk * p;
        pk.swap(next);
        next.noalias() = bk * b;
        const double mx = next.maxCoeff();
        if (mx > 0) {
          bk = next / mx;
          log_scale += std::log(mx);
        } else {
          bk = next;
        }
        pdiag = pk.diagonal();
        bdiag = bk.diagonal();
      }
      if (need_s) {
        MatrixXd next = sk * s;
        sk.swap(next);
        trs = sk.trace();
      }
    }
    if (need_p) {
      const double trp = pdiag.sum();
      const double log_tr2 = trp > 0 ? 2 * std::log(trp) : -kInf;
      const double count = bdiag.sum();  // N_k · exp(−log_scale)
      double per_node_count = 0;
      for (Index i = 0; i < n; ++i)
        if (bdiag(i) > 0 && pdiag(i) > 0)
          per_node_count += std::exp(2 * std::log(pdiag(i)) - std::log(bdiag(i)) - log_scale);
      const double sq = pdiag.squaredNorm();
      const double log_sq = sq > 0 ? std::log(sq) + log_n : -kInf;  // log(n Σ_i (P^k)_ii²)
      const double terms[kN] = {count > 0 ? ratio_of_logs(log_tr2, std::log(count) + log_scale) : 0.0,
                                ratio_of_logs(log_tr2, kd * log_n),
                                ratio_of_logs(log_sq, kd * log_n),
                                per_node_count,
                                zn > 0 ? ratio_of_logs(log_tr2, kd * log_zn) : 0.0,
                                zn > 0 ? ratio_of_logs(log_sq, kd * log_zn) : 0.0};
      p_done = true;
      for (int t = 0; t < kN; ++t) {
        Series& x = ser[t];
        if (x.converged || x.divergent) continue;
        if ((t == kZeta || t == kZetaPerNode) && zeta_divergent) {
          x.divergent = true;
          x.value = kInf;
          x.tail_bound = kInf;
          continue;
        }
        x.value += terms[t];
        x.terms = k;
        x.tail_bound = tail_of(t, k);
        x.converged = small_enough(x.tail_bound, x.value);
        if (!x.converged) p_done = false;
      }
    }
    if (need_s) {
      out.traces.push_back(trs);
      out.partial.push_back((out.partial.empty() ? 0.0 : out.partial.back()) + trs);
      out.partial_tail = geometric_tail(s_tail_c, rho_s_hi, k);
      if (small_enough(out.partial_tail, out.partial.back())) s_done = true;
    }
    if (k >= s_cap) s_done = true;
    if (products) report(progress, from + (to - from) * kd / cap, "series");
  }
  out.bounds.assign(ser, ser + kN);
  return out;
}

/// Row-major cumulative sums of the full rows [P_i | e_i], for sampling.
std::vector<double> cumulative_rows(const Chain& c) {
  const Index n = c.block.rows();
  std::vector<double> cum(static_cast<std::size_t>(n) * (n + 1));
  for (Index i = 0; i < n; ++i) {
    double acc = 0;
    double* row = &cum[static_cast<std::size_t>(i) * (n + 1)];
    for (Index j = 0; j < n; ++j) row[j] = acc += c.block(i, j);
    row[n] = acc += c.eos(i);
  }
  return cum;
}

bool is_identity(const Decoding& d) { return d.temperature == 1.0 && d.top_k == 0 && d.top_p == 1.0 && !d.greedy; }

struct Prepared {
  Chain chain;
  MatrixXd s;
  VectorXd sigma;
  std::vector<std::vector<int>> cycles;
};

ML_COLD Prepared prepare(const MatrixXd& m, Layout layout, const Decoding& d, const char* fn) {
  check_decoding(d, fn);
  Prepared pr;
  pr.chain = make_chain(m, layout, fn);
  if (!is_identity(d)) pr.chain = decode(pr.chain, d, fn);
  pr.s = pr.chain.block.cwiseAbs2();
  pr.sigma = pr.chain.slack;
  pr.cycles = deterministic_cycles(pr.chain.block, pr.sigma);
  return pr;
}

double zeta_of(const MatrixXd& p) {
  const double nd = static_cast<double>(p.rows());
  return static_cast<double>((p.array() > 0).count()) / (nd * nd);
}

/// Singular values of M from the symmetric Jordan–Wielandt matrix [[0, M], [Mᵀ, 0]] (eigenvalues ±σ_i):
/// returns {Σσ_i, σ_min}, each with absolute error O(ε‖M‖) like an SVD.
ML_COLD std::pair<double, double> nuclear_and_min(const MatrixXd& m) {
  const Index n = m.rows();
  MatrixXd jw = MatrixXd::Zero(2 * n, 2 * n);
  jw.topRightCorner(n, n) = m;
  jw.bottomLeftCorner(n, n) = m.transpose();
  Eigen::SelfAdjointEigenSolver<MatrixXd> es(jw, Eigen::EigenvaluesOnly);
  const VectorXd& ev = es.eigenvalues();  // ascending: −σ_max … −σ_min, σ_min … σ_max
  return {0.5 * ev.cwiseAbs().sum(), std::max(0.0, 0.5 * (ev(n) - ev(n - 1)))};
}

}  // namespace

// ------------------------------------------------------------------------------------------------

ML_COLD void check_decoding(const Decoding& d, const char* fn) {
  if (!(std::isfinite(d.temperature) && d.temperature > 0))
    fail(fn, "temperature must be a positive number, got " + num(d.temperature));
  if (d.top_k < 0) fail(fn, "topK must be a non-negative integer (0 = off), got " + std::to_string(d.top_k));
  if (!(d.top_p > 0 && d.top_p <= 1)) fail(fn, "topP must be in (0, 1] (1 = off), got " + num(d.top_p));
}

ML_COLD Chain make_chain(const MatrixXd& m, Layout layout, const char* fn) {
  detail::require_nonempty(m, fn, "P");
  const Index rows = m.rows(), cols = m.cols();
  Layout l = layout;
  if (l == Layout::automatic) {
    if (rows == cols) l = Layout::block;
    else if (cols == rows + 1) l = Layout::full;
    else
      fail(fn, "P must be n×n (the non-EOS block) or n×(n+1) (full rows with an EOS column), got " +
                   detail::shape(rows, cols));
  }
  if (l == Layout::block && rows != cols)
    fail(fn, "P must be square (the non-EOS block), got " + detail::shape(rows, cols));
  if (l == Layout::full && !(cols == rows + 1 || (rows == cols && rows >= 2)))
    fail(fn, "P with an EOS column must be n×(n+1) or (n+1)×(n+1), got " + detail::shape(rows, cols));
  detail::require_finite(m, fn, "P");
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i)
      if (m(i, j) < 0) fail(fn, "P has a negative entry (" + num(m(i, j)) + ") at " + at(i, j));
  const Index n = l == Layout::block ? rows : cols - 1;
  if (l == Layout::full && rows == cols) {
    for (Index j = 0; j < n; ++j)
      if (m(n, j) != 0)
        fail(fn, "P: the last row of an (n+1)×(n+1) matrix must be the EOS row (0 … 0 1), got " + num(m(n, j)) +
                     " at " + at(n, j));
    if (m(n, n) != 1)
      fail(fn, "P: the last row of an (n+1)×(n+1) matrix must be the EOS row (0 … 0 1), got " + num(m(n, n)) +
                   " at " + at(n, n));
  }
  Chain c{MatrixXd(n, n), VectorXd(n), VectorXd(n)};
  const Index stride = m.rows();  // column-major: consecutive entries of a row are `rows` apart
  for (Index i = 0; i < n; ++i) {
    const double* row = m.data() + i;
    const double r = m.row(i).head(n).sum();
    if (l == Layout::block) {
      if (r > 1 + kRowTolerance)
        fail(fn, "P row " + std::to_string(i) + " sums to " + sum_text(r) + " > 1 (tolerance " + num(kRowTolerance) +
                     ")");
      // Rows a rounding above 1 are rescaled to sum to 1 (EOS 0).
      c.slack(i) = r > 1 ? set_row(c, i, row, stride, n, 0.0, false) : set_row(c, i, row, stride, n, 0.0, true);
    } else {
      const double total = r + m(i, n);
      if (std::abs(total - 1) > kRowTolerance)
        fail(fn, "P row " + std::to_string(i) + " sums to " + sum_text(total) +
                     ", expected 1 (a full row includes EOS; tolerance " + num(kRowTolerance) + ")");
      c.slack(i) = set_row(c, i, row, stride, n, m(i, n), false);
    }
  }
  return c;
}

Chain decode(const Chain& c, const Decoding& d, const char* fn) {
  check_decoding(d, fn);
  const Index n = c.block.rows();
  const int k = d.greedy ? 1 : d.top_k;
  Chain out{MatrixXd(n, n), VectorXd(n), VectorXd(n)};
  std::vector<double> q(n + 1);
  std::vector<int> order(n + 1);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) q[j] = c.block(i, j);
    q[n] = c.eos(i);
    if (d.temperature != 1.0) {
      // p^{1/t} / Σ p^{1/t} = exp((log p − log p_max)/t) / Σ …: no overflow for any t.
      const double lmax = std::log(*std::max_element(q.begin(), q.end()));
      for (double& x : q)
        if (x > 0) x = std::exp((std::log(x) - lmax) / d.temperature);
    }
    const bool truncate = (k > 0 && k <= n) || d.top_p < 1.0;
    if (truncate) {
      std::iota(order.begin(), order.end(), 0);
      sort_indices(order, {[](int a, int b, const void* c) {
                             const double* q = static_cast<const double*>(c);
                             return q[a] > q[b] || (q[a] == q[b] && a < b);
                           },
                           q.data()});
      Index keep = n + 1;
      if (k > 0 && k <= n) keep = k;
      if (d.top_p < 1.0) {
        double total = 0;
        for (Index t = 0; t < keep; ++t) total += q[order[t]];
        const double target = d.top_p * total * (1 - 8 * kEps);
        double cum = 0;
        Index t = 0;
        while (t < keep) {
          cum += q[order[t++]];
          if (cum >= target) break;
        }
        keep = t;
      }
      for (Index t = keep; t <= n; ++t) q[order[t]] = 0;
    }
    out.slack(i) = set_row(out, i, q.data(), 1, n, q[n], false);
  }
  return out;
}

double trace_resolvent(const MatrixXd& s, const VectorXd& slack, const Progress& progress, double from, double to) {
  const Index n = s.rows();
  const Index nb = 64;
  MatrixXd w = -s;          // A − I for A = I − S: every entry ≤ 0, and stays so
  VectorXd sigma = slack;   // row sums of the current Schur complement (≥ 0)
  VectorXd u(n);            // pivots U_pp
  VectorXd r(nb);           // panel rows: Σ_{j ≥ panel end} W(i, j)
  const double lu_to = from + (to - from) * 0.5;
  for (Index k = 0; k < n; k += nb) {
    const Index kb = std::min(nb, n - k), e = k + kb;
    if (e < n) r.head(kb) = w.block(k, e, kb, n - e).rowwise().sum();
    else r.head(kb).setZero();
    for (Index p = k; p < e; ++p) {
      double off = 0;  // Σ_{p<j<e} W(p, j)
      for (Index j = p + 1; j < e; ++j) off += w(p, j);
      // GTH pivot: U_pp = σ_p + Σ_{j>p} |U_pj|, a sum of nonnegative numbers.
      const double pivot = sigma(p) - off - r(p - k);
      if (!(pivot > 0) || !std::isfinite(pivot)) return kInf;
      u(p) = pivot;
      const Index below = n - p - 1;
      if (below == 0) continue;
      w.col(p).tail(below) /= pivot;                          // L(:, p) ≤ 0
      sigma.tail(below) -= sigma(p) * w.col(p).tail(below);  // σ_i += |L_ip| σ_p
      for (Index i = p + 1; i < e; ++i) r(i - k) -= w(i, p) * r(p - k);
      for (Index j = p + 1; j < e; ++j) {
        const double upj = w(p, j);
        if (upj != 0) w.col(j).tail(below) -= upj * w.col(p).tail(below);
      }
    }
    if (e < n) {
      auto u12 = w.block(k, e, kb, n - e);
      w.block(k, k, kb, kb).triangularView<Eigen::UnitLower>().solveInPlace(u12);
      w.block(e, e, n - e, n - e).noalias() -= w.block(e, k, n - e, kb) * w.block(k, e, kb, n - e);
    }
    const double left = 1.0 - static_cast<double>(e) / static_cast<double>(n);  // LU flops ∝ 1 − left³
    if (n > 256) report(progress, from + (lu_to - from) * (1.0 - left * left * left), "factorize");
  }
  // R = Tr((I − S)^{-1} − I) = Σ_i (1/U_ii − 1) + Σ_{i<m} (U^{-1})_im (L^{-1})_mi; 1 − U_ii = −W_ii.
  const VectorXd one_minus_u = -w.diagonal();
  // Every term of R is ≥ 0, so R ≥ 1/U_ii − 1: a pivot so small (a denormal slack next to a self-loop
  // that rounds to 1) that this overflows means R = +∞ in double (the inverses would make inf − inf = NaN).
  for (Index i = 0; i < n; ++i)
    if (!std::isfinite(one_minus_u(i) / u(i))) return kInf;
  w.diagonal() = u;
  invert_upper(w);
  if (n > 256) report(progress, from + (to - from) * 0.75, "factorize");
  invert_unit_lower(w);
  double sum = 0;
  for (Index i = 0; i < n; ++i) sum += one_minus_u(i) / u(i);
  for (Index m = 1; m < n; ++m) {
    double col = 0;
    for (Index i = 0; i < m; ++i) col += w(i, m) * w(m, i);
    sum += col;
  }
  if (n > 256) report(progress, to, "factorize");
  // The input is finite and every term is ≥ 0: a NaN can only come from an overflow (inf − inf, 0 · inf).
  return std::isnan(sum) ? kInf : sum;
}

SpectralRadius spectral_radius(const MatrixXd& a) {
  SpectralRadius out;
  const auto comps = components_of(a);
  out.components = static_cast<int>(comps.size());
  out.converged = true;
  double budget = 5e8;  // flops for all power iterations together
  for (const auto& comp : comps) {
    const Index m = static_cast<Index>(comp.size());
    double lo, hi;
    int iters = 0;
    bool conv = true;
    if (m == 1) {
      lo = hi = a(comp[0], comp[0]);
    } else {
      const bool whole = m == a.rows();
      MatrixXd sub;
      if (!whole) {
        sub.resize(m, m);
        for (Index j = 0; j < m; ++j)
          for (Index i = 0; i < m; ++i) sub(i, j) = a(comp[i], comp[j]);
      }
      const MatrixXd& c = whole ? a : sub;
      const double md = static_cast<double>(m);
      const int max_it = static_cast<int>(std::min(100000.0, std::max(300.0, budget / (2 * md * md))));
      VectorXd x = VectorXd::Ones(m), y(m);
      lo = 0;
      hi = kInf;
      conv = false;
      for (iters = 1; iters <= max_it; ++iters) {
        y.noalias() = c * x;
        double l = kInf, h = 0;
        for (Index i = 0; i < m; ++i) {
          const double ratio = y(i) / x(i);
          l = std::min(l, ratio);
          h = std::max(h, ratio);
        }
        lo = std::max(lo, l);  // every Collatz–Wielandt pair is a bracket: keep the tightest
        hi = std::min(hi, h);
        if (hi - lo <= 32 * kEps * hi) {
          conv = true;
          break;
        }
        // (A_C + αI) x with α = h/2 ≥ ρ/2: primitive, so x tends to the Perron vector even for periodic
        // A_C (λ = −ρ shrinks by a factor 3), while the shift slows the usual case less than α = 1 would.
        x = y + 0.5 * h * x;
        x /= x.maxCoeff();
        if (!(x.minCoeff() > 0)) break;  // underflow: keep the bracket so far
      }
      iters = std::min(iters, max_it);
      budget = std::max(0.0, budget - 2.0 * md * md * iters);
    }
    out.iterations += iters;
    out.converged = out.converged && conv;
    out.lower = std::max(out.lower, lo);
    out.upper = std::max(out.upper, hi);
  }
  out.value = out.converged ? 0.5 * (out.lower + out.upper) : out.upper;
  // With several components the value is the largest component's; clamp into the bracket.
  out.value = std::min(std::max(out.value, out.lower), out.upper);
  return out;
}

ML_COLD Analysis analyze(const MatrixXd& m, const Options& o) {
  constexpr const char* fn = "repetition.analyze";
  if (o.terms < -1 || o.terms > 100000) fail(fn, "terms must be an integer from 1 to 100000, got " + std::to_string(o.terms));
  if (o.terms == 0) fail(fn, "terms must be an integer from 1 to 100000, got 0");
  report(o.progress, 0, "transform");
  Prepared pr = prepare(m, o.layout, o.decoding, fn);
  Analysis a;
  const MatrixXd& p = pr.chain.block;
  const Index n = p.rows();
  const double nd = static_cast<double>(n);
  a.n = static_cast<int>(n);
  a.zeta = zeta_of(p);
  a.cycles = pr.cycles;
  a.divergent = !pr.cycles.empty();
  const bool want_eig = o.eigenvalues == Part::yes || (o.eigenvalues == Part::automatic && n <= 256);
  const bool want_paper = o.paper == Part::yes || (o.paper == Part::automatic && n <= 256);
  const int cap = o.terms > 0 ? o.terms : (n <= 64 ? 200 : n <= 256 ? 30 : 2);

  // Stage weights by estimated flops, for the progress fraction.
  const double n3 = nd * nd * nd;
  const double w_factor = a.divergent ? nd * nd : 4.0 / 3.0 * n3;
  const double w_rho = 200 * nd * nd;
  const double w_series = cap >= 3 ? 6 * n3 * std::min(cap, 12) : nd * nd;
  const double w_eig = want_eig ? 25 * n3 : 0;
  const double w_paper = want_paper ? 200 * n3 : 0;
  const double total = w_factor + w_rho + w_series + w_eig + w_paper;
  double done = 0;
  auto span = [&](double w) {
    const double from = done / total;
    done += w;
    return std::pair<double, double>(from, done / total);
  };

  // R.
  const auto f = span(w_factor);
  a.rate = a.divergent ? kInf : trace_resolvent(pr.s, pr.sigma, o.progress, f.first, f.second);
  if (!a.divergent && std::isinf(a.rate)) {
    // R = Σ Tr(S^k) is beyond the double range: ρ(S) = 1 to working precision (a row that leaks less
    // than ~1e-308 past a self-loop or cycle whose P rounds to 1, e.g. next to a denormal entry).
    // Reported as divergent, so that R = +∞ exactly when `divergent` (and ρ(S), the bounds and the
    // series are those of a divergent chain), with the cycles whose leak makes 1/σ overflow.
    a.divergent = true;
    a.cycles = deterministic_cycles(p, pr.sigma, 1.0 / std::numeric_limits<double>::max());
    a.warnings.push_back("R overflows double precision (it exceeds 1.8e308): ρ(S) = 1 to working precision, so the "
                         "chain is reported as divergent although no row is exactly deterministic");
  }

  // ρ(S).
  report(o.progress, done / total, "spectral radius");
  const SpectralRadius rho = spectral_radius(pr.s);
  span(w_rho);
  a.components = rho.components;
  a.spectral_radius_iterations = rho.iterations;
  a.spectral_radius_converged = rho.converged || a.divergent;
  if (a.divergent) {
    a.spectral_radius = a.spectral_radius_lower = a.spectral_radius_upper = 1.0;
  } else {
    a.spectral_radius = std::min(rho.value, 1.0);
    a.spectral_radius_lower = std::min(rho.lower, 1.0);
    a.spectral_radius_upper = std::min(rho.upper, 1.0);
    if (!rho.converged)
      a.warnings.push_back("the power iteration for ρ(S) did not converge in " + std::to_string(rho.iterations) +
                           " iterations; ρ(S) is in [" + num(rho.lower) + ", " + num(rho.upper) + "]");
  }

  // Upper bounds.
  a.row_sums_s = pr.s.rowwise().sum();
  a.perron_lower = a.row_sums_s.minCoeff();
  a.perron_upper = a.row_sums_s.maxCoeff();
  const auto ratio = [](double x) { return x < 1 ? x / (1 - x) : kInf; };
  a.dominant_term = a.divergent ? kInf : ratio(a.spectral_radius);
  a.upper_bound = a.divergent ? kInf : nd * ratio(a.spectral_radius_upper);
  a.row_sum_upper_bound = nd * ratio(a.perron_upper);
  if (!a.divergent && a.spectral_radius_upper > 1 - 1e-8)
    a.warnings.push_back("ρ(S) is within " + num(1 - a.spectral_radius) +
                         " of 1: R is computed accurately for P as given, but changes of P in its last digits "
                         "change R a lot");

  // ρ(P) for the tail bounds of the lower-bound series (and the paper's Theorem 1).
  const SpectralRadius rho_p = spectral_radius(p);

  // Series: Tr S^k, partial sums, lower bounds.
  const auto sr = span(w_series);
  report(o.progress, sr.first, "series");
  SeriesResult series = power_series(p, pr.s, a.zeta, a.spectral_radius_upper, rho_p.lower, rho_p.upper, cap,
                                     a.divergent, o.progress, sr.first, sr.second);
  a.traces = std::move(series.traces);
  a.partial_sums = std::move(series.partial);
  a.partial_tail_bound = series.partial_tail;
  a.lower_bounds = std::move(series.bounds);

  // Eigenvalues of S.
  if (want_eig) {
    const auto se = span(w_eig);
    report(o.progress, se.first, "eigenvalues");
    Eigen::EigenSolver<MatrixXd> es(pr.s, false);
    if (es.info() != Eigen::Success) {
      a.warnings.push_back("the eigenvalue solver did not converge; eigenvalues are not reported");
    } else {
      // By decreasing modulus; ties (conjugate pairs, ±ρ) by decreasing real, then imaginary part.
      std::vector<int> by(static_cast<std::size_t>(n));
      std::iota(by.begin(), by.end(), 0);
      sort_indices(by, {[](int a, int b, const void* c) {
                          const auto& x = static_cast<const std::complex<double>*>(c)[a];
                          const auto& y = static_cast<const std::complex<double>*>(c)[b];
                          const double ax = std::hypot(x.real(), x.imag()), ay = std::hypot(y.real(), y.imag());
                          if (ax != ay) return ax > ay;
                          if (x.real() != y.real()) return x.real() > y.real();
                          return x.imag() > y.imag();
                        },
                        es.eigenvalues().data()});
      std::vector<std::complex<double>> ev;
      ev.reserve(by.size());
      for (int i : by) ev.push_back(es.eigenvalues()(i));
      // Σ Re(λ/(1 − λ)) = Σ (x(1 − x) − y²)/((1 − x)² + y²) for λ = x + iy.
      double sum = 0;
      bool at_one = false;  // an eigenvalue that is exactly 1 in double: λ/(1 − λ) would be 0/0
      for (const auto& l : ev) {
        const double x = l.real(), y = l.imag(), u = 1.0 - x;
        const double den = u * u + y * y;
        if (den == 0) at_one = true;
        else sum += (x * u - y * y) / den;
      }
      if (a.divergent || (at_one && std::isinf(a.rate))) {
        a.rate_from_eigenvalues = kInf;
      } else if (at_one) {
        a.rate_from_eigenvalues.reset();
        a.warnings.push_back("an eigenvalue of S rounds to 1, so Σλ/(1−λ) cannot be evaluated and is not reported "
                             "(the closed form is the accurate value)");
      } else {
        a.rate_from_eigenvalues = sum;
      }
      if (!a.divergent && !at_one && std::isfinite(a.rate)) {
        const double diff = std::abs(sum - a.rate);
        if (diff > 1e-8 * std::max(1.0, a.rate))
          a.warnings.push_back("Σλ/(1−λ) over the eigenvalues differs from the closed form by " + num(diff) +
                               " (eigenvalues of the non-symmetric S are ill-conditioned; the closed form is the "
                               "accurate value)");
      }
      a.eigenvalues = std::move(ev);
    }
  }

  // Fu et al.'s ARP with B = P.
  if (want_paper) {
    const auto sp = span(w_paper);
    report(o.progress, sp.first, "paper");
    Paper pp;
    pp.zeta = a.zeta;
    const double zn = a.zeta * nd;
    pp.spectral_radius_b2 = rho_p.value * rho_p.value;
    const MatrixXd b2 = p * p;
    if (zn > 0) {
      const MatrixXd t = b2 / zn;
      const VectorXd slack = VectorXd::Ones(n) - t.rowwise().sum();
      pp.arp = trace_resolvent(t, slack);
    } else {
      pp.arp = kInf;
    }
    pp.theorem1_applies = std::isfinite(pp.arp);
    pp.sigma_min = nuclear_and_min(zn * MatrixXd::Identity(n, n) - b2).second;
    pp.nuclear_norm = nuclear_and_min(b2).first;
    pp.bound = pp.sigma_min > 0 ? pp.nuclear_norm / pp.sigma_min : kInf;
    // Definition 2.2 term by term: Σ_k tr((B²/ζn)^k).
    Series& s = pp.arp_series;
    s.name = "arp";
    const double q = zn > 0 ? rho_p.upper * rho_p.upper / zn : kInf;
    if (zn <= 0 || rho_p.lower * rho_p.lower >= zn) {
      s.divergent = true;
      s.value = s.tail_bound = kInf;
    } else {
      const MatrixXd t = b2 / zn;
      MatrixXd tk = t;
      for (int k = 1; k <= cap; ++k) {
        if (k > 1) {
          MatrixXd next = tk * t;
          tk.swap(next);
        }
        s.value += tk.trace();
        s.terms = k;
        s.tail_bound = geometric_tail(nd, q, k);
        if (small_enough(s.tail_bound, s.value)) {
          s.converged = true;
          break;
        }
      }
    }
    a.paper = std::move(pp);
    report(o.progress, sp.second, "paper");
  }
  a.chain = std::move(pr.chain);
  report(o.progress, 1, "done");
  return a;
}

double rate(const MatrixXd& m, const Options& o) {
  constexpr const char* fn = "repetition.rate";
  Prepared pr = prepare(m, o.layout, o.decoding, fn);
  if (!pr.cycles.empty()) return kInf;
  return trace_resolvent(pr.s, pr.sigma, o.progress);
}

Simulation simulate(const MatrixXd& m, const SimulateOptions& o) {
  constexpr const char* fn = "repetition.simulate";
  Prepared pr = prepare(m, o.layout, o.decoding, fn);
  const Index n = pr.chain.block.rows();
  const std::int64_t min_samples = 2 * static_cast<std::int64_t>(n);
  if (o.samples < min_samples || o.samples > 100000000)
    fail(fn, "samples must be an integer from 2n = " + std::to_string(min_samples) + " to 100000000, got " +
                 std::to_string(o.samples));
  if (o.max_k < 0 || o.max_k > 1000)
    fail(fn, "maxK must be an integer from 1 to 1000 (0 = automatic), got " + std::to_string(o.max_k));
  const double nd = static_cast<double>(n);
  const bool divergent = !pr.cycles.empty();
  const double rho = divergent ? 1.0 : std::min(1.0, spectral_radius(pr.s).upper);
  int kmax = o.max_k;
  if (kmax == 0) {
    kmax = 200;
    for (int k = 1; k <= 200; ++k)
      if (geometric_tail(nd, rho, k) <= 1e-6) {
        kmax = k;
        break;
      }
  }
  Simulation out;
  out.samples = o.samples;
  out.max_k = kmax;
  out.tail_bound = divergent ? kInf : geometric_tail(nd, rho, kmax);

  const std::vector<double> cum = cumulative_rows(pr.chain);
  const std::size_t stride = static_cast<std::size_t>(n) + 1;
  detail::Random rng(o.seed);
  const std::size_t len_max = 2 * static_cast<std::size_t>(kmax) + 1;
  std::vector<int> seq(len_max);
  std::vector<std::int64_t> m_count(n, 0);
  std::vector<double> mean(n, 0.0), m2(n, 0.0);
  std::vector<std::uint32_t> hits(static_cast<std::size_t>(n) * kmax, 0);
  double length_sum = 0;
  std::int64_t eos = 0;
  const std::int64_t report_every = std::max<std::int64_t>(1, o.samples / 50);
  for (std::int64_t sidx = 0; sidx < o.samples; ++sidx) {
    const int start = static_cast<int>(sidx % n);
    seq[0] = start;
    std::size_t len = 1;
    while (len < len_max) {
      const double* row = &cum[static_cast<std::size_t>(seq[len - 1]) * stride];
      const double x = rng.uniform() * row[n];
      const int next = static_cast<int>(std::upper_bound(row, row + stride, x) - row);
      if (next >= n) {
        ++eos;
        break;
      }
      seq[len++] = next;
    }
    length_sum += static_cast<double>(len);
    // Events E_k: seq[j + k] = seq[j] for j = 0…k (needs 2k + 1 tokens).
    int c = 0;
    for (int k = 1; 2 * static_cast<std::size_t>(k) + 1 <= len; ++k) {
      if (seq[k] != seq[0]) continue;
      bool rep = true;
      for (int j = 1; j <= k && rep; ++j) rep = seq[j + k] == seq[j];
      if (rep) {
        ++c;
        ++hits[static_cast<std::size_t>(start) * kmax + (k - 1)];
      }
    }
    // Welford per start token.
    const std::int64_t cnt = ++m_count[start];
    const double delta = c - mean[start];
    mean[start] += delta / static_cast<double>(cnt);
    m2[start] += delta * (c - mean[start]);
    if ((sidx + 1) % report_every == 0)
      report(o.progress, static_cast<double>(sidx + 1) / static_cast<double>(o.samples), "simulate");
  }
  // Stratified estimator: R̂_K = Σ_i mean_i, Var = Σ_i s_i² / m_i.
  double est = 0, var = 0;
  for (Index i = 0; i < n; ++i) {
    const double mi = static_cast<double>(m_count[i]);
    est += mean[i];
    var += m2[i] / (mi - 1) / mi;
  }
  out.estimate = est;
  out.standard_error = std::sqrt(var);
  out.trace_estimates.resize(kmax);
  out.trace_standard_errors.resize(kmax);
  for (int k = 0; k < kmax; ++k) {
    double e = 0, v = 0;
    for (Index i = 0; i < n; ++i) {
      const double mi = static_cast<double>(m_count[i]);
      const double ph = hits[static_cast<std::size_t>(i) * kmax + k] / mi;
      e += ph;
      v += ph * (1 - ph) / (mi - 1);
    }
    out.trace_estimates[k] = e;
    out.trace_standard_errors[k] = std::sqrt(v);
  }
  out.mean_length = length_sum / static_cast<double>(o.samples);
  out.eos_fraction = static_cast<double>(eos) / static_cast<double>(o.samples);
  if (nd * nd * nd * kmax <= 5e7) {
    MatrixXd sk = pr.s;
    double sum = sk.trace();
    for (int k = 2; k <= kmax; ++k) {
      MatrixXd next = sk * pr.s;
      sk.swap(next);
      sum += sk.trace();
    }
    out.truncated_rate = sum;
  }
  report(o.progress, 1, "simulate");
  return out;
}

ML_COLD Sweep sweep(const MatrixXd& m, const std::vector<double>& temperatures, const Options& o) {
  constexpr const char* fn = "repetition.sweep";
  if (temperatures.empty()) fail(fn, "temperatures is empty");
  if (temperatures.size() > 10000) fail(fn, "temperatures has more than 10000 entries");
  for (std::size_t i = 0; i < temperatures.size(); ++i)
    if (!(std::isfinite(temperatures[i]) && temperatures[i] > 0))
      fail(fn, "temperatures[" + std::to_string(i) + "] must be a positive number, got " + num(temperatures[i]));
  check_decoding(o.decoding, fn);
  const Chain base = make_chain(m, o.layout, fn);
  const Index n = base.block.rows();
  const double nd = static_cast<double>(n);
  Sweep out;
  const std::size_t count = temperatures.size();
  for (std::size_t i = 0; i < count; ++i) {
    Decoding d = o.decoding;
    d.temperature = temperatures[i];
    const Chain c = is_identity(d) ? base : decode(base, d, fn);
    const MatrixXd s = c.block.cwiseAbs2();
    const VectorXd& sigma = c.slack;
    const bool div = !deterministic_cycles(c.block, sigma).empty();
    const double from = static_cast<double>(i) / count, to = static_cast<double>(i + 1) / count;
    const double r = div ? kInf : trace_resolvent(s, sigma, o.progress, from, from + 0.9 * (to - from));
    const SpectralRadius rho = spectral_radius(s);
    // R beyond the double range: ρ(S) = 1 to working precision, as in analyze().
    const bool at_one = div || std::isinf(r);
    const double rv = at_one ? 1.0 : std::min(rho.value, 1.0);
    const double rh = at_one ? 1.0 : std::min(rho.upper, 1.0);
    out.temperatures.push_back(temperatures[i]);
    out.rates.push_back(r);
    out.spectral_radii.push_back(rv);
    out.upper_bounds.push_back(rh < 1 ? nd * rh / (1 - rh) : kInf);
    report(o.progress, to, "sweep");
  }
  return out;
}

ML_COLD MatrixXd bigram(const std::vector<int>& tokens, int n, double smoothing) {
  constexpr const char* fn = "repetition.bigram";
  if (n < 1 || n > 10000) fail(fn, "vocabSize must be an integer from 1 to 10000, got " + std::to_string(n));
  if (!(std::isfinite(smoothing) && smoothing >= 0))
    fail(fn, "smoothing must be a non-negative number, got " + num(smoothing));
  if (tokens.empty()) fail(fn, "tokens is empty");
  MatrixXd c = MatrixXd::Zero(n, n + 1);
  int prev = -1;
  bool any = false;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const int x = tokens[t];
    if (x < -1 || x >= n)
      fail(fn, "tokens[" + std::to_string(t) + "] = " + std::to_string(x) + " is not a token id in [0, " +
                   std::to_string(n) + ") or −1 (end of sequence)");
    if (x == -1) {
      if (prev >= 0) c(prev, n) += 1;
    } else {
      any = true;
      if (prev >= 0) c(prev, x) += 1;
    }
    prev = x;
  }
  if (prev >= 0) c(prev, n) += 1;
  if (!any) fail(fn, "tokens has no token ids (only −1)");
  const double extra = smoothing * (n + 1);
  // k(n + 1) overflows for a huge k (every row was then (c + k)/inf = 0): divide by k first,
  // A_ij = (c_ij/k + 1)/(c_i/k + n + 1), which tends to the uniform row 1/(n + 1).
  const bool huge = !std::isfinite(extra);
  for (Index i = 0; i < n; ++i) {
    if (huge) {
      const double total = c.row(i).sum() / smoothing + static_cast<double>(n + 1);
      c.row(i) = (c.row(i).array() / smoothing + 1.0) / total;
      continue;
    }
    const double total = c.row(i).sum() + extra;
    if (!(total > 0))
      fail(fn, "token " + std::to_string(i) + " never occurs and smoothing is 0, so its row is undefined");
    c.row(i) = (c.row(i).array() + smoothing) / total;
  }
  return c;
}

}  // namespace mathlens::repetition

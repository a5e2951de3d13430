// libFuzzer harness of mathlens::matexp (see tests/fuzz/fuzz.hpp for the rules): square and
// non-square matrices (nilpotent, triangular, symmetric, huge norms, NaN/Inf, wrong shapes) through
// expm / expm_info (every balancing), the rank-one closed form, det exp(A) = exp(tr A) and the log-det
// series. Promises checked: exp(A) finite (the module throws when an entry overflows), never NaN;
// det/trace results never NaN; for small norms exp(A)·exp(−A) ≈ I.
#include "mathlens/matexp.hpp"

#include "fuzz.hpp"

namespace x = mathlens::matexp;
using namespace mathlens::fuzz;

namespace {

constexpr int kMaxDim = 6;

MatrixXd square(Input& in, Index n) {
  switch (in.pick(6)) {
    case 0: {  // strictly upper triangular: nilpotent
      MatrixXd m = in.matrix(n, n);
      return m.triangularView<Eigen::StrictlyUpper>().toDenseMatrix();
    }
    case 1: {
      MatrixXd m = in.matrix(n, n);
      return m + m.transpose();
    }
    case 2: return in.matrix(n, in.pick(3) == 0 ? n + 1 : n);
    default: return in.matrix(n, n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const int which = in.pick(6);
  const Index n = in.dim(kMaxDim);
  const auto balance = static_cast<x::Balance>(in.pick(3));

  switch (which) {
    case 0: {
      const MatrixXd a = square(in, n);
      call("matexp.expm", [&] {
        const MatrixXd e = x::expm(a, balance);
        promise_not_nan(e, "matexp.expm");
        if (!e.allFinite()) bug("matexp.expm returned a non-finite entry (it promises to throw on overflow)");
        const double norm = a.cwiseAbs().colwise().sum().maxCoeff();
        if (norm < 1) {
          const MatrixXd back = x::expm(MatrixXd(-a), balance);
          const double err = (e * back - MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff();
          if (!(err <= 1e-12)) bug("matexp.expm: exp(A)·exp(−A) − I = " + show(err) + " for ‖A‖₁ < 1");
        }
      });
      break;
    }
    case 1: {
      const MatrixXd a = square(in, n);
      call("matexp.expmInfo", [&] {
        const x::ExpmResult r = x::expm_info(a, balance);
        promise_not_nan(r.value, "matexp.expmInfo");
        if (!r.value.allFinite()) bug("matexp.expmInfo returned a non-finite entry");
        promise_not_nan(r.norm1, "matexp.expmInfo norm1");
      });
      break;
    }
    case 2: {
      const VectorXd u = in.vector(n);
      const VectorXd v = in.vector(in.pick(6) == 0 ? in.dim(kMaxDim) : n);
      call("matexp.expRankOne", [&] {
        const x::RankOne r = x::exp_rank_one(u, v);
        for (double t : {r.s, r.phi, r.psi, r.det, r.log_det}) promise_not_nan(t, "matexp.expRankOne scalar");
        promise_not_nan(r.exp, "matexp.expRankOne exp");
        promise_not_nan(r.inverse, "matexp.expRankOne inverse");
        if (!r.exp.allFinite() || !r.inverse.allFinite()) bug("matexp.expRankOne returned a non-finite entry");
      });
      break;
    }
    case 3: {
      const VectorXd u = in.vector(n);
      const VectorXd v = in.vector(n);
      const MatrixXd w = in.matrix(in.pick(6) == 0 ? in.dim(kMaxDim) : n, in.integer(0, 3));
      const bool inverse = in.pick(2);
      call("matexp.expRankOneApply", [&] {
        const MatrixXd r = x::exp_rank_one_apply(u, v, w, inverse);
        promise_finite(r, "matexp.expRankOneApply", in);
      });
      break;
    }
    case 4: {
      const MatrixXd a = square(in, n);
      call("matexp.detExp", [&] {
        const x::DetExp r = x::det_exp(a, balance);
        for (double t : {r.trace, r.log_abs_det, r.det, r.exp_trace, r.log_difference, r.relative_difference, r.shift})
          promise_not_nan(t, "matexp.detExp");
      });
      break;
    }
    default: {
      const MatrixXd m = square(in, n);
      const int terms = in.integer(-2, 300);
      const double tol = in.pick(2) ? 1e-16 : in.number();
      call("matexp.logDetSeries", [&] {
        const x::LogDetSeries r = x::log_det_series(m, terms, tol);
        for (double t : {r.value, r.remainder_bound, r.spectral_radius, r.norm2, r.log_det, r.difference})
          promise_not_nan(t, "matexp.logDetSeries");
        for (double t : r.partial_sums) promise_not_nan(t, "matexp.logDetSeries partial sum");
      });
      call("matexp.spectrum", [&] {
        const x::Spectrum s = x::spectrum(m);
        if (s.eigenvalues.hasNaN()) bug("matexp.spectrum returned a NaN eigenvalue");
        if (s.exp_eigenvalues.hasNaN()) bug("matexp.spectrum returned a NaN exp(eigenvalue)");
      });
    }
  }
  return 0;
}

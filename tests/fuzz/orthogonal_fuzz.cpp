// libFuzzer harness of mathlens::orthogonal (see tests/fuzz/fuzz.hpp for the rules): pairs of
// vectors (zero, parallel, antiparallel, nearly so, huge, tiny, NaN/Inf, mismatched lengths) and
// fallback directions, through every construction and apply. Promise checked for every result: T is
// orthogonal (‖TᵀT − I‖ ≤ 1e-12·d), maps â to b̂, and T x is finite whenever x is moderate; the
// header promises all of this "for every pair", so extreme magnitudes are held to it too.
#include "mathlens/orthogonal.hpp"

#include "fuzz.hpp"

namespace o = mathlens::orthogonal;
using namespace mathlens::fuzz;

namespace {

constexpr int kMaxDim = 7;

/// b from a: unrelated, (anti)parallel, or parallel plus a tiny perturbation.
VectorXd partner(Input& in, const VectorXd& a, Index n) {
  switch (in.pick(5)) {
    case 0: return in.number() * a;
    case 1: {
      VectorXd b = a;
      if (n > 0) b(in.integer(0, static_cast<int>(n) - 1)) += in.number();
      return b;
    }
    default: return in.vector(n);
  }
}

void check_orthogonal(const MatrixXd& t, const VectorXd& a, const VectorXd& b, const char* what) {
  promise_not_nan(t, what);
  if (!t.allFinite()) bug(std::string(what) + " returned a non-finite entry");
  const Index d = t.rows();
  const double err = (t.transpose() * t - MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff();
  if (!(err <= 1e-12 * static_cast<double>(d))) bug(std::string(what) + ": ‖TᵀT − I‖max = " + show(err));
  // T â = b̂ (the inputs are finite and non-zero here, or the call would have thrown).
  const double na = a.cwiseAbs().maxCoeff(), nb = b.cwiseAbs().maxCoeff();
  const VectorXd ua = (a / na).normalized(), ub = (b / nb).normalized();
  const double res = (t * ua - ub).cwiseAbs().maxCoeff();
  if (!(res <= 1e-12 * static_cast<double>(d))) bug(std::string(what) + ": ‖T â − b̂‖max = " + show(res));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const int which = in.pick(7);
  const Index n = in.dim(kMaxDim);
  const VectorXd a = in.vector(n);
  const VectorXd b = in.pick(8) == 0 ? in.vector(in.dim(kMaxDim)) : partner(in, a, n);
  o::Options opt;
  opt.construction = static_cast<o::Construction>(in.pick(3));
  if (in.pick(3) == 0) opt.fallback = in.vector(in.pick(4) == 0 ? in.dim(kMaxDim) : n);

  switch (which) {
    case 0: call("orthogonal.matrix", [&] { check_orthogonal(o::matrix(a, b, opt), a, b, "orthogonal.matrix"); }); break;
    case 1:
      call("orthogonal.minimalRotation",
           [&] { check_orthogonal(o::minimal_rotation(a, b, opt.fallback), a, b, "orthogonal.minimalRotation"); });
      break;
    case 2:
      call("orthogonal.householder",
           [&] { check_orthogonal(o::householder(a, b, opt.fallback), a, b, "orthogonal.householder"); });
      break;
    case 3:
      call("orthogonal.simplest", [&] { check_orthogonal(o::simplest(a, b, opt.fallback), a, b, "orthogonal.simplest"); });
      break;
    case 4: {
      const VectorXd x = in.vector(in.pick(6) == 0 ? in.dim(kMaxDim) : n);
      const bool transpose = in.pick(2);
      call("orthogonal.apply", [&] {
        const VectorXd y = o::apply(a, b, x, opt, transpose);
        promise_finite(y, "orthogonal.apply", in);
        // ‖T x‖ = ‖x‖ (T is orthogonal), relative to the largest entry.
        const double s = x.cwiseAbs().maxCoeff();
        if (s > 0 && std::isfinite(s) && !in.extreme()) {
          const double dn = std::abs((y / s).norm() - (x / s).norm());
          if (!(dn <= 1e-12 * static_cast<double>(n))) bug("orthogonal.apply: ‖Tx‖ ≠ ‖x‖ by " + show(dn));
        }
      });
      break;
    }
    case 5: {
      o::RowMatrix rows = in.matrix(in.integer(0, 4), in.pick(6) == 0 ? in.dim(kMaxDim) : n);
      call("orthogonal.apply", [&] {
        o::apply_rows(a, b, rows, opt, in.pick(2));
        promise_finite(rows, "orthogonal.apply (rows)", in);
      });
      break;
    }
    default:
      call("orthogonal.report", [&] {
        const o::Report r = o::report(a, b, opt);
        check_orthogonal(r.matrix, a, b, "orthogonal.report");
        for (double x : {r.cos_theta, r.sin_theta, r.angle, r.orthogonality_error, r.residual, r.inverse_residual,
                         r.determinant, r.trace, r.sensitivity})
          promise_not_nan(x, "orthogonal.report field");
        if (std::abs(std::abs(r.determinant) - 1.0) > 1e-10) bug("orthogonal.report: |det T| = " + show(r.determinant));
      });
  }
  return 0;
}

// libFuzzer harness of mathlens::attention (see tests/fuzz/fuzz.hpp for the rules): Q, K, V of
// decoded shapes (mismatched, empty, heads not dividing the width) and entries (huge logits,
// NaN/Inf, ties), through exact softmax attention, linear attention, Performer, Nyström (every
// pseudo-inverse and segmentation), landmarks and pinv. Promises checked: the exact output is a
// convex combination of V's rows (finite for finite V, within its column ranges), never NaN.
#include "mathlens/attention.hpp"

#include "fuzz.hpp"

namespace at = mathlens::attention;
using namespace mathlens::fuzz;

namespace {

constexpr int kMaxDim = 6;

template <class O>
void common_options(Input& in, O& o, Index width) {
  o.heads = in.pick(4) == 0 ? in.integer(-1, 4) : 1;
  if (in.pick(3) == 0) o.scale = in.number();
  o.causal = in.pick(4) == 0;
  o.errors = in.pick(2);
  o.matrix = in.pick(3) == 0;
  (void)width;
}

void check_result(const at::Result& r, const char* what, const Input& in) {
  promise_not_nan(r.output, what);
  promise_not_nan(r.matrix, std::string(what) + " matrix");
  if (r.errors) {
    promise_not_nan(r.errors->matrix_relative_frobenius, std::string(what) + " errors");
    promise_not_nan(r.errors->row_sum_deviation, std::string(what) + " errors");
  }
  (void)in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const int which = in.pick(6);
  const Index n = in.dim(kMaxDim), nk = in.pick(4) == 0 ? in.dim(kMaxDim) : n;
  const Index d = in.dim(kMaxDim), dv = in.pick(3) == 0 ? in.dim(kMaxDim) : d;
  const MatrixXd q = in.matrix(n, d);
  const MatrixXd k = in.matrix(nk, in.pick(8) == 0 ? in.dim(kMaxDim) : d);
  const MatrixXd v = in.matrix(in.pick(8) == 0 ? in.dim(kMaxDim) : nk, dv);

  switch (which) {
    case 0: {
      at::Options o;
      common_options(in, o, d);
      call("attention.exact", [&] {
        const at::Result r = at::exact(q, k, v, o);
        check_result(r, "attention.exact", in);
        // softmax weights are a probability vector: each output lies within V's column range.
        if (v.allFinite() && o.heads == 1 && r.output.size() > 0)
          for (Index j = 0; j < r.output.cols(); ++j) {
            const double lo = v.col(j).minCoeff(), hi = v.col(j).maxCoeff(), slack = 1e-12 * std::max(1.0, v.col(j).cwiseAbs().maxCoeff());
            if (r.output.col(j).minCoeff() < lo - slack || r.output.col(j).maxCoeff() > hi + slack)
              bug("attention.exact: an output leaves the range of V's column " + std::to_string(j));
          }
      });
      break;
    }
    case 1: {
      at::Options o;
      common_options(in, o, d);
      call("attention.linear", [&] { check_result(at::linear(q, k, v, o), "attention.linear", in); });
      break;
    }
    case 2: {
      at::PerformerOptions o;
      common_options(in, o, d);
      o.features = in.integer(-1, 16);
      o.seed = in.u64();
      o.orthogonal = in.pick(2);
      call("attention.performer", [&] { check_result(at::performer(q, k, v, o), "attention.performer", in); });
      break;
    }
    case 3: {
      at::NystromOptions o;
      common_options(in, o, d);
      o.landmarks = in.integer(-1, 7);
      o.pinv = static_cast<at::Pinv>(in.pick(2));
      o.iterations = in.integer(-1, 12);
      o.init = static_cast<at::PinvInit>(in.pick(2));
      o.segments = static_cast<at::Segments>(in.pick(2));
      call("attention.nystrom", [&] { check_result(at::nystrom(q, k, v, o), "attention.nystrom", in); });
      break;
    }
    case 4:
      call("attention.landmarks", [&] {
        promise_not_nan(at::landmarks(q, in.integer(-1, 7), static_cast<at::Segments>(in.pick(2))), "attention.landmarks");
      });
      break;
    default: {
      const MatrixXd a = in.matrix(n, in.pick(4) == 0 ? d : n);
      call("attention.pinv", [&] {
        const at::PinvResult r = at::pinv(a, static_cast<at::Pinv>(in.pick(2)), in.integer(-1, 12), in.pick(2) ? 0.0 : in.number());
        promise_not_nan(r.inverse, "attention.pinv");
        promise_not_nan(r.residual, "attention.pinv residual");
        promise_not_nan(r.penrose, "attention.pinv penrose");
      });
    }
  }
  return 0;
}

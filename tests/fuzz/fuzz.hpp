// Shared machinery of the libFuzzer harnesses (tests/fuzz/<module>_fuzz.cpp, built with
// -DMATHLENS_FUZZ=ON and run by scripts/fuzz.sh).
//
// A harness turns the fuzzer's bytes into shapes and doubles with `Input`, calls the module's C++
// entry points through `call`, and checks what the documentation promises about the results with
// `promise_*`. The only accepted failure mode is mathlens::Error, whose message must name the
// function ("<module>.<fn>: ..."). Anything else is reported on stderr and aborts, which libFuzzer
// records as a crash (as it does ASan/UBSan reports and failed Eigen assertions):
//   - any other exception type (std::bad_alloc, std::invalid_argument, ...);
//   - a mathlens::Error whose message does not start with the expected "<module>.<fn>: ";
//   - a NaN anywhere in a result (never acceptable: the issue forbids silent NaNs);
//   - ±Inf where the result is documented finite (`promise_finite`), unless the input itself held
//     extreme magnitudes (see Input::extreme) that can make the true value overflow.
//
// Adding a module: copy tests/fuzz/gaussian_fuzz.cpp to tests/fuzz/<m>_fuzz.cpp, pick the function
// with `in.pick(n)`, build its arguments with the Input decoders, wrap each call in
// `call("<m>.<jsName>", [&] { ... })` and state the result's promises. CMake picks the file up.
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <string>

#include "mathlens/error.hpp"

namespace mathlens::fuzz {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "\n==mathlens-fuzz== BUG: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

/// Reads the fuzzer's bytes; past the end every read returns 0 (so any input decodes to something).
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}

  std::uint8_t byte() { return pos_ < n_ ? p_[pos_++] : 0; }

  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }

  /// An integer in [lo, hi].
  int integer(int lo, int hi) {
    const unsigned span = static_cast<unsigned>(hi - lo) + 1;
    const unsigned hi8 = byte();
    const unsigned v = (hi8 << 8) | byte();
    return lo + static_cast<int>(v % span);
  }

  /// Which of `n` functions (or modes) to exercise.
  int pick(int n) { return static_cast<int>(byte() % n); }

  /// A dimension: mostly 1..max, sometimes 0 (empty input).
  Index dim(int max) {
    const std::uint8_t b = byte();
    return b < 16 ? 0 : 1 + static_cast<Index>(b % max);
  }

  /// A double: mostly small integers and moderate values (to reach deep code), often special values
  /// (NaN, ±Inf, ±0, huge, tiny, denormal), sometimes an arbitrary bit pattern.
  double number() {
    const std::uint8_t tag = byte();
    double x;
    if (tag < 96) {
      x = static_cast<double>(static_cast<std::int8_t>(byte())) / 8.0;  // −16 … 15.875
    } else if (tag < 160) {
      const int hi8 = byte();
      const auto mantissa = static_cast<std::int16_t>((hi8 << 8) | byte());
      x = std::ldexp(static_cast<double>(mantissa), integer(-40, 10));
    } else if (tag < 224) {
      constexpr double special[] = {
          std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(), 0.0, -0.0, std::numeric_limits<double>::max(),
          -std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min(),
          std::numeric_limits<double>::min(), 1e-300, 1e300, -1e300, std::numeric_limits<double>::epsilon(),
          1.0 + std::numeric_limits<double>::epsilon(), 1e-8, 1e8, 1e150, 1e-150, 1.0, -1.0};
      x = special[byte() % (sizeof special / sizeof special[0])];
    } else {
      const std::uint64_t bits = u64();
      std::memcpy(&x, &bits, sizeof x);
    }
    note(x);
    return x;
  }

  VectorXd vector(Index n) {
    VectorXd v(n);
    for (Index i = 0; i < n; ++i) v(i) = number();
    return v;
  }

  MatrixXd matrix(Index rows, Index cols) {
    MatrixXd m(rows, cols);
    for (Index i = 0; i < rows; ++i)
      for (Index j = 0; j < cols; ++j) m(i, j) = number();
    return m;
  }

  /// An n×n "covariance" in one of several forms: arbitrary, symmetric, A Aᵀ (PSD, possibly low
  /// rank), diagonal, A Aᵀ + sI, Q diag(λ) Qᵀ with a wide spread of λ (ill-conditioned), and
  /// sometimes a wrong shape (n×(n±1)).
  MatrixXd covariance(Index n) {
    switch (pick(8)) {
      case 0:
        return matrix(n, n);
      case 1: {
        MatrixXd m = matrix(n, n);
        return m.triangularView<Eigen::Lower>().toDenseMatrix() +
               m.triangularView<Eigen::StrictlyLower>().transpose().toDenseMatrix();
      }
      case 2: {
        const MatrixXd a = matrix(n, integer(0, static_cast<int>(n) + 1));
        return a * a.transpose();
      }
      case 3:
        return vector(n).asDiagonal();
      case 4: {
        const MatrixXd a = matrix(n, n);
        return a * a.transpose() + number() * MatrixXd::Identity(n, n);
      }
      case 5: {
        MatrixXd q = MatrixXd::Identity(n, n);
        if (n > 0) {
          const MatrixXd a = matrix(n, n);
          if (a.allFinite()) q = Eigen::HouseholderQR<MatrixXd>(a).householderQ();
        }
        VectorXd lambda(n);
        for (Index i = 0; i < n; ++i) lambda(i) = std::ldexp(1.0 + byte() / 256.0, integer(-60, 20));
        note_range(lambda);
        return q * lambda.asDiagonal() * q.transpose();
      }
      case 6:
        return matrix(n, n + 1);
      default:
        return matrix(n, n > 0 ? n - 1 : 1);
    }
  }

  /// Whether any decoded number was non-finite or had a magnitude outside [1e-100, 1e100] (zero
  /// excluded): such inputs can make a true result overflow, so ±Inf is not a bug for them.
  bool extreme() const { return extreme_; }

 private:
  void note(double x) {
    if (trace_) std::fprintf(stderr, "  number #%d: %.17g\n", count_++, x);
    const double a = std::abs(x);
    if (!std::isfinite(x) || a > 1e100 || (a != 0 && a < 1e-100)) extreme_ = true;
  }
  void note_range(const VectorXd& v) {
    for (Index i = 0; i < v.size(); ++i) note(v(i));
  }

  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
  bool extreme_ = false;
  // MATHLENS_FUZZ_TRACE=1 <target> <crash file> prints every decoded number, to write the regression test.
  bool trace_ = std::getenv("MATHLENS_FUZZ_TRACE") != nullptr;
  int count_ = 0;
};

/// Runs f; mathlens::Error naming `fn` is the only accepted failure. Returns whether f succeeded.
template <class F>
bool call(const char* fn, F&& f) {
  try {
    f();
    return true;
  } catch (const mathlens::Error& e) {
    const std::string prefix = std::string(fn) + ": ";
    if (std::strncmp(e.what(), prefix.c_str(), prefix.size()) != 0)
      bug(std::string(fn) + " threw mathlens::Error without the \"" + prefix + "\" prefix: " + e.what());
    return false;
  } catch (const std::bad_alloc&) {
    bug(std::string(fn) + " threw std::bad_alloc (inputs are at most a few KB)");
  } catch (const std::exception& e) {
    bug(std::string(fn) + " threw a non-mathlens exception: " + e.what());
  } catch (...) {
    bug(std::string(fn) + " threw a non-std exception");
  }
}

inline std::string show(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

/// Never NaN.
inline void promise_not_nan(double x, const std::string& what) {
  if (std::isnan(x)) bug(what + " returned NaN");
}
template <class Derived>
void promise_not_nan(const Eigen::DenseBase<Derived>& m, const std::string& what) {
  if (m.hasNaN()) bug(what + " returned a NaN entry");
}

/// Finite, unless the input was extreme (then at least not NaN).
inline void promise_finite(double x, const std::string& what, const Input& in) {
  promise_not_nan(x, what);
  if (!std::isfinite(x) && !in.extreme()) bug(what + " returned " + show(x) + " for moderate input");
}
template <class Derived>
void promise_finite(const Eigen::DenseBase<Derived>& m, const std::string& what, const Input& in) {
  promise_not_nan(m, what);
  if (!m.allFinite() && !in.extreme()) bug(what + " returned a non-finite entry for moderate input");
}

/// lo ≤ x ≤ hi (and so never NaN).
inline void promise_range(double x, double lo, double hi, const std::string& what) {
  if (!(x >= lo && x <= hi)) bug(what + " returned " + show(x) + ", outside [" + show(lo) + ", " + show(hi) + "]");
}

}  // namespace mathlens::fuzz

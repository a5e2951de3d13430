// mathlens — the one exception type of the C++ core.
//
// Every public function validates its input and throws mathlens::Error with a message that names
// the function (by its JavaScript name, e.g. "gaussian.kl") and the offending argument, so the same
// text reaches C++ callers and, unchanged, JavaScript callers as a MathLensError.
#pragma once

#include <stdexcept>
#include <string>

namespace mathlens {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mathlens

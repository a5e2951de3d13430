// Out-of-line helpers of the embind layer (see common.hpp).
#include "common.hpp"

#include <algorithm>

namespace mathlens::bindings {

val guarded_call(const char* fn, val (*call)(void*), void* context) {
  std::string msg;
  try {
    return call(context);
  } catch (const std::bad_alloc&) {
    msg = std::string(fn) + ": out of memory";
  } catch (const std::exception& e) {
    msg = e.what();
  } catch (...) {
    msg = std::string(fn) + ": unknown C++ exception";
  }
  return val::global("Error").new_(val(msg));
}

Eigen::MatrixXd matrix(std::uintptr_t address, int rows, int cols) {
  return Eigen::Map<const RowMajor>(at(address), rows, cols);
}
Eigen::VectorXd vector(std::uintptr_t address, int n) {
  return Eigen::Map<const Eigen::VectorXd>(at(address), n);
}
void write(std::uintptr_t address, const Eigen::MatrixXd& m) {
  Eigen::Map<RowMajor>(out(address), m.rows(), m.cols()) = m;
}
void write_rows(std::uintptr_t address, const RowMajor& m) {
  std::copy(m.data(), m.data() + m.size(), out(address));
}

}  // namespace mathlens::bindings

// mathlens_bench — native timing of the C++ core, the baseline for the wasm build (`npm run bench`).
// Commands are registered by cpp/bench/<module>_bench.cpp (see bench.hpp); each prints one JSON
// object to stdout. Run without arguments for the list.
#include "bench.hpp"

#include <exception>
#include <string>

namespace mathlens::bench {
std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}
}  // namespace mathlens::bench

int main(int argc, char** argv) {
  using namespace mathlens::bench;
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    for (char& c : cmd)
      if (c == '-') c = '_';
    for (const Command& c : commands())
      if (cmd == c.name) return c.run(argc, argv);
    std::fprintf(stderr, "usage:\n");
    for (const Command& c : commands()) std::fprintf(stderr, "  mathlens_bench %s\n", c.usage);
    std::fprintf(stderr, "(normally run through `npm run bench`)\n");
    return 2;
  } catch (const std::exception& e) {
    die(e.what());
  }
}

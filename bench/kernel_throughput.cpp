// kernel_throughput: time the evaluation kernel (decode + area + geometry + cost) over every point of a deck's
// design space on one thread: the per-point cost the search pays (DESIGN.md §2: millions of evaluations per core).
// A benchmark program, not a test.
//
// Usage: kernel_throughput [DECK] [--repeat N]
//   DECK      default: inputs/default.toml
//   --repeat  passes over the whole space; the fastest pass is reported (and the median)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "chipdse/core/build_info.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"

using namespace chipdse;

int main(int argc, char** argv) try {
  std::string deck_path = std::string(CHIPDSE_SOURCE_DIR) + "/inputs/default.toml";
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else deck_path = argv[i];
  }
  const deck::Deck deck = deck::load_deck(deck_path);
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);

  std::vector<double> pass_s;
  std::uint64_t feasible = 0;
  double checksum = 0.0;
  for (int r = 0; r < repeat; ++r) {
    feasible = 0;
    checksum = 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < space.size(); ++i) {
      const model::Metrics m = model::evaluate(decoder.choice(i), params);
      feasible += m.infeasible == 0;
      checksum += m.cost_usd;
    }
    pass_s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(pass_s.begin(), pass_s.end());
  const double n = static_cast<double>(space.size());
  std::printf("kernel_throughput: %s\n", deck_path.c_str());
  std::printf("  points %llu (feasible %llu), passes %d, checksum %.6e\n",
              static_cast<unsigned long long>(space.size()), static_cast<unsigned long long>(feasible), repeat,
              checksum);
  std::printf("  per point: best %.3f us, median %.3f us  (%.2f M points/s per core)\n", pass_s.front() / n * 1e6,
              pass_s[pass_s.size() / 2] / n * 1e6, n / pass_s.front() / 1e6);
  const auto& bi = build_info();
  std::printf("  chipdse %s (%s), %s, %s, %s, 1 thread\n", bi.version, bi.git_revision, bi.build_type, bi.compiler,
              utc_timestamp().c_str());
  return 0;
} catch (const Error& e) {
  std::cerr << "kernel_throughput: " << e.what() << '\n';
  return 1;
}

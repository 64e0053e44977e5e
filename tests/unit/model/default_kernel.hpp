// default_kernel.hpp — the shipped default deck and its resolved kernel parameters, loaded once per test executable
// (shared by the kernel tests: test_evaluate, test_perf, test_chiplet_breakeven).
#pragma once

#include <filesystem>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/kernel_params.hpp"

namespace chipdse::test {

inline const deck::Deck& default_deck() {
  static const deck::Deck d = deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml");
  return d;
}

inline const model::KernelParams& default_params() {
  static const model::KernelParams p = model::kernel_params_from_deck(default_deck());
  return p;
}

}  // namespace chipdse::test

// default_kernel.hpp — the shipped default deck and its resolved kernel parameters, loaded once per test executable
// (shared by the kernel tests: test_evaluate, test_perf, test_chiplet_breakeven).
#pragma once

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/design_choice.hpp"
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

/// The head of a test deck: the technology include, [study] and the H100 reference (cal.nvidia_h100_sxm5_2022:
/// 989 TF BF16 at 1.83 GHz, N5, 60 MB, 80 GB, NVLink4 900 GB/s, 400 Gb/s NIC); append tables after it.
inline std::string h100_deck_head(const std::string& study) {
  return "include = [\"tech/tech.toml\"]\n[study]\nname = \"" + study + "\"\n" + R"([reference]
peak_dense_tflops = 989.0
node = "N5"
clock_ghz = 1.83
sram_mb = 60.0
hbm_capacity_gb = 80.0
scale_up_gb_per_s = 900.0
scale_out_gbps = 400.0
)";
}

/// A deck from its text and its resolved kernel parameters (`name`: the file name errors would cite, under inputs/).
struct LoadedDeck {
  deck::Deck deck;
  model::KernelParams params;
};
inline LoadedDeck load_deck_text(const std::string& text, const std::string& name) {
  LoadedDeck l{deck::load_deck_text(text, std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / name), {}};
  l.params = model::kernel_params_from_deck(l.deck);
  return l;
}

/// Llama-3-8B-like [workload] shape lines (fits one package), for single-package inference and MoE decks.
inline const std::string kSmallModel =
    "layers = 32\nd_model = 4096\nheads = 32\nkv_heads = 8\nffn_hidden = 14336\nvocab = 32000\n";

/// A monolithic N5 design on CoWoS-S (the H100 class) with the given memory, clock and link technologies.
inline model::DesignChoice monolithic_n5(model::HbmGen hbm, int stacks, double clock_ghz, model::LinkTech scale_up,
                                         model::LinkTech scale_out) {
  model::DesignChoice c;
  c.partitioning = model::Partitioning::monolithic;
  c.compute_node = model::ProcessNode::n5;
  c.packaging = model::Packaging::cowos_s;
  c.hbm = hbm;
  c.hbm_stacks = stacks;
  c.scale_up_link = scale_up;
  c.scale_out_link = scale_out;
  c.clock_ghz = clock_ghz;
  return c;
}

}  // namespace chipdse::test

// The package SRAM as a design axis (space.sram_mb): the axis sets only the candidate's SRAM. Independent check: every
// design of a deck with the axis evaluates bit for bit like the same design of a deck without it whose
// reference.sram_mb is that value (two separate paths through the deck code: the axis and the reference); a deck
// without space.sram_mb has no such axis; and the SRAM is a real trade-off: more of it costs area and buys HBM traffic.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"

using namespace chipdse;

namespace {

// H100 reference (cal.nvidia_h100_sxm5_2022) with the given SRAM, a space with monolithic, chiplet and IO-die variants.
std::string deck_text(const std::string& reference_sram_mb, const std::string& sram_axis) {
  return R"(include = ["tech/tech.toml"]
[study]
name = "sram_axis"
[reference]
peak_dense_tflops = 989.0
node = "N5"
clock_ghz = 1.83
sram_mb = )" + reference_sram_mb + R"(
hbm_capacity_gb = 80.0
[space]
partitioning = ["monolithic", "chiplets", "chiplets_io"]
chiplet_count = [2, 8]
compute_node = ["N5"]
io_node = ["N6"]
packaging = ["cowos_l"]
d2d = ["ucie_a"]
d2d_bandwidth_tbps = [4.0]
hbm = ["hbm3e"]
hbm_stacks = [2, 6]
scale_up_link = ["cpo"]
scale_out_link = ["cpo"]
clock_ghz = [1.83]
)" + sram_axis + "\n[workload]\nkind = \"training\"\ncluster_packages = 64\nglobal_batch_sequences = 256\n"
                 "tensor_parallel = 8\npipeline_parallel = 4\n";
}

deck::Deck load(const std::string& text) {
  return deck::load_deck_text(text, std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "sram_axis_test.toml");
}

}  // namespace

TEST_CASE("the SRAM axis sets the candidate's SRAM: each value evaluates as the deck whose reference has it",
          "[search][sram]") {
  const double values[3] = {8.0, 60.0, 240.0};
  const deck::Deck with = load(deck_text("60.0", "sram_mb = [8.0, 60.0, 240.0]"));
  const search::DesignSpace space = search::design_space_from_deck(with);
  const search::DesignSpace base = search::design_space_from_deck(load(deck_text("60.0", "")));
  REQUIRE(space.size() == 3 * base.size());
  for (std::size_t v = 0; v < base.variant_count(); ++v) {
    CHECK(base.axis_index(v, std::string(search::axis::sram_mb)) == search::DesignSpace::npos);
    const auto& axes = space.variant(v).axes;
    REQUIRE(axes.back().name == search::axis::sram_mb);  // the last axis (no mapping axis here)
    CHECK(axes.back().values == std::vector<std::string>{"8", "60", "240"});
  }
  const model::KernelParams kw = model::kernel_params_from_deck(with);
  const search::ChoiceDecoder dw(space), db(base);
  for (int s = 0; s < 3; ++s) {
    const deck::Deck fixed = load(deck_text(std::to_string(values[s]), ""));
    const model::KernelParams kf = model::kernel_params_from_deck(fixed);
    const search::DesignSpace fixed_space = search::design_space_from_deck(fixed);
    const search::ChoiceDecoder df(fixed_space);
    for (std::uint64_t i = 0; i < base.size(); ++i) {
      // The SRAM axis is the last, so design i of the fixed deck is design 3 i + s of the one with the axis.
      const model::DesignChoice cw = dw.choice(3 * i + static_cast<std::uint64_t>(s));
      REQUIRE(cw.sram_mb == values[s]);
      CHECK(db.choice(i).sram_mb < 0.0);  // no axis: the reference's
      INFO(values[s] << " MB, design " << i);
      const model::Metrics a = model::evaluate(cw, kw), b = model::evaluate(df.choice(i), kf);
      CHECK(a.infeasible == b.infeasible);
      for (const auto& col : model::kMetricColumns) {
        INFO(col.name);
        CHECK(col.get(a) == col.get(b));  // bit for bit
      }
    }
  }
}

TEST_CASE("SRAM is a trade-off: more of it costs silicon and cuts the HBM traffic per token", "[search][sram][property]") {
  const deck::Deck d = load(deck_text("60.0", "sram_mb = [8.0, 60.0, 240.0]"));
  const search::DesignSpace space = search::design_space_from_deck(d);
  const search::ChoiceDecoder dec(space);
  const model::KernelParams k = model::kernel_params_from_deck(d);
  for (std::uint64_t i = 0; i < space.size(); i += 3) {
    double last_area = 0.0, last_bytes = 1e300;
    for (std::uint64_t s = 0; s < 3; ++s) {
      const model::Metrics m = model::evaluate(dec.choice(i + s), k);
      INFO("design " << i + s);
      CHECK(m.silicon_area_mm2 > last_area);
      const double bytes_per_token = m.hbm_tb_per_s / m.throughput_tokens_per_s;
      CHECK(bytes_per_token <= last_bytes);
      last_area = m.silicon_area_mm2;
      last_bytes = bytes_per_token;
    }
  }
}

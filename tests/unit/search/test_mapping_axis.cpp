// The parallel mapping as a design axis ([[space.mapping]], issue #5): the axis only selects which mapping the kernel
// uses. Independent check: every design of a deck with mappings evaluates bit for bit like the same design of a
// deck whose [workload] is written with that mapping's keys (two separate paths through the deck code), and a deck
// without [[space.mapping]] has no mapping axis.
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

// H100 reference (cal.nvidia_h100_sxm5_2022) and a space with monolithic and chiplet variants, both link kinds.
std::string deck_text(const std::string& workload, const std::string& mappings) {
  return std::string(R"(include = ["tech/tech.toml"]
[study]
name = "mapping_axis"
[reference]
peak_dense_tflops = 989.0
node = "N5"
clock_ghz = 1.83
sram_mb = 60.0
hbm_capacity_gb = 80.0
[space]
partitioning = ["monolithic", "chiplets"]
chiplet_count = [4]
compute_node = ["N5", "N3"]
packaging = ["cowos_l"]
d2d = ["ucie_a"]
d2d_bandwidth_tbps = [2.0, 8.0]
hbm = ["hbm3e"]
hbm_stacks = [6]
scale_up_link = ["copper", "cpo"]
scale_out_link = ["pluggable_dsp"]
clock_ghz = [1.83]
)") + mappings + "\n[workload]\nkind = \"training\"\ncluster_packages = 64\nglobal_batch_sequences = 256\n" + workload;
}

deck::Deck load(const std::string& text) {
  return deck::load_deck_text(text, std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "mapping_axis_test.toml");
}

void check_same_metrics(const model::Metrics& a, const model::Metrics& b) {
  CHECK(a.infeasible == b.infeasible);
  for (const auto& col : model::kMetricColumns) {
    INFO(col.name);
    CHECK(col.get(a) == col.get(b));  // bit for bit
  }
}

}  // namespace

TEST_CASE("the mapping axis selects a mapping: each value evaluates as the deck written with that mapping",
          "[search][mapping]") {
  const std::string mappings = R"(
[[space.mapping]]
name = "tp8_pp4_scale_up"
[[space.mapping]]
name = "tp4_pp8_package"
tensor_parallel = 4
pipeline_parallel = 8
tensor_tier = "package"
[[space.mapping]]
name = "tp2_pp2_dp_scale_up"
tensor_parallel = 2
pipeline_parallel = 2
data_tier = "scale_up"
)";
  const deck::Deck with = load(deck_text("tensor_parallel = 8\npipeline_parallel = 4\n", mappings));
  const deck::Deck fixed[3] = {
      load(deck_text("tensor_parallel = 8\npipeline_parallel = 4\n", "")),
      load(deck_text("tensor_parallel = 4\npipeline_parallel = 8\ntensor_tier = \"package\"\n", "")),
      load(deck_text("tensor_parallel = 2\npipeline_parallel = 2\ndata_tier = \"scale_up\"\n", ""))};

  const search::DesignSpace space = search::design_space_from_deck(with);
  const search::DesignSpace base = search::design_space_from_deck(fixed[0]);
  REQUIRE(space.size() == 3 * base.size());
  for (std::size_t v = 0; v < base.variant_count(); ++v) {
    CHECK(base.axis_index(v, std::string(search::axis::mapping)) == search::DesignSpace::npos);
    const auto& axes = space.variant(v).axes;
    REQUIRE(axes.back().name == search::axis::mapping);
    CHECK(axes.back().values == std::vector<std::string>{"tp8_pp4_scale_up", "tp4_pp8_package", "tp2_pp2_dp_scale_up"});
  }

  const model::KernelParams kw = model::kernel_params_from_deck(with);
  REQUIRE(kw.perf.mapping_count == 3);
  const search::ChoiceDecoder dw(space), db(base);
  int differing = 0;
  for (int m = 0; m < 3; ++m) {
    const model::KernelParams kf = model::kernel_params_from_deck(fixed[m]);
    for (std::uint64_t i = 0; i < base.size(); ++i) {
      // The mapping axis is the last, so design i of the fixed deck is design 3 i + m of the mapped one.
      const model::DesignChoice cw = dw.choice(3 * i + static_cast<std::uint64_t>(m));
      const model::DesignChoice cb = db.choice(i);
      REQUIRE(cw.mapping == m);
      INFO("mapping " << m << ", design " << i);
      const model::Metrics a = model::evaluate(cw, kw), b = model::evaluate(cb, kf);
      check_same_metrics(a, b);
      if (m > 0 && a.throughput_tokens_per_s != model::evaluate(dw.choice(3 * i), kw).throughput_tokens_per_s) ++differing;
    }
  }
  // The mapping matters: it changes performance, not just labels.
  CHECK(differing > 0);
}

TEST_CASE("with tensor parallelism across chiplets, D2D bandwidth buys step time only under the package tier",
          "[search][mapping]") {
  const std::string mappings = R"(
[[space.mapping]]
name = "tp4_package"
tensor_parallel = 4
pipeline_parallel = 8
tensor_tier = "package"
[[space.mapping]]
name = "tp4_scale_up"
tensor_parallel = 4
pipeline_parallel = 8
tensor_tier = "scale_up"
)";
  const deck::Deck d = load(deck_text("tensor_parallel = 8\npipeline_parallel = 4\n", mappings));
  const search::DesignSpace space = search::design_space_from_deck(d);
  const search::ChoiceDecoder dec(space);
  const model::KernelParams k = model::kernel_params_from_deck(d);
  int checked = 0;
  for (std::uint64_t i = 0; i < space.size(); ++i) {
    model::DesignChoice c = dec.choice(i);
    if (c.partitioning != model::Partitioning::chiplets || c.d2d_tbps_per_direction != 2.0) continue;
    model::DesignChoice wide = c;
    wide.d2d_tbps_per_direction = 8.0;
    const double slow = model::evaluate(c, k).latency_s, fast = model::evaluate(wide, k).latency_s;
    INFO("design " << i << " mapping " << int(c.mapping));
    CHECK(fast <= slow);  // more D2D bandwidth never lowers performance
    // The package tier's all-reduces run over D2D: quadrupling it must shorten the step strictly.
    if (c.mapping == 0) CHECK(fast < slow);
    ++checked;
  }
  CHECK(checked == 8);  // 2 nodes x 2 scale-up links x 2 mappings
}

TEST_CASE("tensor parallelism on the package tier: the ranks are the package's compute dies", "[search][mapping]") {
  const std::string mappings = R"(
[[space.mapping]]
name = "tp1"
tensor_parallel = 1
pipeline_parallel = 8
[[space.mapping]]
name = "tp4_package"
tensor_parallel = 4
pipeline_parallel = 8
tensor_tier = "package"
)";
  const deck::Deck d = load(deck_text("tensor_parallel = 8\npipeline_parallel = 4\n", mappings));
  // TP inside the package adds no packages to a replica: both mappings have 64 / 8 = 8 data-parallel replicas.
  REQUIRE(d.space.mapping.size() == 2);
  CHECK(d.space.mapping[0].data_parallel == 8);
  CHECK(d.space.mapping[1].data_parallel == 8);
  const model::KernelParams k = model::kernel_params_from_deck(d);
  const model::WorkloadDemand& one = k.perf.demands[0];
  const model::WorkloadDemand& pkg = k.perf.demands[1];
  // The package holds and runs all four shards of its stage: the same work and bytes per package as TP = 1 ...
  CHECK(pkg.flops_per_micro_batch == one.flops_per_micro_batch);
  CHECK(pkg.executed_flops_per_micro_batch == one.executed_flops_per_micro_batch);
  CHECK(pkg.hbm_bytes_per_micro_batch == one.hbm_bytes_per_micro_batch);
  CHECK(pkg.dp_allreduce_bytes == one.dp_allreduce_bytes);
  CHECK(pkg.hbm_capacity_needed_gb == one.hbm_capacity_needed_gb);
  // ... plus the Megatron all-reduces among the dies (4 per layer per micro-batch, 80 / 8 layers per stage).
  CHECK(one.tp_allreduces_per_micro_batch == 0.0);
  CHECK(pkg.tp_allreduces_per_micro_batch == 4.0 * 80.0 / 8.0);

  const search::DesignSpace space = search::design_space_from_deck(d);
  const search::ChoiceDecoder dec(space);
  int monolithic = 0, chiplets = 0;
  for (std::uint64_t i = 0; i < space.size(); ++i) {
    const model::DesignChoice c = dec.choice(i);
    const model::Metrics m = model::evaluate(c, k);
    const bool flagged = (m.infeasible & model::infeasible::package_tp_not_dies) != 0;
    // Chiplets without an IO die: an interleaved address map sends (k - 1) / k of the HBM traffic across dies, but
    // with TP across the chiplets each die reads its own shard (the exchange is the all-reduces): no D2D streaming.
    if (c.partitioning == model::Partitioning::chiplets) CHECK((m.power.d2d_w == 0.0) == (c.mapping == 1));
    if (c.mapping == 0) {
      CHECK_FALSE(flagged);
    } else if (c.partitioning == model::Partitioning::monolithic) {
      CHECK(flagged);  // one die cannot host four tensor-parallel ranks
      ++monolithic;
    } else {
      CHECK_FALSE(flagged);  // four chiplets, four ranks
      ++chiplets;
    }
  }
  CHECK(monolithic == 4);
  CHECK(chiplets == 8);
  CHECK(std::string(model::infeasibility_name(model::infeasible::package_tp_not_dies)) == "package_tp_not_dies");
}

// Loading valid decks: the shipped default deck, registry defaults for keys a deck leaves out, values read
// exactly with the line they were written on, [overrides], extra overrides, the derived data-parallel
// degree, [sweep.values] order, and load_deck_text == load_deck.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/sweep.hpp"
#include "deck_fixture.hpp"

using namespace chipdse;
using namespace chipdse::testing;
using Strings = std::vector<std::string>;

TEST_CASE("the default deck loads with the values inputs/default.toml writes", "[deck]") {
  const auto path = std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml";
  const deck::Deck d = deck::load_deck(path);
  CHECK(d.study_name == "default");
  CHECK(d.reference.peak_dense_tflops == 989.0);
  CHECK(d.reference.precision == "bf16");
  CHECK(d.reference.node == "N5");
  CHECK(d.reference.clock_ghz == 1.83);
  CHECK(d.reference.sram_mb == 60.0);
  CHECK(d.reference.hbm_capacity_gb == 80.0);
  CHECK(d.reference.scale_up_gb_per_s == 900.0);
  CHECK(d.reference.scale_out_gbps == 400.0);
  CHECK(d.space.partitioning == Strings{"monolithic", "chiplets", "chiplets_io"});
  CHECK(d.space.chiplet_count == std::vector<std::int64_t>{2, 4, 8});
  CHECK(d.space.compute_node == Strings{"N5", "N3", "N2"});
  CHECK(d.space.io_node == Strings{"N6"});
  CHECK(d.space.packaging == Strings{"organic_mcm", "info", "cowos_s", "cowos_l"});
  CHECK(d.space.d2d == Strings{"ucie_s", "ucie_a"});
  CHECK(d.space.d2d_bandwidth_tbps == std::vector<double>{2.0, 4.0, 8.0});
  CHECK(d.space.hbm == Strings{"hbm3", "hbm3e", "hbm4"});
  CHECK(d.space.hbm_stacks == std::vector<std::int64_t>{4, 5, 6, 8});
  CHECK(d.space.scale_up_link == Strings{"copper", "cpo"});
  CHECK(d.space.scale_out_link == Strings{"pluggable_dsp", "lpo", "cpo"});
  CHECK(d.space.clock_ghz == std::vector<double>{1.4, 1.6, 1.8, 1.98});
  CHECK(d.workload.kind == "training");
  CHECK(d.workload.cluster_packages == 1024);
  CHECK(d.workload.data_parallel == 1024 / (8 * 4));  // TP 8 x PP 4 are the registry defaults
  CHECK(d.objectives == Strings{"cost_usd", "power_w", "throughput", "silicon_area_mm2"});
  CHECK(d.values.at("space.cache_node").from_default);  // the default deck does not write it
  CHECK(d.sweep.empty());
  CHECK(d.overrides.empty());
}

TEST_CASE("keys a deck leaves out take the registry default, keys it writes do not", "[deck]") {
  const std::string text = DeckText().str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const deck::Deck d = deck::load_deck(path);
  const std::set<std::string> written = {"study.name",        "reference.peak_dense_tflops", "reference.node",
                                         "reference.clock_ghz", "reference.sram_mb",         "reference.hbm_capacity_gb"};
  int defaults = 0;
  for (const auto& row : deck::deck_schema()) {
    const std::string key(row.key);
    INFO("key " << key);
    if (written.count(key)) {
      REQUIRE(d.values.has(key));
      CHECK_FALSE(d.values.at(key).from_default);
      // The base deck writes `name = "t"` once and each reference key once, as "key = value".
      const std::string name = key.substr(key.find('.') + 1);
      CHECK(d.values.where(key).line == line_of(text, name + " = "));
      CHECK(d.values.where(key).file == path.string());
      continue;
    }
    if (row.default_toml.empty()) {  // optional without default (tdp_w, SLOs) and the two tables
      CHECK_FALSE(d.values.has(key));
      continue;
    }
    ++defaults;
    REQUIRE(d.values.has(key));
    const deck::DeckValue& v = d.values.at(key);
    CHECK(v.from_default);
    CHECK(v.row == &row);
    CHECK(d.values.where(key).file == path.string());
    CHECK(d.values.where(key).line == 0);  // a default has no line
    // The registry's default text, parsed here with toml++ directly (not through the deck code).
    const toml::table t = toml::parse("v = " + std::string(row.default_toml));
    const toml::node& n = *t.get("v");
    switch (row.kind) {
      case deck::ValueKind::integer: CHECK(d.values.integer(key) == n.value<std::int64_t>().value()); break;
      case deck::ValueKind::real: CHECK(d.values.real(key) == n.value<double>().value()); break;
      case deck::ValueKind::text:
      case deck::ValueKind::choice: CHECK(d.values.text(key) == n.value<std::string>().value()); break;
      case deck::ValueKind::integer_list: {
        std::vector<std::int64_t> want;
        for (const auto& e : *n.as_array()) want.push_back(e.value<std::int64_t>().value());
        CHECK(d.values.integers(key) == want);
        break;
      }
      case deck::ValueKind::real_list: {
        std::vector<double> want;
        for (const auto& e : *n.as_array()) want.push_back(e.value<double>().value());
        CHECK(d.values.reals(key) == want);
        break;
      }
      case deck::ValueKind::choice_list: {
        Strings want;
        for (const auto& e : *n.as_array()) want.push_back(e.value<std::string>().value());
        CHECK(d.values.names(key) == want);
        break;
      }
      default: FAIL("a row of kind " << static_cast<int>(row.kind) << " has a default");
    }
  }
  CHECK(defaults > 50);  // the registry has ~60 defaulted keys; the loop must have checked them
  // Spot checks against the registry's documented defaults (schema_rows.cpp: Llama-2-70B, H100 NVLink4).
  CHECK(d.workload.layers == 80);
  CHECK(d.workload.d_model == 8192);
  CHECK(d.workload.kv_heads == 8);
  CHECK(d.reference.scale_up_gb_per_s == 900.0);
  CHECK(d.search.method == "auto");
  CHECK(d.sweep_mode == "grid");
  CHECK_FALSE(d.constraints.tdp_w.has_value());
}

TEST_CASE("values a deck writes are read exactly, in written order, with their lines", "[deck]") {
  const std::string text = DeckText()
                               .set("study", "description", "\"a test\"")
                               .set("reference", "precision", "\"fp8\"")
                               .set("reference", "scale_up_gb_per_s", "1800")  // an integer for a real key
                               .set("space", "partitioning", "[\"chiplets_io\", \"monolithic\"]")
                               .set("space", "hbm", "[\"hbm4\", \"hbm3\"]")
                               .set("space", "clock_ghz", "[2.1, 1.5]")
                               .set("space", "chiplet_count", "[16, 2]")
                               .set("workload", "kind", "\"inference\"")
                               .set("workload", "experts", "8")
                               .set("workload", "top_k", "2")
                               .set("constraints", "tdp_w", "700.0")
                               .set("constraints", "ttft_slo_s", "0.45")
                               .set("economics", "volume_units", "1e6")
                               .set("economics", "reuse_products", "3")
                               .set("objectives", "list", "[\"throughput\", \"cost_usd\", \"power_w\"]")
                               .set("output", "store", "\"sample\"")
                               .set("output", "sample_points", "500")
                               .set("search", "method", "\"nsga2\"")
                               .set("search", "nsga2_population", "8")
                               .set("search", "checkpoint_interval_s", "60.0")
                               .str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const deck::Deck d = deck::load_deck(path);
  CHECK(d.study_description == "a test");
  CHECK(d.reference.precision == "fp8");
  CHECK(d.reference.scale_up_gb_per_s == 1800.0);
  CHECK(d.space.partitioning == Strings{"chiplets_io", "monolithic"});
  CHECK(d.space.hbm == Strings{"hbm4", "hbm3"});
  CHECK(d.space.clock_ghz == std::vector<double>{2.1, 1.5});
  CHECK(d.space.chiplet_count == std::vector<std::int64_t>{16, 2});
  CHECK(d.workload.kind == "inference");
  CHECK(d.workload.experts == 8);
  CHECK(d.workload.top_k == 2);
  CHECK(d.constraints.tdp_w == 700.0);
  CHECK(d.constraints.ttft_slo_s == 0.45);
  CHECK_FALSE(d.constraints.tpot_slo_s.has_value());
  CHECK(d.economics.volume_units == 1e6);
  CHECK(d.economics.reuse_products == 3);
  CHECK(d.objectives == Strings{"throughput", "cost_usd", "power_w"});
  CHECK(d.output.store == "sample");
  CHECK(d.output.sample_points == 500);
  CHECK(d.search.method == "nsga2");
  CHECK(d.search.nsga2_population == 8);
  CHECK(d.search.checkpoint_interval_s == 60.0);
  for (const char* key : {"space.hbm", "workload.top_k", "constraints.tdp_w", "search.method", "output.sample_points"}) {
    const std::string k(key);
    INFO(k);
    const SourceLocation w = d.values.where(k);
    CHECK(w.file == path.string());
    CHECK(w.line == line_of(text, k.substr(k.find('.') + 1) + " = "));
    CHECK(w.column == 1 + static_cast<int>(k.size() - k.find('.') - 1) + 3);  // value starts after "key = "
    CHECK_FALSE(d.values.at(k).from_default);
  }
}

TEST_CASE("overrides replace a technology value and deck numbers", "[deck]") {
  TempDir dir;
  const deck::Deck base = load_text_file(dir, DeckText().str(), "base.toml");
  const tech::TechEntry& before = base.tech.at("process_node.N2.wafer_cost_usd");
  REQUIRE(before.value != 32000.0);
  CHECK_FALSE(before.overridden);

  const std::string text = DeckText()
                               .set("economics", "pue", "1.3")
                               .line("overrides", "\"process_node.N2.wafer_cost_usd\" = 32000.0")
                               .line("overrides", "\"economics.pue\" = 1.5")
                               .line("overrides", "\"workload.layers\" = 40.0")
                               .line("overrides.process_node.N3", "wafer_cost_usd = 21000.0")
                               .str();
  const auto path = dir.write("deck.toml", text);
  const deck::Deck d = deck::load_deck(path);
  const tech::TechEntry& after = d.tech.at("process_node.N2.wafer_cost_usd");
  CHECK(after.value == 32000.0);
  CHECK(after.unit == before.unit);
  CHECK(after.source == before.source);
  CHECK(after.range_lo == before.range_lo);
  CHECK(after.range_hi == before.range_hi);
  CHECK(after.overridden);
  CHECK(contains(after.note, at(path, line_of(text, "N2.wafer_cost_usd"))));
  CHECK(d.tech.at("process_node.N3.wafer_cost_usd").value == 21000.0);  // nested-table form
  CHECK(d.tech.at("process_node.N3.wafer_cost_usd").overridden);
  CHECK_FALSE(d.tech.at("process_node.N5.wafer_cost_usd").overridden);

  CHECK(d.economics.pue == 1.5);  // the deck wrote 1.3; the override wins
  CHECK(d.values.where("economics.pue").line == line_of(text, "\"economics.pue\""));
  CHECK(d.workload.layers == 40);
  CHECK(d.values.where("workload.layers").line == line_of(text, "workload.layers"));
  CHECK_FALSE(d.values.at("workload.layers").from_default);
  REQUIRE(d.overrides.size() == 4);
}

TEST_CASE("load_deck(path, extra) applies extra overrides after the deck's", "[deck]") {
  TempDir dir;
  const std::string text = DeckText()
                               .line("overrides", "\"economics.pue\" = 1.5")
                               .line("overrides", "\"process_node.N2.wafer_cost_usd\" = 32000.0")
                               .str();
  const auto path = dir.write("deck.toml", text);
  const std::vector<deck::Override> extra = {{"economics.pue", 1.7, SourceLocation{"--set"}},
                                             {"process_node.N2.wafer_cost_usd", 33000.0, SourceLocation{"--set"}},
                                             {"workload.layers", 60.0, SourceLocation{"--set"}}};
  const deck::Deck d = deck::load_deck(path, extra);
  CHECK(d.economics.pue == 1.7);
  CHECK(d.tech.at("process_node.N2.wafer_cost_usd").value == 33000.0);
  CHECK(d.workload.layers == 60);
  CHECK(d.values.where("economics.pue").file == "--set");
  REQUIRE(d.overrides.size() == 5);
  CHECK(d.overrides[0].path == "economics.pue");  // the deck's first (TOML key order), then extra in order
  CHECK(d.overrides[0].value == 1.5);
  CHECK(d.overrides[2].value == 1.7);
  CHECK(d.overrides[4].path == "workload.layers");
  // Without extra, the deck's own override stands.
  CHECK(deck::load_deck(path).economics.pue == 1.5);
}

TEST_CASE("data_parallel is cluster_packages / (tensor_parallel x pipeline_parallel)", "[deck]") {
  TempDir dir;
  // 512 / (4 x 2) = 64; global batch 1024 is a multiple of 64 x 1.
  CHECK(load_text_file(dir, DeckText()
                                .set("workload", "cluster_packages", "512")
                                .set("workload", "tensor_parallel", "4")
                                .set("workload", "pipeline_parallel", "2")
                                .str())
            .workload.data_parallel == 64);
  // 96 / (8 x 4) = 3; global batch 960 = 3 x 320.
  CHECK(load_text_file(dir, DeckText()
                                .set("workload", "cluster_packages", "96")
                                .set("workload", "global_batch_sequences", "960")
                                .str())
            .workload.data_parallel == 3);
}

TEST_CASE("sweep.values keep the written order, values and lines", "[deck]") {
  // Written order workload, process_node, economics is not TOML's sorted key order.
  const std::string text = DeckText()
                               .line("sweep.values", "\"workload.layers\" = [40, 80]")
                               .line("sweep.values", "\"process_node.N2.wafer_cost_usd\" = [30000.0, 35000.0]")
                               .line("sweep.values", "\"economics.pue\" = [1.1, 1.3, 1.2]")
                               .str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const deck::Deck d = deck::load_deck(path);
  REQUIRE(d.sweep.size() == 3);
  CHECK(d.sweep[0].path == "workload.layers");
  CHECK(d.sweep[0].values == std::vector<double>{40, 80});
  CHECK(d.sweep[1].path == "process_node.N2.wafer_cost_usd");
  CHECK(d.sweep[1].values == std::vector<double>{30000.0, 35000.0});
  CHECK(d.sweep[2].path == "economics.pue");
  CHECK(d.sweep[2].values == std::vector<double>{1.1, 1.3, 1.2});
  CHECK(d.sweep[0].where.line == line_of(text, "workload.layers"));
  CHECK(d.sweep[2].where.line == line_of(text, "economics.pue"));
  CHECK(d.sweep_mode == "grid");
  CHECK(d.workload.layers == 80);  // a sweep does not change the deck itself
  // Grid: 2 x 2 x 3 = 12 cases, last key fastest: case 1 = (40, 30000, 1.3); case 11 = (80, 35000, 1.2).
  CHECK(deck::sweep_case_count(d) == 12);
  const auto c1 = deck::sweep_case(d, 1);
  REQUIRE(c1.size() == 3);
  CHECK(c1[0].value == 40.0);
  CHECK(c1[1].value == 30000.0);
  CHECK(c1[2].value == 1.3);
  const deck::Deck case11 = deck::load_deck(path, deck::sweep_case(d, 11));
  CHECK(case11.workload.layers == 80);
  CHECK(case11.tech.at("process_node.N2.wafer_cost_usd").value == 35000.0);
  CHECK(case11.economics.pue == 1.2);
}

TEST_CASE("load_deck_text gives the same deck as load_deck for the same text", "[deck]") {
  const std::string text = DeckText()
                               .set("space", "hbm", "[\"hbm4\"]")
                               .set("workload", "layers", "40")
                               .line("overrides", "\"economics.pue\" = 1.4")
                               .line("sweep.values", "\"economics.volume_units\" = [1e5, 1e6]")
                               .str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const deck::Deck a = deck::load_deck(path);
  const deck::Deck b = deck::load_deck_text(text, path);
  CHECK(a.path == b.path);
  CHECK(a.resolved_toml == b.resolved_toml);
  REQUIRE(a.files.size() == b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    CHECK(a.files[i].path == b.files[i].path);
    CHECK(a.files[i].text == b.files[i].text);
  }
  CHECK(a.files[0].text == text);
  REQUIRE(a.values.values.size() == b.values.values.size());
  for (const auto& [key, v] : a.values.values) {
    INFO(key);
    REQUIRE(b.values.has(key));
    CHECK(v.value == b.values.at(key).value);
    CHECK(v.from_default == b.values.at(key).from_default);
    CHECK(a.values.where(key).str() == b.values.where(key).str());
  }
  CHECK(a.tech.entries().size() == b.tech.entries().size());
  CHECK(a.economics.pue == b.economics.pue);
  CHECK(a.sweep.size() == b.sweep.size());
  // The text need not exist on disk: `path` only names it and anchors its includes.
  const auto ghost = dir.path() / "never_written.toml";
  const deck::Deck g = deck::load_deck_text(text, ghost);
  CHECK(g.values.where("workload.layers").file == ghost.string());
  CHECK(g.workload.layers == 40);
}

// Extra overrides (sweep cases, command-line settings) get the same target checks as [overrides]: a list
// key, a text key or a path that names nothing is an input error, never a crash or a bad variant access.
TEST_CASE("extra overrides of a non-number deck key are input errors", "[deck]") {
  TempDir dir;
  const auto path = dir.write("deck.toml", DeckText().str());
  for (const char* target : {"space.clock_ghz", "study.name", "nope.key", "process_node.N9.wafer_cost_usd"}) {
    INFO(target);
    const Caught e = input_error_of(
        [&] { (void)deck::load_deck(path, {{target, 1.0, SourceLocation{"command line"}, "command line"}}); });
    CHECK(contains(e.message, std::string("command line.") + target));
    CHECK(contains(e.message, "names no technology value or deck number"));
  }
}

TEST_CASE("a technology override keeps the sign of a non-negative quantity", "[deck]") {
  TempDir dir;
  const auto path = dir.write("deck.toml", DeckText().str());
  const Caught e = input_error_of([&] {
    (void)deck::load_deck(path, {{"process_node.N2.wafer_cost_usd", -1.0, SourceLocation{"command line"}, "command line"}});
  });
  CHECK(contains(e.message, "must not be negative"));
}

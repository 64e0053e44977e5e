// The design space of a deck (sum of products over partitionings, DESIGN.md §1) and plan_study's method,
// chunk and size checks. Sizes are computed by hand from the lists each test writes.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "../deck/deck_fixture.hpp"
#include "chipdse/search/space_from_deck.hpp"

using namespace chipdse;
using namespace chipdse::search;
using namespace chipdse::testing;
using Strings = std::vector<std::string>;

namespace {

/// A deck whose every axis is written (sizes in brackets):
/// chiplet_count [2], compute_node [2], io_node [2], cache_node [1], packaging [3], d2d [1],
/// d2d_bandwidth_tbps [2], hbm [1], hbm_stacks [2], scale_up_link [1], scale_out_link [2], clock_ghz [3].
DeckText small_space(const std::string& partitioning) {
  return DeckText()
      .set("space", "partitioning", partitioning)
      .set("space", "chiplet_count", "[2, 4]")
      .set("space", "compute_node", "[\"N5\", \"N3\"]")
      .set("space", "io_node", "[\"N6\", \"N7\"]")
      .set("space", "cache_node", "[\"N5\"]")
      .set("space", "packaging", "[\"cowos_s\", \"cowos_l\", \"emib\"]")
      .set("space", "d2d", "[\"ucie_a\"]")
      .set("space", "d2d_bandwidth_tbps", "[2.0, 4.0]")
      .set("space", "hbm", "[\"hbm3e\"]")
      .set("space", "hbm_stacks", "[4, 8]")
      .set("space", "scale_up_link", "[\"copper\"]")
      .set("space", "scale_out_link", "[\"pluggable_dsp\", \"cpo\"]")
      .set("space", "clock_ghz", "[1.6, 1.98, 2.2]");
}

// Per variant, from the sizes above:
//   monolithic        = compute 2 x packaging 3 x hbm 1 x stacks 2 x up 1 x out 2 x clock 3          = 72
//   chiplets          = monolithic 72 x chiplet_count 2 x d2d 1 x bandwidth 2                          = 288
//   chiplets_io       = chiplets 288 x io_node 2                                                       = 576
//   chiplets_io_cache = chiplets_io 576 x cache_node 1                                                 = 576
constexpr std::uint64_t kMono = 72, kChiplets = 288, kIo = 576, kIoCache = 576;

Strings axis_names(const Variant& v) {
  Strings out;
  for (const auto& a : v.axes) out.push_back(a.name);
  return out;
}

const Axis& axis_of(const DesignSpace& s, std::size_t v, std::string_view name) {
  const std::size_t a = s.axis_index(v, name);
  REQUIRE(a != DesignSpace::npos);
  return s.variant(v).axes[a];
}

/// Numbers written as TOML floats with two decimals: first, first + step, ... (count values).
std::string float_list(double first, double step, int count) {
  std::string s = "[";
  char buf[32];
  for (int i = 0; i < count; ++i) {
    std::snprintf(buf, sizeof buf, "%.2f", first + step * i);
    s += (i ? ", " : "") + std::string(buf);
  }
  return s + "]";
}

}  // namespace

TEST_CASE("monolithic and chiplets_io_cache: size is the hand-computed sum of products", "[search][deck]") {
  TempDir dir;
  const deck::Deck d = load_text_file(dir, small_space("[\"monolithic\", \"chiplets_io_cache\"]").str());
  const DesignSpace s = design_space_from_deck(d);
  REQUIRE(s.variant_count() == 2);
  CHECK(s.variant(0).name == "monolithic");
  CHECK(s.variant(1).name == "chiplets_io_cache");
  CHECK(s.variant_size(0) == kMono);
  CHECK(s.variant_size(1) == kIoCache);
  CHECK(s.size() == 72 + 576);
  // A monolithic die has no chiplet count, no IO or cache die and no die-to-die link.
  CHECK(axis_names(s.variant(0)) ==
        Strings{"compute_node", "packaging", "hbm", "hbm_stacks", "scale_up_link", "scale_out_link", "clock_ghz"});
  for (auto name : {axis::chiplet_count, axis::io_node, axis::cache_node, axis::d2d, axis::d2d_bandwidth_tbps})
    CHECK(s.axis_index(0, name) == DesignSpace::npos);
  for (auto name : {axis::chiplet_count, axis::io_node, axis::cache_node, axis::d2d, axis::d2d_bandwidth_tbps})
    CHECK(s.axis_index(1, name) != DesignSpace::npos);
  CHECK(axis_of(s, 1, axis::io_node).values == Strings{"N6", "N7"});
  CHECK(axis_of(s, 1, axis::cache_node).values == Strings{"N5"});
  CHECK(axis_of(s, 1, axis::packaging).values == Strings{"cowos_s", "cowos_l", "emib"});
}

TEST_CASE("chiplets has no IO or cache node, chiplets_io has an IO node but no cache node", "[search][deck]") {
  TempDir dir;
  const deck::Deck d = load_text_file(dir, small_space("[\"chiplets\", \"chiplets_io\"]").str());
  const DesignSpace s = design_space_from_deck(d);
  REQUIRE(s.variant_count() == 2);
  CHECK(s.axis_index(0, axis::io_node) == DesignSpace::npos);
  CHECK(s.axis_index(0, axis::cache_node) == DesignSpace::npos);
  CHECK(s.axis_index(0, axis::chiplet_count) != DesignSpace::npos);
  CHECK(s.axis_index(0, axis::d2d) != DesignSpace::npos);
  CHECK(s.axis_index(1, axis::io_node) != DesignSpace::npos);
  CHECK(s.axis_index(1, axis::cache_node) == DesignSpace::npos);
  CHECK(s.variant_size(0) == kChiplets);
  CHECK(s.variant_size(1) == kIo);
  CHECK(s.size() == 288 + 576);
}

TEST_CASE("variants follow the deck's partitioning order", "[search][deck]") {
  TempDir dir;
  const deck::Deck d = load_text_file(
      dir, small_space("[\"chiplets_io_cache\", \"chiplets\", \"monolithic\", \"chiplets_io\"]").str());
  const DesignSpace s = design_space_from_deck(d);
  REQUIRE(s.variant_count() == 4);
  CHECK(s.variant(0).name == "chiplets_io_cache");
  CHECK(s.variant(1).name == "chiplets");
  CHECK(s.variant(2).name == "monolithic");
  CHECK(s.variant(3).name == "chiplets_io");
  CHECK(s.variant_offset(1) == kIoCache);
  CHECK(s.variant_offset(2) == kIoCache + kChiplets);
  CHECK(s.variant_offset(3) == kIoCache + kChiplets + kMono);
  CHECK(s.size() == 576 + 288 + 72 + 576);
  CHECK(s.variant_index("monolithic") == 2);
}

TEST_CASE("the default deck's space has the size computed from inputs/default.toml", "[search][deck]") {
  const deck::Deck d = deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml");
  const DesignSpace s = design_space_from_deck(d);
  // default.toml: compute 3, io 1, packaging 4, d2d 2, bandwidth 3, hbm 3, stacks 4, up 2, out 3, clock 4,
  // chiplet_count 3; partitioning monolithic, chiplets, chiplets_io.
  //   monolithic  = 3 x 4 x 3 x 4 x 2 x 3 x 4 = 3456
  //   chiplets    = 3456 x chiplet_count 3 x d2d 2 x bandwidth 3 = 62208
  //   chiplets_io = 62208 x io 1 = 62208
  CHECK(s.variant_size(0) == 3456);
  CHECK(s.variant_size(1) == 62208);
  CHECK(s.variant_size(2) == 62208);
  CHECK(s.size() == 127872);
}

TEST_CASE("numeric axis values render without trailing zeros", "[search][deck]") {
  TempDir dir;
  const deck::Deck d = load_text_file(dir, small_space("[\"chiplets\"]").str());
  const DesignSpace s = design_space_from_deck(d);
  CHECK(axis_of(s, 0, axis::clock_ghz).values == Strings{"1.6", "1.98", "2.2"});
  CHECK(axis_of(s, 0, axis::d2d_bandwidth_tbps).values == Strings{"2", "4"});
  CHECK(axis_of(s, 0, axis::hbm_stacks).values == Strings{"4", "8"});
  CHECK(axis_of(s, 0, axis::chiplet_count).values == Strings{"2", "4"});
  // decode/describe use these names: the first design is every axis at its first value.
  CHECK(s.describe(s.decode(0)) ==
        "chiplets: chiplet_count=2, compute_node=N5, packaging=cowos_s, d2d=ucie_a, d2d_bandwidth_tbps=2, hbm=hbm3e, "
        "hbm_stacks=4, scale_up_link=copper, scale_out_link=pluggable_dsp, clock_ghz=1.6");
}

TEST_CASE("plan_study: auto picks exhaustive up to max_exhaustive_points, NSGA-II above", "[search][deck]") {
  TempDir dir;
  const std::string parts = "[\"monolithic\", \"chiplets_io_cache\"]";  // 648 designs
  SECTION("size == limit: exhaustive, ceil(648 / 100) = 7 chunks") {
    const deck::Deck d = load_text_file(dir, small_space(parts)
                                                 .set("search", "max_exhaustive_points", "648")
                                                 .set("search", "chunk_size", "100")
                                                 .str());
    const StudyPlan p = plan_study(d, design_space_from_deck(d));
    CHECK(p.designs == 648);
    CHECK(p.method == "exhaustive");
    CHECK(p.evaluations == 648);
    CHECK(p.chunks == 7);
  }
  SECTION("chunk_size dividing the size exactly: 648 / 162 = 4 chunks; chunk_size above it: 1") {
    const deck::Deck d = load_text_file(dir, small_space(parts).set("search", "chunk_size", "162").str());
    CHECK(plan_study(d, design_space_from_deck(d)).chunks == 4);
    const deck::Deck e = load_text_file(dir, small_space(parts).set("search", "chunk_size", "1000").str());
    CHECK(plan_study(e, design_space_from_deck(e)).chunks == 1);
  }
  SECTION("size one above the limit: NSGA-II with population x (generations + 1) evaluations") {
    const deck::Deck d = load_text_file(dir, small_space(parts)
                                                 .set("search", "max_exhaustive_points", "647")
                                                 .set("search", "nsga2_population", "12")
                                                 .set("search", "nsga2_generations", "9")
                                                 .str());
    const StudyPlan p = plan_study(d, design_space_from_deck(d));
    CHECK(p.designs == 648);
    CHECK(p.method == "nsga2");
    CHECK(p.evaluations == 12 * (9 + 1));
    CHECK(p.chunks == 0);
  }
  SECTION("an explicit nsga2 on a small space stays nsga2") {
    const deck::Deck d = load_text_file(dir, small_space(parts).set("search", "method", "\"nsga2\"").str());
    const StudyPlan p = plan_study(d, design_space_from_deck(d));
    CHECK(p.method == "nsga2");
    CHECK(p.evaluations == 96 * (200 + 1));  // registry defaults: population 96, generations 200
  }
}

TEST_CASE("plan_study: output.store bounds", "[search][deck]") {
  TempDir dir;
  const std::string parts = "[\"monolithic\", \"chiplets_io_cache\"]";  // 648 designs, exhaustive
  SECTION("store = sample keeps at most sample_points") {
    const deck::Deck d = load_text_file(dir, small_space(parts)
                                                 .set("output", "store", "\"sample\"")
                                                 .set("output", "sample_points", "5")
                                                 .set("output", "max_points", "10")
                                                 .str());
    CHECK(plan_study(d, design_space_from_deck(d)).max_points_stored == 5);
  }
  SECTION("store = front is never refused") {
    const deck::Deck d = load_text_file(dir, small_space(parts).set("output", "max_points", "10").str());
    CHECK(plan_study(d, design_space_from_deck(d)).max_points_stored == 648);
  }
  SECTION("store = all above output.max_points is an error naming output.store (malformed deck)") {
    const std::string text =
        small_space(parts).set("output", "store", "\"all\"").set("output", "max_points", "10").str();
    const auto path = dir.write("deck.toml", text);
    const deck::Deck d = deck::load_deck(path);
    const DesignSpace s = design_space_from_deck(d);
    check_error(input_error_of([&] { (void)plan_study(d, s); }), path, line_of(text, "store"), "output.store",
                {"could write 648 points, more than output.max_points = 10", "got \"all\""});
  }
}

TEST_CASE("an exhaustive search of an absurdly large space is refused at search.method", "[search][deck]") {
  // partitioning chiplets only; sizes: chiplet_count 8, compute_node 7, packaging 5, d2d 2, bandwidth 100,
  // hbm 3, hbm_stacks 16, up 2, out 3, clock 100:
  //   8 x 7 x 5 x 2 x 100 x 3 x 16 x 2 x 3 x 100 = 1,612,800,000 > 1,000,000,000 (registry default limit).
  auto big = [](const std::string& method) {
    return DeckText()
        .set("space", "partitioning", "[\"chiplets\"]")
        .set("space", "chiplet_count", "[2, 3, 4, 5, 6, 7, 8, 16]")
        .set("space", "compute_node", "[\"N16\", \"N7\", \"N6\", \"N5\", \"N3\", \"N2\", \"A16\"]")
        .set("space", "packaging", "[\"organic_mcm\", \"info\", \"cowos_s\", \"cowos_l\", \"emib\"]")
        .set("space", "d2d", "[\"ucie_s\", \"ucie_a\"]")
        .set("space", "d2d_bandwidth_tbps", float_list(1.0, 1.0, 100))  // 1 .. 100
        .set("space", "hbm", "[\"hbm3\", \"hbm3e\", \"hbm4\"]")
        .set("space", "hbm_stacks", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]")
        .set("space", "scale_up_link", "[\"copper\", \"cpo\"]")
        .set("space", "scale_out_link", "[\"pluggable_dsp\", \"lpo\", \"cpo\"]")
        .set("space", "clock_ghz", float_list(1.0, 0.01, 100))  // 1.00 .. 1.99
        .set("search", "method", method)
        .str();
  };
  TempDir dir;
  SECTION("exhaustive") {
    const std::string text = big("\"exhaustive\"");
    const auto path = dir.write("deck.toml", text);
    const deck::Deck d = deck::load_deck(path);
    const DesignSpace s = design_space_from_deck(d);
    CHECK(s.size() == 1612800000ull);
    check_error(input_error_of([&] { (void)plan_study(d, s); }), path, line_of(text, "method"), "search.method",
                {"1612800000 designs", "search.max_exhaustive_points = 1000000000", "got \"exhaustive\"", "nsga2"});
  }
  SECTION("auto falls back to NSGA-II") {
    const deck::Deck d = load_text_file(dir, big("\"auto\""));
    CHECK(plan_study(d, design_space_from_deck(d)).method == "nsga2");
  }
}

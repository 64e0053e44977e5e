// MPI tests of the geometry -> thermal case adapter (issue #8), run under mpiexec -n 1 and -n 2 with the
// thermal tests. Expectations come from outside the adapter: the closed-form 1-D stack of
// shared/reference/thermal.md §3 (derived again below for a volumetric source and two convective paths), the
// fvtherm reference temperatures of case B (shared/validation/thermal/README.md, as quoted in
// tests/data/thermal/README.md and tests/mpi/test_thermal.cpp), conservation, the maximum principle, and
// bit-identical results on every rank. The stack from the technology database is tested in
// test_thermal_stack_from_tech.cpp.
#include <catch2/catch.hpp>
#include <mpi.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "same_on_all_ranks.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/model/geometry.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"

using namespace chipdse;
using namespace chipdse::thermal;

namespace {

const CaseResult::Named& block_named(const CaseResult& r, const std::string& name) {
  for (const auto& n : r.blocks)
    if (n.name == name) return n;
  FAIL("no block named " << name);
  return r.blocks.front();
}

model::PlacedRect die(double x, double y, double w, double h, model::RectKind kind, std::uint8_t index,
                      std::uint8_t layer = 0) {
  model::PlacedRect r;
  r.x_mm = x;
  r.y_mm = y;
  r.w_mm = w;
  r.h_mm = h;
  r.kind = kind;
  r.index = index;
  r.layer = layer;
  return r;
}

/// An interposer package of `compute` 10 x 10 mm dies beside as many 11 x 10 mm HBM stacks, four 8 x 6 mm optical
/// engines on the substrate, and with `cache_and_io` a cache die on each compute die and a 12 x 5 mm IO die.
model::Geometry engine_package(int compute, bool cache_and_io) {
  model::GeometryInput in;
  in.carrier = model::Carrier::silicon_interposer;
  in.compute_count = compute;
  in.compute = {10, 10};
  in.cache_on_compute = cache_and_io;
  in.has_io_die = cache_and_io;
  if (cache_and_io) in.io = {12, 5};
  in.hbm_count = compute;
  in.hbm = {11, 10};
  in.optical_engine_count = 4;
  in.optical_engine = {8, 6};
  model::GeometryRules rules;
  rules.die_gap_mm = 1;
  rules.die_hbm_gap_mm = 1;
  rules.interposer_edge_mm = 1;
  rules.substrate_gap_mm = 2;
  rules.substrate_edge_mm = 3;
  return model::place_package(in, rules);
}

/// One die covering a w x w mm silicon interposer and substrate: a 1-D stack.
model::Geometry one_die(double w) {
  model::Geometry g;
  g.carrier = model::Carrier::silicon_interposer;
  g.interposer = {0, 0, w, w};
  g.substrate = {0, 0, w, w};
  g.rects[0] = die(0, 0, w, w, model::RectKind::compute, 0);
  g.rect_count = 1;
  return g;
}

/// Case B's layout (case_b.fv / L4_chip.flp): 32 mm interposer = substrate, four 10 mm chiplets.
model::Geometry case_b_geometry() {
  model::Geometry g;
  g.carrier = model::Carrier::silicon_interposer;
  g.interposer = {0, 0, 32, 32};
  g.substrate = {0, 0, 32, 32};
  g.rects[0] = die(4, 4, 10, 10, model::RectKind::compute, 0);
  g.rects[1] = die(18, 4, 10, 10, model::RectKind::compute, 1);
  g.rects[2] = die(4, 18, 10, 10, model::RectKind::compute, 2);
  g.rects[3] = die(18, 18, 10, 10, model::RectKind::compute, 3);
  g.rect_count = 4;
  return g;
}

/// Case B's stack, written out from case_b.fv (and thermal.md §1's TAP-2.5D / HotSpot numbers) so that these
/// tests do not depend on PackageStack's defaults: substrate 200 µm k 0.3003, C4+UF 70 µm 70.767, interposer
/// 110 µm 112, µbump field 10 µm 124.563 (underfill 1.6 between dies), chip 150 µm Si 100, TIM 20 µm 4, Cu
/// spreader 1 mm and sink 6.9 mm (2x and 2x), h 2777.7778 on top, adiabatic bottom, 318.15 K, 1 cell per layer.
PackageStack case_b_stack() {
  PackageStack s;
  s.substrate_thickness_m = 200e-6;
  s.substrate_k_w_mk = 0.3003;
  s.c4_thickness_m = 70e-6;
  s.c4_k_w_mk = 70.767;
  s.interposer_thickness_m = 110e-6;
  s.interposer_k_w_mk = 112.0;
  s.ubump_thickness_m = 10e-6;
  s.ubump_k_w_mk = 124.563;
  s.chip_thickness_m = 150e-6;
  s.silicon_k_w_mk = 100.0;
  s.cache_thickness_m = 150e-6;
  s.underfill_k_w_mk = 1.6;
  s.tim_thickness_m = 20e-6;
  s.tim_k_w_mk = 4.0;
  s.spreader_thickness_m = 1e-3;
  s.spreader_k_w_mk = 400.0;
  s.spreader_scale = 2.0;
  s.sink_thickness_m = 6.9e-3;
  s.sink_k_w_mk = 400.0;
  s.sink_scale = 2.0;
  s.htc_top_w_m2k = 2777.7778;
  s.htc_bottom_w_m2k = 0.0;
  s.ambient_k = 318.15;
  s.substrate_sub_cells = s.c4_sub_cells = s.interposer_sub_cells = s.ubump_sub_cells = s.chip_sub_cells =
      s.cache_sub_cells = s.tim_sub_cells = s.spreader_sub_cells = s.sink_sub_cells = 1;
  return s;
}

}  // namespace

TEST_CASE("adapter, 1-D limit: one die over the whole interposer matches the series-resistance formula",
          "[thermal][geometry]") {
  // 20 x 20 mm, P = 100 W in the die, no spreader/sink: h on the TIM top. Every layer spans the same area,
  // the die and its µbump field cover their layers entirely, so nothing varies in-plane.
  const double w = 20, area = w * w * 1e-6, p = 100;
  PackageStack s = case_b_stack();
  s.spreader_thickness_m = 0;
  s.sink_thickness_m = 0;
  s.htc_top_w_m2k = 20000;
  const int n = 4;  // cells through the die
  s.chip_sub_cells = n;
  const model::Geometry g = one_die(w);
  const std::vector<double> power = {p};

  // Resistances written from thermal.md's TAP-2.5D stack (numbers, not the struct's fields, where possible).
  const double r_die = 150e-6 / (100.0 * area);  // chip 150 µm, Si k 100
  const double r_top = 20e-6 / (4.0 * area) + 1 / (20000 * area);  // TIM 20 µm k 4, then convection

  SECTION("adiabatic bottom (TAP-2.5D)") {
    const CaseResult r = solve_case(case_from_geometry(g, power, s, 8));
    // Continuum, uniform volumetric source, adiabatic below: theta(s) = theta_top + P R_die (1 - s^2) / 2 with
    // s the height fraction from the die's bottom; its mean is theta_top + P R_die / 3.
    const double continuum = 318.15 + p * (r_top + r_die / 3);
    // The cell-centred scheme with n equal cells gives cell values theta_j = P R_die/n (1/2 + sum_{m<j}(1 - m/n))
    // over theta_top, whose mean is exactly P R_die (1/3 + 1/(6 n^2)) (sum of squares); the deviation from the
    // continuum, P R_die / (6 n^2) = 0.0098 K here, is the scheme's, not a modelling error. The remaining
    // tolerance 1e-4 K covers the solver (rtol 1e-8 on a ~14 K rise gives ~1e-7 K).
    const double discrete = continuum + p * r_die / (6.0 * n * n);
    const auto& d = block_named(r, "compute0");
    INFO("avg " << d.t.avg_k << " continuum " << continuum << " discrete " << discrete);
    CHECK(std::abs(d.t.avg_k - discrete) <= 1e-4);
    CHECK(std::abs(d.t.avg_k - continuum) <= p * r_die / (6.0 * n * n) + 1e-4);
    // Conservation: all the power leaves through the top (the bottom is adiabatic).
    CHECK(std::abs(r.solution.heat_out_w - p) <= 1e-3 * p);
    CHECK(test::same_on_all_ranks(d.t.avg_k));
  }

  SECTION("two convective paths (bottom h = 2000)") {
    s.htc_bottom_w_m2k = 2000;
    s.chip_sub_cells = 16;
    const CaseResult res = solve_case(case_from_geometry(g, power, s, 8));
    // Downward path from the die's bottom face: µbump 10 µm (Cu/UF mix 124.563, case_b.fv), Si interposer
    // 110 µm (112), C4 70 µm (70.767), substrate 200 µm (0.3003), then h_b.
    const double r_bot = 10e-6 / (124.563 * area) + 110e-6 / (112.0 * area) + 70e-6 / (70.767 * area) +
                         200e-6 / (0.3003 * area) + 1 / (2000 * area);
    // Continuum in the die: theta(s) = a + (b - a) s + (P R/2) s (1 - s), a/b = bottom/top face; flux balance
    // at the faces:  a (1/R + 1/R_b) - b/R = P/2,  -a/R + b (1/R + 1/R_t) = P/2;  mean = (a+b)/2 + P R/12.
    const double rd = r_die;
    const double a11 = 1 / rd + 1 / r_bot, a12 = -1 / rd, a22 = 1 / rd + 1 / r_top;
    const double det = a11 * a22 - a12 * a12;
    const double a = (p / 2 * a22 - a12 * p / 2) / det, b = (a11 * p / 2 - a12 * p / 2) / det;
    const double expected = 318.15 + (a + b) / 2 + p * rd / 12;
    // Discretisation: O(P R_die / n^2); the adiabatic case's constant is 1/6 (above), allow 1/2: 7e-4 K here.
    const double tol = p * rd / (2.0 * 16 * 16) + 1e-4;
    const auto& d = block_named(res, "compute0");
    INFO("avg " << d.t.avg_k << " expected " << expected << " tol " << tol << " down " << a / r_bot << " W");
    CHECK(std::abs(d.t.avg_k - expected) <= tol);
    // The bottom path carries a / R_b: a real share of the heat (checks the lower layers' thickness and k).
    CHECK(a / r_bot > 0.01 * p);
    CHECK(std::abs(res.solution.heat_out_w - p) <= 1e-3 * p);
    CHECK(test::same_on_all_ranks(d.t.avg_k));
  }
}

TEST_CASE("adapter, case B: the geometry of case B reproduces its fvtherm block temperatures", "[thermal][geometry]") {
  const model::Geometry g = case_b_geometry();
  const std::vector<double> power = {120, 80, 60, 40};  // case_b.ptrace / case_b.fv
  const std::vector<std::string> names = {"compute0", "compute1", "compute2", "compute3"};
  // Case B's stack; 128 requested cells snap to case_b.fv's 16+16+64+16+16 grid.
  const FvCase c = case_from_geometry(g, power, case_b_stack(), 128);
  int nx = 0;
  for (const auto& seg : c.x) nx += seg.cells;
  CHECK(nx == 128);
  SECTION("one cell per layer: case_b.fv's table, +-0.05 K (README: matching discretisation)") {
    const CaseResult r = solve_case(c);
    const double ref[4][2] = {{359.729, 356.149}, {351.885, 349.060}, {347.976, 345.360}, {343.933, 341.350}};
    for (int i = 0; i < 4; ++i) {
      const auto& b = block_named(r, names[i]);
      INFO(names[i] << " max " << b.t.max_k << " avg " << b.t.avg_k);
      CHECK(std::abs(b.t.max_k - ref[i][0]) <= 0.05);
      CHECK(std::abs(b.t.avg_k - ref[i][1]) <= 0.05);
      CHECK(test::same_on_all_ranks(b.t.max_k));
    }
  }
  SECTION("zref sub-cells (chip 3, interposer 2, spreader 2, sink 8): case_b_zref.fv's table, +-0.05 K") {
    PackageStack s = case_b_stack();
    s.chip_sub_cells = 3;
    s.interposer_sub_cells = 2;
    s.spreader_sub_cells = 2;
    s.sink_sub_cells = 8;
    const CaseResult r = solve_case(case_from_geometry(g, power, s, 128));
    const double ref[4][2] = {{357.461, 354.119}, {350.545, 347.752}, {347.120, 344.412}, {343.550, 340.758}};
    for (int i = 0; i < 4; ++i) {
      const auto& b = block_named(r, names[i]);
      INFO(names[i] << " max " << b.t.max_k << " avg " << b.t.avg_k);
      CHECK(std::abs(b.t.max_k - ref[i][0]) <= 0.05);
      CHECK(std::abs(b.t.avg_k - ref[i][1]) <= 0.05);
    }
  }
}

TEST_CASE("adapter: every rectangle once, powers conserved, monotone, identical on every rank",
          "[thermal][geometry]") {
  const model::Geometry g = engine_package(4, true);
  REQUIRE(g.rect_count == 4 + 1 + 4 + 4 + 4);

  std::vector<double> power(g.rect_count);
  std::map<std::string, double> expected;
  double total = 0;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    power[i] = 1.0 + 3.0 * static_cast<double>(i);
    total += power[i];
    const auto& r = g.rects[i];
    const char* base = r.kind == model::RectKind::compute ? "compute"
                       : r.kind == model::RectKind::cache ? "cache"
                       : r.kind == model::RectKind::hbm   ? "hbm"
                       : r.kind == model::RectKind::io    ? "io"
                                                          : "optical";
    expected[r.kind == model::RectKind::io ? std::string("io") : base + std::to_string(r.index)] = power[i];
  }
  REQUIRE(expected.size() == g.rect_count);  // the names this test expects are distinct

  const FvCase c = case_from_geometry(g, power, PackageStack{}, 96);
  for (const auto& [name, pw] : expected) {
    int found = 0;
    for (const auto& b : c.blocks)
      if (b.name == name) {
        ++found;
        CHECK(b.power_w == pw);
      }
    INFO(name);
    CHECK(found == 1);
  }
  // Blocks not in the geometry (bump fields, silicon continuing above uncached dies) carry no power.
  for (const auto& b : c.blocks)
    if (expected.count(b.name) == 0) CHECK(b.power_w == 0);
  CHECK(std::abs(c.total_power_w() - total) <= 1e-12 * total);
  CHECK(c.find_layer("cache") < c.layers.size());
  CHECK(c.find_layer("interposer") < c.layers.size());

  const CaseResult base = solve_case(c);
  CHECK(std::abs(base.solution.power_in_w - total) <= 1e-9 * total);
  CHECK(std::abs(base.solution.heat_out_w - total) <= 1e-3 * total);
  for (const auto& b : base.blocks) {
    INFO(b.name);
    CHECK(test::same_on_all_ranks(b.t.max_k));
    CHECK(test::same_on_all_ranks(b.t.avg_k));
    CHECK(b.t.min_k >= 318.15);
  }

  SECTION("more power on compute0 raises its maximum, and (maximum principle) every block's") {
    std::vector<double> hot = power;
    hot[0] += 50;
    const CaseResult r = solve_case(case_from_geometry(g, hot, PackageStack{}, 96));
    CHECK(block_named(r, "compute0").t.max_k > block_named(base, "compute0").t.max_k + 0.1);
    for (const auto& b : base.blocks) CHECK(block_named(r, b.name).t.max_k >= b.t.max_k);
  }
  SECTION("with power only in compute0, the diagonal die is cooler than its grid neighbours") {
    std::vector<double> only(g.rect_count, 0.0);
    only[0] = 100;
    const CaseResult r = solve_case(case_from_geometry(g, only, PackageStack{}, 96));
    const double t1 = block_named(r, "compute1").t.avg_k, t2 = block_named(r, "compute2").t.avg_k,
                 t3 = block_named(r, "compute3").t.avg_k, t0 = block_named(r, "compute0").t.avg_k;
    CHECK(t0 > t1);
    CHECK(t0 > t2);
    CHECK(t3 < t1);
    CHECK(t3 < t2);
  }
}

TEST_CASE("adapter: organic carrier (no interposer) and bad inputs", "[thermal][geometry]") {
  model::GeometryInput in;
  in.carrier = model::Carrier::organic_substrate;
  in.compute_count = 2;
  in.compute = {12, 12};
  in.has_io_die = true;
  in.io = {10, 6};
  model::GeometryRules rules;
  rules.die_gap_mm = 1;
  rules.substrate_gap_mm = 2;
  rules.substrate_edge_mm = 3;
  const model::Geometry g = model::place_package(in, rules);
  REQUIRE(g.rect_count == 3);
  const std::vector<double> power = {100, 60, 20};
  const FvCase c = case_from_geometry(g, power, PackageStack{}, 64);
  CHECK(c.find_layer("interposer") == c.layers.size());
  CHECK(c.find_layer("ubump") == c.layers.size());
  CHECK(c.find_layer("cache") == c.layers.size());
  const CaseResult r = solve_case(c);
  CHECK(std::abs(r.solution.heat_out_w - 180) <= 0.18);
  CHECK(block_named(r, "compute0").t.max_k > 318.15);
  CHECK(test::same_on_all_ranks(block_named(r, "compute0").t.max_k));

  const std::vector<double> short_power = {100, 60};
  CHECK_THROWS_AS(case_from_geometry(g, short_power, PackageStack{}, 64), InputError);
  const std::vector<double> negative = {100, -1, 20};
  CHECK_THROWS_AS(case_from_geometry(g, negative, PackageStack{}, 64), InputError);
  PackageStack no_sink;
  no_sink.htc_top_w_m2k = 0;
  CHECK_THROWS_AS(case_from_geometry(g, power, no_sink, 64), InputError);
}


TEST_CASE("adapter: an optical engine drains through its body and the lid, below its 1-D column's rise",
          "[thermal][geometry]") {
  // Two compute dies and two HBM stacks on an interposer, four engines on the substrate, 10 W in one engine only.
  const model::Geometry g = engine_package(2, false);
  std::vector<double> power(g.rect_count, 0.0);
  std::size_t engine = g.rect_count;
  for (std::size_t i = 0; i < g.rect_count && engine == g.rect_count; ++i)
    if (g.rects[i].kind == model::RectKind::optical_engine) engine = i;
  REQUIRE(engine < g.rect_count);
  const double p = 10.0;
  power[engine] = p;
  const PackageStack s;  // one cell through every layer
  const FvCase c = case_from_geometry(g, power, s, 96);
  // The engine is a silicon die from the substrate up: its body in the layers below the chip layer, its power in it.
  for (const char* layer : {"c4", "interposer", "ubump"}) {
    int found = 0;
    for (const auto& b : c.blocks)
      if (b.name == std::string("optical0.") + layer) {
        ++found;
        CHECK(b.k_w_mk == s.silicon_k_w_mk);
      }
    INFO(layer);
    CHECK(found == 1);
  }
  for (const auto& b : c.blocks)
    if (b.name == "optical0") CHECK((c.layers[b.layer].name == "chip" && b.power_w == p && b.k_w_mk == s.silicon_k_w_mk));
  const CaseResult r = solve_case(c);
  CHECK(std::abs(r.solution.heat_out_w - p) <= 1e-6 * p);
  // Rayleigh monotonicity: removing conductances (everything outside the column above the engine, the way down, and
  // the sink's convective face outside the column) can only raise the compliance sum q theta, so the engine's
  // power-weighted mean rise is at most that of the column alone: a 1-D stack over the engine's area A whose heated
  // cell (the chip layer's, one cell) adds half its resistance, the TIM, spreader and sink their whole, then the
  // convection. The block's coolest cell is at most that mean. The column (K/W):
  const auto& e = g.rects[engine];
  const double a = e.w_mm * e.h_mm * 1e-6;
  const double r_column = s.chip_thickness_m / (2.0 * s.silicon_k_w_mk * a) + s.tim_thickness_m / (s.tim_k_w_mk * a) +
                          s.spreader_thickness_m / (s.spreader_k_w_mk * a) + s.sink_thickness_m / (s.sink_k_w_mk * a) +
                          1.0 / (s.htc_top_w_m2k * a);
  const auto& t = block_named(r, "optical0").t;
  INFO("engine rise min " << t.min_k - s.ambient_k << " K, max " << t.max_k - s.ambient_k << " K, column "
                          << p * r_column << " K");
  CHECK(t.min_k - s.ambient_k <= p * r_column);
  // The lid spreads it below that: the hottest cell too (with the engine's heat in the organic substrate and no body
  // above it, as before, the only way out was sideways through the substrate: thousands of kelvin).
  CHECK(t.max_k - s.ambient_k <= p * r_column);
  CHECK(test::same_on_all_ranks(t.max_k));
}

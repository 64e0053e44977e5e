// Properties of the package placement (model/geometry): no overlaps and every clearance kept, the grid choice, the
// monotone interposer area, D2D lengths, the geometry key, the limit flags, two published packages (H100 on CoWoS-S,
// MI300X) and no heap allocation per placement.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>

#include "chipdse/model/geometry.hpp"
#include "chipdse/model/wafer.hpp"

using namespace chipdse::model;

// The allocation counter of this executable (test_cost_properties.cpp replaces the global operator new).
#include "alloc_counter.hpp"

#include "geometry_fixture.hpp"

using namespace chipdse::test_geometry;

TEST_CASE("geometry: rows x cols for k = 1, 2, 4, 8, 16 and for non-square dies", "[geometry]") {
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  struct Case {
    int k, rows, cols;
  };
  for (const Case c : {Case{1, 1, 1}, Case{2, 1, 2}, Case{4, 2, 2}, Case{8, 2, 4}, Case{16, 4, 4}}) {
    INFO("k = " << c.k);
    const Geometry g = place_package(chiplets(Carrier::silicon_interposer, c.k, 10.0, 10.0), r);
    CHECK(g.infeasible == 0);
    CHECK(g.rows == c.rows);
    CHECK(g.cols == c.cols);
  }
  // By hand: 30 x 10 dies, k = 2: 1x2 is 60.1 x 10 (aspect 6.01), 2x1 is 30 x 20.1 (1.49) -> 2 rows.
  Geometry g = place_package(chiplets(Carrier::silicon_interposer, 2, 30.0, 10.0), r);
  CHECK((g.rows == 2 && g.cols == 1));
  // 26 x 31.3 dies, k = 2: 1x2 is 52.1 x 31.3 (1.66) vs 26 x 62.7 (2.41) -> 1 row.
  g = place_package(chiplets(Carrier::silicon_interposer, 2, 26.0, 31.3), r);
  CHECK((g.rows == 1 && g.cols == 2));
  // 10 x 20 dies, k = 8: 2x4 is 40.3 x 40.1 (1.005) vs 4x2 20.1 x 80.3 (4.0) -> 2 rows; k = 4: 1x4 40.3 x 20 (2.015)
  // vs 2x2 20.1 x 40.1 (1.995) -> 2x2.
  g = place_package(chiplets(Carrier::silicon_interposer, 8, 10.0, 20.0), r);
  CHECK((g.rows == 2 && g.cols == 4));
  g = place_package(chiplets(Carrier::silicon_interposer, 4, 10.0, 20.0), r);
  CHECK((g.rows == 2 && g.cols == 2));
  // A prime count is a single row.
  g = place_package(chiplets(Carrier::silicon_interposer, 7, 10.0, 10.0), r);
  CHECK((g.rows == 1 && g.cols == 7));
}

TEST_CASE("geometry: no two rectangles overlap and every clearance holds, over carriers and contents", "[geometry]") {
  std::size_t placed = 0;
  for (const Carrier c : kCarriers) {
    const GeometryRules r = rules_for(c);
    for (const int k : {1, 2, 3, 4, 8, 16})
      for (const bool io : {false, true})
        for (const bool cache : {false, true})
          for (const int hbm : {0, 1, 3, 6, 8})
            for (const int oe : {0, 1, 2, 5, 8}) {
              GeometryInput in = chiplets(c, k, 12.0 + k, 9.0 + 0.5 * k);
              in.has_io_die = io;
              in.io = DieFootprint{k == 1 ? 40.0 : 18.0, 7.0};  // wider than the grid for k = 1
              in.cache_on_compute = cache;
              in.hbm_count = hbm;
              in.hbm = EdgeFootprint{11.0, 10.0};
              in.optical_engine_count = oe;
              in.optical_engine = EdgeFootprint{12.0, 8.0};
              INFO("carrier " << int(c) << " k " << k << " io " << io << " cache " << cache << " hbm " << hbm << " oe "
                              << oe);
              const Geometry g = place_package(in, r);
              CHECK((g.infeasible & (geometry_issue::invalid_input | geometry_issue::too_many_components)) == 0);
              check_placement(in, r, g);
              // links: all grid neighbours, each exactly one gap long; IO links >= one gap
              CHECK(g.d2d_count == static_cast<std::size_t>(2 * k - g.rows - g.cols));
              for (std::size_t i = 0; i < g.d2d_count; ++i)
                CHECK(g.d2d[i].length_mm == Approx(r.die_gap_mm).margin(kTol));
              if (io)
                for (int i = 0; i < k; ++i) CHECK(g.io_link_mm[i] >= r.die_gap_mm - kTol);
              // a stack never sits nearer its die than the rule, and one beside its die is gap + depth/2 away
              for (int s = 0; s < hbm; ++s) {
                CHECK(g.hbm_reach_mm[s] >= r.die_hbm_gap_mm + 5.0 - kTol);
                const PlacedRect& die = g.rects[g.hbm_served_by[s]];
                CHECK(is_die(die));
              }
              ++placed;
            }
  }
  CHECK(placed == 5 * 6 * 2 * 2 * 5 * 5);
}

TEST_CASE("geometry: interposer area grows with k at fixed total die area (more gaps)", "[geometry]") {
  // 800 mm² of square dies, k = 1, 2, 4, 8, 16. Without HBM every step adds gaps: strictly increasing. With HBM the
  // columns fix the height, so the area follows the grid WIDTH, which is not monotone in k (a 1x2 grid of 20 mm dies
  // is 40.1 mm wide, a 2x2 grid of 14.1 mm dies 28.4 mm): there the claim holds along grids of equal shape,
  // 1x1 -> 2x2 -> 4x4 and 1x2 -> 2x4. The HBM reach limit is off here: with it, a grid too short for its columns is
  // replaced by a taller one (checked in "geometry: a grid too short for its HBM columns ..."), which changes the shape.
  auto area = [](Carrier c, int k, int hbm) {
    const double side = std::sqrt(800.0 / k);
    GeometryInput in = chiplets(c, k, side, side);
    in.hbm_count = hbm;
    in.hbm = EdgeFootprint{11.0, 10.0};
    GeometryRules r = rules_for(c);
    r.hbm_max_reach_mm = 0.0;
    const Geometry g = place_package(in, r);
    CHECK(g.component_area_mm2 == Approx(800.0 + hbm * 110.0));
    return g.interposer_area_mm2;
  };
  for (const Carrier c : {Carrier::rdl_interposer, Carrier::silicon_interposer, Carrier::bridge_interposer}) {
    INFO("carrier " << int(c));
    double previous = 0.0;
    for (const int k : {1, 2, 4, 8, 16}) {
      const double a = area(c, k, 0);
      INFO("k " << k << ": " << a << " mm²");
      CHECK(a > previous);
      previous = a;
    }
    for (const int hbm : {4, 8}) {
      INFO("hbm " << hbm);
      CHECK(area(c, 4, hbm) > area(c, 1, hbm) - kTol);
      CHECK(area(c, 16, hbm) > area(c, 4, hbm) - kTol);
      CHECK(area(c, 8, hbm) > area(c, 2, hbm) - kTol);
    }
  }
}

TEST_CASE("geometry: D2D length is the configured gap for abutting dies, IO links by hand", "[geometry]") {
  for (const Carrier c : kCarriers) {
    const GeometryRules r = rules_for(c);
    GeometryInput in = chiplets(c, 4, 10.0, 8.0);
    in.has_io_die = true;
    in.io = DieFootprint{6.0, 5.0};
    const Geometry g = place_package(in, r);
    REQUIRE((g.rows == 2 && g.cols == 2));
    REQUIRE(g.d2d_count == 4);
    for (std::size_t i = 0; i < g.d2d_count; ++i) CHECK(g.d2d[i].length_mm == Approx(r.die_gap_mm).margin(kTol));
    CHECK(g.d2d_max_mm == Approx(r.die_gap_mm).margin(kTol));
    // The IO die (6 wide) is centred under the 20 + gap wide grid, so it spans the middle gap and overlaps both
    // bottom dies in x: their links are one gap; the top row's add a die height (8) and a second gap.
    CHECK(g.io_link_mm[0] == Approx(r.die_gap_mm).margin(kTol));
    CHECK(g.io_link_mm[1] == Approx(r.die_gap_mm).margin(kTol));
    CHECK(g.io_link_mm[2] == Approx(r.die_gap_mm + 8.0 + r.die_gap_mm).margin(kTol));
    CHECK(g.io_link_mm[3] == Approx(2.0 * r.die_gap_mm + 8.0).margin(kTol));
    CHECK(g.die_adjacencies == 4 + 2);
  }
  // Monolithic: no links.
  const Geometry g =
      place_package(chiplets(Carrier::silicon_interposer, 1, 20.0, 20.0), rules_for(Carrier::silicon_interposer));
  CHECK(g.d2d_count == 0);
  CHECK(g.d2d_max_mm == 0.0);
}

TEST_CASE("geometry: HBM columns split evenly with the odd stack on the left", "[geometry]") {
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  GeometryInput in = chiplets(Carrier::silicon_interposer, 2, 15.0, 25.0);
  in.hbm_count = 5;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const Geometry g = place_package(in, r);
  int left = 0, right = 0;
  const double die_x0 = g.rects[0].x_mm, die_x1 = g.rects[1].x_mm + g.rects[1].w_mm;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const PlacedRect& s = g.rects[i];
    if (s.kind != RectKind::hbm) continue;
    CHECK(s.w_mm == 10.0);  // depth across, the 11 mm edge faces the die
    CHECK(s.h_mm == 11.0);
    if (s.x_mm + s.w_mm <= die_x0) {
      ++left;
      CHECK(die_x0 - (s.x_mm + s.w_mm) == Approx(r.die_hbm_gap_mm).margin(kTol));
    } else if (s.x_mm >= die_x1) {
      ++right;
      CHECK(s.x_mm - die_x1 == Approx(r.die_hbm_gap_mm).margin(kTol));
    }
  }
  CHECK(left == 3);
  CHECK(right == 2);
  // 3 x 11 + 2 x 0.1 = 33.2 tall column, centred on a 25 mm die: the outer stacks' centres are within the die's
  // height, so every reach is gap + depth / 2.
  for (int s = 0; s < 5; ++s) CHECK(g.hbm_reach_mm[s] == Approx(0.1 + 5.0).margin(kTol));
  CHECK(g.hbm_adjacencies == 5);
}

TEST_CASE("geometry: the key is equal for identical geometries and changes when any rectangle moves", "[geometry]") {
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  GeometryInput a = chiplets(Carrier::silicon_interposer, 4, 14.0, 16.0);
  a.has_io_die = true;
  a.io = DieFootprint{20.0, 8.0};
  a.hbm_count = 6;
  a.hbm = EdgeFootprint{11.0, 10.0};
  a.optical_engine_count = 4;
  a.optical_engine = EdgeFootprint{10.0, 6.0};
  const GeometryInput b = a;  // an equal input built separately

  const Geometry ga = place_package(a, r);
  REQUIRE(ga.key != 0);
  CHECK(ga.key == geometry_key(ga));
  // Equal inputs arriving in any order, interleaved with other placements: the same key (no state anywhere).
  const Geometry other =
      place_package(chiplets(Carrier::organic_substrate, 16, 5.0, 5.0), rules_for(Carrier::organic_substrate));
  const Geometry gb = place_package(b, r);
  CHECK(gb.key == ga.key);
  CHECK(other.key != ga.key);
  // Rules that do not move anything (a limit, a scale) do not change the key; the placement is identical.
  GeometryRules r2 = r;
  r2.max_interposer_area_mm2 = 1.0;
  r2.substrate_area_scale = 7.0;
  const Geometry gc = place_package(a, r2);
  CHECK(gc.key == ga.key);
  CHECK(gc.infeasible != ga.infeasible);

  auto key_with = [&](auto&& edit) {
    GeometryInput x = a;
    edit(x);
    return place_package(x, r).key;
  };
  // A die width change of one quantum (0.01 mm) and of more.
  CHECK(key_with([](GeometryInput& x) { x.compute.width_mm += kGeometryKeyQuantumMm; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.compute.width_mm += 0.5; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.io.height_mm -= kGeometryKeyQuantumMm; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.hbm.depth_mm += kGeometryKeyQuantumMm; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.optical_engine.edge_mm += kGeometryKeyQuantumMm; }) != ga.key);
  // The packaging kind (same spacing: only the carrier differs), a stacked layer, counts.
  CHECK(key_with([](GeometryInput& x) { x.carrier = Carrier::bridge_interposer; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.carrier = Carrier::rdl_interposer; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.cache_on_compute = true; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.hbm_count = 5; }) != ga.key);
  CHECK(key_with([](GeometryInput& x) { x.has_io_die = false; }) != ga.key);
  // A spacing rule that moves rectangles by one quantum changes it too.
  GeometryRules r3 = r;
  r3.die_gap_mm += kGeometryKeyQuantumMm;
  CHECK(place_package(a, r3).key != ga.key);
  // Below the quantum: a 0.001 mm change (values on a 0.01 grid, no rounding tie crossed) keeps the key.
  const GeometryInput mono = chiplets(Carrier::silicon_interposer, 1, 26.0, 31.0);
  GeometryInput mono2 = mono;
  mono2.compute.width_mm = 26.001;
  CHECK(place_package(mono, r).key == place_package(mono2, r).key);
  // Every single-quantum change of the die width over a sweep gives a distinct key (no accidental collisions).
  std::uint64_t previous = 0;
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t key = place_package(chiplets(Carrier::silicon_interposer, 2, 10.0 + 0.01 * i, 12.0), r).key;
    CHECK(key != previous);
    previous = key;
  }
}

TEST_CASE("geometry: limits are flagged, never clipped", "[geometry]") {
  // Oversize CoWoS-S interposer: 4 dies of 25 x 30 (reticle-class) + 8 HBM3 -> ~66 x 61 mm, far over 2,700 mm².
  GeometryInput big = chiplets(Carrier::silicon_interposer, 4, 25.0, 30.0);
  big.hbm_count = 8;
  big.hbm = EdgeFootprint{11.0, 10.0};
  Geometry g = place_package(big, rules_for(Carrier::silicon_interposer));
  CHECK((g.infeasible & geometry_issue::interposer_over_area) != 0);
  CHECK((g.infeasible & geometry_issue::interposer_over_reticles) != 0);
  CHECK(g.interposer_area_mm2 > 3.3 * 858.0);
  CHECK(g.rect_count == 12);  // still placed and reported
  CHECK(g.key != 0);
  // The same on CoWoS-L at 3.5 reticles (3,003 mm²): over as well; at the 2027 limit (9.5) it fits.
  big.carrier = Carrier::bridge_interposer;
  GeometryRules l = rules_for(Carrier::bridge_interposer);
  g = place_package(big, l);
  CHECK((g.infeasible & geometry_issue::interposer_over_reticles) != 0);
  l.max_interposer_reticles = 9.5;
  g = place_package(big, l);
  CHECK(g.infeasible == 0);
  // Organic package over 100 x 100 mm: 16 dies of 24 x 24 -> 99 + 4 mm square.
  g = place_package(chiplets(Carrier::organic_substrate, 16, 24.0, 24.0), rules_for(Carrier::organic_substrate));
  CHECK(g.substrate.w_mm == Approx(4 * 24.0 + 3 * 1.0 + 2 * 2.0));
  CHECK(g.infeasible == geometry_issue::package_over_area);
  // HBM too far: 12 stacks (6-high columns, 66.5 mm) beside one 24 mm die: no grid of one die is tall enough.
  GeometryInput far = chiplets(Carrier::silicon_interposer, 1, 24.0, 24.0);
  far.hbm_count = 12;
  far.hbm = EdgeFootprint{11.0, 10.0};
  g = place_package(far, rules_for(Carrier::silicon_interposer));
  CHECK((g.infeasible & geometry_issue::hbm_too_far) != 0);
  CHECK(g.hbm_reach_max_mm > 6.0);
  // A die that fits the 26 x 33 field only rotated is fine; 20 x 40 (800 mm² < 858) fits in neither orientation.
  g = place_package(chiplets(Carrier::silicon_interposer, 1, 33.0, 26.0), rules_for(Carrier::silicon_interposer));
  CHECK((g.infeasible & geometry_issue::die_over_reticle_field) == 0);
  g = place_package(chiplets(Carrier::silicon_interposer, 1, 20.0, 40.0), rules_for(Carrier::silicon_interposer));
  CHECK((g.infeasible & geometry_issue::die_over_reticle_field) != 0);
  // Unusable inputs: reported, nothing placed.
  g = place_package(chiplets(Carrier::silicon_interposer, 0, 10.0, 10.0), rules_for(Carrier::silicon_interposer));
  CHECK(g.infeasible == geometry_issue::invalid_input);
  CHECK((g.rect_count == 0 && g.key == 0));
  g = place_package(chiplets(Carrier::silicon_interposer, 2, -1.0, 10.0), rules_for(Carrier::silicon_interposer));
  CHECK(g.infeasible == geometry_issue::invalid_input);
  g = place_package(chiplets(Carrier::silicon_interposer, 2, std::nan(""), 10.0),
                    rules_for(Carrier::silicon_interposer));
  CHECK(g.infeasible == geometry_issue::invalid_input);
  g = place_package(chiplets(Carrier::silicon_interposer, 17, 5.0, 5.0), rules_for(Carrier::silicon_interposer));
  CHECK(g.infeasible == geometry_issue::too_many_components);
  CHECK(g.rect_count == 0);
  GeometryInput many = chiplets(Carrier::silicon_interposer, 2, 5.0, 5.0);
  many.hbm_count = 17;
  many.hbm = EdgeFootprint{11.0, 10.0};
  CHECK(place_package(many, rules_for(Carrier::silicon_interposer)).infeasible == geometry_issue::too_many_components);
  for (std::uint32_t b = 0; b < geometry_issue::count; ++b) CHECK(std::string(geometry_issue_name(1u << b)) != "");
  CHECK(std::string(geometry_issue_name(1u << geometry_issue::count)).empty());
}

TEST_CASE("geometry: Actuary-scaled and placed areas are both reported", "[geometry]") {
  GeometryInput in = chiplets(Carrier::silicon_interposer, 2, 20.0, 20.0);
  in.hbm_count = 2;
  in.hbm = EdgeFootprint{11.0, 10.0};
  in.optical_engine_count = 4;
  in.optical_engine = EdgeFootprint{10.0, 5.0};
  const Geometry g = place_package(in, rules_for(Carrier::silicon_interposer));
  CHECK(g.component_area_mm2 == Approx(800.0 + 220.0));
  CHECK(g.interposer_scaled_area_mm2 == Approx(1.1 * 1020.0));
  CHECK(g.substrate_scaled_area_mm2 == Approx(4.0 * (1.1 * 1020.0 + 4 * 50.0)));
  // placed: dies 40.1 x 20 between two 10 mm stacks -> 60.3 x 20, + 0.1 edge -> 60.5 x 20.2
  CHECK(g.interposer.w_mm == Approx(60.5));
  CHECK(g.interposer.h_mm == Approx(20.2));
  // one engine per side: ring of 1 + 5 + 2 mm on every side
  CHECK(g.substrate.w_mm == Approx(60.5 + 2 * 8.0));
  CHECK(g.substrate.h_mm == Approx(20.2 + 2 * 8.0));
  // organic MCM: no interposer; substrate scaled on the component area
  in.carrier = Carrier::organic_substrate;
  in.optical_engine_count = 0;
  const Geometry o = place_package(in, rules_for(Carrier::organic_substrate));
  CHECK(o.interposer_area_mm2 == 0.0);
  CHECK(o.interposer_scaled_area_mm2 == 0.0);
  CHECK(o.substrate_scaled_area_mm2 == Approx(4.0 * 1020.0));
  CHECK(o.substrate.w_mm == Approx(2 * 20.0 + 1.0 + 2 * (1.0 + 10.0) + 2 * 2.0));
  // HBM reach on organic: 1 mm gap + 5 mm = 6.0, exactly the limit (not over it)
  CHECK(o.hbm_reach_max_mm == Approx(6.0));
  CHECK((o.infeasible & geometry_issue::hbm_too_far) == 0);
}

// Independent published checks. H100 SXM5: one 814 mm² GH100 die on CoWoS-S with six HBM3 sites, three on each
// side (ServeTheHome photos via Golem/ress.at 2022: "Auf zwei Seiten des GH100 sind je drei Stacks"). No public die
// width/height was found, and a square 814 mm² die (28.5 mm) does not fit the 26 x 33 mm field: 814 mm² forces
// 24.7 <= w <= 26, so 26 x 31.31 mm with the long side facing the HBM columns. HBM3 package 11 mm wide facing the die
// (CSR23) x 10 mm (110 mm² stack, memory.hbm3.footprint_mm2).
// Published interposer figures disagree: "~2,500 mm²" (regantih.github.io 'From Sand to Superintelligence' ch. 12,
// popular) and "3.3x the mask, only 9 per 12-inch wafer" (TheElec via TweakTown 2024, news 98921) on one side;
// "about 29 H100/H200 per CoWoS wafer" (redplanx.com news 2687134, 2024) and "one CoWoS wafer yields 28 H100/H200"
// (OKX post 64639582664800, 2025) on the other. 3.3 x 858 = 2,831 mm² would give ~17 per wafer, not 9, so the first
// pair is internally inconsistent; we compare with the second. Interposers per wafer is a step function of size (our
// placement counts 34, one 0.25 mm margin more counts 32, 0.5 mm counts 30), so the comparison is made in area: the
// published 28-29 per wafer is inverted through the same count (CATCH no-grid on Actuary's interposer wafer rule:
// 300 mm, 5 mm edge, 0.2 mm scribe) over rectangles grown from the placement by a uniform margin, giving the
// implied H100 interposer area range. Tolerance 15% on the area: it covers the unknown die aspect, the HBM3 footprint
// (L-graded, 90-130 mm²), the keep-outs real interposers add (seal ring, decoupling capacitors) that the placement
// does not model, and the scribe/edge rules of the count. The placement has no keep-outs, so it must also come out
// no larger than the implied area.
TEST_CASE("geometry: H100-like package on CoWoS-S against published interposers per wafer", "[geometry][published]") {
  GeometryInput in = chiplets(Carrier::silicon_interposer, 1, 26.0, 814.0 / 26.0);
  in.hbm_count = 6;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  const Geometry g = place_package(in, r);
  check_placement(in, r, g);
  CHECK(g.infeasible == 0);
  auto per_wafer = [](double w, double h) {
    return static_cast<double>(dies_per_wafer_nogrid(w, h, 300.0 - 2 * 5.0, 0.2));
  };
  double implied_lo = 0.0, implied_hi = 0.0;  // areas of the grown rectangles that count 28 or 29 per wafer
  for (int i = 0; i <= 200; ++i) {
    const double m = 0.025 * i;
    const double w = g.interposer.w_mm + 2 * m, h = g.interposer.h_mm + 2 * m;
    const double n = per_wafer(w, h);
    if (n >= 28.0 && n <= 29.0) {
      if (implied_lo == 0.0) implied_lo = w * h;
      implied_hi = w * h;
    }
  }
  REQUIRE(implied_lo > 0.0);
  const double implied = (implied_lo + implied_hi) / 2.0;
  std::cout << "H100-like on CoWoS-S: interposer " << g.interposer.w_mm << " x " << g.interposer.h_mm << " = "
            << g.interposer_area_mm2 << " mm² (Actuary 1.1x: " << g.interposer_scaled_area_mm2 << "), "
            << per_wafer(g.interposer.w_mm, g.interposer.h_mm) << " per 300 mm wafer; 28-29 per wafer (published) "
            << "implies " << implied_lo << "-" << implied_hi << " mm²; HBM reach " << g.hbm_reach_max_mm << " mm\n";
  CHECK(g.interposer_area_mm2 == Approx(implied).epsilon(0.15));
  CHECK(g.interposer_area_mm2 <= implied_lo);
  CHECK(g.interposer_area_mm2 == Approx(g.interposer_scaled_area_mm2).epsilon(0.10));  // Actuary's 1.1x rule agrees
  CHECK(g.interposer_area_mm2 < 2500.0);  // the '~2,500 mm²' / 3.3-reticle claims are not this geometry's size
  CHECK(g.hbm_reach_max_mm == Approx(0.1 + 5.0));  // under CSR23's ~6 mm
  CHECK(g.hbm_adjacencies == 6);
  // The square die the placement would otherwise assume is rejected by the reticle field.
  const Geometry square =
      place_package(chiplets(Carrier::silicon_interposer, 1, std::sqrt(814.0), std::sqrt(814.0)), r);
  CHECK(square.infeasible == geometry_issue::die_over_reticle_field);
}

// MI300X: four N6 IODs of 377 mm² each (CAPA Table IV via docs/research/area_sources.md §6), in a 2x2 block, with
// XCDs hybrid-bonded on top (a stacked layer here), and eight HBM3 stacks, four on each side (AMD package photos; the
// 'infowire' CES 2023 report: "eight stacks of HBM3 flanking the center die"). Published interposer: ~2,750 mm²
// ("early report", tech_data.json cal.amd_instinct_mi300x_2023; technews.lt / medianews24 2022). IOD aspect not
// public -> square. Tolerance 10%: the figure is a rounded pre-launch report, the IOD aspect and HBM3 footprint are
// assumptions, and the structural silicon between HBM stacks is not modelled.
TEST_CASE("geometry: MI300X-like package against the published ~2,750 mm² interposer", "[geometry][published]") {
  const double side = std::sqrt(377.0);
  GeometryInput in = chiplets(Carrier::silicon_interposer, 4, side, side);
  in.cache_on_compute = true;
  in.hbm_count = 8;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  const Geometry g = place_package(in, r);
  check_placement(in, r, g);
  std::cout << "MI300X-like: interposer " << g.interposer.w_mm << " x " << g.interposer.h_mm << " = "
            << g.interposer_area_mm2 << " mm² (published ~2,750), HBM reach " << g.hbm_reach_max_mm << " mm\n";
  CHECK(g.interposer_area_mm2 == Approx(2750.0).epsilon(0.10));
  CHECK(g.infeasible == 0);  // under CoWoS-S's 2,700 mm² limit in our placement
}

TEST_CASE("geometry: 10^4 placements allocate nothing", "[geometry][alloc]") {
  static_assert(std::is_trivially_copyable_v<Geometry>);
  static_assert(std::is_trivially_copyable_v<GeometryInput>);
  static_assert(std::is_trivially_copyable_v<GeometryRules>);
  static_assert(noexcept(place_package(std::declval<const GeometryInput&>(), std::declval<const GeometryRules&>())));
  const GeometryRules rules[2] = {rules_for(Carrier::silicon_interposer), rules_for(Carrier::organic_substrate)};
  std::atomic<bool>* counting = &chipdse::test::g_counting;
  std::atomic<long>* allocations = &chipdse::test::g_allocations;
  std::uint64_t sink = 0;
  *allocations = 0;
  *counting = true;
  for (int i = 0; i < 10000; ++i) {
    GeometryInput in =
        chiplets(i % 2 ? Carrier::silicon_interposer : Carrier::organic_substrate, 1 << (i % 5), 8.0 + 0.001 * i, 9.0);
    in.has_io_die = (i % 3) == 0;
    in.io = DieFootprint{15.0, 6.0};
    in.cache_on_compute = (i % 7) == 0;
    in.hbm_count = i % 9;
    in.hbm = EdgeFootprint{11.0, 10.0};
    in.optical_engine_count = i % 6;
    in.optical_engine = EdgeFootprint{10.0, 6.0};
    const Geometry g = place_package(in, rules[i % 2]);
    sink ^= g.key + g.infeasible;
  }
  *counting = false;
  CHECK(allocations->load() == 0);
  CHECK(sink != 0);
}

TEST_CASE("timing of one placement (informational)", "[geometry][timing]") {
  GeometryInput in = chiplets(Carrier::silicon_interposer, 16, 8.0, 9.0);
  in.has_io_die = true;
  in.io = DieFootprint{20.0, 6.0};
  in.cache_on_compute = true;
  in.hbm_count = 8;
  in.hbm = EdgeFootprint{11.0, 10.0};
  in.optical_engine_count = 8;
  in.optical_engine = EdgeFootprint{10.0, 6.0};
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  std::uint64_t sink = 0;
  const int n = 100000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    in.compute.width_mm = 8.0 + 1e-6 * i;
    sink ^= place_package(in, r).key;
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / n;
  std::cout << "place_package (16 dies + caches + IO + 8 HBM + 8 engines = 49 rects): " << ns << " ns\n";
  CHECK(sink != 0);
}

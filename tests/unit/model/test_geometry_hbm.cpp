// HBM floorplanning of the package placement (model/geometry_hbm.*): a taller grid for tall HBM columns, stacks on
// the top and bottom edges when the columns cannot hold them within reach, columns clear of a wider IO die. Every
// placement also passes the full invariant check of geometry_fixture.hpp.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>

#include "chipdse/model/geometry.hpp"
#include "geometry_fixture.hpp"

using namespace chipdse::model;
using namespace chipdse::test_geometry;

TEST_CASE("geometry: a grid too short for its HBM columns is replaced by the most square grid that is tall enough",
          "[geometry]") {
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  // Two 17 x 17 mm chiplets with 6 stacks of 11 x 10 mm: the 1x2 grid (17 mm tall) leaves the outer stacks of the
  // 3-high columns (11 + 2 x (11 + gap) tall) (col_h - e) / 2 - 17 / 2 above and below the grid; the 2x1 grid
  // (34 + gap tall) holds them beside the dies.
  GeometryInput in = chiplets(Carrier::silicon_interposer, 2, 17.0, 17.0);
  in.hbm_count = 6;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const double gap = r.die_gap_mm;
  const double col_h = 3 * 11.0 + 2 * gap;
  const double slack = r.hbm_max_reach_mm - (r.die_hbm_gap_mm + 10.0 / 2.0);
  REQUIRE(17.0 < col_h - 11.0 - 2.0 * slack);  // the most square grid is too short: by hand
  GeometryRules unchecked = r;
  unchecked.hbm_max_reach_mm = 0.0;
  const Geometry square = place_package(in, unchecked);
  CHECK((square.rows == 1 && square.cols == 2));
  CHECK(square.hbm_reach_max_mm > r.hbm_max_reach_mm);  // what the old placement gave: out of reach
  const Geometry g = place_package(in, r);
  CHECK((g.rows == 2 && g.cols == 1));
  CHECK(g.hbm_reach_max_mm <= r.hbm_max_reach_mm + kTol);
  CHECK((g.infeasible & geometry_issue::hbm_too_far) == 0);
  // Grids that already hold their columns keep the most square shape (4 stacks: 2-high columns).
  in.hbm_count = 4;
  const Geometry four = place_package(in, r);
  CHECK((four.rows == 1 && four.cols == 2));
  CHECK(four.hbm_reach_max_mm == place_package(in, unchecked).hbm_reach_max_mm);
}

TEST_CASE("geometry: stacks a column cannot hold within reach go to rows on the grid's top and bottom edges",
          "[geometry]") {
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  // An H100-size die (26 x 31.3 mm) with 8 stacks of 11 x 10 mm: a column holds m stacks within reach when
  // (m - 1)(e + gap) <= 31.3 + 2 slack, i.e. 3 (by hand below); 4-high columns leave the outer stacks out of reach.
  GeometryInput in = chiplets(Carrier::silicon_interposer, 1, 26.0, 31.3);
  in.hbm_count = 8;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const double slack = r.hbm_max_reach_mm - (r.die_hbm_gap_mm + 10.0 / 2.0);
  REQUIRE(1 + static_cast<int>(std::floor((31.3 + 2.0 * slack) / (11.0 + r.die_gap_mm))) == 3);
  GeometryRules unchecked = r;
  unchecked.hbm_max_reach_mm = 0.0;
  CHECK(place_package(in, unchecked).hbm_reach_max_mm > r.hbm_max_reach_mm);  // two columns of 4: too far

  const auto sides = [](const Geometry& g) {
    const PlacedRect& die = g.rects[0];
    std::array<int, 4> n{};  // left, right, top, bottom
    for (std::size_t i = 0; i < g.rect_count; ++i) {
      const PlacedRect& s = g.rects[i];
      if (s.kind != RectKind::hbm) continue;
      if (s.x_mm + s.w_mm <= die.x_mm) ++n[0];
      else if (s.x_mm >= die.x_mm + die.w_mm) ++n[1];
      else if (s.y_mm >= die.y_mm + die.h_mm) ++n[2];
      else if (s.y_mm + s.h_mm <= die.y_mm) ++n[3];
    }
    return n;
  };
  const Geometry g = place_package(in, r);
  check_placement(in, r, g);
  CHECK(sides(g) == std::array<int, 4>{3, 3, 1, 1});
  CHECK(g.hbm_reach_max_mm <= r.hbm_max_reach_mm + kTol);
  CHECK((g.infeasible & geometry_issue::hbm_too_far) == 0);
  CHECK(g.hbm_adjacencies == 8);  // every stack faces its die edge

  // With an IO die below the grid, the bottom edge is taken: both extra stacks go on top (2 x 11 + gap < 26 mm).
  in.has_io_die = true;
  in.io = DieFootprint{20.0, 7.0};
  const Geometry gi = place_package(in, r);
  check_placement(in, r, gi);
  CHECK(sides(gi) == std::array<int, 4>{3, 3, 2, 0});
  CHECK((gi.infeasible & geometry_issue::hbm_too_far) == 0);

  // Columns that hold every stack are placed exactly as without the rows (6 stacks: 3 + 3).
  in.has_io_die = false;
  in.hbm_count = 6;
  CHECK(sides(place_package(in, r)) == std::array<int, 4>{3, 3, 0, 0});
  CHECK(place_package(in, r).key == place_package(in, unchecked).key);
}

TEST_CASE("geometry: a column that would reach down beside a wider IO die moves up clear of it, within reach",
          "[geometry]") {
  // Two 15.5 mm chiplets stacked (2x1, 31.1 mm tall) over a 21.3 mm IO die, 6 stacks: the centred 3-high column
  // (33.2 mm) would hang 1.1 mm below the grid, beside the IO die, which is 2.9 mm wider on each side than the grid.
  const GeometryRules r = rules_for(Carrier::silicon_interposer);
  GeometryInput in = chiplets(Carrier::silicon_interposer, 2, 15.48, 15.48);
  in.has_io_die = true;
  in.io = DieFootprint{21.25, 21.25};
  in.hbm_count = 6;
  in.hbm = EdgeFootprint{11.0, 10.0};
  const Geometry g = place_package(in, r);
  check_placement(in, r, g);
  REQUIRE((g.rows == 2 && g.cols == 1));
  const PlacedRect& io = g.rects[2];
  REQUIRE(io.kind == RectKind::io);
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const PlacedRect& s = g.rects[i];
    if (s.kind != RectKind::hbm) continue;
    INFO("stack at (" << s.x_mm << ", " << s.y_mm << ")");
    CHECK(s.y_mm >= io.y_mm + io.h_mm + r.die_hbm_gap_mm - kTol);  // above the IO die, not beside it
  }
  CHECK(g.hbm_reach_max_mm == Approx(r.die_hbm_gap_mm + 10.0 / 2.0));  // every stack beside a compute die
  CHECK((g.infeasible & geometry_issue::hbm_too_far) == 0);
}

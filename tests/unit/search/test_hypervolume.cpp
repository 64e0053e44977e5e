// Tests of search/hypervolume: the normalised hypervolume against values computed by hand (unions of boxes).
#include <catch2/catch.hpp>

#include <vector>

#include "chipdse/search/hypervolume.hpp"

using namespace chipdse::search;

TEST_CASE("normalised hypervolume: staircases and boxes computed by hand", "[search][hypervolume]") {
  SECTION("two objectives in the unit box: the union of [x, 1] x [y, 1] over a staircase") {
    const HypervolumeBox box{{0.0, 0.0}, {1.0, 1.0}};
    const std::vector<double> front{0.25, 0.75, 0.5, 0.5, 0.75, 0.25};
    // 0.75 x 0.25 + 0.5 x 0.25 + 0.25 x 0.25, slicing at x = 0.25, 0.5, 0.75
    const Hypervolume h = normalised_hypervolume(front, box);
    CHECK(h.value == Approx(0.375).epsilon(1e-12));
    CHECK(h.points_inside == 3);
  }
  SECTION("the box scales each objective: cost 1,000-3,000 USD, power 100-300 W") {
    const HypervolumeBox box{{1000.0, 100.0}, {3000.0, 300.0}};
    const std::vector<double> front{2000.0, 200.0};  // the middle of the box: a quarter of it dominated
    CHECK(normalised_hypervolume(front, box).value == Approx(0.25).epsilon(1e-12));
  }
  SECTION("three objectives: one point, then a second that adds a disjoint slab") {
    const HypervolumeBox box{{0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}};
    CHECK(normalised_hypervolume(std::vector<double>{0.5, 0.5, 0.5}, box).value == Approx(0.125).epsilon(1e-12));
    // (0, 0.5, 0.5) dominates [0,1] x [0.5,1] x [0.5,1] = 0.25, which contains the first point's 0.125.
    CHECK(normalised_hypervolume(std::vector<double>{0.5, 0.5, 0.5, 0.0, 0.5, 0.5}, box).value ==
          Approx(0.25).epsilon(1e-12));
  }
  SECTION("points beyond the ideal corner count as reaching it; points outside the reference corner count nothing") {
    const HypervolumeBox box{{0.0, 0.0}, {1.0, 1.0}};
    CHECK(normalised_hypervolume(std::vector<double>{-5.0, -1.0}, box).value == Approx(1.0).epsilon(1e-12));
    const Hypervolume out = normalised_hypervolume(std::vector<double>{0.5, 1.0, 2.0, 0.1}, box);
    CHECK(out.value == 0.0);
    CHECK(out.points_inside == 0);
    CHECK(normalised_hypervolume(std::vector<double>{}, box).value == 0.0);
  }
}

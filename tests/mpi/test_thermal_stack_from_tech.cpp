// MPI tests of the package stack from the technology database (thermal::package_stack_from_tech, issue #8), run
// under mpiexec -n 1 and -n 2 with the other thermal tests: every member comes from its entry of the shipped
// inputs/tech/thermal.toml (converted to SI, mixed as stack_from_tech.cpp says), a missing entry is an error
// naming its path, and the adapter on that stack meets the closed-form 1-D limit written from the entries
// (shared/reference/thermal.md §3, derived for a volumetric source in test_thermal_geometry.cpp).
#include <catch2/catch.hpp>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "same_on_all_ranks.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/model/geometry.hpp"
#include "chipdse/tech/tech_loader.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/thermal/stack_from_tech.hpp"

using namespace chipdse;
using namespace chipdse::thermal;

namespace {

/// One compute die covering a w x w mm silicon interposer and substrate: a 1-D stack.
model::Geometry one_die_package(double w) {
  model::Geometry g;
  g.carrier = model::Carrier::silicon_interposer;
  g.interposer = {0, 0, w, w};
  g.substrate = {0, 0, w, w};
  model::PlacedRect& r = g.rects[0];
  r.x_mm = 0;
  r.y_mm = 0;
  r.w_mm = w;
  r.h_mm = w;
  r.kind = model::RectKind::compute;
  r.index = 0;
  r.layer = 0;
  g.rect_count = 1;
  return g;
}

const tech::TechDatabase& shipped_tech() {
  static const tech::TechDatabase db =
      tech::load_tech_database(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "tech.toml");
  return db;
}

double tech_value(const std::string& path) { return shipped_tech().at(path).value; }

/// Every path package_stack_from_tech must read, common to both coolers (thermal.toml; see stack_from_tech.cpp).
const std::vector<std::string> kStackPaths = {
    "thermal.material.silicon.conductivity_at_tj_design_w_per_mk",
    "thermal.material.silicon_interposer.conductivity_at_tj_design_w_per_mk",
    "thermal.material.copper.conductivity_w_per_mk",
    "thermal.material.underfill.conductivity_w_per_mk",
    "thermal.material.organic_substrate.conductivity_w_per_mk",
    "thermal.stack.substrate_thickness_um",
    "thermal.stack.c4_thickness_um",
    "thermal.stack.interposer_thickness_um",
    "thermal.stack.ubump_thickness_um",
    "thermal.stack.die_thickness_um",
    "thermal.stack.stacked_die_thickness_um",
    "thermal.stack.tim_thickness_um",
    "thermal.stack.spreader_thickness_mm",
    "thermal.stack.spreader_scale_x",
    "thermal.stack.sink_base_thickness_mm",
    "thermal.stack.sink_scale_x",
    "thermal.stack.c4_copper_area_fraction",
    "thermal.stack.ubump_copper_area_fraction",
    "thermal.stack.tsv_copper_area_fraction",
    "thermal.tim.tim1_resistance_k_cm2_per_w",
    "thermal.cooling.h_package_bottom_w_per_m2k",
};

}  // namespace

TEST_CASE("package_stack_from_tech: every member from the shipped thermal.toml, in SI units",
          "[thermal][geometry][tech]") {
  const PackageStack air = package_stack_from_tech(shipped_tech(), Cooling::air);
  const PackageStack liquid = package_stack_from_tech(shipped_tech(), Cooling::liquid);
  const double um = 1e-6, mm = 1e-3;
  const double k_cu = tech_value("thermal.material.copper.conductivity_w_per_mk");
  const double k_uf = tech_value("thermal.material.underfill.conductivity_w_per_mk");
  const auto mix = [&](const char* fraction, double k_filler) {
    const double f = tech_value(std::string("thermal.stack.") + fraction);
    return f * k_cu + (1 - f) * k_filler;
  };
  for (const PackageStack* s : {&air, &liquid}) {
    CHECK(s->substrate_thickness_m == Approx(tech_value("thermal.stack.substrate_thickness_um") * um).epsilon(1e-12));
    CHECK(s->substrate_k_w_mk == tech_value("thermal.material.organic_substrate.conductivity_w_per_mk"));
    CHECK(s->c4_thickness_m == Approx(tech_value("thermal.stack.c4_thickness_um") * um).epsilon(1e-12));
    CHECK(s->c4_k_w_mk == Approx(mix("c4_copper_area_fraction", k_uf)).epsilon(1e-12));
    CHECK(s->interposer_thickness_m == Approx(tech_value("thermal.stack.interposer_thickness_um") * um).epsilon(1e-12));
    CHECK(s->interposer_k_w_mk ==
          Approx(mix("tsv_copper_area_fraction",
                     tech_value("thermal.material.silicon_interposer.conductivity_at_tj_design_w_per_mk")))
              .epsilon(1e-12));
    CHECK(s->ubump_thickness_m == Approx(tech_value("thermal.stack.ubump_thickness_um") * um).epsilon(1e-12));
    CHECK(s->ubump_k_w_mk == Approx(mix("ubump_copper_area_fraction", k_uf)).epsilon(1e-12));
    CHECK(s->chip_thickness_m == Approx(tech_value("thermal.stack.die_thickness_um") * um).epsilon(1e-12));
    CHECK(s->silicon_k_w_mk == tech_value("thermal.material.silicon.conductivity_at_tj_design_w_per_mk"));
    CHECK(s->cache_thickness_m == Approx(tech_value("thermal.stack.stacked_die_thickness_um") * um).epsilon(1e-12));
    CHECK(s->underfill_k_w_mk == k_uf);
    CHECK(s->tim_thickness_m == Approx(tech_value("thermal.stack.tim_thickness_um") * um).epsilon(1e-12));
    // TIM1's area-specific resistance (K cm^2/W -> K m^2/W) over the layer: R'' = t / k.
    CHECK(s->tim_thickness_m / s->tim_k_w_mk ==
          Approx(tech_value("thermal.tim.tim1_resistance_k_cm2_per_w") * 1e-4).epsilon(1e-12));
    CHECK(s->spreader_thickness_m == Approx(tech_value("thermal.stack.spreader_thickness_mm") * mm).epsilon(1e-12));
    CHECK(s->spreader_k_w_mk == k_cu);
    CHECK(s->spreader_scale == tech_value("thermal.stack.spreader_scale_x"));
    CHECK(s->sink_thickness_m == Approx(tech_value("thermal.stack.sink_base_thickness_mm") * mm).epsilon(1e-12));
    CHECK(s->sink_k_w_mk == k_cu);
    CHECK(s->sink_scale == tech_value("thermal.stack.sink_scale_x"));
    CHECK(s->htc_bottom_w_m2k == tech_value("thermal.cooling.h_package_bottom_w_per_m2k"));
    // Converged z-cells (case_b_zref.fv), not technology.
    CHECK(s->chip_sub_cells == 3);
    CHECK(s->sink_sub_cells == 8);
  }
  CHECK(air.htc_top_w_m2k == tech_value("thermal.cooling.h_air_heatsink_w_per_m2k"));
  CHECK(air.ambient_k == Approx(tech_value("thermal.cooling.ambient_air_c") + 273.15).epsilon(1e-12));
  CHECK(liquid.htc_top_w_m2k == tech_value("thermal.cooling.h_liquid_cold_plate_w_per_m2k"));
  CHECK(liquid.ambient_k == Approx(tech_value("thermal.cooling.coolant_liquid_c") + 273.15).epsilon(1e-12));

  // Physical plausibility, from outside the database: die silicon between HotSpot's 100 W/mK (Si near 400 K) and
  // bulk 150 at 300 K (thermal.md §1, §4); with TAP-2.5D's C4 (250/600 µm) and µbump (25 µm on 45 µm) copper
  // shares the mixes are case_b.fv's 70.767 and 124.563 W/mK; liquid cools better than air.
  CHECK(air.silicon_k_w_mk >= 100.0);
  CHECK(air.silicon_k_w_mk <= 150.0);
  CHECK(air.c4_k_w_mk == Approx(70.767).margin(2e-3));
  CHECK(air.ubump_k_w_mk == Approx(124.563).margin(2e-3));
  CHECK(liquid.htc_top_w_m2k > air.htc_top_w_m2k);

  Cooling c = Cooling::air;
  CHECK(cooling_from_name("liquid", c));
  CHECK(c == Cooling::liquid);
  CHECK(cooling_from_name("air", c));
  CHECK(c == Cooling::air);
  CHECK_FALSE(cooling_from_name("water", c));
}

TEST_CASE("package_stack_from_tech: a missing entry is an error naming its path", "[thermal][geometry][tech]") {
  // Remove each thermal entry in turn: exactly the stack's paths (plus the cooler's h and sink temperature) must
  // be required, and the error must name the missing path.
  const auto& all = shipped_tech().entries();
  for (const Cooling cooling : {Cooling::air, Cooling::liquid}) {
    std::set<std::string> required;
    for (std::size_t skip = 0; skip < all.size(); ++skip) {
      if (all[skip].path.rfind("thermal.", 0) != 0) continue;
      std::vector<tech::TechEntry> kept;
      for (std::size_t i = 0; i < all.size(); ++i)
        if (i != skip) kept.push_back(all[i]);
      const tech::TechDatabase db(std::move(kept), shipped_tech().attributes());
      try {
        (void)package_stack_from_tech(db, cooling);
      } catch (const Error& e) {
        INFO(e.what());
        CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("'" + all[skip].path + "'"));
        const auto& ctx = e.context();
        CHECK(std::any_of(ctx.begin(), ctx.end(),
                          [](const std::string& l) { return l.find("package thermal stack") != std::string::npos; }));
        required.insert(all[skip].path);
      }
    }
    std::set<std::string> expected(kStackPaths.begin(), kStackPaths.end());
    const bool air = cooling == Cooling::air;
    expected.insert(air ? "thermal.cooling.h_air_heatsink_w_per_m2k" : "thermal.cooling.h_liquid_cold_plate_w_per_m2k");
    expected.insert(air ? "thermal.cooling.ambient_air_c" : "thermal.cooling.coolant_liquid_c");
    CHECK(required == expected);
  }
}

TEST_CASE("adapter with the technology stack: the 1-D limit from thermal.toml's numbers", "[thermal][geometry][tech]") {
  // As test_thermal_geometry.cpp's 1-D test, on the database's stack (air): one 20 mm die covering the
  // interposer, spreader and sink left out, h_air on the TIM. The expectation is written from the entries, not
  // from the stack's members.
  PackageStack s = package_stack_from_tech(shipped_tech(), Cooling::air);
  s.spreader_thickness_m = 0;
  s.sink_thickness_m = 0;
  const double w = 20, area = w * w * 1e-6, p = 100;
  const double r_die = tech_value("thermal.stack.die_thickness_um") * 1e-6 /
                       (tech_value("thermal.material.silicon.conductivity_at_tj_design_w_per_mk") * area);
  const double r_top = tech_value("thermal.tim.tim1_resistance_k_cm2_per_w") * 1e-4 / area +
                       1 / (tech_value("thermal.cooling.h_air_heatsink_w_per_m2k") * area);
  const double ambient = tech_value("thermal.cooling.ambient_air_c") + 273.15;
  const int n = s.chip_sub_cells;
  REQUIRE(tech_value("thermal.cooling.h_package_bottom_w_per_m2k") == 0.0);  // adiabatic bottom: all heat goes up
  const std::vector<double> power = {p};
  const CaseResult r = solve_case(case_from_geometry(one_die_package(w), power, s, 8));
  // Mean over the die's n cells of the cell-centred solution (derived in test_thermal_geometry.cpp): continuum
  // mean P R_die / 3 over the top face plus the scheme's P R_die / (6 n^2).
  const double expected = ambient + p * (r_top + r_die / 3 + r_die / (6.0 * n * n));
  const auto it = std::find_if(r.blocks.begin(), r.blocks.end(), [](const auto& b) { return b.name == "compute0"; });
  REQUIRE(it != r.blocks.end());
  const auto& d = *it;
  INFO("avg " << d.t.avg_k << " expected " << expected);
  CHECK(std::abs(d.t.avg_k - expected) <= 1e-4);
  CHECK(std::abs(r.solution.heat_out_w - p) <= 1e-3 * p);
  CHECK(test::same_on_all_ranks(d.t.avg_k));
}

// The package stack from the technology database (see stack_from_tech.hpp).
//
// Choices (every number is an entry of inputs/tech/thermal.toml, which carries its source and range):
// * Die, stacked cache die and interposer silicon: thermal.material.<silicon|silicon_interposer>.
//   conductivity_at_tj_design_w_per_mk (119 W/mK), not the bulk conductivity_w_per_mk (150). 150 W/mK holds at
//   300 K; silicon's k falls as T^-1.3 (shared/reference/thermal.md §4), and the linear solver takes one k for
//   the whole run, so it takes k at the 85 C design junction temperature, where the temperature limit is
//   decided. Using 150 would under-predict the rise across the die and interposer by about a fifth.
// * Interposer: TSV copper mixed in parallel with that silicon, k = f k_Cu + (1 - f) k_Si with f =
//   thermal.stack.tsv_copper_area_fraction (TAP-2.5D's Voigt mix, thermal.md §1; right for the vertical flow
//   that dominates in a 110 µm layer).
// * C4 and µbump layers: the same parallel mix of copper and underfill with their copper area fractions
//   (thermal.md §1 "Mixed bump/TSV layers"); the underfill alone fills the gaps between dies.
// * TIM between die and spreader: it is TIM1 (die to lid), so its conductivity is the one that gives the
//   layer the area-specific resistance thermal.tim.tim1_resistance_k_cm2_per_w: k = t_tim / R''. With 20 µm and
//   0.05 K cm^2/W that is 4.0 W/mK, HotSpot's and TAP-2.5D's value. thermal.material.tim_grease (3 W/mK) is
//   TIM2 (lid to heatsink). PackageStack has no TIM2 layer, so TIM2 is left out: thermal.tim.
//   tim2_resistance_k_cm2_per_w (0.15 K cm^2/W) over a 64 mm spreader is 0.004 K/W, about 1 K at 300 W.
// * Organic substrate: thermal.material.organic_substrate (0.5 W/mK through-plane). The solver is isotropic,
//   so in-plane spreading in the substrate is under-estimated; with the adiabatic bottom it carries little heat.
// * Spreader and sink base: thermal.material.copper.
// * Top h and sink temperature: thermal.cooling.h_air_heatsink_w_per_m2k with ambient_air_c, or
//   h_liquid_cold_plate_w_per_m2k with coolant_liquid_c. Bottom h: thermal.cooling.h_package_bottom_w_per_m2k.
#include "chipdse/thermal/stack_from_tech.hpp"

#include <string>

#include "chipdse/core/error.hpp"

namespace chipdse::thermal {
namespace {

constexpr double kUmToM = 1e-6;
constexpr double kMmToM = 1e-3;
constexpr double kCelsiusToKelvin = 273.15;
constexpr double kKcm2PerWToM2KPerW = 1e-4;  // 1 K cm^2/W = 1e-4 K m^2/W

/// Parallel (Voigt) mix of copper (area fraction f) and a filler: thermal.md §1, as TAP-2.5D computes it.
double parallel_mix(double copper_fraction, double k_copper, double k_filler) {
  return copper_fraction * k_copper + (1.0 - copper_fraction) * k_filler;
}

}  // namespace

bool cooling_from_name(std::string_view name, Cooling& cooling) noexcept {
  if (name == "air") {
    cooling = Cooling::air;
    return true;
  }
  if (name == "liquid") {
    cooling = Cooling::liquid;
    return true;
  }
  return false;
}

PackageStack package_stack_from_tech(const tech::TechDatabase& tech, Cooling cooling) {
  const auto value = [&](const std::string& path) {
    try {
      return tech.at(path).value;
    } catch (Error& e) {
      e.add_context("  needed by the package thermal stack (thermal::package_stack_from_tech, "
                    "src/thermal/stack_from_tech.cpp)");
      throw;
    }
  };
  const std::string stack = "thermal.stack.";
  const std::string mat = "thermal.material.";
  const double k_si = value(mat + "silicon.conductivity_at_tj_design_w_per_mk");
  const double k_si_interposer = value(mat + "silicon_interposer.conductivity_at_tj_design_w_per_mk");
  const double k_cu = value(mat + "copper.conductivity_w_per_mk");
  const double k_uf = value(mat + "underfill.conductivity_w_per_mk");

  PackageStack s;
  s.substrate_thickness_m = value(stack + "substrate_thickness_um") * kUmToM;
  s.substrate_k_w_mk = value(mat + "organic_substrate.conductivity_w_per_mk");
  s.c4_thickness_m = value(stack + "c4_thickness_um") * kUmToM;
  s.c4_k_w_mk = parallel_mix(value(stack + "c4_copper_area_fraction"), k_cu, k_uf);
  s.interposer_thickness_m = value(stack + "interposer_thickness_um") * kUmToM;
  s.interposer_k_w_mk = parallel_mix(value(stack + "tsv_copper_area_fraction"), k_cu, k_si_interposer);
  s.ubump_thickness_m = value(stack + "ubump_thickness_um") * kUmToM;
  s.ubump_k_w_mk = parallel_mix(value(stack + "ubump_copper_area_fraction"), k_cu, k_uf);
  s.chip_thickness_m = value(stack + "die_thickness_um") * kUmToM;
  s.silicon_k_w_mk = k_si;
  s.cache_thickness_m = value(stack + "stacked_die_thickness_um") * kUmToM;
  s.underfill_k_w_mk = k_uf;
  s.tim_thickness_m = value(stack + "tim_thickness_um") * kUmToM;
  s.tim_k_w_mk = s.tim_thickness_m / (value("thermal.tim.tim1_resistance_k_cm2_per_w") * kKcm2PerWToM2KPerW);
  s.spreader_thickness_m = value(stack + "spreader_thickness_mm") * kMmToM;
  s.spreader_k_w_mk = k_cu;
  s.spreader_scale = value(stack + "spreader_scale_x");
  s.sink_thickness_m = value(stack + "sink_base_thickness_mm") * kMmToM;
  s.sink_k_w_mk = k_cu;
  s.sink_scale = value(stack + "sink_scale_x");
  const bool air = cooling == Cooling::air;
  s.htc_top_w_m2k =
      value(air ? "thermal.cooling.h_air_heatsink_w_per_m2k" : "thermal.cooling.h_liquid_cold_plate_w_per_m2k");
  s.htc_bottom_w_m2k = value("thermal.cooling.h_package_bottom_w_per_m2k");
  s.ambient_k = value(air ? "thermal.cooling.ambient_air_c" : "thermal.cooling.coolant_liquid_c") + kCelsiusToKelvin;

  // Discretisation, not technology: case_b_zref.fv's z-cells (thermal.md §4: the sink base needs 4-8 cells, one
  // cell puts the peak +2.3 K high in case B); the cache die is a powered 150 µm silicon layer like the chip.
  s.substrate_sub_cells = 1;
  s.c4_sub_cells = 1;
  s.interposer_sub_cells = 2;
  s.ubump_sub_cells = 1;
  s.chip_sub_cells = 3;
  s.cache_sub_cells = 3;
  s.tim_sub_cells = 1;
  s.spreader_sub_cells = 2;
  s.sink_sub_cells = 8;
  return s;
}

}  // namespace chipdse::thermal

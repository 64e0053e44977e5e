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
#include "chipdse/model/stack_tech.hpp"

namespace chipdse::thermal {
namespace {

constexpr double kCelsiusToKelvin = 273.15;

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
  const model::StackTech t = model::stack_tech_from_tech(tech, cooling == Cooling::air);
  using model::parallel_mix;
  PackageStack s;
  s.substrate_thickness_m = t.substrate_m;
  s.substrate_k_w_mk = t.k_substrate;
  s.c4_thickness_m = t.c4_m;
  s.c4_k_w_mk = parallel_mix(t.c4_copper_fraction, t.k_copper, t.k_underfill);
  s.interposer_thickness_m = t.interposer_m;
  s.interposer_k_w_mk = parallel_mix(t.tsv_copper_fraction, t.k_copper, t.k_silicon_interposer);
  s.ubump_thickness_m = t.ubump_m;
  s.ubump_k_w_mk = parallel_mix(t.ubump_copper_fraction, t.k_copper, t.k_underfill);
  s.chip_thickness_m = t.die_m;
  s.silicon_k_w_mk = t.k_silicon;
  s.cache_thickness_m = t.stacked_die_m;
  s.underfill_k_w_mk = t.k_underfill;
  s.tim_thickness_m = t.tim_m;
  s.tim_k_w_mk = t.tim_m / t.tim1_r_m2k_per_w;
  s.spreader_thickness_m = t.spreader_m;
  s.spreader_k_w_mk = t.k_copper;
  s.spreader_scale = t.spreader_scale;
  s.sink_thickness_m = t.sink_base_m;
  s.sink_k_w_mk = t.k_copper;
  s.sink_scale = t.sink_scale;
  s.htc_top_w_m2k = t.h_top_w_per_m2k;
  s.htc_bottom_w_m2k = t.h_bottom_w_per_m2k;
  s.ambient_k = t.sink_temperature_c + kCelsiusToKelvin;

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

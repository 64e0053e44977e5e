// The package thermal stack's technology values (see stack_tech.hpp); sources and ranges are in
// inputs/tech/thermal.toml, the modelling choices in thermal/stack_from_tech.cpp and model/thermal_bound_stage.cpp.
#include "chipdse/model/stack_tech.hpp"

#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/tech/tech_database.hpp"

namespace chipdse::model {

namespace {
constexpr double kUmToM = 1e-6;
constexpr double kMmToM = 1e-3;
constexpr double kKcm2PerWToM2KPerW = 1e-4;  // 1 K cm^2/W = 1e-4 K m^2/W
}  // namespace

StackTech stack_tech_from_tech(const tech::TechDatabase& tech, bool air) {
  const auto v = [&](const std::string& path) {
    try {
      return tech.at(path).value;
    } catch (Error& e) {
      e.add_context("  needed by the package thermal stack (model/stack_tech.cpp: the thermal bound and the FV solver)");
      throw;
    }
  };
  const std::string st = "thermal.stack.", mat = "thermal.material.";
  StackTech s;
  s.substrate_m = v(st + "substrate_thickness_um") * kUmToM;
  s.c4_m = v(st + "c4_thickness_um") * kUmToM;
  s.interposer_m = v(st + "interposer_thickness_um") * kUmToM;
  s.ubump_m = v(st + "ubump_thickness_um") * kUmToM;
  s.die_m = v(st + "die_thickness_um") * kUmToM;
  s.stacked_die_m = v(st + "stacked_die_thickness_um") * kUmToM;
  s.tim_m = v(st + "tim_thickness_um") * kUmToM;
  s.spreader_m = v(st + "spreader_thickness_mm") * kMmToM;
  s.sink_base_m = v(st + "sink_base_thickness_mm") * kMmToM;
  s.c4_copper_fraction = v(st + "c4_copper_area_fraction");
  s.tsv_copper_fraction = v(st + "tsv_copper_area_fraction");
  s.ubump_copper_fraction = v(st + "ubump_copper_area_fraction");
  s.k_silicon = v(mat + "silicon.conductivity_at_tj_design_w_per_mk");
  s.k_silicon_interposer = v(mat + "silicon_interposer.conductivity_at_tj_design_w_per_mk");
  s.k_copper = v(mat + "copper.conductivity_w_per_mk");
  s.k_underfill = v(mat + "underfill.conductivity_w_per_mk");
  s.k_substrate = v(mat + "organic_substrate.conductivity_w_per_mk");
  s.tim1_r_m2k_per_w = v("thermal.tim.tim1_resistance_k_cm2_per_w") * kKcm2PerWToM2KPerW;
  s.spreader_scale = v(st + "spreader_scale_x");
  s.sink_scale = v(st + "sink_scale_x");
  s.h_top_w_per_m2k = v(air ? "thermal.cooling.h_air_heatsink_w_per_m2k" : "thermal.cooling.h_liquid_cold_plate_w_per_m2k");
  s.h_bottom_w_per_m2k = v("thermal.cooling.h_package_bottom_w_per_m2k");
  s.sink_temperature_c = v(air ? "thermal.cooling.ambient_air_c" : "thermal.cooling.coolant_liquid_c");
  return s;
}

}  // namespace chipdse::model

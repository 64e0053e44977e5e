// chipdse/model/stack_tech.hpp — the package thermal stack's technology values (inputs/tech/thermal.toml), read once
// for both thermal models: the kernel's provable lower bound (thermal_bound_stage.cpp) and the finite-volume
// solver's layers (thermal/stack_from_tech.cpp). Plain values in SI units; what each model builds from them (sheet
// conductances, FV layers) stays with the model. model/: never includes MPI, PETSc, HDF5 or toml++.
#pragma once

namespace chipdse::tech {
class TechDatabase;
}

namespace chipdse::model {

/// The layers of the package stack, bottom to top, their conductivities and the cooling at both faces.
struct StackTech {
  // Thicknesses (m)
  double substrate_m = 0.0, c4_m = 0.0, interposer_m = 0.0, ubump_m = 0.0, die_m = 0.0, stacked_die_m = 0.0;
  double tim_m = 0.0, spreader_m = 0.0, sink_base_m = 0.0;
  // Copper area fractions of the mixed layers
  double c4_copper_fraction = 0.0, tsv_copper_fraction = 0.0, ubump_copper_fraction = 0.0;
  // Conductivities (W/mK): silicon at the design junction temperature, interposer silicon, copper, underfill,
  // organic substrate (through-plane)
  double k_silicon = 0.0, k_silicon_interposer = 0.0, k_copper = 0.0, k_underfill = 0.0, k_substrate = 0.0;
  double tim1_r_m2k_per_w = 0.0;  ///< TIM1 area-specific resistance (die to lid)
  double spreader_scale = 1.0, sink_scale = 1.0;  ///< lateral size over the interposer / package
  // Cooling
  double h_top_w_per_m2k = 0.0;     ///< heatsink (air) or cold plate (liquid)
  double h_bottom_w_per_m2k = 0.0;  ///< package bottom
  double sink_temperature_c = 0.0;  ///< ambient air or coolant
};

/// Parallel (Voigt) mix of copper (area fraction f) and a filler: shared/reference/thermal.md §1, as TAP-2.5D.
constexpr double parallel_mix(double copper_fraction, double k_copper, double k_filler) noexcept {
  return copper_fraction * k_copper + (1.0 - copper_fraction) * k_filler;
}

/// The stack's values from the technology database, for air (heatsink, ambient air) or liquid (cold plate, coolant).
/// @throws Error naming the missing entry and that the package thermal stack needs it.
StackTech stack_tech_from_tech(const tech::TechDatabase& tech, bool air);

}  // namespace chipdse::model

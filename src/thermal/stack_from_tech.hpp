// chipdse/thermal/stack_from_tech.hpp — the package stack of the geometry adapter (PackageStack) from the
// technology database (inputs/tech/thermal.toml), for a cooling choice. Which entry feeds which member, and why
// each conductivity was chosen, is written in stack_from_tech.cpp. Pure C++ (no MPI / PETSc).
#pragma once

#include <string_view>

#include "chipdse/tech/tech_database.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"

namespace chipdse::thermal {

/// The cooler on the sink base; the deck's `constraints.cooling` ("air" | "liquid").
enum class Cooling { air, liquid };

/// The Cooling called `name` ("air", "liquid"), or false when there is none.
bool cooling_from_name(std::string_view name, Cooling& cooling) noexcept;

/// Every physical PackageStack member from its thermal.toml entry (thicknesses, conductivities, spreader and
/// sink sizes, h and sink temperature of `cooling`); the through-thickness cell counts are the converged z-cells
/// of case_b_zref.fv (chip and cache 3, interposer 2, spreader 2, sink 8, others 1; tests/data/thermal/README.md:
/// within 0.07 K of the converged peak at 64x64 in-plane cells), not technology data.
/// @throws Error naming the missing technology path (and the closest existing one), with a line saying that the
///         package thermal stack needs it.
PackageStack package_stack_from_tech(const tech::TechDatabase& tech, Cooling cooling);

}  // namespace chipdse::thermal

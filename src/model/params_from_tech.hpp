// chipdse/model/params_from_tech.hpp — fills the kernel's flat parameter structs from the technology database,
// once per run (never per point). The paths read are those of area.hpp's kAreaParamSources and
// kCalibrationSources. Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include "chipdse/model/area.hpp"
#include "chipdse/tech/tech_database.hpp"

namespace chipdse::model {

/// Every AreaParams member from its technology entry (kAreaParamSources).
/// @throws Error naming the missing technology path (and the closest existing one).
AreaParams area_params_from_tech(const tech::TechDatabase& tech);

/// The calibration die (H100 SXM5) from its technology entries (kCalibrationSources).
/// @throws Error naming the missing technology path.
CalibrationDie calibration_die_from_tech(const tech::TechDatabase& tech);

/// The ProcessNode of a technology node name ("N7", "A16"), or false when the kernel has no such node.
bool process_node_from_name(std::string_view name, ProcessNode& node) noexcept;

}  // namespace chipdse::model

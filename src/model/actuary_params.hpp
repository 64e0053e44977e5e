// chipdse/model/actuary_params.hpp — Chiplet Actuary's shipped parameter set (the structs and how they are read from
// the technology table `actuary`, inputs/tech/chiplet_actuary_2022.toml), once per run, never per point.
// Must not include MPI, PETSc, HDF5 or toml++.
//
// The set is data, not code: every number of Actuary's parameter.ini plus the constants its spec.py, module.py and
// package.py hard-code (cost_models.md §1.2 and §1.3), each an entry with unit and source. It reproduces the
// actuary_* cases of shared/validation/cost_cases.json (tests/validation); the DSE uses the default database.
//
// Paths read (all under `actuary.`; node = n3, n5, n7, n10, n14, n20, n28, n40, n55):
//   manufacture.{wafer_diameter_mm, edge_loss_mm, scribe_lane_mm, die_yield_alpha}     -> wafer, die_alpha
//   node.<node>.{defect_density_per_cm2, wafer_cost_usd, nre_musd}                      -> nodes[]
//   os.{area_scale, cost_usd_per_mm2, bond_yield_per_die, c4_bump_cost_usd_per_mm2,
//       single_die_layer_factor, small|medium_package_max_area_mm2,
//       small|medium|large_package_layer_factor}                                        -> packaging.organic
//   os.{nre_usd_per_mm2, nre_fixed_usd}                                                 -> nre.organic_*
//   fo.{wafer_cost_usd, defect_density_per_cm2, yield_alpha, area_scale,
//       bond_yield_per_die}                                                             -> packaging.fanout
//   fo.{nre_musd, nre_fraction}                                                         -> nre.fanout_*
//   si.{process_node_nm (-> that node's wafer and NRE), defect_density_per_cm2, yield_alpha, area_scale,
//       bond_yield_per_die, ubump_cost_usd_per_mm2 (FO and SI), nre_scale}              -> packaging.silicon, nre
//   nre.{module_fraction, chip_fraction, reference_chip_area_mm2, d2d_equivalent_area_mm2} -> nre
#pragma once

#include <array>

#include "chipdse/model/nre.hpp"
#include "chipdse/model/package_cost.hpp"
#include "chipdse/model/wafer.hpp"
#include "chipdse/tech/tech_database.hpp"

namespace chipdse::model {

/// One process node of the Actuary table (parameter.ini [3] ... [55]; cost_models.md §1.3).
struct ActuaryNode {
  int node_nm = 0;
  double d0_per_cm2 = 0.0;
  double wafer_cost_usd = 0.0;
  double nre_usd = 0.0;  ///< NRE of a 300 mm² chip including the first tape-out
};

/// Actuary's nodes in the order of spec.py's __nodes (ActuaryParameters::nodes has this order).
inline constexpr std::array<int, 9> kActuaryNodesNm = {3, 5, 7, 10, 14, 20, 28, 40, 55};

/// Chiplet Actuary's parameter set in chipdse's structs. What Actuary has no notion of keeps its neutral default:
/// no critical-area ratio (1), no reticle stitching (interposers of any size are priced as one die), no bridge
/// package (packaging.bridge, nre.bridge_*).
struct ActuaryParameters {
  WaferSpec wafer;                     ///< dies and interposers: closed form, 300 mm, edge loss 5 mm, scribe 0.2 mm
  double die_alpha = 0.0;              ///< NB alpha ("critical level") of every die (10)
  std::array<ActuaryNode, 9> nodes{};  ///< kActuaryNodesNm order
  PackagingParams packaging;           ///< OS / FO / SI
  NreParams nre;

  /// The row of `node_nm`, or nullptr.
  const ActuaryNode* node(int node_nm) const noexcept {
    for (const auto& n : nodes)
      if (n.node_nm == node_nm) return &n;
    return nullptr;
  }
};

/// Every ActuaryParameters member from its `actuary.*` entry (paths above), in the unit the member is in
/// (MUSD entries become USD).
/// @throws Error naming the missing technology path (and the closest existing one); InputError (file, line, path)
///         for an entry in another unit, a fraction or yield outside [0, 1], a negative or zero size, module plus
///         chip NRE fractions above 1, or an interposer node that is not an Actuary node.
ActuaryParameters actuary_parameters_from_tech(const tech::TechDatabase& tech);

}  // namespace chipdse::model

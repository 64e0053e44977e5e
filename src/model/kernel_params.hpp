// chipdse/model/kernel_params.hpp — every constant the evaluation kernel needs, resolved ONCE per run from the
// deck and its technology database into flat, index-addressed structs (DESIGN.md §2). The kernel then reads only
// these: no string lookups, no allocation, no exceptions per point.
// model/: never includes MPI, PETSc, HDF5 or toml++. KernelParams is trivially copyable and read-only after
// resolution, so every thread may share one instance.
#pragma once

#include <array>
#include <cstdint>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/die_cost.hpp"
#include "chipdse/model/geometry.hpp"
#include "chipdse/model/goodput.hpp"
#include "chipdse/model/nre.hpp"
#include "chipdse/model/package_cost.hpp"
#include "chipdse/model/perf_params.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/model/wafer.hpp"
#include "chipdse/model/yield.hpp"

namespace chipdse::deck {
struct Deck;
}

namespace chipdse::model {

/// Per-node manufacturing and design cost (process_node.<node>.*).
struct NodeCostParams {
  double wafer_cost_usd = 0.0;   ///< wafer_cost_usd
  DefectModel defects;           ///< negative binomial: defect_density_per_cm2, yield_cluster_alpha
  double design_nre_usd = 0.0;   ///< design_nre_musd x 1e6: NRE of a full chip design incl. first tape-out (IBS)
  double mask_set_usd = 0.0;     ///< mask_set_cost_musd x 1e6: itemised out of the fixed share of design_nre_usd
};

/// Per-HBM-generation purchase and placement (memory.<gen>.*).
struct HbmParams {
  double price_usd = 0.0;     ///< cost_usd_per_stack
  double capacity_gb = 0.0;   ///< capacity_gb
  EdgeFootprint footprint;    ///< edge = shoreline_mm, depth = footprint_mm2 / shoreline_mm
};

/// One packaging choice: how to place it and how to cost it.
struct PackagingChoiceParams {
  PackageKind kind = PackageKind::organic_mcm;  ///< cost flow (info: chip-last or chip-first from packaging.info.flow)
  GeometryRules rules;                          ///< spacing and limits
  PackagingParams cost;                         ///< the rules package_cost() reads (bridge: this kind's bridges)
  bool fine_pitch = true;  ///< can route an HBM bus (micro-bump pitch); false for organic laminate (C4 pitch)
  /// Bridges go under die-die AND die-HBM adjacencies (CoWoS-L, EMIB: HBM connects through a bridge).
  bool bridges_for_hbm = false;
  /// Package NRE of a bridge package (NreParams::bridge_*): CoWoS-L's RDL carrier by InFO's rule, EMIB's
  /// substrate by the organic rule (Actuary has no bridge package).
  double bridge_carrier_nre_usd_per_mm2 = 0.0;
  double bridge_nre_fixed_usd = 0.0;
};

/// The deck's [economics] as the cost stage needs it.
struct EconomicsParams {
  double volume_units = 1.0;         ///< economics.volume_units: every NRE is amortised over it
  double reuse_products = 1.0;       ///< economics.reuse_products: products sharing each CHIPLET design
};

/// Everything one evaluation reads. Resolved by kernel_params_from_deck(); tests may build it by hand.
struct KernelParams {
  AreaParams area;
  ReferenceBlocks reference;              ///< calibrated on the H100 die (area.hpp §2) for the deck's [reference]
  double sram_mb = 0.0;                   ///< reference.sram_mb: SRAM of every candidate without space.sram_mb (physical)
  double scale_up_tbps_bidir = 0.0;       ///< reference.scale_up_gb_per_s x 8 / 1000 (both directions)
  double scale_out_tbps_bidir = 0.0;      ///< reference.scale_out_gbps x 2 / 1000 (both directions)
  double max_die_area_mm2 = 0.0;          ///< constraints.max_die_area_mm2
  double hbm_capacity_gb = 0.0;           ///< reference.hbm_capacity_gb: fewer GB of HBM is infeasible

  std::array<NodeCostParams, kProcessNodeCount> node{};  ///< index: ProcessNode
  WaferSpec wafer;                  ///< process_node.common wafer diameter, edge exclusion, scribe; dies per wafer
  KgdTest die_test;                 ///< packaging.common.kgd_*: every logic die and every 3D stack
  std::array<HbmParams, kHbmGenCount> hbm{};
  std::array<PackagingChoiceParams, kPackagingCount> packaging{};  ///< index: Packaging

  /// 3D stacking of the cache die on its compute die (packaging.soic): die-to-wafer (SoIC is chip-on-wafer).
  BondFlow cache_bond_flow = BondFlow::die_to_wafer;
  double cache_bond_yield = 1.0;    ///< packaging.soic.bond_yield_per_die
  double cache_bond_cost_usd = 0.0;  ///< no published SoIC bonding price: 0, and said so in the breakdown docs

  std::array<double, kLinkTechCount> link_usd_per_gbps{};  ///< link.<tech>.cost_usd_per_gbps, per port direction

  NreParams nre;                    ///< Actuary's module / chip / fixed split and package NRE rules
  EconomicsParams economics;
  PerfParams perf;                  ///< workload demand and the time / power constants (issue #5)
  ThermalBoundParams thermal_bound;  ///< the package stack of the provable Tj lower bound (thermal_bound.hpp)
  GoodputParams goodput;            ///< failure rates, repair and checkpoint times (goodput.hpp; after perf)
};

/// The package SRAM of a design point (MB): its space.sram_mb value, or the reference's without that axis.
inline double package_sram_mb(const DesignChoice& c, const KernelParams& k) noexcept {
  return c.sram_mb >= 0.0 ? c.sram_mb : k.sram_mb;
}

/// Resolves every KernelParams member from a checked deck (its [reference], [constraints], [economics] and its
/// technology database after overrides). Called once per run, outside the hot loop.
/// @throws Error naming a missing technology path; InputError when the deck's reference cannot be calibrated.
KernelParams kernel_params_from_deck(const deck::Deck& deck);

/// Fills k.perf from the deck's [workload], [constraints], [economics] and technology (perf_params_from_deck.cpp).
void resolve_perf_params(KernelParams& k, const deck::Deck& deck);

}  // namespace chipdse::model

// chipdse/model/package_cost.hpp — recurring cost of a package: dies, substrate, interposer or bridges, assembly scrap.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Flows (cost_models.md §1.2 for the first four, exactly as Chiplet Actuary package.py @ 2c91fb9; §7.4 for bridges):
//  - organic_mcm: dies on an organic substrate (Actuary OS).
//  - fanout_chip_last / fanout_chip_first: InFO RDL interposer (Actuary FO, chip_last = 1 / 0).
//  - silicon_interposer: CoWoS-S-like passive Si interposer, chip-last (Actuary SI).
//  - bridge: CoWoS-L / EMIB: an organic carrier with embedded Si bridge dies, bridges per die-to-die edge (chipdse).
// 3D stacks enter as one PlacedDie whose cost comes from stack_cost_3d() (die_cost.hpp).
// HBM stacks are purchased known-good parts: count * price in hbm_usd; they are bonded like dies (counted in the
// chip-bond yield) and are scrapped with the dies whenever an assembly fails, so they are part of the base of the
// wasted_chips term in every flow (they are never screened by the package's own yields before that).
// All functions are pure, thread-safe and noexcept; preconditions are checked before the hot loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "chipdse/model/cost_types.hpp"
#include "chipdse/model/wafer.hpp"
#include "chipdse/model/yield.hpp"

namespace chipdse::model {

enum class PackageKind : std::uint8_t { organic_mcm, fanout_chip_last, fanout_chip_first, silicon_interposer, bridge };

/// Organic substrate rules (Actuary [OS], parameter.ini; cost_models.md §1.2). Also the substrate under an
/// interposer or bridge carrier, and the substrate-attach yield y3 of those flows.
struct OrganicParams {
  double area_scale = 0.0;            ///< substrate area / die (or interposer) area (Actuary 4)
  double usd_per_mm2 = 0.0;           ///< substrate cost before the layer factor (0.005 $/mm²)
  double bond_yield = 1.0;            ///< per die bonded to it; also interposer-to-substrate attach y3 (0.99)
  double c4_bump_usd_per_mm2 = 0.0;   ///< C4 bumps per mm² of die (or interposer) area (0.005)
  double single_die_layer_factor = 1.0;       ///< layer-count factor with one component
  std::array<double, 3> tier_max_area_mm2{};  ///< tier bounds for several components (17x17, 30x30, +inf)
  std::array<double, 3> tier_layer_factor{};  ///< factors of the tiers (1.5, 1.75, 2)
};

/// An interposer diced from its own wafer: InFO RDL (Actuary [FO]) or passive silicon (Actuary [SI], 55 nm wafer).
struct InterposerParams {
  double area_scale = 1.0;            ///< interposer area / component area (FO 1.2, SI 1.1)
  double wafer_cost_usd = 0.0;        ///< interposer wafer (FO 1200 $, SI = 55 nm wafer 1937 $)
  WaferSpec wafer;                    ///< its dies-per-wafer rule (Actuary: closed form, d 300, e 5, s 0.2)
  DefectModel defects;                ///< FO: NB D0 0.05 alpha 3; SI: NB D0 0.06 alpha 6
  double bond_yield = 1.0;            ///< per component bonded on it, y2 (FO 0.98, SI 0.95)
  double ubump_usd_per_mm2 = 0.0;     ///< micro-bumps per mm² of die area (Actuary uses SI's 0.01 for FO too)
  double reticle_area_mm2 = 0.0;      ///< one exposure field; larger interposers are stitched (0: never)
  double stitch_yield = 1.0;          ///< per stitch (CATCH stitching_yield; 1 = Actuary, no stitching loss)
};

/// CoWoS-L / EMIB bridge package (cost_models.md §7.4). The carrier (CoWoS-L: organic RDL interposer; EMIB: the
/// substrate itself, with substrate_area_scale = 0 and substrate_attach_yield = 1) embeds Si bridge dies, is
/// tested, then the dies are bonded (chip-last), then it is attached to the substrate.
struct BridgeParams {
  double carrier_area_scale = 1.0;     ///< carrier area / component area
  double carrier_usd_per_mm2 = 0.0;    ///< carrier cost per mm² before yield
  DefectModel carrier_defects;         ///< carrier (RDL) defects; D0 = 0 for none
  DieCost bridge;                      ///< one known-good bridge die: die_cost() of the small bridge Si die
  int bridges_per_edge = 1;            ///< bridges per die-to-die adjacency
  double bridge_embed_yield = 1.0;     ///< per bridge placed into the carrier
  double chip_bond_yield = 1.0;        ///< per component bonded on the bridges/carrier
  double ubump_usd_per_mm2 = 0.0;      ///< fine-pitch bumps per mm² of die area
  double substrate_area_scale = 0.0;   ///< organic substrate under the carrier / carrier area (0: none)
  double substrate_attach_yield = 1.0;  ///< y3
};

/// Every packaging rule one evaluation may need (resolved once from the tech database, or for Chiplet Actuary's set
/// by actuary_parameters_from_tech(), actuary_params.hpp).
struct PackagingParams {
  OrganicParams organic;
  InterposerParams fanout;
  InterposerParams silicon;
  BridgeParams bridge;
};

/// One kind of die placed in a package, `count` times (count 0 = unused slot).
struct PlacedDie {
  DieCost cost;           ///< per shipped die: die_cost(), die_cost_actuary(), stack_cost_3d(), or {} for a dummy
  double area_mm2 = 0.0;  ///< footprint (stacks: the base die)
  std::int32_t count = 0;
};

/// What one package holds. Areas of 0 mean "derive them by the Actuary scale rules"; the geometry step of the
/// kernel passes the placed package and interposer areas instead.
struct PackageSpec {
  PackageKind kind = PackageKind::organic_mcm;
  std::array<PlacedDie, kMaxDieKinds> dies{};
  std::size_t die_kind_count = 0;
  std::int32_t hbm_count = 0;        ///< purchased HBM stacks
  double hbm_price_usd = 0.0;        ///< per stack (tech database)
  double hbm_area_mm2 = 0.0;         ///< footprint per stack, counted in the component area
  std::int32_t d2d_edges = 0;        ///< die-to-die adjacencies needing a bridge (bridge kind)
  double package_area_mm2 = 0.0;     ///< organic substrate area; 0: organic.area_scale * (interposer | components)
  double interposer_area_mm2 = 0.0;  ///< interposer / carrier area; 0: area_scale * component area
};

/// Result: the itemised RE and the quantities the NRE and the report need.
struct PackageCost {
  ReBreakdown re;
  double package_area_mm2 = 0.0;     ///< organic substrate
  double interposer_area_mm2 = 0.0;  ///< interposer or carrier (0 for organic_mcm)
  double interposer_yield = 1.0;     ///< y1 (Actuary package_yield; carrier + bridge embedding for bridge)
  double assembly_yield = 1.0;       ///< probability that an assembly keeps its dies (the wasted-chip yield)
  double layer_factor = 1.0;         ///< organic layer-count factor used (organic_mcm)
  std::int32_t component_count = 0;  ///< dies (incl. dummies and stack) + HBM stacks
  std::int32_t bridge_count = 0;
};

/// Organic layer-count factor (Actuary OS.cost_raw_package): single component -> single_die_layer_factor, else the
/// first tier whose bound the package area does not exceed.
double organic_layer_factor(const OrganicParams& organic, std::int32_t component_count,
                            double package_area_mm2) noexcept;

/// RE cost of one package, itemised in Actuary's order. `compat` selects the tool's deviations (cost_types.hpp).
PackageCost package_cost(const PackageSpec& spec, const PackagingParams& params, CostCompat compat = {}) noexcept;

}  // namespace chipdse::model

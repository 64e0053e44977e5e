// chipdse/thermal/case_from_geometry.hpp — the adapter from the model's placed package (model::Geometry) and a
// per-rectangle power map to a thermal case (FvCase) for the finite-volume solver (issue #8).
//
// Stack (bottom, farthest from the sink, first), TAP-2.5D as in shared/reference/thermal.md §1:
//   substrate   footprint = substrate outline, organic k
//   (with optical engines, which sit on the substrate outside the carrier under the same lid, every layer from c4
//   to tim spans the lidded outline, the bounding box of the core and the engines, filled with underfill around the
//   carrier (a "<layer>.carrier" block keeps the c4 and interposer k over the core); each engine is a silicon die
//   "optical0", ... in the chip layer with its power, its body "optical0.c4", ".interposer", ".ubump", ".cache"
//   filling the other layers up to the TIM, and the spreader also covers the engines)
//   c4          with an interposer: the interposer outline, uniform C4+UF mix k;
//               on organic / EMIB: the die-block outline (bounding box of the layer-0 dies and HBM stacks),
//               filled with underfill, one zero-power block "<die>.c4" with the C4+UF k under each die
//   interposer  only when model::has_interposer(carrier): the interposer outline
//   ubump       only with an interposer: interposer outline filled with underfill, one zero-power block
//               "<die>.ubump" with the µbump+UF k under each layer-0 die
//   chip        the core outline (interposer, or the die-block outline) filled with underfill; one Block per
//               compute / IO / HBM rectangle ("compute0", "io", "hbm3") with its power and silicon k
//   cache       only when some rectangle is on layer 1: the core outline filled with underfill; one Block per
//               cache die ("cache1") with its power and silicon k; layer-0 dies without a cache die above them
//               continue through this layer as zero-power silicon blocks "<die>.upper" (HBM stacks are taller
//               than a logic die; a dummy-Si shim levels the rest), so the TIM stays flat
//   tim         the core outline (the lidded outline with engines)
//   spreader    optional (thickness > 0): Cu, spreader_scale x the core outline, centred on it
//   sink        optional (thickness > 0): Cu base, sink_scale x the spreader (or core) outline, centred
// htc_top on the top face of the top layer; htc_bottom (0 = adiabatic, TAP-2.5D) on the substrate's bottom.
// Every layer has `*_sub_cells` cells through its thickness. The in-plane grid starts graded (core 4x, spreader
// ring 2x, the rest 1x the cell density, as case B's deck) and is then snapped to every footprint and block edge
// by remesh(c, cells_xy, cells_xy).
//
// Pure C++ (no MPI / PETSc): safe to call from any thread; allocation only for the returned case.
#pragma once

#include <span>
#include <string>

#include "chipdse/model/geometry.hpp"
#include "chipdse/thermal/fv_case.hpp"

namespace chipdse::thermal {

/// The package around the placed rectangles: plain numbers in SI units (thickness in m, k in W/(m K), h in
/// W/(m^2 K), temperature in K). Defaults are TAP-2.5D's stack (shared/reference/thermal.md §1, "writes 6 LCF
/// layers") with the HotSpot spreader/sink/convection of case B (shared/validation/thermal/
/// case_b_2p5d_4chiplets/case_b.fv), whose effective mixed-layer conductivities are copied from that deck: they
/// reproduce validation case B. A design evaluation takes its stack from the technology database instead,
/// package_stack_from_tech (stack_from_tech.hpp), whose values differ where noted below.
struct PackageStack {
  double substrate_thickness_m = 200e-6;  ///< thermal.md §1 TAP-2.5D: substrate 200 µm
  /// thermal.md §1: organic substrate 0.3 W/mK (case_b.fv 0.3003); inputs/tech/thermal.toml
  /// thermal.material.organic_substrate.conductivity_w_per_mk gives 0.5 (range 0.3-1)
  double substrate_k_w_mk = 0.3003;
  double c4_thickness_m = 70e-6;  ///< thermal.md §1 TAP-2.5D: C4+UF 70 µm
  double c4_k_w_mk = 70.767;      ///< C4 Cu/UF parallel mix (thermal.md §1 "Mixed bump/TSV layers"), case_b.fv
  double interposer_thickness_m = 110e-6;  ///< thermal.md §1 TAP-2.5D: Si interposer+TSV 110 µm
  /// Si interposer with TSVs, case_b.fv (112 = Si 100 + 4 % Cu); package_stack_from_tech mixes the same TSV share
  /// into thermal.material.silicon_interposer.conductivity_at_tj_design_w_per_mk (119) -> 130
  double interposer_k_w_mk = 112.0;
  double ubump_thickness_m = 10e-6;  ///< thermal.md §1 TAP-2.5D: µbump+UF 10 µm
  double ubump_k_w_mk = 124.563;     ///< µbump Cu/UF parallel mix under a die (thermal.md §1), case_b.fv ub_C*
  double chip_thickness_m = 150e-6;  ///< thermal.md §1 TAP-2.5D: chip 150 µm
  /// die silicon: HotSpot/TAP 100 (thermal.md §1 "Si 100-150"; case_b.fv C*); package_stack_from_tech takes
  /// thermal.material.silicon.conductivity_at_tj_design_w_per_mk (119, bulk 150 at 300 K scaled to 85 C)
  double silicon_k_w_mk = 100.0;
  /// 3D cache die on a compute die: assumed as thick as the chip layer (thermal.md §1 chip 150 µm; no source
  /// gives a stacked-die thickness); silicon_k_w_mk applies
  double cache_thickness_m = 150e-6;
  /// gaps between chiplets (chip / cache layers) and the bump-layer filler: thermal.md §1 "Underfill 1.6 W/mK";
  /// thermal.toml thermal.material.underfill.conductivity_w_per_mk
  double underfill_k_w_mk = 1.6;
  double tim_thickness_m = 20e-6;  ///< thermal.md §1 TAP-2.5D: TIM 20 µm
  double tim_k_w_mk = 4.0;  ///< thermal.md §1 TIM 4 W/mK; package_stack_from_tech: t / thermal.tim.tim1 R'' (4.0)
  double spreader_thickness_m = 1e-3;  ///< thermal.md §1/§2 HotSpot Cu spreader 1 mm; 0 omits the spreader
  double spreader_k_w_mk = 400.0;      ///< thermal.md §1 Cu 400; thermal.toml thermal.material.copper
  double spreader_scale = 2.0;         ///< side / core side: thermal.md §1 TAP-2.5D "Spreader = 2x interposer"
  double sink_thickness_m = 6.9e-3;    ///< thermal.md §1 HotSpot sink base 6.9 mm; 0 omits the sink
  double sink_k_w_mk = 400.0;          ///< thermal.md §1 Cu 400; thermal.toml thermal.material.copper
  double sink_scale = 2.0;             ///< side / spreader side: thermal.md §1 TAP-2.5D "sink = 2x spreader"
  /// top face (sink base when present): thermal.md §1 TAP-2.5D h kept at 2778 W/m^2K (case_b.fv 2777.7778);
  /// thermal.toml thermal.cooling.h_air_heatsink_w_per_m2k 1500, h_liquid_cold_plate_w_per_m2k 15000
  double htc_top_w_m2k = 2777.7778;
  /// substrate bottom: thermal.md §1 TAP-2.5D leaves the secondary path off (0 = adiabatic); thermal.md §4
  /// h_b 10-25; package_stack_from_tech: thermal.cooling.h_package_bottom_w_per_m2k (0, range 0-25)
  double htc_bottom_w_m2k = 0.0;
  double ambient_k = 318.15;  ///< thermal.md §1: 45 °C in HotSpot and TAP-2.5D
  /// cells through each layer (1 = case_b.fv; thermal.md §4 and case_b_zref.fv: chip 3, interposer 2,
  /// spreader 2, sink 8 bring the peak within ~0.1 K of the converged value; package_stack_from_tech uses those)
  int substrate_sub_cells = 1;
  int c4_sub_cells = 1;
  int interposer_sub_cells = 1;
  int ubump_sub_cells = 1;
  int chip_sub_cells = 1;
  int cache_sub_cells = 1;
  int tim_sub_cells = 1;
  int spreader_sub_cells = 1;
  int sink_sub_cells = 1;
};

/// The name of rectangle `r`'s block in the case ("compute0", "io", "cache1", "hbm3", "optical0").
std::string rect_block_name(const model::PlacedRect& r);

/// The thermal case of placed package `g` with power rect_power_w[i] (W, >= 0, finite) in g.rects[i]
/// (one value per placed rectangle, i < g.rect_count), on an in-plane grid of about cells_xy x cells_xy cells
/// snapped to every edge (see the top of this file for the stack and the block names); when the package has more
/// intervals between die edges than cells_xy on an axis, about twice that many instead.
/// @throws InputError (source "case_from_geometry") when rect_power_w.size() != g.rect_count, a power is negative
///         or not finite, g has no rectangles or no substrate outline, a rectangle lies outside its layer's
///         footprint, or a number of `s` is out of range.
FvCase case_from_geometry(const model::Geometry& g, std::span<const double> rect_power_w, const PackageStack& s,
                          int cells_xy);

}  // namespace chipdse::thermal

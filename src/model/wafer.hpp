// chipdse/model/wafer.hpp — dies per wafer: closed forms (Actuary, de Vries, Google) and exact geometric counts.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Sources: ../shared/reference/cost_models.md §1.2 (Chiplet Actuary closed form), §2.2 (CATCH geometric count, grid and
// no-grid), §3.1 and §4 (de Vries-type and Google closed forms). Validated by cost_cases.json "formula_dies_per_wafer"
// (closed forms to 1e-3, integer counts exactly) and "actuary_die_yield_dpw_kgd" (1e-6).
// All functions are pure, thread-safe and noexcept. Lengths in mm, areas in mm².
#pragma once

#include <cstdint>

namespace chipdse::model {

/// Chiplet Actuary closed form, NOT rounded (chip.py N_die_total; cost_models.md §1.2):
///   A' = (sqrt(A) + s)²,  N = pi (d/2 - e)² / A' - pi (d - 2e) / sqrt(2 A').
/// @param die_area_mm2 > 0; @param wafer_diameter_mm d; @param edge_loss_mm e; @param scribe_mm s (lane width).
/// May be <= 0 for dies comparable to the wafer (the formula's own limit); callers reject such dies earlier.
double dies_per_wafer_actuary(double die_area_mm2, double wafer_diameter_mm, double edge_loss_mm,
                              double scribe_mm) noexcept;

/// The classic gross-die formula without edge loss or scribe, pi (d/2)² / A - pi d / sqrt(2A) (the "de Vries" key
/// of formula_dies_per_wafer; the same form ECO-CHIP uses, cost_models.md §3.1). Not rounded.
double dies_per_wafer_de_vries(double die_area_mm2, double wafer_diameter_mm) noexcept;

/// google/chiplets-cost-model GDPW (cost_models.md §4), rounded half away from zero:
///   A' = (L + saw)(W + saw),  N = round((d - 2 e) pi (d / (4A') - 1 / sqrt(2A'))).
/// That tool hard-codes d - 6, i.e. edge_exclusion_mm = 3. Its "repair area" is not modelled (pass it inside W, L).
double dies_per_wafer_google(double die_width_mm, double die_height_mm, double saw_street_mm,
                             double wafer_diameter_mm, double edge_exclusion_mm) noexcept;

/// Exact count of width x height dies on a square grid inside the usable circle (diameter d_u), each die padded by
/// the dicing lane, reproducing CATCH's grid fill (design.py compute_grid_dies_per_wafer, cost_models.md §2.2): a
/// central block of k rows straddles the horizontal diameter, its columns set the grid for every other row, and the
/// best k is searched (k grows while the block edge is inside the column cross-over height). O(rows) per candidate
/// k, O(rows²) in all (about 5 µs for a 25 mm² die on one core); cache it per die geometry.
/// @return 0 when the die (without dicing) has a diagonal longer than d_u / 2, the range CATCH itself rejects.
/// Rows never count negatively (CATCH can subtract dies on a short top row: see wafer.cpp).
std::int64_t dies_per_wafer_grid(double die_width_mm, double die_height_mm, double usable_diameter_mm,
                                 double dicing_mm) noexcept;

/// Exact count without column alignment: every row is filled from its own chord (CATCH
/// compute_nogrid_dies_per_wafer): the better of a row centred on the diameter and two rows touching it. O(rows).
/// @return 0 under the same condition as dies_per_wafer_grid.
std::int64_t dies_per_wafer_nogrid(double die_width_mm, double die_height_mm, double usable_diameter_mm,
                                   double dicing_mm) noexcept;

/// Which dies-per-wafer rule a WaferSpec applies.
enum class DpwMethod : std::uint8_t {
  actuary_formula,   ///< dies_per_wafer_actuary (not rounded): Actuary-compatible cost
  geometric_grid,    ///< dies_per_wafer_grid on diameter - 2 edge, dicing = scribe (CATCH wafer_fill_grid = True)
  geometric_nogrid,  ///< dies_per_wafer_nogrid, same geometry (CATCH wafer_fill_grid = False)
};

/// A wafer and its dicing rule (tech database: wafer diameter, edge exclusion, scribe/dicing lane).
struct WaferSpec {
  double diameter_mm = 300.0;  ///< wafer diameter
  double edge_loss_mm = 0.0;   ///< edge exclusion per side (Actuary 5 mm, CATCH 0.1 mm)
  double scribe_mm = 0.0;      ///< scribe/dicing lane added to each die side (Actuary 0.2 mm, CATCH 0.13 mm)
  DpwMethod method = DpwMethod::actuary_formula;
};

/// Gross dies per wafer of a width x height die under `wafer` (counts returned as double so every method is
/// interchangeable in the cost chain). The Actuary formula depends only on the area width * height.
double dies_per_wafer(const WaferSpec& wafer, double die_width_mm, double die_height_mm) noexcept;

}  // namespace chipdse::model

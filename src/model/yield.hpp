// chipdse/model/yield.hpp — die and layer yield models: negative binomial, Poisson, Murphy, Seeds, Bose-Einstein.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Equations: ../shared/reference/cost_models.md §0 (overview), §1.2 (Chiplet Actuary NB), §2.2 (CATCH layer yield,
// critical-area ratio, stitching), §4 (google/chiplets-cost-model Bose-Einstein and Murphy), §7.2 (one engine with
// Poisson, Murphy and Seeds as options). Validated by shared/validation/cost_cases.json "formula_yield_models".
//
// Units: area in mm², defect density D0 in defects per cm² (the industry convention every cited tool takes as
// input), so the expected defect count of a die is D0 * area_mm2 / 100. Every function is valid for area_mm2 >= 0 and
// d0_per_cm2 >= 0 (finite) and returns a yield in (0, 1] for any input where the exact value is representable
// (e.g. D0 * area / 100 below ~700 for Poisson); yield is exactly 1 at zero area or zero D0.
// All functions are pure, thread-safe and noexcept.
#pragma once

#include <cstdint>

namespace chipdse::model {

/// mm² per cm²: converts a die area in mm² to cm² for D0 given per cm² (cost_models.md notation).
inline constexpr double kMm2PerCm2 = 100.0;

/// Poisson yield exp(-A D0): uniformly random, unclustered defects (cost_models.md §7.2).
double yield_poisson(double area_mm2, double d0_per_cm2) noexcept;

/// Negative-binomial (clustered) yield (1 + A D0 / alpha)^(-alpha), alpha > 0 the clustering parameter
/// (Chiplet Actuary "critical_level" = 10 for dies, 3 for RDL, 6 for Si interposers: cost_models.md §1.2; CATCH
/// alpha = 2: §2.3). alpha = +infinity gives Poisson; alpha -> infinity converges to Poisson.
double yield_negative_binomial(double area_mm2, double d0_per_cm2, double alpha) noexcept;

/// Murphy's yield ((1 - exp(-A D0)) / (A D0))^2 (google/chiplets-cost-model option, cost_models.md §4).
double yield_murphy(double area_mm2, double d0_per_cm2) noexcept;

/// Seeds' exponential form exp(-sqrt(A D0)) (the "seeds_exp_sqrt" key of the formula_yield_models case).
double yield_seeds_exp_sqrt(double area_mm2, double d0_per_cm2) noexcept;

/// Seeds' hyperbolic form 1 / (1 + A D0) (= negative binomial with alpha = 1; key "seeds_1_over_1px").
double yield_seeds_hyperbolic(double area_mm2, double d0_per_cm2) noexcept;

/// Bose-Einstein yield over N critical layers, google/chiplets-cost-model form (1 + A D0)^(-N) (cost_models.md §4).
/// d0_per_cm2_per_layer is the defect density of ONE critical layer: the case "bose_einstein_N10_google" gives
/// Y(100 mm², 0.07) = 1.07^-10 = 0.508349, i.e. A in cm² times D0 per cm² per layer, raised to -N.
/// @param critical_layers N >= 0 (10 by default in that tool).
double yield_bose_einstein(double area_mm2, double d0_per_cm2_per_layer, int critical_layers) noexcept;

/// A multiplicative yield term for `events` independent events of yield `yield_per_event` each (stitches across
/// reticle fields (CATCH stitching_yield^stitches, cost_models.md §2.2), bonds, bridges): yield_per_event^events.
/// Returns exactly 1 for events = 0 or yield_per_event = 1, so a disabled term never perturbs a product.
double yield_repeated(double yield_per_event, int events) noexcept;

/// The selectable defect-limited yield model of one die or layer group (cost_models.md §7.2).
enum class YieldModel : std::uint8_t {
  negative_binomial,  ///< uses alpha
  poisson,
  murphy,
  seeds_exp_sqrt,
  seeds_hyperbolic,
  bose_einstein,  ///< uses critical_layers; d0_per_cm2 is per layer
};

/// Defect statistics of a die or layer group: filled from the technology database per node.
struct DefectModel {
  YieldModel model = YieldModel::negative_binomial;
  double d0_per_cm2 = 0.0;           ///< defect density, defects/cm² (>= 0)
  double alpha = 10.0;               ///< NB clustering parameter (> 0); Actuary die default 10 (parameter.ini)
  int critical_layers = 10;          ///< Bose-Einstein layer count N (google default 10)
  double critical_area_ratio = 1.0;  ///< fraction of the area that is defect-sensitive (CATCH CAR, §2.2), in [0, 1]
};

/// Yield of a die of area_mm2 under `defects`, with the CATCH critical-area ratio applied to the area.
/// With critical_area_ratio = 1 it is exactly the chosen closed form above.
double die_yield(const DefectModel& defects, double area_mm2) noexcept;

}  // namespace chipdse::model

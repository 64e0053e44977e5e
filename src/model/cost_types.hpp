// chipdse/model/cost_types.hpp — plain structs shared by the cost kernel: die cost, RE breakdown, compat flags.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. Only fixed-size members: no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chipdse::model {

/// Kinds of die per package (compute, IO, cache, stacks, dummies); each kind has a count, so 8 is ample.
inline constexpr std::size_t kMaxDieKinds = 8;

/// Known-good-die test of a die or stack (CATCH test model, cost_models.md §2.2 "Test"). A test catches a fraction
/// `coverage` of the defective parts; the rest escape. {1, 0} is Chiplet Actuary's implicit perfect, free test.
struct KgdTest {
  double coverage = 1.0;          ///< fraction of defective parts rejected, in [0, 1]
  double cost_usd_per_part = 0.0;  ///< tester cost per part tested (USD, >= 0)
};

/// Cost of one shipped (test-passing) die or stack, itemised. Invariant: shipped = raw + defect + test.
/// Value-initialised ({}) it is a free, perfect part: what a dummy (spacer) die costs.
struct DieCost {
  double raw_usd = 0.0;      ///< wafer cost / dies per wafer (plus bonding for stacks)
  double defect_usd = 0.0;   ///< cost of the parts the test scrapped, per shipped part: raw / Yt - raw
  double test_usd = 0.0;     ///< test cost per shipped part: t / Yt
  double shipped_usd = 0.0;  ///< cost per test-passing part ("KGD cost"): (raw + t) / Yt
  double true_yield = 1.0;   ///< Y: fraction of parts that are good
  double pass_yield = 1.0;   ///< Yt = 1 - (1 - Y) c: fraction that pass the test
  double quality = 1.0;      ///< Q = Y / Yt: fraction of shipped parts that are good (1 - escape rate)
};

/// Which of Chiplet Actuary's known deviations to reproduce (cost_models.md §1.5, §8). Default: chipdse's corrected
/// model; actuary_compat() reproduces the tool at commit 2c91fb9 (validation cases actuary_*).
struct CostCompat {
  /// package.py Advanced.cost_RE adds `chip.area * u_bump_cost_factor` once per chip KIND, not per chip, so a
  /// design with {chiplet: 4} pays for one chiplet's micro-bumps (case actuary_800mm2_5nm_n4_identical).
  bool ubump_once_per_kind = false;
  /// package.py Advanced.NRE adds substrate area * RE $/mm² (0.005) as the substrate's NRE (GitHub issue #3,
  /// acknowledged). Corrected: the substrate is designed like an organic package (area * NRE $/mm² + fixed).
  bool substrate_nre_uses_re_rate = false;
  /// spec.py sets the FO fixed NRE to 0.5 * NRE / 300 = 25 k$ (the per-mm² factor again); the split used for chips
  /// implies 0.5 * NRE = 7.5 M$. Corrected: 0.5 * NRE.
  bool fo_fixed_nre_per_mm2_slip = false;
};

/// Every Actuary deviation on: reproduces the tool's numbers.
constexpr CostCompat actuary_compat() noexcept { return CostCompat{true, true, true}; }

/// Recurring-engineering (manufacturing) cost of one package, USD per unit. The first five items are Chiplet
/// Actuary's cost_RE tuple, in its order; chipdse adds the KGD test and purchased HBM. Invariant: total_re_usd is
/// the sum of the seven items.
struct ReBreakdown {
  double raw_chips_usd = 0.0;       ///< dies at wafer cost / DPW, plus their C4 or micro-bump cost
  double defect_chips_usd = 0.0;    ///< dies scrapped at KGD test, per package
  double raw_package_usd = 0.0;     ///< substrate (+ interposer, bridges) before yield
  double defect_package_usd = 0.0;  ///< substrate / interposer scrapped by package-level yields
  double wasted_chips_usd = 0.0;    ///< good dies (and HBM) lost in failed assemblies
  double test_chips_usd = 0.0;      ///< KGD test cost of the shipped dies (0 with Actuary's free test)
  double hbm_usd = 0.0;             ///< purchased HBM stacks (count * price)
  double total_re_usd = 0.0;        ///< sum of the above
};

}  // namespace chipdse::model

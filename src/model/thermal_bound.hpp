// chipdse/model/thermal_bound.hpp — a PROVABLE lower bound on the peak junction temperature of a placed package
// (DESIGN.md §2 step 6, issue #5). Used only to discard points that cannot be cool enough: a point whose bound is
// above constraints.tj_max_c is infeasible (infeasible::thermal_bound_over_tj_max); the PETSc verification of
// DESIGN.md §3 decides every other point. model/: never includes MPI, PETSc, HDF5 or toml++.
//
// The problem bounded is the one src/thermal solves (thermal/case_from_geometry.hpp): steady conduction
// -div(k grad T) = q >= 0 in the package stack (substrate, C4, interposer, µbump, chip, cache, TIM, spreader,
// sink), Robin h_top to T_sink on the sink top, Robin h_bottom (0 = adiabatic) on the substrate bottom, every other
// face adiabatic; power uniform in each die's volume. theta = T - T_sink.
//
// Why the DESIGN.md §2.6 sketch is not used as written. "max_die P_die R_vertical(die)" with a 1-D column over the
// die footprint is NOT a lower bound: lateral spreading makes the die cooler than its own 1-D column. The
// energy-balance term alone (max T >= mean T on the sink face >= T_sink + P/(h A_sink)) is rigorous but holds for
// the maximum over ALL powered blocks (an HBM stack or optical engine could be the hottest). What follows keeps
// what can be proved, for the maximum over the LOGIC dies (compute, IO, cache):
//
//  1. Superposition and positivity. theta is linear in q and q >= 0 gives theta >= 0 (maximum principle; in the
//     discrete FV system the M-matrix inverse is non-negative). So for any group S of logic dies, theta >= theta_S,
//     the response to S's power alone: HBM, optical-engine and other dies' heat can only add.
//  2. Dirichlet principle. theta_S minimises (1/2) E(u) - ∫ q_S u with E(u) = ∫ k |grad u|^2 + ∮ h u^2, and at the
//     minimum E(theta_S) = ∫ q_S theta_S. Hence for EVERY trial field u:  ∫ q_S theta_S >= 2 ∫ q_S u - E(u).
//     The left side is P_S times the power-weighted mean of theta_S over S's dies, which is <= the maximum over
//     those dies. So any trial u gives  Tj_max >= T_sink + (2 ∫ q_S u - E(u)) / P_S.
//  3. Two-amplitude trial. u = theta_1 + (theta_0 - theta_1) phi(x, y) in every layer BELOW the TIM (independent
//     of z: no vertical energy there); linear in z across the TIM from that value to theta_1 at its top; the 1-D
//     series profile f(z) through spreader and sink from theta_1 to the sink top. phi = max_i phi_i over S's layer-0
//     footprints (a stacked cache die shares its compute die's column): phi_i = 1 on rectangle i, falling linearly
//     to 0 over a band of width l outside it (Chebyshev distance d, phi_i = 1 - d / l). Bounding max_i by sum_i
//     (phi^2 and |grad phi|^2 of a max are at most the sums) and every layer's k by its largest material (safe:
//     more energy only lowers the bound):
//       E <= G_D (theta_0 - theta_1)^2 + G_1 theta_1^2 + G_b0 theta_0^2,
//       G_D  = sum_i [ (A_i + P_i l / 3 + 2 l^2 / 3) / R''_tim + S (P_i / l + 4) ]     (P_i = perimeter of i)
//       G_1  = 1 / R_up + h_bottom A_substrate,  R_up = t_spr / (k_Cu A_spr) + t_sink / (k_Cu A_sink) + 1 / (h A_sink)
//       G_b0 = h_bottom sum_i (A_i + P_i l / 2 + 4 l^2 / 3)       (u^2 <= (1 - phi) theta_1^2 + phi theta_0^2)
//     with S = sum over the layers below the TIM of t k_max, plus k_tim t_tim / 3 (the TIM's lateral term); the band
//     integrals are closed forms (level sets of d have length P_i + 8 d, |grad d| = 1). Maximising over theta_0,
//     theta_1 gives P_S^2 R_net, R_net = 1 / (G_b0 + 1 / (1 / G_D + 1 / G_1)): Tj_max >= T_sink + P_S R_net.
//     l = sqrt(3 S R''_tim) minimises the l-linear and 1/l terms of G_D (any l > 0 is valid: no iteration).
//     With h_bottom = 0 its sink part is exactly the energy balance P_S / (h A_sink) plus the copper of a 1-D column
//     over the full spreader and sink areas; its TIM part is the TIM over S's footprints, enlarged by the band.
//  4. Spreading trial. The 1-D sink part ignores that heat cannot reach a large sink: under a convective face a
//     copper plate of thickness T_U spreads heat only over ~sqrt(k T_U / h) (15 mm liquid, 46 mm air for the shipped
//     stack). Three amplitudes v = (a, b, c): below the TIM u = b + a phi + c chi; across the TIM (s = 1 at its
//     bottom, 0 at its top) u = b + s a phi + c chi; in the copper (zeta above the TIM, T_U thick) u = b F(zeta) +
//     c chi H(zeta), F the normalised 1-D series profile (F(0) = 1), H = 1 - beta zeta / T_U; chi = 1 on the bounding
//     box of S's footprints with a band L (one wide band around the box, not overlapping bands around every die). The die value is a + b + c. With |x + y|^2 <= 2 |x|^2 + 2 |y|^2 for the lateral terms, the band sums
//     for phi's integrals, and phi chi <= phi, every energy term is at most v^T M v for v >= 0:
//       M_aa = sum(phi^2) / R'' + S_a sum|grad phi|^2 + h_b sum(phi^2)        S_a = 2 S_B + 2 k_tim t_tim / 3
//       M_bb = 1 / R_up + h_b A_sub,   M_ab = M_ac = h_b sum(phi)             S_B = below-TIM t k_max only
//       M_cc = S_c sum|grad chi|^2 + sum(k t) (beta / T_U)^2 sum(chi^2) + sum_layers k ∫H^2 sum|grad chi|^2
//              + h (1 - beta)^2 sum(chi^2) + h_b sum(chi^2)                     S_c = 2 S_B + 2 k_tim t_tim
//       M_bc = beta / (T_U R_up) sum_layers t min(A, sum chi) / A + h F_top (1 - beta) min(A_top, sum chi)
//              + h_b min(A_sub, sum chi)                                         F_top = (1 / (h A_top)) / R_up
//     (the cross terms need b c, a b, a c >= 0). The stationary point M v* = P_S (1, 1, 1) gives J = P_S (a+b+c)*;
//     it is used only when v* >= 0 (else that candidate is dropped). Candidates: L = {1/4, 1/2, 1, 2} x
//     sqrt(sum(k t) / h), beta = {0, 1/2, 1}; the bound is the best candidate, each a valid lower bound.
//     On the shipped stack this raises the bound from ~15% to ~40-60% of the FV rise (test_thermal_bound_vs_fv).
//  5. Groups. Tj_max >= T_sink + max over S of the best rise, S in {all logic dies, the compute dies with their cache
//     dies, the IO die}. Single compute dies are dominated by their group when equal (same TIM term per area, 1/k of
//     the sink term), so they are not tried.
//  6. Linearity in the power, and the memo. For a fixed placed geometry, group S and params, nothing in steps 3-5
//     but the heat depends on the power: phi = 1 and chi = 1 on EVERY footprint of S (and a stacked die shares the
//     column below it, where u does not vary in z), so ∫ q_S u = P_S (die value) for every split of P_S among S's
//     dies, and M, G_D, G_1, G_b0, l, L, beta are geometry and stack only. Hence the two-amplitude rise is P_S R_net,
//     and a spreading candidate has v* = P_S M^-1 (1, 1, 1): it is valid (v* >= 0) for every P_S > 0 or for none,
//     and its rise is P_S (1^T M^-1 1). So the bound is T_sink + max_S P_S R_S with R_S the best candidate
//     resistance, a function of the geometry and the params alone (group_resistances). tj_lower_bound_c keeps R_S
//     in a small per-thread memo keyed on the exact bits of what it depends on (core and substrate areas, carrier
//     kind, stacking, and per group the footprint sums and bounding box; NOT Geometry::key, which rounds to 10 um)
//     and on the full params; the returned value is computed as T_sink + max_S P_S R_S on a hit and a miss alike.
//  What is NOT in the bound (each only lowers it, none is needed for validity): the die's own silicon and the
//  bump/interposer layers (u is constant through them), TIM2 (thermal::PackageStack has none), heat of HBM stacks,
//  optical engines and of logic dies outside S, and leakage at the bound's temperature (the power stage's leakage is
//  temperature-independent today, perf_stage.cpp).
//  Discrete FV: the same principle holds for the SPD M-matrix of src/thermal (T = G^-1 q, q^T T = max over vectors u of
//  2 q^T u - u^T G u). The trial sampled at cell centres has the continuum energy for the vertical TIM terms and the
//  1-D copper chain up to half-cell terms (for the shipped z-cells the discrete chain is the more resistive), and
//  at most it for the lateral ramps along each grid line (Cauchy-Schwarz); this is an argument, not a proof, for the
//  discretised problem: tests/mpi/test_thermal_bound_vs_fv.cpp checks bound <= solved Tj max on default-deck points.
//
// Power per die (rect_power_w; the same map feeds the FV property test). From the power stage's PowerBreakdown:
//   compute dies: compute_w / k, the SRAM's sram_w / k unless a cache die holds the SRAM, the D2D PHY's share of
//                 d2d_w (all of it without an IO die, half with one: a D2D transfer spends energy at both ends),
//                 and their leakage (leakage_compute_w / k: each die kind has its node's leakage density);
//   IO die:       the other half of d2d_w and leakage_io_w;
//   cache dies:   (sram_w + leakage_cache_w) / k;
//   HBM stacks:   hbm_w / stacks (memory.<gen>.energy_pj_per_bit is one "device + PHY" figure: the host-PHY share
//                 cannot be separated, so none of it is put on a logic die — this only weakens the bound);
//   optical engines: the on-package link power of the CPO / optical I/O tiers (`engine_power_w`; CPO's external laser
//                 is off the package), shared equally; the other tiers' link
//                 power (pluggable modules, the host SerDes share of their system pJ/bit) is not on the map.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/geometry.hpp"

namespace chipdse::deck {
struct Deck;
}

namespace chipdse::model {

struct KernelParams;
struct Metrics;
struct PowerBreakdown;

/// The package stack as the bound needs it, resolved once per run (resolve_thermal_bound_params) from the same
/// inputs/tech/thermal.toml entries thermal/stack_from_tech.cpp builds the FV stack from. SI units.
struct ThermalBoundParams {
  double sink_temperature_c = 0.0;  ///< thermal.cooling.ambient_air_c | coolant_liquid_c by constraints.cooling
  double tj_max_c = 0.0;            ///< constraints.tj_max_c; <= 0: not checked
  double h_top_w_per_m2k = 0.0;     ///< thermal.cooling.h_air_heatsink | h_liquid_cold_plate, on the sink top
  double h_bottom_w_per_m2k = 0.0;  ///< thermal.cooling.h_package_bottom_w_per_m2k, on the substrate bottom
  double tim_r_m2k_per_w = 0.0;     ///< thermal.tim.tim1_resistance_k_cm2_per_w x 1e-4 (R'' of the TIM layer)
  double tim_sheet_w_per_k = 0.0;   ///< k_tim t_tim = t_tim^2 / R'' (lateral conduction of the TIM layer)
  double spreader_thickness_m = 0.0;  ///< 0: no spreader
  double spreader_k_w_per_mk = 0.0;
  double spreader_scale = 1.0;        ///< spreader side / core side
  double sink_thickness_m = 0.0;      ///< 0: no sink base
  double sink_k_w_per_mk = 0.0;
  double sink_scale = 1.0;            ///< sink side / spreader side
  /// sum of t k_max over the layers below the TIM (W/K): substrate, C4, interposer, µbump, chip (carriers with an
  /// interposer) or substrate, C4, chip (organic, EMIB); k_max = the layer's most conductive material
  double below_tim_sheet_interposer_w_per_k = 0.0;
  double below_tim_sheet_organic_w_per_k = 0.0;
  double cache_layer_sheet_w_per_k = 0.0;  ///< t k_max of the cache layer, added when a die is stacked
};

/// Power (W) of every placed rectangle of `g` (index as g.rects) from the power breakdown; see the top of this file.
/// @param engine_power_w link power of the CPO / optical I/O chiplet tiers, spread over the optical engines (0 without engines)
std::array<double, kMaxPlacedRects> rect_power_w(const Geometry& g, const PowerBreakdown& p,
                                                 double engine_power_w) noexcept;

/// Link power (W) of the tiers whose technology puts engines on the package (CPO, optical I/O chiplet:
/// has_package_engines): what the optical engines dissipate (perf_stage.cpp's always-on link term, per such tier:
/// bytes/s per direction x 8 x that tech's pJ/bit).
double cpo_engine_power_w(const DesignChoice& choice, const KernelParams& params) noexcept;

/// The lower bound (°C) on the hottest logic die of `g` with rectangle powers `rect_power` (W, >= 0). Finite for
/// any input; T_sink when there is no logic power or no placed core.
double tj_lower_bound_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
                        const ThermalBoundParams& t) noexcept;

/// Number of die groups S of the bound (step 5): all logic dies, the compute dies with their cache dies, the IO die.
inline constexpr std::size_t kThermalBoundGroups = 3;

/// The best thermal resistance R_S (K/W) of each group S of step 5, in that order: the bound's rise for S is
/// P_S R_S (step 6). 0 where the group has no footprint or no candidate applies.
struct GroupResistances {
  std::array<double, kThermalBoundGroups> k_per_w{};
};

/// R_S of every group for the placed geometry `g` (pure, no memo): what tj_lower_bound_c's memo stores.
GroupResistances group_resistances(const Geometry& g, const ThermalBoundParams& t) noexcept;

/// tj_lower_bound_c without its memo (same arithmetic: T_sink + max_S P_S R_S, bit-identical); for tests.
double tj_lower_bound_unmemoised_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
                                   const ThermalBoundParams& t) noexcept;

/// The bound's per-placement part, computed once to evaluate many power maps on one geometry (evaluate()'s leakage
/// settle): the group resistances (through the memo) and whether the placement has a core at all.
struct PreparedThermalBound {
  GroupResistances r;
  bool has_core = false;
};
PreparedThermalBound prepare_thermal_bound(const Geometry& g, const ThermalBoundParams& t) noexcept;

/// tj_lower_bound_c with the per-placement part given (`pre` from prepare_thermal_bound on the same g and t): the
/// same bits, without the shape scan and the memo look-up.
double tj_lower_bound_prepared_c(const PreparedThermalBound& pre, const Geometry& g,
                                 const std::array<double, kMaxPlacedRects>& rect_power,
                                 const ThermalBoundParams& t) noexcept;

/// Look-ups of the calling thread's resistance memo since it was last cleared (testing and profiling hook).
struct ThermalBoundMemoStats {
  std::uint64_t hits = 0, misses = 0;
};
ThermalBoundMemoStats thermal_bound_memo_stats() noexcept;

/// Empties the calling thread's resistance memo and its statistics (testing hook; results never depend on it).
void clear_thermal_bound_memo() noexcept;

/// The kernel stage (evaluate() calls it after evaluate_performance, once per leakage-settle step): fills
/// out.tj_bound_c and sets infeasible::thermal_bound_over_tj_max when the bound exceeds constraints.tj_max_c.
/// `prepared` is prepare_thermal_bound on `geometry` (the same bits as tj_lower_bound_c). No allocation, noexcept.
void evaluate_thermal_bound(const DesignChoice& choice, const KernelParams& params, const Geometry& geometry,
                            const PreparedThermalBound& prepared, Metrics& out) noexcept;

/// Fills k.thermal_bound from the deck's [constraints] and its technology database (thermal.toml).
/// @throws Error naming a missing technology path; InputError for an unknown constraints.cooling.
void resolve_thermal_bound_params(KernelParams& k, const deck::Deck& deck);

}  // namespace chipdse::model

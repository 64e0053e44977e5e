// chipdse/model/evaluate.hpp — the evaluation kernel: one design point -> every metric (DESIGN.md §2).
// Stages: area (area.hpp) -> geometry (geometry.hpp) -> cost (this file's CostBreakdown); performance and power
// arrive with issue #5. Pure, deterministic, noexcept; no allocation, no virtual call, no I/O per point.
// model/: never includes MPI, PETSc, HDF5 or toml++.
#pragma once

#include <cstdint>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/die_cost.hpp"
#include "chipdse/model/geometry.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/nre.hpp"
#include "chipdse/model/package_cost.hpp"

namespace chipdse::model {

/// Infeasibility reasons of a design point, one bit each (0 = feasible), in one 32-bit mask:
/// bits [0, 6) are area_issue bits, [6, 13) geometry_issue bits shifted by kGeometryBitShift, then the kernel's own.
/// An infeasible point still reports every number it could compute; it is never on a front.
namespace infeasible {
inline constexpr std::uint32_t kGeometryBitShift = area_issue::count;
inline constexpr std::uint32_t kKernelBitShift = kGeometryBitShift + geometry_issue::count;
/// a die larger than constraints.max_die_area_mm2 (the deck's own limit, below or at the reticle)
inline constexpr std::uint32_t die_over_max_area = 1u << (kKernelBitShift + 0);
/// a die too large for one whole copy to fit on the wafer (dies per wafer < 1)
inline constexpr std::uint32_t die_not_on_wafer = 1u << (kKernelBitShift + 1);
/// HBM on a carrier that cannot route its micro-bump bus (organic laminate: C4 pitch > HBM micro-bump pitch)
inline constexpr std::uint32_t hbm_needs_fine_pitch = 1u << (kKernelBitShift + 2);
/// fewer GB of HBM than reference.hbm_capacity_gb
inline constexpr std::uint32_t hbm_capacity_short = 1u << (kKernelBitShift + 3);
/// a choice outside the kernel's tables (bad enum, k outside 1..16, negative bandwidth)
inline constexpr std::uint32_t invalid_choice = 1u << (kKernelBitShift + 4);
/// the workload's weights and state (training) or weights and KV cache (inference) exceed the package's HBM
inline constexpr std::uint32_t workload_memory_short = 1u << (kKernelBitShift + 5);
/// average package power above constraints.tdp_w
inline constexpr std::uint32_t power_over_tdp = 1u << (kKernelBitShift + 6);
/// a compute die's power density above the cooling's die heat-flux limit (thermal.limits.*_heat_flux_limit)
inline constexpr std::uint32_t heat_flux_over_limit = 1u << (kKernelBitShift + 7);
/// inference: time to first token or time per output token above the deck's SLO
inline constexpr std::uint32_t slo_missed = 1u << (kKernelBitShift + 8);
/// an off-package link technology whose reach is shorter than its tier must span (copper on scale-out)
inline constexpr std::uint32_t link_out_of_reach = 1u << (kKernelBitShift + 9);
/// the provable lower bound on the hottest logic die (thermal_bound.hpp) above constraints.tj_max_c
inline constexpr std::uint32_t thermal_bound_over_tj_max = 1u << (kKernelBitShift + 10);
/// tensor-parallel ranks on the package tier (the package's compute dies) that do not match its compute-die count
inline constexpr std::uint32_t package_tp_not_dies = 1u << (kKernelBitShift + 11);
/// verification rounds (solved_thermal.hpp): the hottest logic die settled on its package's solved temperatures above
/// constraints.tj_max_c
inline constexpr std::uint32_t solved_tj_over_max = 1u << (kKernelBitShift + 12);
/// verification rounds: no settled point on the solved temperatures (leakage and temperature feed each other without
/// bound within the settling's steps)
inline constexpr std::uint32_t thermal_runaway = 1u << (kKernelBitShift + 13);
inline constexpr std::uint32_t kernel_count = 14;
inline constexpr std::uint32_t count = kKernelBitShift + kernel_count;  ///< number of reason bits in all
}  // namespace infeasible

/// Short name of one reason bit of the combined mask ("die_over_reticle", "hbm_too_far", ...); "" if unknown.
const char* infeasibility_name(std::uint32_t bit) noexcept;

/// One kind of die as manufactured (compute, IO or cache), for the report.
struct DieReport {
  std::int32_t count = 0;          ///< 0: absent
  double area_mm2 = 0.0;
  double dies_per_wafer = 0.0;
  double yield = 0.0;              ///< true yield Y
  DieCost cost;                    ///< per shipped die; for a compute die under a cache die: the 3D stack
};

/// NRE of the product, one-off totals (USD) and the amortised share per unit.
struct NreReport {
  double module_usd = 0.0;   ///< IP-block design, area-scaled (module share of the node NRE)
  double chip_usd = 0.0;     ///< chip integration, area-scaled, plus the fixed share WITHOUT the mask set
  double mask_usd = 0.0;     ///< mask sets, one per distinct die design (itemised out of the fixed share)
  double d2d_usd = 0.0;      ///< D2D / 3D interface designs, once per node that carries one
  double package_usd = 0.0;  ///< package (substrate, interposer or carrier) design
  double total_usd = 0.0;
  double per_unit_usd = 0.0;  ///< die designs / (volume x reuse for chiplets), package / volume
};

/// The itemised cost of one package (USD per package). Invariant: total_usd is the sum of the nine items.
struct CostBreakdown {
  double raw_dies_usd = 0.0;        ///< dies at wafer price / dies per wafer, and their bumps
  double defect_scrap_usd = 0.0;    ///< dies scrapped by the known-good-die test
  double test_usd = 0.0;            ///< KGD test of the shipped dies (tester time)
  double raw_package_usd = 0.0;     ///< substrate, interposer or carrier with bridges, before yield
  double package_scrap_usd = 0.0;   ///< substrates / interposers lost to their own yields
  double assembly_scrap_usd = 0.0;  ///< good dies and HBM lost in failed assemblies
  double hbm_usd = 0.0;             ///< purchased HBM stacks
  double optics_usd = 0.0;          ///< this package's end of its scale-up and scale-out links
  double nre_per_unit_usd = 0.0;    ///< amortised NRE
  double total_usd = 0.0;           ///< the cost_usd objective
};

/// Everything the kernel computed about one point (trivially copyable; ~5 kB: used by `evaluate` and output,
/// the search keeps only Metrics).
struct EvaluationDetail {
  AreaResult area;
  Geometry geometry;
  PackageCost package;
  DieReport compute, io, cache;
  NreReport nre;
};

/// Average power of one package at the workload, itemised (W). Invariant: total_w is the sum of the items.
struct PowerBreakdown {
  double compute_w = 0.0;   ///< dynamic energy of the arithmetic (energy per op x ops / time)
  double sram_w = 0.0;      ///< on-die SRAM traffic
  double hbm_w = 0.0;       ///< HBM traffic (DRAM + PHY)
  double d2d_w = 0.0;       ///< die-to-die traffic (2.5D PHYs and 3D bonds)
  double links_w = 0.0;     ///< off-package links: always on (lasers, SerDes, DSP), independent of utilisation
  double leakage_w = 0.0;   ///< static power of the dies, at the junction temperature leakage_tj_c
  double total_w = 0.0;
  /// The part of links_w dissipated off the package (pluggable modules in the faceplate cages, CPO's external laser
  /// source), not a further item of total_w; package_w = total_w - links_off_package_w is what the package draws,
  /// the power its limit (constraints.tdp_w) binds.
  double links_off_package_w = 0.0;
  double package_w = 0.0;
  /// leakage_w split by die kind (it is their sum; not further items of total_w): the thermal power map needs it,
  /// as each kind has its own node.
  double leakage_compute_w = 0.0, leakage_io_w = 0.0, leakage_cache_w = 0.0;
  double leakage_tj_c = 0.0;  ///< the junction temperature the leakage was evaluated at (C)
};

/// The metrics of one design point (DESIGN.md §2 objectives). The performance and power members are filled by
/// the performance stage (issue #5); until it runs they are 0.
struct Metrics {
  std::uint32_t infeasible = 0;       ///< reason bits (see namespace infeasible); 0 = feasible
  double cost_usd = 0.0;              ///< per package, all items of CostBreakdown
  double silicon_area_mm2 = 0.0;      ///< sum of die areas (count x area over compute, IO, cache)
  double package_area_mm2 = 0.0;      ///< placed substrate outline
  double interposer_area_mm2 = 0.0;   ///< placed interposer / carrier (0 without one)
  double throughput_tokens_per_s = 0.0;  ///< per package: cluster tokens/s / packages
  double latency_s = 0.0;             ///< training step time, or time per output token (inference)
  double power_w = 0.0;               ///< per package, average at the workload, incl. its link power
  double perf_per_w = 0.0;            ///< tokens/s per W
  double perf_per_usd = 0.0;          ///< tokens/s per USD of package cost
  double tco_usd_per_mtoken = 0.0;    ///< (capex + energy over the lifetime) per million tokens
  double tj_bound_c = 0.0;            ///< provable lower bound on the hottest logic die (thermal_bound.hpp), C
  double goodput_tokens_per_s = 0.0;  ///< throughput x (1 - checkpoint and failure waste) (goodput.hpp)
  double job_mtbf_h = 0.0;            ///< mean time between failures of the job (goodput.hpp); 0: none
  double mfu = 0.0;                   ///< model FLOPs per second / the design's peak at the workload precision
  double ttft_s = 0.0;                ///< inference: a request's time to first token (the iteration it joins: the
                                      ///< decode step + the prompts joining, at least its own; model/step_time.hpp)
  double tpot_s = 0.0;                ///< inference: time per output token under in-flight batching (a decode step +
                                      ///< the prompts interleaved per step); 0 for training
  double energy_pj_per_flop = 0.0;    ///< package power / model FLOPs per second (achieved, all power sources)
  double effective_clock_ghz = 0.0;   ///< the compute clock the design runs at (below its own under a DVFS clamp)
  /// What the step waits on, shares adding up to 1 (model/step_time.hpp TimeShares): compute, HBM, D2D (with the
  /// package tier's collectives), the scale-up and scale-out tiers' collectives and sends, the pipeline bubble.
  double time_compute_share = 0.0, time_hbm_share = 0.0, time_d2d_share = 0.0, time_scale_up_share = 0.0,
         time_scale_out_share = 0.0, time_bubble_share = 0.0;
  double batch_sequences = 0.0;       ///< sequences per micro-batch (training) or per batch in flight per stage
                                      ///< (inference; with batch_policy = "fill_memory", what this design's HBM holds)
  double hbm_tb_per_s = 0.0;          ///< HBM traffic, average over the step (TB/s, both directions)
  double hbm_reread_fraction = 0.0;   ///< of it: what the matrix products re-read through the on-chip buffer
                                      ///< (sram_tiling.hpp); the rest reads and writes every operand once
  double achieved_flops_per_s = 0.0;  ///< model FLOPs per second (mfu x peak); not a result column
  /// The hottest logic die on its package's SOLVED temperatures (verification rounds, solved_thermal.hpp), C; 0 when
  /// the point was not settled on a solve (its geometry not solved, or no rounds).
  double tj_solved_c = 0.0;
  /// On the same solve: the hottest HBM stack and optical engine (C; 0 without one, or unsolved). Reported, not
  /// judged: the technology data gives them no limit.
  double hbm_solved_c = 0.0, optical_engine_solved_c = 0.0;
  std::uint64_t geometry_key = 0;     ///< the placed geometry's key (Geometry::key; 0: it did not place); not a column
  CostBreakdown cost;
  PowerBreakdown power;
};

/// Evaluates one design point. Pure, noexcept, thread-safe (params are read-only); no allocation.
/// Every returned number is finite for any choice, feasible or not.
/// @param detail when not null, receives the intermediate results (area, placement, package cost, dies, NRE)
Metrics evaluate(const DesignChoice& choice, const KernelParams& params, EvaluationDetail* detail = nullptr) noexcept;

/// The point with its leakage taken at junction temperature `tj_c` (C) instead of the bound's: what evaluate() does,
/// with the temperature given rather than settled against the thermal bound (the bound is still evaluated on the
/// resulting power map, tj_bound_c). For an operating point at a solved temperature (app/evaluate_thermal.cpp); at
/// tj_c = evaluate(choice).power.leakage_tj_c it repeats evaluate()'s last step. Pure, noexcept, no allocation.
Metrics evaluate_at_junction(const DesignChoice& choice, const KernelParams& params, double tj_c,
                             EvaluationDetail* detail = nullptr) noexcept;

/// Step time, throughput and latency (performance) and power per package at the workload (issue #5; equations in
/// perf_params.hpp and perf_stage.cpp). Fills the performance and power members of `out`, its derived objectives
/// (perf/W, perf/USD, TCO; needs out.cost_usd) and the infeasible bits it finds. Leakage is evaluated at junction
/// temperature `tj_c` (C); evaluate() finds the temperature consistent with the thermal bound. With `dvfs` false the
/// clock is never lowered (constraints.tdp_policy = "dvfs" applies only when it is true). With batch_policy = "slo",
/// `batch_hint` (sequences; 0 = none) is where the search for the batch looks first: the batch the same point found at
/// a nearby temperature. Whether a batch meets the SLOs is monotone in the batch, so the hint changes only how many
/// batches are tried, not the one found.
void evaluate_performance(const DesignChoice& choice, const KernelParams& params, const AreaResult& area, double tj_c,
                          Metrics& out, bool dvfs = true, double batch_hint = 0.0) noexcept;

/// Re-evaluates what depends on the junction temperature (the leakage, the total power and every constraint and
/// objective computed from it) on a point evaluate_performance filled WITHOUT a DVFS clamp, whose time does not depend
/// on the temperature. The same results, bit for bit, as evaluate_performance(..., tj_c, out, false).
void update_leakage_temperature(const DesignChoice& choice, const KernelParams& params, const AreaResult& area,
                                double tj_c, Metrics& out) noexcept;

/// The cost stage alone (evaluate() calls it): dies, package, HBM, optics, NRE for a placed package.
/// Fills `out.cost`, `out.cost_usd` and the infeasible bits it finds; `detail` as in evaluate().
void evaluate_cost(const DesignChoice& choice, const KernelParams& params, const AreaResult& area,
                   const Geometry& geometry, Metrics& out, EvaluationDetail* detail) noexcept;

}  // namespace chipdse::model

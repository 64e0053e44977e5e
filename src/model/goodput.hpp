// chipdse/model/goodput.hpp — reliability -> goodput (shared/reference/perf_models.md §6.5, issue #5): component
// failure rates give the job's mean time between failures, Young/Daly checkpointing and the repair/restart time per
// failure give the wasted fraction of time, and goodput = throughput x (1 - waste). This is where co-packaged
// optics' reliability (fewer lasers) meets its serviceability (a failed engine takes the package out).
// model/: never includes MPI, PETSc, HDF5 or toml++.
//
// Model (rates per hour; 1 FIT = 1e-9 per hour):
//   lambda_pkg = FIT_die/mm2 x silicon area + n_hbm FIT_hbm + FIT_host
//              + sum over the two tiers (scale-up, scale-out) of n_ports(t) (n_lasers(t) FIT_laser(t) + FIT_engine(t))
//     n_ports = the tier's bandwidth per direction / 1.6 Tb/s (lasers and engine FIT are quoted per 1.6T port);
//     FIT_die/mm2 = the H100 die's measured rate / its area (failures taken proportional to silicon area, all dies
//     alike: no per-node or per-die-kind field data); FIT_host = the rest of the node (CPU, host, software) per
//     package, measured on the same cluster. Switches and the switch end of each link are not counted (no FIT
//     data in inputs/tech): perf_models.md's "+ n_switch lambda_sw" term is 0.
//   Job MTBF  M = 1 / (n lambda_pkg), n = packages the job needs: training: the whole cluster (one synchronous
//     job, workload.cluster_packages); inference: one replica (cluster / data-parallel replicas), as a failure stops
//     only its replica.
//   Restart cost per failure R_c = job restart + repair of class c:
//     field-replaceable (FRU) — lasers of pluggable and LPO modules (in the module) and of CPO and the optical I/O
//       chiplet (the external laser source is serviceable: link.<t>.field_replaceable_unit), the engine (module electronics / cable) of every
//       tech whose link.<t>.serviceable = true: R = restart + FRU swap;
//     package-level — dies, HBM, the host, and the engine of a non-serviceable tech (CPO: "optical engines are
//       replaced with the switch or board"; the optical I/O chiplet is in the package): R = restart + package
//       replacement.
//   Young (1974) / Daly (2006) first order: tau* = sqrt(2 delta M), delta = checkpoint write time = model state
//     bytes (16 per parameter: mixed-precision Adam, Rajbhandari et al., ZeRO, SC20) / storage bandwidth (per
//     package x packages), and
//       waste = delta / tau* + tau* / (2 M) + R_mean / M = sqrt(2 delta / M) + n sum_c lambda_c R_c,
//     clamped to [0, 1]. Inference keeps no checkpoint: waste = n sum_c lambda_c R_c over its replica.
//   Goodput = throughput x (1 - waste).
// Every constant is an entry of inputs/tech (see resolve_goodput_params in goodput.cpp for the paths).
#pragma once

#include <array>
#include <cstdint>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/perf_params.hpp"

namespace chipdse::deck {
struct Deck;
}

namespace chipdse::model {

struct KernelParams;
struct Metrics;

/// The constants of the reliability model, resolved once per run (resolve_goodput_params). Rates in FIT.
struct GoodputParams {
  bool training = true;                 ///< workload.kind: checkpointed training job, or inference replicas
  std::array<double, kMaxMappings> job_packages{};  ///< n per parallel mapping: the packages one failure stops (top of file)
  double die_fit_per_mm2 = 0.0;         ///< compute.h100.die_failure_rate_fit / compute.h100.die_area_mm2
  double hbm_stack_fit = 0.0;           ///< memory.common.hbm_stack_failure_rate_fit
  double host_fit = 0.0;                ///< compute.common.host_failure_rate_fit (per package)
  std::array<double, kLinkTechCount> lasers_per_port{};   ///< link.<t>.lasers_per_1600g_port
  std::array<double, kLinkTechCount> laser_fit{};         ///< link.<t>.laser_failure_rate_fit (0 without lasers)
  std::array<double, kLinkTechCount> engine_fit_per_port{};  ///< link.<t>.engine_failure_rate_fit
  std::array<bool, kLinkTechCount> engine_serviceable{};  ///< link.<t>.serviceable
  double scale_up_ports = 0.0;          ///< per package: scale-up bandwidth per direction / 1.6 Tb/s
  double scale_out_ports = 0.0;         ///< per package: scale-out bandwidth per direction / 1.6 Tb/s
  double restart_h = 0.0;               ///< compute.common.job_restart_h
  double fru_swap_h = 0.0;              ///< link.cluster.field_replaceable_unit_swap_h
  double package_replacement_h = 0.0;   ///< compute.common.package_replacement_h
  double checkpoint_write_h = 0.0;      ///< delta (training; 0 for inference)
};

/// The failure rates of one package, split by what a failure costs (per hour).
struct FailureRates {
  double package_level_per_h = 0.0;  ///< dies, HBM, host, non-serviceable engines: restart + package replacement
  double field_replaceable_per_h = 0.0;  ///< lasers, serviceable engines and modules: restart + FRU swap
  constexpr double total_per_h() const noexcept { return package_level_per_h + field_replaceable_per_h; }
};

/// Young/Daly first-order waste of a checkpointed job: delta / tau* + tau* / (2 M) + restart / M with
/// tau* = sqrt(2 delta M) (perf_models.md §6.5). Hours in, fraction out; not clamped. 0 for mtbf_h <= 0.
double young_daly_waste(double checkpoint_write_h, double mtbf_h, double mean_restart_h) noexcept;

/// Failure rates of one package with `silicon_area_mm2` of dies, `hbm_stacks` stacks and links `up`, `out`.
FailureRates package_failure_rates(const GoodputParams& g, double silicon_area_mm2, std::int32_t hbm_stacks,
                                   LinkTech up, LinkTech out) noexcept;

/// What the stage reports.
struct GoodputResult {
  double job_mtbf_h = 0.0;              ///< 1 / (n lambda_pkg); 0 when nothing can fail
  double checkpoint_interval_h = 0.0;   ///< tau* (training), 0 otherwise
  double waste_fraction = 0.0;          ///< in [0, 1]
  double goodput_tokens_per_s = 0.0;    ///< throughput x (1 - waste)
};

/// The model of the top of this file for given rates and throughput. Finite for any input.
/// `mapping` selects job_packages (DesignChoice::mapping), < kMaxMappings.
GoodputResult goodput_of(const GoodputParams& g, const FailureRates& rates, double throughput_tokens_per_s,
                         std::size_t mapping = 0) noexcept;

/// The kernel stage (evaluate() calls it after evaluate_performance): fills out.goodput_tokens_per_s and
/// out.job_mtbf_h from out.throughput_tokens_per_s. No allocation, noexcept.
void evaluate_goodput(const DesignChoice& choice, const KernelParams& params, const AreaResult& area,
                      Metrics& out) noexcept;

/// Fills k.goodput from the deck's [workload], [reference] and its technology database.
/// @throws Error naming a missing technology path or attribute.
void resolve_goodput_params(KernelParams& k, const deck::Deck& deck);

}  // namespace chipdse::model

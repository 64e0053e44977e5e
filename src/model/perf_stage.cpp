// The performance and power stage of the kernel (evaluate.hpp; constants and demand in perf_params.hpp).
//
// Time (shared/reference/perf_models.md §6.3): model/step_time.cpp, itemised in StepTimes.
//
// Power (§6.4), average over the step: compute = executed FLOP/s x e_flop(node) (clock / f_nom(node))^(gamma - 1),
//   e_flop = the fitted on-die energy per BF16 FLOP at N5 (compute.common.core_energy_pj_per_flop) scaled by
//   energy_per_op_rel_n7 and the precision, f_nom(node) = reference clock x fmax_rel_n7(node) /
//   fmax_rel_n7(reference node); SRAM = 2 x HBM bytes (each byte staged once in and out) x 8 x pJ/bit; HBM and D2D
//   bytes x 8 x pJ/bit; links always on = port rate per direction x pJ/bit of the technology (lasers, SerDes and DSP
//   burn whether or not data moves); leakage = sum over dies of area x the static density of the die's node x
//   exp(k (T_j - T_ref)) at the junction temperature evaluate() settles on. With constraints.tdp_policy =
//   "dvfs" the clock is lowered until the package meets tdp_w (evaluate_performance).

#include <algorithm>
#include <cmath>
#include <optional>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/step_time.hpp"

namespace chipdse::model {

namespace {

constexpr std::size_t idx(auto e) noexcept { return static_cast<std::size_t>(e); }


// g(T_j) of the leakage. The temperature is capped where any junction limit has long been passed, so a runaway point
// (rejected by the thermal bound anyway) keeps finite numbers.
double leakage_temperature_factor(const PerfParams& p, double tj_c) noexcept {
  constexpr double kCapC = 250.0;
  const double t = std::isfinite(tj_c) ? std::min(tj_c, kCapC) : p.leakage_reference_c;
  return std::exp(p.leakage_per_k * (t - p.leakage_reference_c));
}

// Leakage by node and junction temperature (perf_models.md §6.4: sum A_die p_leak(node) g(T_j)), and the total.
void set_leakage_power(const PerfParams& p, const AreaResult& area, double tj_c, PowerBreakdown& pw) noexcept {
  const double g = leakage_temperature_factor(p, tj_c);
  const auto leak = [&](const DieArea& d) noexcept {
    return static_cast<double>(d.count) * d.area_mm2 * p.leakage_w_per_mm2[idx(d.node)] * g;
  };
  pw.leakage_compute_w = leak(area.compute);
  pw.leakage_io_w = leak(area.io);
  pw.leakage_cache_w = leak(area.cache);
  pw.leakage_w = pw.leakage_compute_w + pw.leakage_io_w + pw.leakage_cache_w;
  pw.leakage_tj_c = tj_c;
  pw.total_w = pw.compute_w + pw.sram_w + pw.hbm_w + pw.d2d_w + pw.links_w + pw.leakage_w;
  pw.package_w = pw.total_w - pw.links_off_package_w;
}

// Time, power and the metrics that follow from them at compute clock `clock` (GHz), running demand `d`; returns the
// itemised time it used.
StepTimes performance_at(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                    double clock, double tj_c, Metrics& out) noexcept {
  const PerfParams& p = k.perf;
  const StepTimes t = step_times(c, k, area, d, clock);
  if (!t.valid) return t;  // no throughput; stays 0

  double flops_per_s = 0.0, executed_flops_per_s = 0.0, hbm_bytes_per_s = 0.0, reread_bytes_per_s = 0.0;
  const double step_s = t.step_s;
  out.batch_sequences = d.batch_sequences;
  if (d.training) {
    flops_per_s = d.micro_batches * d.flops_per_micro_batch / step_s;
    executed_flops_per_s = d.micro_batches * d.executed_flops_per_micro_batch / step_s;
    hbm_bytes_per_s = (d.micro_batches * t.hbm_micro_batch_bytes + d.optimizer_hbm_bytes) / step_s;
    reread_bytes_per_s = d.micro_batches * t.reread_micro_batch_bytes / step_s;
    out.latency_s = step_s;
    out.throughput_tokens_per_s = d.tokens_per_step / step_s / d.packages;
  } else {
    // Each stage serves the pp batches in flight in turn (micro_batches = pp), busy for the whole step.
    flops_per_s =
        (d.flops_per_micro_batch + d.output_tokens * (d.decode_flops + d.decode_attention_flops)) * d.micro_batches / step_s;
    executed_flops_per_s = flops_per_s;
    hbm_bytes_per_s = (t.hbm_micro_batch_bytes + d.output_tokens * (t.hbm_decode_bytes + d.decode_attention_hbm_bytes)) *
                      d.micro_batches / step_s;
    reread_bytes_per_s = (t.reread_micro_batch_bytes + d.output_tokens * t.reread_decode_bytes) * d.micro_batches / step_s;
    out.latency_s = t.tpot_s;
    out.ttft_s = t.ttft_s;
    out.tpot_s = t.tpot_s;
    out.throughput_tokens_per_s = d.tokens_per_step / step_s / d.packages;
  }

  // Power.
  PowerBreakdown& pw = out.power;
  const double f_nom = p.reference_clock_ghz * p.fmax_rel_n7[idx(area.compute.node)] / p.fmax_rel_n7[idx(p.reference_node)];
  const double e_flop = p.energy_per_flop_n5_j * p.energy_rel_n7[idx(area.compute.node)] /
                        p.energy_rel_n7[idx(ProcessNode::n5)] * d.energy_rate_vs_bf16 *
                        std::pow(clock / f_nom, p.dvfs_exponent - 1.0);
  pw.compute_w = executed_flops_per_s * e_flop;
  pw.sram_w = 2.0 * hbm_bytes_per_s * 8.0 * p.sram_pj_per_bit * 1e-12;
  pw.hbm_w = hbm_bytes_per_s * 8.0 * p.hbm_pj_per_bit[idx(c.hbm)] * 1e-12;
  pw.d2d_w = t.cross_share > 0.0 ? hbm_bytes_per_s * t.cross_share * 8.0 * p.d2d_pj_per_bit[idx(c.d2d)] * 1e-12 : 0.0;
  pw.links_w = (p.scale_up_bytes_per_s * p.link_pj_per_bit[idx(c.scale_up_link)] +
                p.scale_out_bytes_per_s * p.link_pj_per_bit[idx(c.scale_out_link)]) * 8.0 * 1e-12;
  pw.links_off_package_w = (p.scale_up_bytes_per_s * p.link_off_package_pj_per_bit[idx(c.scale_up_link)] +
                           p.scale_out_bytes_per_s * p.link_off_package_pj_per_bit[idx(c.scale_out_link)]) * 8.0 * 1e-12;
  set_leakage_power(p, area, tj_c, pw);
  out.power_w = pw.total_w;
  // Model FLOPs utilisation: the workload's own FLOPs (no recomputation) per second over the design's peak at the
  // workload precision; the achieved energy per FLOP counts every power source of the package.
  out.mfu = flops_per_s / t.peak_flops;
  out.achieved_flops_per_s = flops_per_s;
  out.hbm_tb_per_s = hbm_bytes_per_s * 1e-12;
  out.hbm_reread_fraction = hbm_bytes_per_s > 0.0 ? reread_bytes_per_s / hbm_bytes_per_s : 0.0;
  out.energy_pj_per_flop = flops_per_s > 0.0 ? pw.total_w / flops_per_s * 1e12 : 0.0;
  return t;
}

// The constraints and derived objectives of a point whose time and power are set (the tail of evaluate_performance;
// update_leakage_temperature runs it again after the leakage changed).
void finish(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
            Metrics& out) noexcept {
  const PerfParams& p = k.perf;
  const PowerBreakdown& pw = out.power;
  const int kdies = area.compute.count;

  // Constraints.
  // On the package tier the tensor-parallel ranks are the package's compute dies (one for a monolithic die).
  if (d.tensor_tier == Tier::package && d.tp != static_cast<double>(kdies)) out.infeasible |= infeasible::package_tp_not_dies;
  if (p.link_reach_m[idx(c.scale_up_link)] < p.scale_up_reach_m || p.link_reach_m[idx(c.scale_out_link)] < p.scale_out_reach_m)
    out.infeasible |= infeasible::link_out_of_reach;
  const double hbm_gb = static_cast<double>(c.hbm_stacks) * k.hbm[idx(c.hbm)].capacity_gb;
  if (d.hbm_capacity_needed_gb > hbm_gb) out.infeasible |= infeasible::workload_memory_short;
  // The limit binds what the package draws: a pluggable module or an external laser is powered and cooled elsewhere.
  if (p.tdp_w > 0.0 && pw.package_w > p.tdp_w) out.infeasible |= infeasible::power_over_tdp;
  const double compute_die_mm2 = area.compute.area_mm2 * static_cast<double>(kdies);
  const double compute_die_w = pw.compute_w + pw.sram_w + pw.leakage_compute_w;
  if (compute_die_mm2 > 0.0 && compute_die_w / compute_die_mm2 > p.heat_flux_limit_w_per_mm2)
    out.infeasible |= infeasible::heat_flux_over_limit;

  // Derived objectives.
  out.perf_per_w = pw.total_w > 0.0 ? out.throughput_tokens_per_s / pw.total_w : 0.0;
  out.perf_per_usd = out.cost_usd > 0.0 ? out.throughput_tokens_per_s / out.cost_usd : 0.0;
  const double tokens = out.throughput_tokens_per_s * p.lifetime_s;
  out.tco_usd_per_mtoken = tokens > 0.0 ? (out.cost_usd + pw.total_w * p.lifetime_s * p.electricity_usd_per_j) / tokens * 1e6 : 0.0;
}

}  // namespace

namespace {

// TDP clamp (perf_models.md §6.4): the clock falls until the package draws the limit. The first step is the proposal's,
// f' = f ((TDP - P_rest) / P_compute)^(1 / gamma) (compute power ~ FLOP rate x energy per FLOP ~ f^gamma when
// compute-bound). Memory-bound work loses less than f^gamma predicts (its FLOP rate barely follows the clock, only the
// energy per FLOP, ~ f^(gamma - 1)), so that step alone would close about a quarter of the excess each time, and where
// the binding ceiling changes with the clock the power has kinks. So the clock is found as the root of package power -
// limit in ln f: secant steps while every clock tried is over the limit, then Illinois regula falsi inside the bracket
// (Dowell & Jarratt, BIT 11, 1971), ending at the highest clock found within kBand below the limit. Deterministic:
// the same steps for the same point. A point whose power stays over the limit (even a stopped datapath is over it) is
// infeasible in finish().
StepTimes clamp_to_power_limit(const DesignChoice& c, const KernelParams& k, const AreaResult& area,
                               const WorkloadDemand& d, double tj_c, double& clock, Metrics& out) noexcept {
  constexpr int kMaxSteps = 24;
  constexpr double kBand = 1e-7;  // stop within this share of the limit below it
  const PerfParams& p = k.perf;
  const double limit_w = p.tdp_w, target_w = p.tdp_w * (1.0 - 0.5 * kBand);
  StepTimes t{};
  double hi_x = std::log(clock), hi_g = out.power.package_w - target_w;  // lowest clock seen over the limit
  double prev_x = hi_x, prev_g = hi_g;
  bool bracketed = false;
  double lo_x = 0.0, lo_g = 0.0;  // highest clock seen at or under the limit
  Metrics lo_m{};
  StepTimes lo_t{};
  int retained = 0;  // Illinois: +1 when the last clock tried was at or under the limit, -1 over it
  for (int step = 0; step < kMaxSteps; ++step) {
    double x;
    if (!bracketed) {
      const double rest = out.power.package_w - out.power.compute_w;
      if (!(target_w > rest) || !(out.power.compute_w > 0.0)) break;  // even a stopped datapath is over the limit
      x = hi_x + std::log((target_w - rest) / out.power.compute_w) / p.dvfs_exponent;
      if (step > 0) {
        const double slope = (hi_g - prev_g) / (hi_x - prev_x);  // W per unit of ln f
        const double secant = hi_x - hi_g / slope;
        if (slope > 0.0 && std::isfinite(secant) && secant < hi_x) x = secant;
      }
    } else {
      x = hi_x - hi_g * (hi_x - lo_x) / (hi_g - lo_g);
      if (!(x > lo_x && x < hi_x)) x = 0.5 * (lo_x + hi_x);
    }
    clock = std::exp(x);
    t = performance_at(c, k, area, d, clock, tj_c, out);
    const double g = out.power.package_w - target_w;
    if (out.power.package_w <= limit_w) {
      lo_x = x, lo_g = g, lo_m = out, lo_t = t;
      if (bracketed && retained == 1) hi_g *= 0.5;
      retained = bracketed ? 1 : 0;
      bracketed = true;
      if (out.power.package_w >= limit_w * (1.0 - kBand)) break;
    } else {
      prev_x = hi_x, prev_g = hi_g;
      hi_x = x, hi_g = g;
      if (bracketed && retained == -1) lo_g *= 0.5;
      retained = bracketed ? -1 : 0;
    }
    if (bracketed && hi_x - lo_x < 1e-12) break;
  }
  if (bracketed && out.power.package_w > limit_w) {  // end at the feasible side
    out = lo_m;
    t = lo_t;
    clock = std::exp(lo_x);
  }
  return t;
}

// The time and power of demand `d` at the design's clock, lowered under a DVFS clamp, and the constraints.
void run_demand_at_clock(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                         double tj_c, Metrics& out, bool dvfs) noexcept {
  const PerfParams& p = k.perf;
  double clock = c.clock_ghz > 0.0 ? c.clock_ghz : p.reference_clock_ghz;
  StepTimes t = performance_at(c, k, area, d, clock, tj_c, out);
  if (dvfs && p.tdp_dvfs && p.tdp_w > 0.0 && out.power.package_w > p.tdp_w)
    t = clamp_to_power_limit(c, k, area, d, tj_c, clock, out);
  out.effective_clock_ghz = clock;
  // The SLOs and what the step waits on, at the clock it settled on (not at every clamp step).
  if (!d.training && t.valid && !slo_check(c, k, area, d, clock, t, true).met) out.infeasible |= infeasible::slo_missed;
  const TimeShares shares = time_shares(t, d, p.overlap);
  out.time_compute_share = shares.compute;
  out.time_hbm_share = shares.hbm;
  out.time_d2d_share = shares.d2d;
  out.time_scale_up_share = shares.scale_up;
  out.time_scale_out_share = shares.scale_out;
  out.time_bubble_share = shares.bubble;
  finish(c, k, area, d, out);
}

}  // namespace

void evaluate_performance(const DesignChoice& c, const KernelParams& k, const AreaResult& area, double tj_c,
                          Metrics& out, bool dvfs, double batch_hint) noexcept {
  const PerfParams& p = k.perf;
  std::optional<WorkloadDemand> filled;  // only with batch_policy = "fill_memory" or "slo"; the deck's otherwise
  const WorkloadDemand& d =
      p.batch_fills_memory ? filled.emplace(point_demand(p, c.mapping, c.hbm, c.hbm_stacks)) : p.demands[c.mapping];
  if (!p.batch_meets_slo) {
    run_demand_at_clock(c, k, area, d, tj_c, out, dvfs);
    return;
  }
  // batch_policy = "slo" (perf_models.md §6.3: SLO-constrained throughput = the largest batch whose TTFT and TPOT meet
  // the SLOs): both rise with the batch (more work and KV cache per step, and under a power limit a lower clock), so
  // the largest batch up to what the HBM holds that meets them is found by bisection over whole sequences. A design
  // that misses them even with one sequence runs one, infeasible (slo_missed). Tile quantisation makes throughput
  // saw-toothed in the batch: a decode step of q j + 1 sequences pays a whole extra row of tiles (q = the half tile
  // height, sram_tiling.hpp), while inside (q j, q (j + 1)] the padded rows are fixed and throughput = batch / TPOT
  // rises with the batch. So the best batch meeting the SLOs is the largest one or the largest multiple of q below it;
  // an operator tuning the engine's batch to the SLO picks the better of the two (ties: the larger).
  const Metrics before = out;
  const auto run = [&](double sequences, Metrics& m) noexcept {
    m = before;
    run_demand_at_clock(c, k, area, demand_at_batch(p, p.demands[c.mapping], sequences), tj_c, m, dvfs);
    return (m.infeasible & infeasible::slo_missed) == 0u && m.throughput_tokens_per_s > 0.0;
  };
  const double most = d.batch_sequences;
  if (run(most, out) || most <= 1.0) return;
  // Invariant: `meets` meets the SLOs (its result in `found`), `misses` does not; 0 = not known yet. A hint inside
  // (1, most) is tried with its neighbour first: at a nearby temperature the boundary moves by a sequence or none.
  Metrics probe, found;
  double meets = 0.0, misses = most;
  const auto record = [&](double sequences) noexcept {
    if (run(sequences, probe)) {
      meets = sequences;
      found = probe;
    } else {
      misses = sequences;
    }
  };
  const double q = p.gemm_tile.m / 2.0;
  const double hint = std::floor(batch_hint);
  if (hint > 1.0 && hint < most) {
    record(hint);
    const double next = meets == hint ? hint + 1.0 : hint - 1.0;
    if (next < misses && next > meets) record(next);
  }
  // With percentile limits the verdict need not fall monotonically with the batch: the number in flight's variance
  // follows the TPOT's slope, which a tile step inside its window raises (SloCheck, step_time.hpp). So without a hint
  // the multiples of q are tried from the top down first, and the bisection runs inside the tile above the largest
  // that meets them: the largest batch meeting the limits in the uppermost tile where any does.
  if (meets == 0.0 && q >= 1.0) {
    for (double a = std::floor((most - 1.0) / q) * q; a >= q; a -= q) {
      record(a);
      if (meets == a) {
        misses = std::min(misses, a + q);
        break;
      }
    }
  }
  if (meets == 0.0) {
    if (!run(1.0, probe)) {
      out = probe;
      return;
    }
    meets = 1.0;
    found = probe;
  }
  while (misses - meets > 1.0) record(std::floor((meets + misses) / 2.0));
  out = found;
  const double aligned = q >= 1.0 ? std::floor(meets / q) * q : 0.0;
  if (aligned >= 1.0 && aligned < meets && run(aligned, probe) &&
      probe.throughput_tokens_per_s > out.throughput_tokens_per_s)
    out = probe;
}

void update_leakage_temperature(const DesignChoice& c, const KernelParams& k, const AreaResult& area, double tj_c,
                                Metrics& out) noexcept {
  PowerBreakdown& pw = out.power;
  set_leakage_power(k.perf, area, tj_c, pw);
  out.power_w = pw.total_w;
  out.energy_pj_per_flop = out.achieved_flops_per_s > 0.0 ? pw.total_w / out.achieved_flops_per_s * 1e12 : 0.0;
  out.infeasible &= ~(infeasible::power_over_tdp | infeasible::heat_flux_over_limit);  // re-decided by finish
  std::optional<WorkloadDemand> filled;  // only with batch_policy = "fill_memory" or "slo"; the deck's otherwise
  const WorkloadDemand& d = k.perf.batch_fills_memory
                                ? filled.emplace(run_demand(k.perf, c.mapping, c.hbm, c.hbm_stacks, out.batch_sequences))
                                : k.perf.demands[c.mapping];
  finish(c, k, area, d, out);
}

}  // namespace chipdse::model

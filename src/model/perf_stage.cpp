// The performance and power stage of the kernel (evaluate.hpp; constants and demand in perf_params.hpp).
//
// Time (shared/reference/perf_models.md §6.3), per micro-batch of one pipeline stage on one package:
//   ceilings  t_c = F / (P_peak eta_gemm u_tile),  t_hbm = Q / (n_stacks BW_stack eta_hbm),
//             t_d2d = Q_cross / (k BW_d2d)   (chiplets_io*: all HBM traffic crosses from the IO die to the
//                                             compute dies; chiplets: the (k - 1) / k remote share of an
//                                             interleaved address map, none with TP across the chiplets, whose
//                                             shards are local; monolithic: none)
//             u_tile: tile and wave quantisation of the layer's matrix products (perf_params_from_deck.cpp)
//   local     t = max + (1 - omega) (sum - max), per operator
//   TP        n_AR ring all-reduces of M over p = TP on the tensor tier: 2 (p - 1) alpha + 2 (p - 1) / p M / beta
//   EP        MoE dispatch and combine: all-to-all among the ep ranks on the expert tier (model/collectives.hpp)
//   PP        forward and backward point-to-point: 2 (alpha + M / beta)
// Training step (1F1B): T = (m + PP - 1) t_mb + max(0, T_DP - backward time) + optimizer pass over HBM; with full
//   activation recomputation the executed FLOPs are 4/3 of the model's; T_DP is hierarchical inside a scale-up
//   domain (dp_all_reduce_s).
// Inference: TTFT = PP (prefill of the prompt); TPOT = PP (decode step = matrix products over the weights + attention
//   over the KV cache, each at its own roofline; the KV stream at kv_cache_bandwidth_efficiency of the HBM ceiling);
//   both + (PP - 1) point-to-point sends of the batch's activations (prompt: tokens x d_model; decode: one token each);
//   with PP stages the pipeline holds PP batches in flight, so tokens/s per package = batch / (TTFT / output_tokens +
//   TPOT) / TP.
// HBM traffic: the demand's (every operand once) + what the matrix products re-read through one compute die's share of
//   the SRAM (tiling bound, model/sram_tiling.hpp), in every phase.
// Tiers: package = the D2D fabric among the package's compute dies, which are then the tensor-parallel ranks (alpha =
//   UCIe one-way latency, beta = one chiplet's D2D bandwidth; TP must equal the compute-die count),
//   scale_up / scale_out = the reference's per-package bandwidth per direction x protocol efficiency, alpha =
//   collective software latency + switch + time of flight over the tier's span (5 ns/m) + two links (to the switch
//   and from it), each with its interface latency (SerDes or optical I/O chiplet), an RS(544,514) FEC decode unless
//   the technology has none (optical I/O chiplet) and the DSP retimer of pluggable DSP optics.
// Peak: the reference compute at its precision, times the workload's precision rate, times clock / reference clock.
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

#include "chipdse/model/collectives.hpp"
#include "chipdse/model/evaluate.hpp"

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

double overlapped(double a, double b, double c, double omega) noexcept {
  const double m = std::max({a, b, c});
  return m + (1.0 - omega) * (a + b + c - m);
}

// Time, power and the metrics that follow from them at compute clock `clock` (GHz).
void performance_at(const DesignChoice& c, const KernelParams& k, const AreaResult& area, double clock, double tj_c,
                    Metrics& out) noexcept {
  const PerfParams& p = k.perf;
  std::optional<WorkloadDemand> filled;  // only with batch_policy = "fill_memory"; the deck's demand otherwise, by reference
  const WorkloadDemand& d =
      p.batch_fills_memory ? filled.emplace(point_demand(p, c.mapping, c.hbm, c.hbm_stacks)) : p.demands[c.mapping];
  const double peak = p.reference_peak_flops * d.precision_rate_vs_reference * clock / p.reference_clock_ghz;
  const double hbm_bw = static_cast<double>(c.hbm_stacks) * p.hbm_bytes_per_s[idx(c.hbm)] * p.hbm_efficiency;
  const int kdies = area.compute.count;
  const bool io_die = area.io.count > 0;
  // Share of HBM traffic that crosses dies. With tensor parallelism across the chiplets (package tier) each die
  // holds its own shard in the stacks beside it and the exchange is the explicit all-reduces: no interleaved
  // crossing (an IO die still carries all of it).
  const double cross = c.partitioning == Partitioning::monolithic ? 0.0
                       : io_die                                   ? 1.0
                       : d.tensor_tier == Tier::package           ? 0.0
                                                                  : (kdies - 1.0) / kdies;
  const double d2d_bw = static_cast<double>(kdies) * c.d2d_tbps_per_direction * 1e12 / 8.0;

  const auto link_of = [&](Tier t) noexcept {
    if (t == Tier::package)
      return LinkAlphaBeta{p.d2d_latency_s[idx(c.d2d)], c.d2d_tbps_per_direction * 1e12 / 8.0};
    const bool up = t == Tier::scale_up;
    const LinkTech tech = up ? c.scale_up_link : c.scale_out_link;
    const double beta = (up ? p.scale_up_bytes_per_s : p.scale_out_bytes_per_s) * p.protocol_efficiency;
    const double alpha = step_latency(p, up, tech).total_s;
    return LinkAlphaBeta{alpha, beta};
  };
  // A monolithic die reduces on-die: the package tier costs nothing there.
  const auto collective = [&](Tier t, double bytes, double ranks) noexcept {
    if (t == Tier::package && c.partitioning == Partitioning::monolithic) return 0.0;
    return ring_all_reduce_s(bytes, static_cast<int>(ranks), link_of(t));
  };
  // Data-parallel gradient all-reduce. Megatron orders ranks tensor-parallel first, then data-parallel (Narayanan et
  // al., SC21, §3), so a scale-up domain of D packages holds D / TP replicas of a stage when TP runs over scale-up: over
  // scale-out those reduce hierarchically (reduce-scatter over scale-up, all-reduce of 1/p1 over scale-out,
  // all-gather over scale-up; model/collectives.hpp), p1 = the largest divisor of DP not above D / TP.
  const auto dp_all_reduce_s = [&]() noexcept {
    if (d.data_tier != Tier::scale_out || d.tensor_tier == Tier::scale_out || d.dp <= 1.0)
      return collective(d.data_tier, d.dp_allreduce_bytes, d.dp);
    const int dp = static_cast<int>(d.dp);
    const double tp_packages = d.tensor_tier == Tier::scale_up ? d.tp : 1.0;  // package tier: TP inside one package
    int p1 = std::min(dp, static_cast<int>(p.scale_up_domain / tp_packages));
    while (p1 > 1 && dp % p1 != 0) --p1;
    if (p1 <= 1) return collective(d.data_tier, d.dp_allreduce_bytes, d.dp);
    return hierarchical_all_reduce_s(d.dp_allreduce_bytes, p1, link_of(Tier::scale_up), dp / p1, link_of(Tier::scale_out));
  };
  // MoE token dispatch and combine: all-to-all among the expert-parallel ranks (switched, full bisection).
  const auto all_to_all = [&](double bytes) noexcept {
    if (d.expert_tier == Tier::package && c.partitioning == Partitioning::monolithic) return 0.0;
    return all_to_all_s(bytes, static_cast<int>(d.ep), link_of(d.expert_tier));
  };
  const auto local = [&](double flops, double hbm_bytes, double tile_efficiency) noexcept {  // flops: executed
    const double tc = flops / (peak * p.gemm_efficiency * tile_efficiency);
    const double tm = hbm_bytes / hbm_bw;
    const double td = cross > 0.0 ? hbm_bytes * cross / d2d_bw : 0.0;
    return overlapped(tc, tm, td, p.overlap);
  };
  if (!(peak > 0.0) || !(hbm_bw > 0.0) || (cross > 0.0 && !(d2d_bw > 0.0))) return;  // no throughput; stays 0
  // What one die's share of the SRAM makes the matrix products re-read from HBM (model/sram_tiling.hpp).
  const double tile = buffer_tile(d.tiling, package_sram_mb(c, k), kdies);
  const double rows = d.batch_sequences * d.tiling.tokens_per_sequence;  // micro-batch or prompt tokens
  const double reread_micro_batch = layer_reread_bytes(d.tiling, rows, tile, d.training);
  const double hbm_micro_batch = d.hbm_bytes_per_micro_batch + reread_micro_batch;

  double step_s = 0.0, flops_per_s = 0.0, executed_flops_per_s = 0.0, hbm_bytes_per_s = 0.0, reread_bytes_per_s = 0.0;
  if (d.training) {
    const double t_local = local(d.executed_flops_per_micro_batch, hbm_micro_batch, d.tile_efficiency);
    const double t_tp = d.tp_allreduces_per_micro_batch * collective(d.tensor_tier, d.tp_message_bytes, d.tp);
    const LinkAlphaBeta pp = link_of(d.pipeline_tier);
    const double t_pp = d.pp > 1.0 ? 2.0 * (pp.alpha_s + d.pp_message_bytes / pp.beta_bytes_per_s) : 0.0;
    const double t_ep = d.ep_alltoalls_per_micro_batch * all_to_all(d.ep_message_bytes);
    const double t_mb = t_local + t_tp + t_pp + t_ep;
    const double t_dp = dp_all_reduce_s();
    const double backward = d.micro_batches * t_local * d.backward_share;
    const double t_opt = d.optimizer_hbm_bytes / hbm_bw;
    step_s = (d.micro_batches + d.pp - 1.0) * t_mb + std::max(0.0, t_dp - backward) + t_opt;
    flops_per_s = d.micro_batches * d.flops_per_micro_batch / step_s;
    executed_flops_per_s = d.micro_batches * d.executed_flops_per_micro_batch / step_s;
    hbm_bytes_per_s = (d.micro_batches * hbm_micro_batch + d.optimizer_hbm_bytes) / step_s;
    reread_bytes_per_s = d.micro_batches * reread_micro_batch / step_s;
    out.latency_s = step_s;
    out.throughput_tokens_per_s = d.tokens_per_step / step_s / d.packages;
  } else {
    // Decode attention streams every sequence's KV cache from paged blocks: it reaches only a share of the HBM
    // ceiling (memory.common.kv_cache_bandwidth_efficiency, fitted on H100's MLPerf Llama-2-70B Offline result, so it
    // also carries what the serving engine loses elsewhere).
    // Each stage hands its batch's activations to the next (one point-to-point send per stage boundary).
    const LinkAlphaBeta pp = link_of(d.pipeline_tier);
    const auto pp_send = [&](double bytes) noexcept { return d.pp > 1.0 ? pp.alpha_s + bytes / pp.beta_bytes_per_s : 0.0; };
    const double reread_decode = layer_reread_bytes(d.tiling, d.batch_sequences, tile, false);
    const double hbm_decode = d.decode_hbm_bytes + reread_decode;
    const double ttft = d.pp * (local(d.flops_per_micro_batch, hbm_micro_batch, d.tile_efficiency) +
                                d.tp_allreduces_per_micro_batch * collective(d.tensor_tier, d.tp_message_bytes, d.tp) +
                                d.ep_alltoalls_per_micro_batch * all_to_all(d.ep_message_bytes)) +
                        (d.pp - 1.0) * pp_send(d.pp_message_bytes);
    const double tpot = d.pp * (local(d.decode_flops, hbm_decode, d.decode_tile_efficiency) +
                                local(d.decode_attention_flops, d.decode_attention_hbm_bytes / p.kv_cache_bandwidth_efficiency, 1.0) +
                                d.decode_tp_allreduces * collective(d.tensor_tier, d.decode_tp_message_bytes, d.tp) +
                                d.decode_ep_alltoalls * all_to_all(d.decode_ep_message_bytes)) +
                        (d.pp - 1.0) * pp_send(d.decode_pp_message_bytes);
    step_s = ttft + d.output_tokens * tpot;  // one request batch, prompt to last token
    // Each stage serves the pp batches in flight in turn (micro_batches = pp), busy for the whole step.
    flops_per_s =
        (d.flops_per_micro_batch + d.output_tokens * (d.decode_flops + d.decode_attention_flops)) * d.micro_batches / step_s;
    executed_flops_per_s = flops_per_s;
    hbm_bytes_per_s = (hbm_micro_batch + d.output_tokens * (hbm_decode + d.decode_attention_hbm_bytes)) *
                      d.micro_batches / step_s;
    reread_bytes_per_s = (reread_micro_batch + d.output_tokens * reread_decode) * d.micro_batches / step_s;
    out.latency_s = tpot;
    out.ttft_s = ttft;
    out.tpot_s = tpot;
    out.throughput_tokens_per_s = d.tokens_per_step / step_s / d.packages;
    if ((p.ttft_slo_s > 0.0 && ttft > p.ttft_slo_s) || (p.tpot_slo_s > 0.0 && tpot > p.tpot_slo_s))
      out.infeasible |= infeasible::slo_missed;
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
  pw.d2d_w = cross > 0.0 ? hbm_bytes_per_s * cross * 8.0 * p.d2d_pj_per_bit[idx(c.d2d)] * 1e-12 : 0.0;
  pw.links_w = (p.scale_up_bytes_per_s * p.link_pj_per_bit[idx(c.scale_up_link)] +
                p.scale_out_bytes_per_s * p.link_pj_per_bit[idx(c.scale_out_link)]) * 8.0 * 1e-12;
  pw.links_off_package_w = (p.scale_up_bytes_per_s * p.link_off_package_pj_per_bit[idx(c.scale_up_link)] +
                           p.scale_out_bytes_per_s * p.link_off_package_pj_per_bit[idx(c.scale_out_link)]) * 8.0 * 1e-12;
  set_leakage_power(p, area, tj_c, pw);
  out.power_w = pw.total_w;
  // Model FLOPs utilisation: the workload's own FLOPs (no recomputation) per second over the design's peak at the
  // workload precision; the achieved energy per FLOP counts every power source of the package.
  out.mfu = flops_per_s / peak;
  out.achieved_flops_per_s = flops_per_s;
  out.hbm_tb_per_s = hbm_bytes_per_s * 1e-12;
  out.hbm_reread_fraction = hbm_bytes_per_s > 0.0 ? reread_bytes_per_s / hbm_bytes_per_s : 0.0;
  out.energy_pj_per_flop = flops_per_s > 0.0 ? pw.total_w / flops_per_s * 1e12 : 0.0;
}

// The constraints and derived objectives of a point whose time and power are set (the tail of evaluate_performance;
// update_leakage_temperature runs it again after the leakage changed).
void finish(const DesignChoice& c, const KernelParams& k, const AreaResult& area, Metrics& out) noexcept {
  const PerfParams& p = k.perf;
  std::optional<WorkloadDemand> filled;  // only with batch_policy = "fill_memory"; the deck's demand otherwise, by reference
  const WorkloadDemand& d =
      p.batch_fills_memory ? filled.emplace(point_demand(p, c.mapping, c.hbm, c.hbm_stacks)) : p.demands[c.mapping];
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

void evaluate_performance(const DesignChoice& c, const KernelParams& k, const AreaResult& area, double tj_c,
                          Metrics& out, bool dvfs) noexcept {
  const PerfParams& p = k.perf;
  double clock = c.clock_ghz > 0.0 ? c.clock_ghz : p.reference_clock_ghz;
  performance_at(c, k, area, clock, tj_c, out);
  // TDP clamp (perf_models.md §6.4): the clock-scaled power (compute: FLOP rate x energy per FLOP ~ f^gamma when
  // compute-bound) is brought down to what the limit leaves after the rest, f' = f ((TDP - P_rest) / P_compute)^(1 /
  // gamma). Memory-bound work loses less power than f^gamma predicts, so a few fixed-point steps are taken; the
  // result is deterministic and, when it still exceeds the limit, the point is infeasible below.
  if (dvfs && p.tdp_dvfs && p.tdp_w > 0.0) {
    constexpr int kMaxSteps = 16;
    const double target_w = p.tdp_w * (1.0 - 1e-9);  // aim just below: rounding must not leave it a hair over
    for (int step = 0; step < kMaxSteps && out.power.package_w > p.tdp_w; ++step) {
      const double rest = out.power.package_w - out.power.compute_w;
      if (!(target_w > rest) || !(out.power.compute_w > 0.0)) break;  // even a stopped datapath is over the limit
      clock *= std::pow((target_w - rest) / out.power.compute_w, 1.0 / p.dvfs_exponent);
      out.infeasible &= ~infeasible::slo_missed;  // re-decided at the new clock
      performance_at(c, k, area, clock, tj_c, out);
    }
  }
  out.effective_clock_ghz = clock;
  finish(c, k, area, out);
}

void update_leakage_temperature(const DesignChoice& c, const KernelParams& k, const AreaResult& area, double tj_c,
                                Metrics& out) noexcept {
  PowerBreakdown& pw = out.power;
  set_leakage_power(k.perf, area, tj_c, pw);
  out.power_w = pw.total_w;
  out.energy_pj_per_flop = out.achieved_flops_per_s > 0.0 ? pw.total_w / out.achieved_flops_per_s * 1e12 : 0.0;
  out.infeasible &= ~(infeasible::power_over_tdp | infeasible::heat_flux_over_limit);  // re-decided by finish
  finish(c, k, area, out);
}

}  // namespace chipdse::model

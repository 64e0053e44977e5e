// The time model of the performance stage, itemised (step_time.hpp).
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
// Inference: batch prefill = PP (prefill of the batch's prompts); TPOT = PP (decode step = matrix products over the
//   weights + attention over the KV cache, each at its own roofline; the KV stream at kv_cache_bandwidth_efficiency of
//   the HBM ceiling); both + (PP - 1) point-to-point sends of the batch's activations (prompt: tokens x d_model;
//   decode: one token each); with PP stages the pipeline holds PP batches in flight. In-flight batching (Yu et al.,
//   Orca, OSDI 2022) interleaves the joining requests' prompts with the decode steps: per iteration batch /
//   output_tokens prompts join, so a user's TPOT = decode step + batch prefill / output_tokens (Agrawal et al.,
//   Sarathi-Serve, OSDI 2024: prefills stall the decodes they share an iteration with), and tokens/s per package =
//   batch / TPOT / TP. A request's TTFT: the iteration it joins = the decode step + the prompts joining with it, at
//   least its own prompt through every stage. Under a token budget per iteration (workload.iteration_token_budget)
//   the prompts queue for the budget's room instead: TTFT = TPOT (1/2 + E[ceil(W + S)]) (model/prompt_queue.hpp).
// HBM traffic: the demand's (every operand once) + what the matrix products re-read through one compute die's share of
//   the SRAM (tiling bound, model/sram_tiling.hpp), in every phase.
// Tiers: package = the D2D fabric among the package's compute dies, which are then the tensor-parallel ranks (alpha =
//   UCIe one-way latency, beta = one chiplet's D2D bandwidth; TP must equal the compute-die count),
//   scale_up / scale_out = the reference's per-package bandwidth per direction x protocol efficiency, alpha =
//   collective software latency + switch + time of flight over the tier's span (5 ns/m) + two links (to the switch
//   and from it), each with its interface latency (SerDes or optical I/O chiplet), an RS(544,514) FEC decode unless
//   the technology has none (optical I/O chiplet) and the DSP retimer of pluggable DSP optics.
// Peak: the reference compute at its precision, times the workload's precision rate, times clock / reference clock.

#include "chipdse/model/step_time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "chipdse/model/collectives.hpp"

namespace chipdse::model {

namespace {

constexpr std::size_t idx(auto e) noexcept { return static_cast<std::size_t>(e); }

double overlapped(double a, double b, double c, double omega) noexcept {
  const double m = std::max({a, b, c});
  return m + (1.0 - omega) * (a + b + c - m);
}

}  // namespace

StepTimes step_times(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                     double clock) noexcept {
  const PerfParams& p = k.perf;
  StepTimes t;
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

  const auto link_of = [&](Tier tier) noexcept {
    if (tier == Tier::package)
      return LinkAlphaBeta{p.d2d_latency_s[idx(c.d2d)], c.d2d_tbps_per_direction * 1e12 / 8.0};
    const bool up = tier == Tier::scale_up;
    const LinkTech tech = up ? c.scale_up_link : c.scale_out_link;
    const double beta = (up ? p.scale_up_bytes_per_s : p.scale_out_bytes_per_s) * p.protocol_efficiency;
    const double alpha = step_latency(p, up, tech).total_s;
    return LinkAlphaBeta{alpha, beta};
  };
  // A monolithic die reduces on-die: the package tier costs nothing there.
  const auto collective = [&](Tier tier, double bytes, double ranks) noexcept {
    if (tier == Tier::package && c.partitioning == Partitioning::monolithic) return 0.0;
    return ring_all_reduce_s(bytes, static_cast<int>(ranks), link_of(tier));
  };
  // Data-parallel gradient all-reduce. Megatron orders ranks tensor-parallel first, then data-parallel (Narayanan et
  // al., SC21, §3), so a scale-up domain of D packages holds D / TP replicas of a stage when TP runs over scale-up: over
  // scale-out those reduce hierarchically (reduce-scatter over scale-up, all-reduce of 1/p1 over scale-out,
  // all-gather over scale-up; model/collectives.hpp), p1 = the largest divisor of DP not above D / TP.
  // Returns the whole time; `by_tier` gets its parts by tier (package, scale_up, scale_out).
  const auto dp_all_reduce_s = [&](std::array<double, 3>& by_tier) noexcept {
    const auto flat = [&]() noexcept {
      by_tier[idx(d.data_tier)] = collective(d.data_tier, d.dp_allreduce_bytes, d.dp);
      return by_tier[idx(d.data_tier)];
    };
    if (d.data_tier != Tier::scale_out || d.tensor_tier == Tier::scale_out || d.dp <= 1.0) return flat();
    const int dp = static_cast<int>(d.dp);
    const double tp_packages = d.tensor_tier == Tier::scale_up ? d.tp : 1.0;  // package tier: TP inside one package
    int p1 = std::min(dp, static_cast<int>(p.scale_up_domain / tp_packages));
    while (p1 > 1 && dp % p1 != 0) --p1;
    if (p1 <= 1) return flat();
    const LinkAlphaBeta up = link_of(Tier::scale_up), out = link_of(Tier::scale_out);
    const HierarchicalAllReduce h = hierarchical_all_reduce(d.dp_allreduce_bytes, p1, up, dp / p1, out);
    by_tier[idx(Tier::scale_up)] = h.tier1_s;
    by_tier[idx(Tier::scale_out)] = h.tier2_s;
    return hierarchical_all_reduce_s(d.dp_allreduce_bytes, p1, up, dp / p1, out);
  };
  // MoE token dispatch and combine: all-to-all among the expert-parallel ranks (switched, full bisection).
  const auto all_to_all = [&](double bytes) noexcept {
    if (d.expert_tier == Tier::package && c.partitioning == Partitioning::monolithic) return 0.0;
    return all_to_all_s(bytes, static_cast<int>(d.ep), link_of(d.expert_tier));
  };
  // One operator's ceilings and its time (flops: executed; hbm_share: the share of the HBM ceiling its access pattern
  // reaches, which does not slow the D2D crossing of the same bytes).
  const auto local = [&](double flops, double hbm_bytes, double tile_efficiency, double hbm_share = 1.0) noexcept {
    OperatorTime o;
    o.compute_s = flops / (peak * p.gemm_efficiency * tile_efficiency);
    o.hbm_s = hbm_bytes / (hbm_bw * hbm_share);
    o.d2d_s = cross > 0.0 ? hbm_bytes * cross / d2d_bw : 0.0;
    o.time_s = overlapped(o.compute_s, o.hbm_s, o.d2d_s, p.overlap);
    return o;
  };
  t.peak_flops = peak;
  t.cross_share = cross;
  if (!(peak > 0.0) || !(hbm_bw > 0.0) || (cross > 0.0 && !(d2d_bw > 0.0))) return t;  // no throughput
  t.valid = true;
  // What one die's share of the SRAM makes the matrix products re-read from HBM (model/sram_tiling.hpp).
  const double tile = buffer_tile(d.tiling, package_sram_mb(c, k), kdies);
  const double rows = d.batch_sequences * d.tiling.tokens_per_sequence;  // micro-batch or prompt tokens
  t.reread_micro_batch_bytes = layer_reread_bytes(d.tiling, rows, tile, d.training);
  t.hbm_micro_batch_bytes = d.hbm_bytes_per_micro_batch + t.reread_micro_batch_bytes;
  const LinkAlphaBeta pp = link_of(d.pipeline_tier);
  if (d.training) {
    t.local = local(d.executed_flops_per_micro_batch, t.hbm_micro_batch_bytes, d.tile_efficiency);
    t.tp_s = d.tp_allreduces_per_micro_batch * collective(d.tensor_tier, d.tp_message_bytes, d.tp);
    t.pp_s = d.pp > 1.0 ? 2.0 * (pp.alpha_s + d.pp_message_bytes / pp.beta_bytes_per_s) : 0.0;
    t.ep_s = d.ep_alltoalls_per_micro_batch * all_to_all(d.ep_message_bytes);
    t.micro_batch_s = t.local.time_s + t.tp_s + t.pp_s + t.ep_s;
    const double t_dp = dp_all_reduce_s(t.dp_by_tier_s);
    const double backward = d.micro_batches * t.local.time_s * d.backward_share;
    t.optimizer_s = d.optimizer_hbm_bytes / hbm_bw;
    t.dp_exposed_s = std::max(0.0, t_dp - backward);
    t.micro_batches_s = d.micro_batches * t.micro_batch_s;
    t.bubble_s = (d.pp - 1.0) * t.micro_batch_s;
    t.step_s = (d.micro_batches + d.pp - 1.0) * t.micro_batch_s + t.dp_exposed_s + t.optimizer_s;
    return t;
  }
  // Decode attention streams every sequence's KV cache from paged blocks: it reaches only a share of the HBM ceiling
  // (memory.common.kv_cache_bandwidth_efficiency, fitted on H100's MLPerf Llama-2-70B Offline result, so it also
  // carries what the serving engine loses elsewhere). The decode step's matrix products stream the weights once per
  // step; at the small batches of interactive serving they are HBM-bound and reach their own share
  // (memory.common.decode_weight_bandwidth_efficiency, fitted on H100's MLPerf Interactive TPOT at its measured
  // concurrency); at offline batches they are compute-bound. Each stage hands its batch's activations to the next (one
  // point-to-point send per stage boundary).
  const auto pp_send = [&](double bytes) noexcept { return d.pp > 1.0 ? pp.alpha_s + bytes / pp.beta_bytes_per_s : 0.0; };
  t.reread_decode_bytes = layer_reread_bytes(d.tiling, d.batch_sequences, tile, false);
  t.hbm_decode_bytes = d.decode_hbm_bytes + t.reread_decode_bytes;
  t.local = local(d.flops_per_micro_batch, t.hbm_micro_batch_bytes, d.tile_efficiency);
  t.tp_s = d.tp_allreduces_per_micro_batch * collective(d.tensor_tier, d.tp_message_bytes, d.tp);
  t.ep_s = d.ep_alltoalls_per_micro_batch * all_to_all(d.ep_message_bytes);
  t.prefill_sends_s = (d.pp - 1.0) * pp_send(d.pp_message_bytes);
  t.batch_prefill_s = d.pp * (t.local.time_s + t.tp_s + t.ep_s) + t.prefill_sends_s;
  // One request: its share of the batch's prefill work and messages, the stage's weights read once, its own tiling.
  const double one = 1.0 / d.batch_sequences;
  const double request_bytes = d.weight_bytes + (d.hbm_bytes_per_micro_batch - d.weight_bytes) * one +
                               layer_reread_bytes(d.tiling, d.tiling.tokens_per_sequence, tile, false);
  t.request_local = local(d.flops_per_micro_batch * one, request_bytes, d.request_tile_efficiency);
  t.request_prefill_s =
      d.pp * (t.request_local.time_s +
              d.tp_allreduces_per_micro_batch * collective(d.tensor_tier, d.tp_message_bytes * one, d.tp) +
              d.ep_alltoalls_per_micro_batch * all_to_all(d.ep_message_bytes * one)) +
      (d.pp - 1.0) * pp_send(d.pp_message_bytes * one);
  t.decode_gemm = local(d.decode_flops, t.hbm_decode_bytes, d.decode_tile_efficiency, p.decode_weight_bandwidth_efficiency);
  t.decode_attention = local(d.decode_attention_flops, d.decode_attention_hbm_bytes, 1.0, p.kv_cache_bandwidth_efficiency);
  t.decode_tp_s = d.decode_tp_allreduces * collective(d.tensor_tier, d.decode_tp_message_bytes, d.tp);
  t.decode_ep_s = d.decode_ep_alltoalls * all_to_all(d.decode_ep_message_bytes);
  t.decode_sends_s = (d.pp - 1.0) * pp_send(d.decode_pp_message_bytes);
  t.decode_step_s =
      d.pp * (t.decode_gemm.time_s + t.decode_attention.time_s + t.decode_tp_s + t.decode_ep_s) + t.decode_sends_s;
  t.step_s = t.batch_prefill_s + d.output_tokens * t.decode_step_s;  // one request batch, prompt to last token
  t.prefill_per_iteration_s = t.batch_prefill_s / d.output_tokens;
  t.tpot_s = t.decode_step_s + t.prefill_per_iteration_s;
  t.ttft_s = t.decode_step_s + std::max(t.request_prefill_s, t.prefill_per_iteration_s);
  t.prompt_budget = p.iteration_token_budget > 0.0;
  if (t.prompt_budget) {
    t.prompt_queue = prompt_queue(p.iteration_token_budget, d.batch_sequences, d.tiling.tokens_per_sequence,
                                  p.prompt_length_cv, d.output_tokens);
    // An unstable queue (a batch above what the budget sustains; the deck and the batch policies keep the running
    // batch below it) keeps the queue-free TTFT: the point is then judged by slo_check, which counts it as missed.
    if (t.prompt_queue.stable) t.ttft_s = t.tpot_s * mean_ttft_iterations(t.prompt_queue);
  }
  return t;
}

SloCheck slo_check(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                   double clock, const StepTimes& t, bool verdict_only) noexcept {
  const PerfParams& p = k.perf;
  const double n = d.batch_sequences;
  SloCheck r{};
  r.tpot_batch = r.ttft_batch = n;
  r.tpot_s = t.tpot_s;
  r.ttft_s = t.ttft_s;
  if (!(p.ttft_slo_s > 0.0) && !(p.tpot_slo_s > 0.0)) return r;
  r.ttft_queued = t.prompt_budget && p.ttft_slo_s > 0.0;
  bool ttft_met = true;
  const WorkloadDemand& base = p.demands[c.mapping];
  double tpot_slope_s = 0.0;
  if (p.slo_z > 0.0) {
    // The iteration times at the whole batches a Poisson spread either side, within n -+ z sqrt(n), give the TPOT's
    // slope in the number in flight, its elasticity and so the number's variance (SloCheck). Either side, so that a
    // step of the tile quantisation counts once over the range the number wanders, not twice over half of it; whole
    // batches, as an engine runs them (and as fixed-batch decks can check).
    // (The lower end no lower than half the batch: below z^2 sequences n - z sqrt(n) would reach zero.)
    const double n_lo = std::ceil(std::max(0.5 * n, n - p.slo_z * std::sqrt(n)));
    const double n_hi = std::floor(n + p.slo_z * std::sqrt(n));
    const double tpot_lo = step_times(c, k, area, demand_at_batch(p, base, n_lo), clock).tpot_s;
    const double tpot_hi = step_times(c, k, area, demand_at_batch(p, base, n_hi), clock).tpot_s;
    tpot_slope_s = n_hi > n_lo ? (tpot_hi - tpot_lo) / (n_hi - n_lo) : 0.0;
    r.tpot_elasticity = t.tpot_s > 0.0 ? std::max(0.0, n * tpot_slope_s / t.tpot_s) : 0.0;
    if (!(r.tpot_elasticity < kMaxTpotElasticity)) {
      constexpr double kInf = std::numeric_limits<double>::infinity();
      r.steady = r.met = false;
      r.in_flight_variance_factor = kInf;
      if (p.tpot_slo_s > 0.0) r.tpot_batch = r.tpot_s = kInf;
      if (p.ttft_slo_s > 0.0) r.ttft_batch = r.ttft_s = kInf;
      return r;
    }
    r.in_flight_variance_factor = 1.0 / (1.0 - r.tpot_elasticity);
  }
  const double var_factor = r.in_flight_variance_factor;
  if (p.slo_z > 0.0 && p.tpot_slo_s > 0.0) {
    r.tpot_batch = n + p.slo_z * std::sqrt(2.0 * var_factor * n / 3.0);
    r.tpot_s = step_times(c, k, area, demand_at_batch(p, base, r.tpot_batch), clock).tpot_s;
  }
  if (verdict_only && p.tpot_slo_s > 0.0 && r.tpot_s > p.tpot_slo_s) {  // missed whatever the TTFT
    r.met = false;
    return r;
  }
  if (p.ttft_slo_s > 0.0) {
    if (!r.ttft_queued) {
      if (p.slo_z > 0.0) {
        r.ttft_batch = n + p.slo_z * std::sqrt(var_factor * n);
        r.ttft_s = step_times(c, k, area, demand_at_batch(p, base, r.ttft_batch), clock).ttft_s;
      }
      ttft_met = !(r.ttft_s > p.ttft_slo_s);
    } else if (!(p.slo_z > 0.0)) {
      ttft_met = t.prompt_queue.stable && !(r.ttft_s > p.ttft_slo_s);
    } else {
      r.ttft_mixture = TtftMixture{p.iteration_token_budget, d.tiling.tokens_per_sequence, p.prompt_length_cv,
                                   d.output_tokens, n, t.tpot_s, tpot_slope_s, var_factor};
      ttft_met = ttft_tail_within(r.ttft_mixture, p.ttft_slo_s, 1.0 - p.slo_percentile / 100.0);
    }
  }
  r.met = ttft_met && !(p.tpot_slo_s > 0.0 && r.tpot_s > p.tpot_slo_s);
  return r;
}

namespace {

// An operator's time split over its ceilings: the binding one gets the max, the others the unhidden remainder in
// proportion to their own ceilings.
struct CeilingSplit {
  double compute = 0.0, hbm = 0.0, d2d = 0.0;
};
CeilingSplit split(const OperatorTime& o, double overlap) noexcept {
  const double m = std::max({o.compute_s, o.hbm_s, o.d2d_s});
  const double rest = o.compute_s + o.hbm_s + o.d2d_s - m;
  const double unhidden = (1.0 - overlap) * rest;
  // Ties keep the first of compute, HBM, D2D (the order the ceilings are listed in).
  const int bind = o.compute_s == m ? 0 : o.hbm_s == m ? 1 : 2;
  const double x[3] = {o.compute_s, o.hbm_s, o.d2d_s};
  double out[3];
  for (int i = 0; i < 3; ++i) out[i] = i == bind ? m : (rest > 0.0 ? unhidden * x[i] / rest : 0.0);
  return {out[0], out[1], out[2]};
}

}  // namespace

TimeShares time_shares(const StepTimes& t, const WorkloadDemand& d, double overlap) noexcept {
  TimeShares s;
  if (!t.valid || !(t.step_s > 0.0)) return s;
  std::array<double, 3> comm{};  // communication by tier: package, scale_up, scale_out
  if (d.training) {
    const CeilingSplit l = split(t.local, overlap);
    s.compute = d.micro_batches * l.compute;
    s.hbm = d.micro_batches * l.hbm + t.optimizer_s;
    s.d2d = d.micro_batches * l.d2d;
    comm[idx(d.tensor_tier)] += d.micro_batches * t.tp_s;
    comm[idx(d.pipeline_tier)] += d.micro_batches * t.pp_s;
    comm[idx(d.expert_tier)] += d.micro_batches * t.ep_s;
    const double dp = t.dp_by_tier_s[0] + t.dp_by_tier_s[1] + t.dp_by_tier_s[2];
    if (t.dp_exposed_s > 0.0 && dp > 0.0)
      for (std::size_t i = 0; i < comm.size(); ++i) comm[i] += t.dp_exposed_s * t.dp_by_tier_s[i] / dp;
    s.bubble = t.bubble_s;
  } else {
    const CeilingSplit pf = split(t.local, overlap), g = split(t.decode_gemm, overlap), a = split(t.decode_attention, overlap);
    const double per_step = d.pp * d.output_tokens;  // decode operator runs per request batch, over the stages
    s.compute = d.pp * pf.compute + per_step * (g.compute + a.compute);
    s.hbm = d.pp * pf.hbm + per_step * (g.hbm + a.hbm);
    s.d2d = d.pp * pf.d2d + per_step * (g.d2d + a.d2d);
    comm[idx(d.tensor_tier)] += d.pp * t.tp_s + per_step * t.decode_tp_s;
    comm[idx(d.expert_tier)] += d.pp * t.ep_s + per_step * t.decode_ep_s;
    comm[idx(d.pipeline_tier)] += t.prefill_sends_s + d.output_tokens * t.decode_sends_s;
  }
  s.d2d += comm[idx(Tier::package)];
  s.scale_up = comm[idx(Tier::scale_up)];
  s.scale_out = comm[idx(Tier::scale_out)];
  // Shares of their own sum (= the step up to rounding), so they add up to 1.
  const double total = s.compute + s.hbm + s.d2d + s.scale_up + s.scale_out + s.bubble;
  if (!(total > 0.0)) return TimeShares{};
  s.compute /= total;
  s.hbm /= total;
  s.d2d /= total;
  s.scale_up /= total;
  s.scale_out /= total;
  s.bubble /= total;
  return s;
}

}  // namespace chipdse::model

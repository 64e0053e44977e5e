// chipdse/model/perf_params.hpp — the constants of the performance and power stage (issue #5), resolved once per
// run: the workload's demand per package (it does not depend on the design point) and the technology constants.
// model/: never includes MPI, PETSc, HDF5 or toml++. Plain and trivially copyable.
//
// Workload demand (shared/reference/perf_models.md §6.2, Megatron-style, per PACKAGE = one device of the mapping):
//   N = L (P_attn + E P_ffn) + V h,  N_act = same with top_k experts;  P_attn = h d_h (2 n_q + 2 n_kv),
//   P_ffn = 3 h f (gated, Llama).  Training FLOPs per token = 6 N_act + 6 L s h (causal attention: 2 matmuls x
//   2 FLOP x s/2 keys x h, forward, times 3 for forward + backward).
//   HBM bytes per micro-batch per stage: weights read in forward and backward and gradients read and written
//   (W_stage (2 w_b + 2 g_b)), activations written in forward and read in backward (2 x 34 s b h / TP per layer,
//   Korthikanti et al. 2023); once per step the optimizer reads and writes weights, gradients and Adam state.
//   Communication: TP 4 all-reduces of b s h a_x per layer per micro-batch (2 forward, 2 backward); PP one
//   point-to-point of b s h a_x per micro-batch per direction; DP one all-reduce of the stage's gradients per step;
//   a_x = max(a_b, 2): what ranks exchange, and the gradients, are at least 16-bit (perf_params_from_deck.cpp).
//   Inference: prefill = the forward third of a training micro-batch of the prompt; decode per token reads every
//   weight of the stage and the KV cache (2 n_kv d_h a_b per token per layer of context).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "chipdse/model/area.hpp"
#include "chipdse/model/geometry.hpp"  // kMaxHbmStacks
#include "chipdse/model/sram_tiling.hpp"

namespace chipdse::model {

/// Most parallel mappings a deck may list (deck::kMaxMappings; space.mapping).
inline constexpr std::size_t kMaxMappings = 16;

/// Where a parallelism dimension's collectives run (workload.*_tier).
enum class Tier : std::uint8_t { package, scale_up, scale_out };

/// The workload's demand on ONE package, independent of the design point.
struct WorkloadDemand {
  bool training = true;
  double params = 0.0;              ///< N, whole model
  double active_params = 0.0;       ///< N_act (top_k experts)
  double tokens_per_step = 0.0;     ///< training: global batch x sequence; inference: batch x output tokens
  double packages = 1.0;            ///< workload.cluster_packages
  double micro_batches = 1.0;       ///< m per step (training); 1 for inference
  double pp = 1.0, tp = 1.0, dp = 1.0, ep = 1.0;
  // Per micro-batch per pipeline stage (one package), training or prefill:
  double flops_per_micro_batch = 0.0;      ///< model FLOPs: forward + backward (training) or forward (prefill)
  double executed_flops_per_micro_batch = 0.0;  ///< what runs: + one forward with full activation recomputation
  /// Tile and wave quantisation of the layer's matrix products (useful / padded FLOPs, in (0, 1]): with M = the
  /// micro-batch's tokens (training, prefill) or the sequences in flight (decode); applied to the compute ceiling.
  double tile_efficiency = 1.0;
  double decode_tile_efficiency = 1.0;
  double request_tile_efficiency = 1.0;  ///< inference: one request's prompt alone (M = sequence_length), for its TTFT
  double hbm_bytes_per_micro_batch = 0.0;
  double backward_share = 2.0 / 3.0;       ///< of executed FLOPs: the backward pass (incl. recomputation), what
                                           ///< the DP gradient sync may hide under
  double tp_allreduces_per_micro_batch = 0.0;  ///< count; each of tp_message_bytes
  double tp_message_bytes = 0.0;
  double pp_message_bytes = 0.0;           ///< per micro-batch per direction (0 with one stage)
  double ep_alltoalls_per_micro_batch = 0.0;  ///< MoE dispatch + combine (x 2 with the backward), each of ep_message_bytes
  double ep_message_bytes = 0.0;           ///< tokens x top_k x h x bytes leaving or reaching this package
  double dp_allreduce_bytes = 0.0;         ///< per step, this package's gradients (0 with one replica)
  double optimizer_hbm_bytes = 0.0;        ///< per step
  // Inference decode, per output token per package:
  // Two operators per decode step, each bound by its own ceiling (perf_models.md §6.3 per-operator roofline):
  // the dense matrix products (weights) and attention over the KV cache; their times add.
  double decode_flops = 0.0;               ///< matrix products: 2 N_act per sequence
  double decode_hbm_bytes = 0.0;           ///< the stage's weights, read once per step
  double decode_attention_flops = 0.0;     ///< 4 L context h per sequence
  double decode_attention_hbm_bytes = 0.0; ///< the KV cache of every sequence in flight
  double decode_tp_allreduces = 0.0;
  double decode_tp_message_bytes = 0.0;
  double decode_pp_message_bytes = 0.0;  ///< one decode step's activations handed to the next stage (0 without PP)
  double decode_ep_alltoalls = 0.0;
  double decode_ep_message_bytes = 0.0;
  double output_tokens = 0.0;
  double hbm_capacity_needed_gb = 0.0;     ///< weights (+ training state, or the KV cache at the mean context) per package
  double batch_sequences = 1.0;            ///< inference: sequences per batch (one batch per pipeline stage in flight)
  double weight_bytes = 0.0;               ///< the stage's weights this package holds
  Tier tensor_tier = Tier::scale_up, pipeline_tier = Tier::scale_out, data_tier = Tier::scale_out;
  Tier expert_tier = Tier::scale_up;
  /// The layer's matrix products for the on-chip buffer's re-reads (sram_tiling.hpp); rows = batch_sequences x
  /// tokens_per_sequence (micro-batch, prefill) or batch_sequences (decode), so at_batch needs no change to it.
  GemmTiling tiling;
  double precision_rate_vs_reference = 1.0;  ///< dense rate of the workload precision / the reference precision's
  double energy_rate_vs_bf16 = 1.0;          ///< energy per FLOP of the workload precision / BF16's
};

/// Inference with workload.batch_policy = "fill_memory": the batch a package's HBM holds, and the tile efficiencies
/// at that batch (prefill M = batch x prompt, decode M = batch).
struct BatchFill {
  double sequences = 1.0;
  double tile_efficiency = 1.0, decode_tile_efficiency = 1.0;
};

/// Technology constants of the time and power model (sources: inputs/tech, see perf_params_from_deck.cpp).
struct PerfParams {
  /// The workload's demand per package under each parallel mapping (DesignChoice::mapping indexes it); the first
  /// mapping_count entries are set.
  std::array<WorkloadDemand, kMaxMappings> demands{};
  /// With batch_fills_memory, the batch of each mapping by the design's HBM generation and stack count (all of them,
  /// so any point of the space finds its entry); the demand is then demands[mapping] rescaled to it (at_batch).
  bool batch_fills_memory = false;
  /// workload.batch_policy = "slo": the batch is the largest, up to what the HBM holds (batch_fill), whose TTFT and
  /// TPOT meet the SLOs at the design's clock (evaluate_performance searches it; Metrics::batch_sequences).
  bool batch_meets_slo = false;
  GemmTileShape gemm_tile;  ///< compute.common.gemm_tile_* and reference.compute_units (tile efficiency at any batch)
  std::array<std::array<std::array<BatchFill, kMaxHbmStacks + 1>, kHbmGenCount>, kMaxMappings> batch_fill{};
  std::size_t mapping_count = 1;
  double reference_peak_flops = 0.0;   ///< reference.peak_dense_tflops x 1e12 (at reference.precision)
  double reference_clock_ghz = 0.0;
  double gemm_efficiency = 1.0;
  double kv_cache_bandwidth_efficiency = 1.0;  ///< decode attention: achieved share of the HBM ceiling (fitted)
  double decode_weight_bandwidth_efficiency = 1.0;  ///< decode matrix products: achieved share of it (fitted)
  double overlap = 1.0;                ///< omega
  double hbm_efficiency = 1.0;
  std::array<double, kHbmGenCount> hbm_bytes_per_s{};      ///< per stack
  std::array<double, kHbmGenCount> hbm_pj_per_bit{};
  std::array<double, kD2dKindCount> d2d_pj_per_bit{};
  std::array<double, kD2dKindCount> d2d_latency_s{};
  std::array<double, kLinkTechCount> link_pj_per_bit{};              ///< system figure: host SerDes + module / engine + laser
  std::array<double, kLinkTechCount> link_off_package_pj_per_bit{};  ///< the part of it dissipated off the package
  double switch_latency_s = 0.0;
  double software_latency_s = 0.0;
  /// Latency one link of each technology adds to a collective step (link.<tech> rows and link.cluster): the interface
  /// at both ends (SerDes or optical I/O chiplet), an RS(544,514) FEC decode where the technology needs one, and a
  /// pluggable module's DSP retimer.
  std::array<double, kLinkTechCount> link_interface_s{}, link_fec_s{}, link_dsp_s{};
  double scale_up_propagation_s = 0.0;   ///< scale_up_reach_m x propagation delay per metre
  double scale_out_propagation_s = 0.0;
  double protocol_efficiency = 1.0;
  std::array<double, kLinkTechCount> link_reach_m{};  ///< link.<tech>.reach_m (copper: reach_100g_lane_m)
  double scale_up_reach_m = 0.0;       ///< distance a scale-up link spans (link.cluster.scale_up_reach_m)
  double scale_out_reach_m = 0.0;
  double scale_up_domain = 1.0;        ///< reference.scale_up_domain_packages
  double scale_up_bytes_per_s = 0.0;   ///< per package, per direction
  double scale_out_bytes_per_s = 0.0;  ///< per package, per direction
  // Power
  double energy_per_flop_n5_j = 0.0;   ///< on-die dynamic energy per BF16 FLOP at N5, nominal clock (fitted)
  std::array<double, kProcessNodeCount> energy_rel_n7{};
  std::array<double, kProcessNodeCount> fmax_rel_n7{};
  ProcessNode reference_node = ProcessNode::n5;
  double dvfs_exponent = 3.0;
  double sram_pj_per_bit = 0.0;
  /// Static power density of a logic die by its node, at leakage_reference_c (perf_models.md §6.4 p_leak(node)).
  std::array<double, kProcessNodeCount> leakage_w_per_mm2{};
  double leakage_reference_c = 85.0;   ///< junction temperature of leakage_w_per_mm2
  double leakage_per_k = 0.0;          ///< g(T_j) = exp(leakage_per_k (T_j - leakage_reference_c))
  double heat_flux_limit_w_per_mm2 = 0.0;  ///< by constraints.cooling
  double tdp_w = 0.0;                  ///< constraints.tdp_w, 0 = none
  bool tdp_dvfs = false;               ///< constraints.tdp_policy = "dvfs": lower the clock to meet tdp_w
  double ttft_slo_s = 0.0;             ///< constraints.ttft_slo_s (inference), 0 = none
  double tpot_slo_s = 0.0;             ///< constraints.tpot_slo_s (inference), 0 = none
  /// Standard normal quantile of constraints.slo_percentile (0: the SLOs bind the means). Under Poisson arrivals the
  /// sequences in flight are Poisson distributed (M/G/infinity, mean n = the batch) while the iteration time does not
  /// depend on them, with variance F n when it does (step_time.hpp, slo_check): a request's TPOT is checked at the
  /// batch n + z sqrt(2 F n / 3) (the variance of the number in flight averaged over a request's life is 2/3 of its
  /// own for a lifetime of fixed length), its TTFT at n + z sqrt(F n).
  double slo_z = 0.0;
  double slo_percentile = 0.0;  ///< constraints.slo_percentile (%), 0 = the means
  /// workload.iteration_token_budget: tokens per serving-engine iteration (decode tokens + prompt chunks), 0 = none;
  /// with it the prompts queue for the budget's room (prompt_queue.hpp) and the batch stays below what it sustains.
  double iteration_token_budget = 0.0;
  double prompt_length_cv = 0.0;  ///< workload.sequence_length_cv: of the prompt lengths (inference)
  // TCO
  double lifetime_s = 0.0;
  double electricity_usd_per_j = 0.0;  ///< incl. PUE
};

/// The alpha of one collective step on the scale-up or scale-out tier, by source (perf_models.md §6.3: alpha = switch
/// + alpha_link + L x 5 ns/m + the software stack, alpha_link = SerDes + FEC + DSP).
struct StepLatency {
  double software_s = 0.0, switch_s = 0.0, flight_s = 0.0;
  double interface_s = 0.0, fec_s = 0.0, dsp_s = 0.0;  ///< over both links of the step
  double total_s = 0.0;
};

/// A step crosses two links, package to switch and switch to package; the switch port terminates each (its own SerDes
/// and FEC decode), and each link's cable or fibre has a module at both ends.
inline constexpr double kLinksPerStep = 2.0;

inline StepLatency step_latency(const PerfParams& p, bool scale_up, LinkTech tech) noexcept {
  const auto t = static_cast<std::size_t>(tech);
  StepLatency s;
  s.software_s = p.software_latency_s;
  s.switch_s = p.switch_latency_s;
  s.flight_s = scale_up ? p.scale_up_propagation_s : p.scale_out_propagation_s;
  s.interface_s = kLinksPerStep * p.link_interface_s[t];
  s.fec_s = kLinksPerStep * p.link_fec_s[t];
  s.dsp_s = kLinksPerStep * p.link_dsp_s[t];
  s.total_s = s.software_s + s.switch_s + s.flight_s + (s.interface_s + s.fec_s + s.dsp_s);
  return s;
}

/// An inference demand at another batch size: what scales with the sequences in flight scales by their ratio (work,
/// messages, KV traffic and capacity, tokens), the weights stay, and the tile efficiencies are those at the new batch.
inline WorkloadDemand at_batch(WorkloadDemand d, const BatchFill& f) noexcept {
  const double r = f.sequences / d.batch_sequences;
  for (double* x : {&d.flops_per_micro_batch, &d.executed_flops_per_micro_batch, &d.tp_message_bytes, &d.pp_message_bytes,
                    &d.ep_message_bytes, &d.decode_flops, &d.decode_attention_flops, &d.decode_attention_hbm_bytes,
                    &d.decode_tp_message_bytes, &d.decode_pp_message_bytes, &d.decode_ep_message_bytes, &d.tokens_per_step})
    *x *= r;
  d.hbm_bytes_per_micro_batch = d.weight_bytes + (d.hbm_bytes_per_micro_batch - d.weight_bytes) * r;
  d.hbm_capacity_needed_gb = d.weight_bytes / 1e9 + (d.hbm_capacity_needed_gb - d.weight_bytes / 1e9) * r;
  d.tile_efficiency = f.tile_efficiency;
  d.decode_tile_efficiency = f.decode_tile_efficiency;
  d.batch_sequences = f.sequences;
  return d;
}

/// A demand at `sequences` per batch, with the tile efficiencies at that batch.
inline WorkloadDemand demand_at_batch(const PerfParams& p, const WorkloadDemand& d, double sequences) noexcept {
  BatchFill f;
  f.sequences = sequences;
  f.tile_efficiency = layer_tile_efficiency(d.tiling, sequences * d.tiling.tokens_per_sequence, p.gemm_tile);
  f.decode_tile_efficiency = layer_tile_efficiency(d.tiling, sequences, p.gemm_tile);
  return at_batch(d, f);
}

/// The demand of a design point: the deck's for its mapping, or with workload.batch_policy = "fill_memory" (and
/// "slo", as the largest batch it may run) the one at the batch its HBM (generation, stack count) holds.
inline WorkloadDemand point_demand(const PerfParams& p, std::size_t mapping, HbmGen hbm, std::int32_t hbm_stacks) noexcept {
  if (!p.batch_fills_memory) return p.demands[mapping];
  const auto stacks = static_cast<std::size_t>(std::clamp<std::int32_t>(hbm_stacks, 0, kMaxHbmStacks));
  return at_batch(p.demands[mapping], p.batch_fill[mapping][static_cast<std::size_t>(hbm)][stacks]);
}

/// The demand a point ran with its batch `sequences` (Metrics::batch_sequences): point_demand, or with
/// batch_policy = "slo" the demand at the batch the SLO search chose (point_demand when it found none to run).
inline WorkloadDemand run_demand(const PerfParams& p, std::size_t mapping, HbmGen hbm, std::int32_t hbm_stacks,
                                 double sequences) noexcept {
  if (!p.batch_meets_slo || !(sequences > 0.0)) return point_demand(p, mapping, hbm, hbm_stacks);
  return demand_at_batch(p, p.demands[mapping], sequences);
}

}  // namespace chipdse::model

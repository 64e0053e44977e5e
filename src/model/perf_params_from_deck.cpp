// The performance and power constants of a deck (see perf_params.hpp for the equations of the demand).
#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/params_from_tech.hpp"

namespace chipdse::model {

namespace {

// The standard normal quantile: the z with Phi(z) = q, Phi(z) = erfc(-z / sqrt 2) / 2, by bisection to the last bit
// (once per deck; <cmath> has no inverse).
double standard_normal_quantile(double q) {
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 0.0; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double bytes_of(const std::string& precision) {
  if (precision == "fp8") return 1.0;
  if (precision == "fp32") return 4.0;
  return 2.0;  // bf16, fp16
}

// The GEMM tile shape (compute.common.gemm_tile_*) and the units a wave fills (reference.compute_units).
GemmTileShape tiles_of(const deck::Deck& deck) {
  return {deck.tech.at("compute.common.gemm_tile_m").value, deck.tech.at("compute.common.gemm_tile_n").value,
          deck.tech.at("compute.common.gemm_tile_k").value, static_cast<double>(deck.reference.compute_units)};
}
// The matrix products of one transformer layer on one TP rank (M x N x K, M the tokens): QKV, attention output,
// gated FFN up + gate, down; the FFN products are expert products in an MoE layer.
std::array<LayerGemm, 4> layer_gemms(const deck::Workload& w, double tp) {
  const double h = static_cast<double>(w.d_model);
  const double dh = h / static_cast<double>(w.heads), nq = static_cast<double>(w.heads);
  const double nkv = static_cast<double>(w.kv_heads), f = static_cast<double>(w.ffn_hidden);
  const bool moe = w.experts > 1;
  return {LayerGemm{(nq + 2.0 * nkv) * dh / tp, h, false}, LayerGemm{h, nq * dh / tp, false},
          LayerGemm{2.0 * f / tp, h, moe}, LayerGemm{h, f / tp, moe}};
}

Tier tier_of(const std::string& t) { return t == "package" ? Tier::package : t == "scale_up" ? Tier::scale_up : Tier::scale_out; }

// Dense rate of `precision` relative to BF16 on tensor cores (compute.common.fp8_speedup_vs_bf16; FP16 = BF16).
double rate_vs_bf16(const deck::Deck& deck, const std::string& precision, const std::string& key) {
  if (precision == "fp8") return deck.tech.at("compute.common.fp8_speedup_vs_bf16").value;
  if (precision == "bf16" || precision == "fp16") return 1.0;
  throw InputError(deck.values.where(key), key, "no dense-rate ratio to BF16 in the technology database", precision,
                   "fp8, bf16, fp16");
}

WorkloadDemand demand_of(const deck::Deck& deck, const deck::Mapping& m) {
  const deck::Workload& w = deck.workload;
  WorkloadDemand d;
  d.training = w.kind == "training";
  const double L = static_cast<double>(w.layers), h = static_cast<double>(w.d_model);
  const double nq = static_cast<double>(w.heads), nkv = static_cast<double>(w.kv_heads);
  const double dh = h / nq, f = static_cast<double>(w.ffn_hidden), V = static_cast<double>(w.vocab);
  const double E = static_cast<double>(w.experts), k = static_cast<double>(w.top_k);
  const double p_attn = h * dh * (2.0 * nq + 2.0 * nkv);
  const double p_ffn = 3.0 * h * f;  // gated FFN (Llama): gate, up, down
  d.params = L * (p_attn + E * p_ffn) + V * h;
  d.active_params = L * (p_attn + k * p_ffn) + V * h;
  d.tp = static_cast<double>(m.tensor_parallel);
  d.pp = static_cast<double>(m.pipeline_parallel);
  d.ep = static_cast<double>(m.expert_parallel);
  d.dp = static_cast<double>(m.data_parallel);
  d.packages = static_cast<double>(w.cluster_packages);
  d.tensor_tier = tier_of(m.tensor_tier);
  d.pipeline_tier = tier_of(m.pipeline_tier);
  d.data_tier = tier_of(m.data_tier);
  d.expert_tier = tier_of(m.expert_tier);
  // The precision is that of the matrix products' operands (weights, activations, KV cache). What ranks exchange
  // is at least 16-bit: an FP8 product's output, and so the tensor-parallel reduction of partial products, the
  // activations handed to the next stage and the MoE combine, is BF16 (FlashInfer's fused FP8 GEMM + all-reduce
  // returns "the reduced BF16 product"; DeepGEMM's MoE combine "ships BF16 over NVLink" unless an FP8 path is
  // opted into), and gradients accumulate in 16 bits or more (Micikevicius et al., FP8 Formats for Deep Learning,
  // arXiv:2209.05433: FP8 for the GEMM inputs only).
  const double ab = bytes_of(w.precision), wb = ab, exchanged_b = std::max(ab, 2.0), gb = exchanged_b;
  const double s = static_cast<double>(w.sequence_length), b = static_cast<double>(w.micro_batch_sequences);
  const double layers_per_stage = L / d.pp;
  // Tensor-parallel ranks on the package tier are the package's compute dies: the package holds and runs all TP
  // shards of its stage, so per-package work and bytes divide by the TP ranks outside the package only (tp_out);
  // the tile shapes and the TP all-reduce stay per rank (d.tp).
  const double tp_out = static_cast<double>(m.tensor_packages());
  // Weights this package holds: its share of the stage; with expert parallelism the experts are spread over the
  // ep ranks as well (each holds E / ep of every MoE layer's experts).
  const double expert_params = E > 1.0 ? L * E * p_ffn : 0.0;
  const double stage_params = (d.params - expert_params) / (d.pp * tp_out) + expert_params / (d.pp * tp_out * d.ep);
  const double act_factor = deck.tech.at("compute.common.activation_bytes_factor").value;
  d.output_tokens = static_cast<double>(w.output_tokens);
  const double tokens_mb = b * s;
  const GemmTileShape tiles = tiles_of(deck);
  // Forward FLOPs of one micro-batch on one package: 2 N_act per token (dense part) + causal attention
  // 2 x 2 x (s/2) x h per token per layer, split over TP and PP.
  const double fwd = tokens_mb * (2.0 * d.active_params + 2.0 * L * s * h) / (tp_out * d.pp);
  d.tp_message_bytes = tokens_mb * h * exchanged_b;
  d.pp_message_bytes = d.pp > 1.0 ? tokens_mb * h * exchanged_b : 0.0;
  // Expert parallelism (GShard/Switch-style, Lepikhin et al. 2021, Fedus et al. 2022): every MoE layer sends each
  // token's activations to its top_k experts and back: two all-to-alls forward (and two in the backward pass).
  const bool moe = d.ep > 1.0 && E > 1.0;
  d.ep_message_bytes = moe ? tokens_mb * k * h * exchanged_b / tp_out : 0.0;
  if (d.training) {
    d.micro_batches = static_cast<double>(w.global_batch_sequences) / (b * d.dp);
    d.tokens_per_step = static_cast<double>(w.global_batch_sequences) * s;
    d.flops_per_micro_batch = 3.0 * fwd;
    // Full activation recomputation runs the forward again inside the backward pass (Narayanan et al., SC21,
    // arXiv:2104.04473 eq. (3): 4 forward-pass equivalents instead of 3); MFU keeps counting the model's 3.
    const bool recompute = w.activation_recompute == "full";
    d.executed_flops_per_micro_batch = (recompute ? 4.0 : 3.0) * fwd;
    d.backward_share = recompute ? 3.0 / 4.0 : 2.0 / 3.0;
    d.hbm_bytes_per_micro_batch = stage_params * (2.0 * wb + 2.0 * gb) +
                                  2.0 * layers_per_stage * act_factor * tokens_mb * h * (ab / 2.0) / tp_out;
    d.tp_allreduces_per_micro_batch = d.tp > 1.0 ? 4.0 * layers_per_stage : 0.0;
    d.ep_alltoalls_per_micro_batch = moe ? 4.0 * layers_per_stage : 0.0;
    d.dp_allreduce_bytes = d.dp > 1.0 ? stage_params * gb : 0.0;
    // Mixed-precision Adam (Rajbhandari et al., ZeRO, SC20: 16 bytes per parameter of model state): the optimizer
    // reads and writes all of it once per step.
    d.optimizer_hbm_bytes = 2.0 * 16.0 * stage_params;
    d.hbm_capacity_needed_gb = 16.0 * stage_params / 1e9;
  } else {
    // Served through a pipeline, each stage works on one batch of micro_batch_sequences while the next stage works on
    // another (GPipe-style in-flight batches, as TensorRT-LLM and vLLM run pipeline parallelism): pp batches are in
    // flight, so the step (prefill, then every output token, of each batch) produces pp batches' tokens and every stage
    // holds the KV cache of all pp batches for its layers. Per-stage work and bytes below are for one batch.
    d.micro_batches = d.pp;
    d.flops_per_micro_batch = fwd;  // prefill of the prompt
    d.executed_flops_per_micro_batch = fwd;
    d.backward_share = 0.0;
    d.hbm_bytes_per_micro_batch = stage_params * wb + layers_per_stage * act_factor * tokens_mb * h * (ab / 2.0) / tp_out;
    d.tp_allreduces_per_micro_batch = d.tp > 1.0 ? 2.0 * layers_per_stage : 0.0;
    d.ep_alltoalls_per_micro_batch = moe ? 2.0 * layers_per_stage : 0.0;
    const double context = s + d.output_tokens / 2.0;  // mean context over the generated tokens
    const double kv_bytes_per_token = layers_per_stage * 2.0 * nkv * dh * ab / tp_out;
    d.decode_flops = b * 2.0 * d.active_params / (tp_out * d.pp);
    d.decode_hbm_bytes = stage_params * wb;
    d.decode_attention_flops = b * 4.0 * L * context * h / (tp_out * d.pp);
    d.decode_attention_hbm_bytes = b * context * kv_bytes_per_token;
    d.decode_tp_allreduces = d.tp > 1.0 ? 2.0 * layers_per_stage : 0.0;
    d.decode_tp_message_bytes = b * h * exchanged_b;
    d.decode_pp_message_bytes = d.pp > 1.0 ? b * h * exchanged_b : 0.0;
    d.decode_ep_alltoalls = moe ? 2.0 * layers_per_stage : 0.0;
    d.decode_ep_message_bytes = moe ? b * k * h * exchanged_b / tp_out : 0.0;
    d.tokens_per_step = b * d.output_tokens * d.dp * d.pp;  // every replica generates for its pp batches in flight
    // KV capacity at the batch's mean context, as its bandwidth: a paged KV cache (vLLM, Kwon et al., SOSP 2023; TRT-LLM)
    // allocates blocks as tokens are generated, and with in-flight batching the sequences are at staggered positions,
    // so the batch holds s + out / 2 tokens per sequence on average, not s + out each.
    d.hbm_capacity_needed_gb = (stage_params * wb + d.pp * b * context * kv_bytes_per_token) / 1e9;
  }
  d.batch_sequences = b;
  d.weight_bytes = stage_params * wb;
  // What the package's on-chip buffer re-reads on top (sram_tiling.hpp): the layer's products per TP rank, run by the
  // TP ranks this package holds; an expert product gets top_k / E of the tokens of all ep ranks (balanced routing).
  GemmTiling& g = d.tiling;
  g.gemms = layer_gemms(w, d.tp);
  g.experts = E;
  g.top_k = k;
  g.experts_per_package = E > 1.0 ? E / d.ep : 1.0;
  g.expert_tokens_per_token = E > 1.0 ? k * d.ep / E : 1.0;
  g.rank_layers = layers_per_stage * d.tp / tp_out;
  g.tokens_per_sequence = s;
  g.recomputed_forwards = w.activation_recompute == "full" ? 1.0 : 0.0;
  g.operand_bytes = ab;
  g.min_tile = tiles.m;
  d.tile_efficiency = layer_tile_efficiency(g, tokens_mb, tiles);
  d.decode_tile_efficiency = layer_tile_efficiency(g, b, tiles);
  d.request_tile_efficiency = layer_tile_efficiency(g, s, tiles);
  return d;
}

}  // namespace

void resolve_perf_params(KernelParams& k, const deck::Deck& deck) {
  const auto v = [&](const std::string& path) { return deck.tech.at(path).value; };
  PerfParams& p = k.perf;
  static_assert(kMaxMappings == deck::kMaxMappings, "the deck's mapping limit is the kernel's array size");
  const std::vector<deck::Mapping> mappings = deck::deck_mappings(deck);
  if (mappings.empty() || mappings.size() > kMaxMappings) throw Error("deck has no mapping or more than kMaxMappings");
  const double ref_rate = rate_vs_bf16(deck, deck.reference.precision, "reference.precision");
  const double wl_rate = rate_vs_bf16(deck, deck.workload.precision, "workload.precision");
  p.mapping_count = mappings.size();
  for (std::size_t i = 0; i < mappings.size(); ++i) {
    WorkloadDemand& d = p.demands[i];
    d = demand_of(deck, mappings[i]);
    d.precision_rate_vs_reference = wl_rate / ref_rate;
    // Energy per FLOP scales with the operand width: H100's FP8 figure is half its BF16 one (compute.h100 rows).
    d.energy_rate_vs_bf16 =
        deck.workload.precision == "fp8" ? v("compute.h100.energy_fp8_pj_per_flop") / v("compute.h100.energy_pj_per_flop") : 1.0;
  }
  // workload.batch_policy = "fill_memory" (inference): the serving engine sizes its KV cache to a fraction of the
  // memory the weights leave (TensorRT-LLM kv_cache_free_gpu_mem_fraction) and runs as many sequences as fit, up to
  // its maximum batch (micro_batch_sequences): b = min(b_max, floor(f (C - W) / (PP x KV per sequence))), at least 1
  // (a point where not even one fits is infeasible by memory). Tabled for every HBM generation and stack count.
  // With "slo" the same table bounds the batch from above (evaluate_performance searches below it).
  p.gemm_tile = tiles_of(deck);
  p.batch_fills_memory = deck.workload.kind == "inference" &&
                         (deck.workload.batch_policy == "fill_memory" || deck.workload.batch_policy == "slo");
  p.batch_meets_slo = deck.workload.kind == "inference" && deck.workload.batch_policy == "slo";
  if (p.batch_fills_memory) {
    const GemmTileShape tiles = tiles_of(deck);
    // A token budget per iteration also bounds the batch: above budget_sustained_batch the prompts cannot start as
    // fast as sequences finish (model/prompt_queue.hpp), so an engine's batch settles below it.
    const double b_max = static_cast<double>(deck.workload.iteration_token_budget > 0
                                                 ? std::min(deck.workload.micro_batch_sequences,
                                                            deck.workload.budget_sustained_batch())
                                                 : deck.workload.micro_batch_sequences);
    const double s = static_cast<double>(deck.workload.sequence_length);
    for (std::size_t i = 0; i < mappings.size(); ++i) {
      const WorkloadDemand& d = p.demands[i];
      const double weights_gb = d.weight_bytes / 1e9;
      const double kv_gb_per_sequence = (d.hbm_capacity_needed_gb - weights_gb) / d.batch_sequences;  // all stages' batches
      for (std::size_t g = 0; g < kHbmGenCount; ++g)
        for (std::size_t n = 0; n <= kMaxHbmStacks; ++n) {
          const double capacity_gb = static_cast<double>(n) * k.hbm[g].capacity_gb;
          const double fits = std::floor(deck.workload.kv_cache_memory_fraction * (capacity_gb - weights_gb) / kv_gb_per_sequence);
          BatchFill& f = p.batch_fill[i][g][n];
          f.sequences = std::clamp(fits, 1.0, b_max);
          f.tile_efficiency = layer_tile_efficiency(d.tiling, f.sequences * s, tiles);
          f.decode_tile_efficiency = layer_tile_efficiency(d.tiling, f.sequences, tiles);
        }
    }
  }
  p.reference_peak_flops = deck.reference.peak_dense_tflops * 1e12;
  p.reference_clock_ghz = deck.reference.clock_ghz;
  p.gemm_efficiency = v("compute.common.gemm_efficiency");
  p.kv_cache_bandwidth_efficiency = v("memory.common.kv_cache_bandwidth_efficiency");
  p.decode_weight_bandwidth_efficiency = v("memory.common.decode_weight_bandwidth_efficiency");
  p.overlap = v("compute.common.compute_memory_overlap");
  p.hbm_efficiency = v("memory.common.hbm_bandwidth_efficiency");
  for (std::size_t i = 0; i < kHbmGenCount; ++i) {
    const std::string m = "memory." + std::string(kHbmGenNames[i]) + ".";
    p.hbm_bytes_per_s[i] = v(m + "bandwidth_gb_per_s") * 1e9;
    p.hbm_pj_per_bit[i] = v(m + "energy_pj_per_bit");
  }
  for (std::size_t i = 0; i < kD2dKindCount; ++i) {
    const std::string d = "d2d." + std::string(kD2dKindNames[i]) + ".";
    p.d2d_pj_per_bit[i] = v(d + "energy_pj_per_bit");
    p.d2d_latency_s[i] = v(d + "latency_round_trip_ns") * 1e-9 / 2.0;  // one way
  }
  // FEC decode latency (perf_models.md §1, §6.3): the codeword's time at the lane rate, times the codeword times one
  // decode takes (the receiver buffers a whole codeword, then decodes it).
  const double fec_s = v("link.cluster.fec_codeword_bits") * v("link.cluster.fec_decode_codewords") /
                       (v("link.cluster.serdes_lane_gbps") * 1e9);
  const auto num = [](double x) {
    std::ostringstream o;
    o << x;
    return o.str();
  };
  for (std::size_t i = 0; i < kLinkTechCount; ++i) {
    const std::string l = "link." + std::string(kLinkTechNames[i]) + ".";
    p.link_pj_per_bit[i] = v(l + "energy_pj_per_bit");
    // Where the link energy is dissipated: a pluggable (DSP or linear) module sits in the switch or NIC faceplate
    // cage, off the package, leaving only the host SerDes on it (energy_pj_per_bit - energy_module_pj_per_bit); CPO's
    // external laser source is a faceplate module too (laser_power_fraction of its energy); copper is the host SerDes
    // alone. The optical I/O chiplet's row (Intel OCI, Ayar TeraPHY) does not split its laser out, so all of it is
    // counted on the package: the package limit binds it no less than it does in silicon.
    switch (static_cast<LinkTech>(i)) {
      case LinkTech::pluggable_dsp:
      case LinkTech::lpo: p.link_off_package_pj_per_bit[i] = v(l + "energy_module_pj_per_bit"); break;
      case LinkTech::cpo: p.link_off_package_pj_per_bit[i] = v(l + "laser_power_fraction") * p.link_pj_per_bit[i]; break;
      default: p.link_off_package_pj_per_bit[i] = 0.0; break;
    }
    if (!(p.link_off_package_pj_per_bit[i] >= 0.0 && p.link_off_package_pj_per_bit[i] <= p.link_pj_per_bit[i]))
      throw InputError(deck.tech.at(l + "energy_pj_per_bit").where, l + "energy_pj_per_bit",
                       "below the part dissipated off the package (the module's energy_module_pj_per_bit, or CPO's "
                       "laser_power_fraction of it)",
                       num(p.link_pj_per_bit[i]), "at least " + num(p.link_off_package_pj_per_bit[i]) + " pJ/bit");
    // alpha_link = alpha_SerDes + alpha_FEC + alpha_DSP (perf_models.md §6.3); only pluggable DSP optics retime.
    p.link_interface_s[i] = v(l + "interface_latency_ns") * 1e-9;
    p.link_fec_s[i] = v(l + "fec_rs544") * fec_s;
    p.link_dsp_s[i] = static_cast<LinkTech>(i) == LinkTech::pluggable_dsp ? v("link.cluster.dsp_retimer_latency_ns") * 1e-9 : 0.0;
    // Passive copper at the 100G-per-lane rates of 800G ports; optics quote one reach.
    p.link_reach_m[i] = static_cast<LinkTech>(i) == LinkTech::copper ? v(l + "reach_100g_lane_m") : v(l + "reach_m");
  }
  p.scale_up_reach_m = v("link.cluster.scale_up_reach_m");
  p.scale_out_reach_m = v("link.cluster.scale_out_reach_m");
  p.switch_latency_s = v("link.cluster.switch_latency_ns") * 1e-9;
  p.software_latency_s = v("link.cluster.collective_software_latency_ns") * 1e-9;
  // Time of flight over the distance each tier spans (perf_models.md §6.3: L x 5 ns/m in every hop's alpha).
  p.scale_up_propagation_s = p.scale_up_reach_m * v("link.cluster.propagation_ns_per_m") * 1e-9;
  p.scale_out_propagation_s = p.scale_out_reach_m * v("link.cluster.propagation_ns_per_m") * 1e-9;
  p.protocol_efficiency = v("link.cluster.protocol_efficiency");
  p.scale_up_domain = static_cast<double>(deck.reference.scale_up_domain_packages);
  p.scale_up_bytes_per_s = deck.reference.scale_up_gb_per_s * 1e9 / 2.0;  // NVLink GB/s counts both directions
  p.scale_out_bytes_per_s = deck.reference.scale_out_gbps * 1e9 / 8.0;     // Gb/s per direction
  // On-die dynamic energy per BF16 FLOP at N5 and nominal clock: a calibration constant, fitted on H100's energy per
  // FLOP at its 700 W limit during LLM training (scripts/calibrate.py, inputs/calibration/targets.toml); the DVFS
  // exponent is fitted there too, on H100's inference throughput at a 450 W limit over that at 700 W.
  p.energy_per_flop_n5_j = v("compute.common.core_energy_pj_per_flop") * 1e-12;
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) {
    const std::string n = "process_node." + std::string(kProcessNodeNames[i]) + ".";
    p.energy_rel_n7[i] = v(n + "energy_per_op_rel_n7");
    p.fmax_rel_n7[i] = v(n + "fmax_rel_n7");
  }
  if (!process_node_from_name(deck.reference.node, p.reference_node)) p.reference_node = ProcessNode::n5;
  p.dvfs_exponent = v("compute.common.dvfs_power_exponent");
  p.sram_pj_per_bit = v("compute.common.sram_energy_pj_per_bit");
  // Static power density (perf_models.md §6.4 p_leak(node) g(T_j)). Anchor: the leakage share of H100's TDP over its
  // die (TSMC 4N, N5 family) at the hot junction of that share, process_node.common.leakage_reference_temperature_c.
  // By node: no foundry publishes leakage per transistor, so it is taken to follow the node's energy per operation at
  // iso-speed (the foundry's power ratios, energy_per_op_rel_n7) and the density of transistors per mm2 to follow
  // the chip-level logic density (logic_density_chip_rel_n7): p_leak(node) = p_leak(N5) x (e x rho)(node) / (e x
  // rho)(N5) -- a stated assumption (N7 0.79, N3 1.06, N2 0.87 of N5 per mm2 with the shipped rows).
  // By temperature: g(T) = exp(k (T - T_ref)), k = process_node.common.leakage_temperature_coefficient_per_k.
  const double n5_density_w_per_mm2 =
      v("process_node.common.leakage_fraction_hpc") * v("compute.h100.tdp_w") / v("compute.h100.die_area_mm2");
  const auto transistor_energy = [&](std::size_t i) {
    const std::string n = "process_node." + std::string(kProcessNodeNames[i]) + ".";
    return v(n + "energy_per_op_rel_n7") * v(n + "logic_density_chip_rel_n7");
  };
  const double n5 = transistor_energy(static_cast<std::size_t>(ProcessNode::n5));
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) p.leakage_w_per_mm2[i] = n5_density_w_per_mm2 * transistor_energy(i) / n5;
  p.leakage_reference_c = v("process_node.common.leakage_reference_temperature_c");
  p.leakage_per_k = v("process_node.common.leakage_temperature_coefficient_per_k");
  p.heat_flux_limit_w_per_mm2 = deck.constraints.cooling == "air" ? v("thermal.limits.air_heat_flux_limit_w_per_mm2")
                                                                   : v("thermal.limits.liquid_heat_flux_limit_w_per_mm2");
  p.tdp_w = deck.constraints.tdp_w.value_or(0.0);
  p.tdp_dvfs = deck.constraints.tdp_policy == "dvfs";
  p.iteration_token_budget = static_cast<double>(deck.workload.iteration_token_budget);
  p.prompt_length_cv = deck.workload.sequence_length_cv;
  p.ttft_slo_s = deck.constraints.ttft_slo_s.value_or(0.0);
  p.tpot_slo_s = deck.constraints.tpot_slo_s.value_or(0.0);
  if (deck.constraints.slo_percentile) {
    p.slo_percentile = *deck.constraints.slo_percentile;
    p.slo_z = standard_normal_quantile(p.slo_percentile / 100.0);
  }
  p.lifetime_s = deck.economics.lifetime_years * 365.25 * 86400.0;
  p.electricity_usd_per_j = deck.economics.electricity_usd_per_kwh * deck.economics.pue / 3.6e6;
}

}  // namespace chipdse::model

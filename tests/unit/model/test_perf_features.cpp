// Property and identity tests of the performance-model features of issue #5 (model/perf_stage.cpp,
// model/perf_params_from_deck.cpp): full activation recomputation, the per-operator decode roofline, MoE expert
// parallelism, the MFU / TTFT / TPOT / energy-per-FLOP metrics and the KV-cache bandwidth efficiency. Every expected value is
// computed here from the equations of perf_params.hpp and perf_stage.cpp and the deck's own constants.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <tuple>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/step_time.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

using Loaded = test::LoadedDeck;
using test::kSmallModel;

// A deck with the H100 reference and the given [workload] body (registry defaults for every other key).
Loaded load(const std::string& workload, const std::string& reference_extra = "") {
  return test::load_deck_text(test::h100_deck_head("perf_features") + reference_extra + "[workload]\n" + workload + "\n",
                              "perf_features_test.toml");
}

// Useful / padded FLOPs of the layer's four matrix products on one rank (NVIDIA DL Performance Guide, tile and wave
// quantisation), written out here independently of perf_params_from_deck.cpp: the better of tile heights tm and tm/2.
double padded(double M, double N, double K, double tm, double tn, double tk, double units) {
  const auto one = [&](double h) {
    const double tiles = std::ceil(M / h) * std::ceil(N / tn);
    return 2.0 * std::ceil(tiles / units) * units * h * tn * std::ceil(K / tk) * tk;
  };
  return std::min(one(tm), one(tm / 2.0));
}

// The itemised step of design c at the clock it settles on.
StepTimes steps_of(const DesignChoice& c, const KernelParams& k) {
  EvaluationDetail detail;
  const Metrics m = evaluate(c, k, &detail);
  return step_times(c, k, detail.area, k.perf.demands[0], m.effective_clock_ghz);
}
// The layer's four matrix products on one rank, {M, N, K}: QKV, attention output, FFN up + gate, down (Megatron).
std::array<std::array<double, 3>, 4> layer_shapes(const deck::Deck& d, double M) {
  const auto& w = d.workload;
  const double h = w.d_model, dh = h / w.heads, tp = w.tensor_parallel, f = w.ffn_hidden;
  return {{{M, (w.heads + 2.0 * w.kv_heads) * dh / tp, h}, {M, h, w.heads * dh / tp}, {M, 2.0 * f / tp, h}, {M, h, f / tp}}};
}
double layer_tile_eff(const deck::Deck& d, double M) {
  const double tm = d.tech.at("compute.common.gemm_tile_m").value, tn = d.tech.at("compute.common.gemm_tile_n").value;
  const double tk = d.tech.at("compute.common.gemm_tile_k").value, u = static_cast<double>(d.reference.compute_units);
  double useful = 0.0, pad = 0.0;
  for (const auto& g : layer_shapes(d, M)) {
    useful += 2.0 * g[0] * g[1] * g[2];
    pad += padded(g[0], g[1], g[2], tm, tn, tk, u);
  }
  return useful / pad;
}
// HBM bytes one forward pass over all layers re-reads through a monolithic die's SRAM (perf_models.md §6.2 tiling
// bound, written out here): square output tiles T = sqrt(S / (3 a_b)), S = reference.sram_mb MiB; an M x N x K product
// reads its M x K operand ceil(N / T) times and its K x N operand ceil(M / T) times, the demand already counts once.
double reread_bytes(const deck::Deck& d, double M, double ab) {
  const double T = std::sqrt(d.reference.sram_mb * 1048576.0 / (3.0 * ab));
  double bytes = 0.0;
  for (const auto& g : layer_shapes(d, M))
    bytes += ab * (g[0] * g[2] * (std::ceil(g[1] / T) - 1.0) + g[2] * g[1] * (std::ceil(g[0] / T) - 1.0));
  return d.workload.layers * bytes;
}


DesignChoice monolithic(HbmGen hbm, int stacks, double clock_ghz) {
  return test::monolithic_n5(hbm, stacks, clock_ghz, LinkTech::copper, LinkTech::cpo);
}

double tv(const deck::Deck& d, const std::string& key) { return d.tech.at(key).value; }

// Peak of the design at the workload precision: reference x precision rate x clock / reference clock.
double peak_of(const deck::Deck& d, double clock_ghz) {
  const auto rate = [&](const std::string& prec) { return prec == "fp8" ? tv(d, "compute.common.fp8_speedup_vs_bf16") : 1.0; };
  return d.reference.peak_dense_tflops * 1e12 * rate(d.workload.precision) / rate(d.reference.precision) * clock_ghz /
         d.reference.clock_ghz;
}

double hbm_bw_of(const deck::Deck& d, const DesignChoice& c) {
  const std::string gen(kHbmGenNames[static_cast<std::size_t>(c.hbm)]);
  return c.hbm_stacks * tv(d, "memory." + gen + ".bandwidth_gb_per_s") * 1e9 *
         tv(d, "memory.common.hbm_bandwidth_efficiency");
}

}  // namespace

TEST_CASE("full activation recomputation executes 4/3 of the model FLOPs and lowers MFU", "[perf][recompute]") {
  const Loaded none = load("kind = \"training\"\ncluster_packages = 1024\nactivation_recompute = \"none\"");
  const Loaded full = load("kind = \"training\"\ncluster_packages = 1024\nactivation_recompute = \"full\"");
  const WorkloadDemand& dn = none.params.perf.demands[0];
  const WorkloadDemand& df = full.params.perf.demands[0];
  REQUIRE(df.training);
  // Model FLOPs do not change; executed = 4 forward passes instead of 3 (4 fwd x 3 == 3 fwd x 4 exactly in binary).
  CHECK(df.flops_per_micro_batch == dn.flops_per_micro_batch);
  CHECK(dn.executed_flops_per_micro_batch == dn.flops_per_micro_batch);
  CHECK(df.executed_flops_per_micro_batch * 3.0 == df.flops_per_micro_batch * 4.0);
  CHECK(df.executed_flops_per_micro_batch == Approx(4.0 / 3.0 * df.flops_per_micro_batch).epsilon(1e-15));
  CHECK(df.backward_share == 0.75);
  CHECK(df.hbm_bytes_per_micro_batch == dn.hbm_bytes_per_micro_batch);

  int compute_bound = 0;
  for (HbmGen g : {HbmGen::hbm3, HbmGen::hbm3e, HbmGen::hbm4})
    for (int stacks : {1, 2, 4, 6, 8, 12})
      for (double clock : {1.2, 1.83, 1.98}) {
        const DesignChoice c = monolithic(g, stacks, clock);
        const Metrics mn = evaluate(c, none.params), mf = evaluate(c, full.params);
        INFO(kHbmGenNames[static_cast<std::size_t>(g)] << " x" << stacks << " at " << clock << " GHz");
        CHECK(mf.throughput_tokens_per_s <= mn.throughput_tokens_per_s);
        CHECK(mf.latency_s >= mn.latency_s);
        CHECK(mf.mfu <= mn.mfu);
        // MFU counts the same model FLOPs per step with and without recomputation: mfu x step time is invariant.
        CHECK(mf.mfu * mf.latency_s == Approx(mn.mfu * mn.latency_s).epsilon(1e-12));
        // Compute-bound micro-batch (t_c > t_hbm): the extra forward pass strictly lengthens the step.
        const double tc = dn.executed_flops_per_micro_batch / (peak_of(none.deck, clock) * none.params.perf.gemm_efficiency);
        const double thbm = dn.hbm_bytes_per_micro_batch / hbm_bw_of(none.deck, c);
        if (tc > thbm) {
          ++compute_bound;
          CHECK(mf.latency_s > mn.latency_s);
          CHECK(mf.mfu < mn.mfu);
          CHECK(mf.throughput_tokens_per_s < mn.throughput_tokens_per_s);
        }
      }
  CHECK(compute_bound > 0);
}

TEST_CASE("decode time per token is the sum of the per-operator rooflines",
          "[perf][decode]") {
  int gemm_compute_bound = 0, gemm_memory_bound = 0;
  for (const std::string prec : {"bf16", "fp8"})
    for (int b : {1, 16, 512}) {
      const Loaded l = load("kind = \"inference\"\n" + kSmallModel + "precision = \"" + prec +
                            "\"\ncluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\n"
                            "sequence_length = 2048\noutput_tokens = 128\nmicro_batch_sequences = " +
                            std::to_string(b));
      REQUIRE(l.params.perf.overlap == 1.0);
      const deck::Workload& w = l.deck.workload;
      const double L = w.layers, h = w.d_model, nq = w.heads, nkv = w.kv_heads, f = w.ffn_hidden, V = w.vocab;
      const double dh = h / nq, ab = prec == "fp8" ? 1.0 : 2.0, s = w.sequence_length, out = w.output_tokens;
      const double N = L * (h * dh * (2 * nq + 2 * nkv) + 3 * h * f) + V * h;  // dense: N_act = N
      const double ctx = s + out / 2.0;
      // Weights once, plus what the matrix products re-read through the 60 MiB buffer (T 3,238 at BF16, 4,579 at FP8:
      // the M = b rows fit one tile, the 28,672-wide FFN up + gate does not).
      const double gemm_flops = b * 2.0 * N, weight_bytes = N * ab + reread_bytes(l.deck, b, ab);
      CHECK(reread_bytes(l.deck, b, ab) > 0.0);
      const double attn_flops = b * 4.0 * L * ctx * h, kv_bytes = b * ctx * L * 2.0 * nkv * dh * ab;
      const double u = tv(l.deck, "compute.common.gemm_efficiency");
      const double kv_eff = tv(l.deck, "memory.common.kv_cache_bandwidth_efficiency");
      const double w_eff = tv(l.deck, "memory.common.decode_weight_bandwidth_efficiency");
      for (int stacks : {2, 5, 8})
        for (double clock : {1.5, 1.98}) {
          const DesignChoice c = monolithic(HbmGen::hbm3e, stacks, clock);
          const double peak = peak_of(l.deck, clock), bw = hbm_bw_of(l.deck, c);
          const double ut = layer_tile_eff(l.deck, b);
          const double gemm = std::max(gemm_flops / (peak * u * ut), weight_bytes / (bw * w_eff));
          const double attn = std::max(attn_flops / (peak * u), kv_bytes / (bw * kv_eff));
          ++(gemm_flops / (peak * u * ut) > weight_bytes / (bw * w_eff) ? gemm_compute_bound : gemm_memory_bound);
          const Metrics m = evaluate(c, l.params);
          INFO(prec << " batch " << b << " stacks " << stacks << " clock " << clock);
          CHECK(steps_of(c, l.params).decode_step_s == Approx(gemm + attn).epsilon(1e-12));
          CHECK(m.tpot_s > gemm + attn);  // and the prompts interleaved with each step
          CHECK(m.tpot_s >= gemm);
          CHECK(m.tpot_s >= attn);
        }
    }
  CHECK(gemm_compute_bound > 0);  // both regimes of the matrix-product operator are exercised
  CHECK(gemm_memory_bound > 0);
}

TEST_CASE("decode time per token rises with the batch and never falls when HBM bandwidth is removed",
          "[perf][decode]") {
  const DesignChoice c = monolithic(HbmGen::hbm3, 5, 1.83);
  double last = 0.0;
  for (int b : {1, 2, 4, 8, 32, 128, 512}) {
    const Loaded l = load("kind = \"inference\"\n" + kSmallModel +
                          "cluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\nmicro_batch_sequences = " +
                          std::to_string(b));
    const Metrics m = evaluate(c, l.params);
    INFO("batch " << b);
    CHECK(m.tpot_s > last);  // more sequences in flight: more KV cache read per step
    last = m.tpot_s;
    double fewer = 0.0;
    for (int stacks = 12; stacks >= 1; --stacks) {
      const double t = evaluate(monolithic(HbmGen::hbm3, stacks, 1.83), l.params).tpot_s;
      INFO("stacks " << stacks);
      CHECK(t >= fewer);
      fewer = t;
    }
  }
}

TEST_CASE("MoE expert parallelism spreads the experts and pays an all-to-all on the expert tier", "[perf][moe]") {
  const DesignChoice c = monolithic(HbmGen::hbm3e, 8, 1.83);
  double last_gb = 1e300;
  for (int ep : {1, 2, 4, 8}) {
    const Loaded l = load("kind = \"training\"\n" + kSmallModel +
                          "experts = 8\ntop_k = 2\ncluster_packages = 8\ntensor_parallel = 1\npipeline_parallel = 1\n"
                          "global_batch_sequences = 64\nexpert_parallel = " + std::to_string(ep));
    const KernelParams& p = l.params;
    const WorkloadDemand& d = p.perf.demands[0];
    const deck::Workload& w = l.deck.workload;
    const double L = w.layers, h = w.d_model, nq = w.heads, nkv = w.kv_heads, f = w.ffn_hidden, V = w.vocab;
    const double dh = h / nq, E = w.experts, k = w.top_k, ab = 2.0;
    const double experts_params = L * E * 3.0 * h * f;
    const double N = L * h * dh * (2 * nq + 2 * nkv) + experts_params + V * h;
    INFO("ep " << ep);
    // Weights + gradients + Adam state (16 B per parameter) of this package: experts over ep ranks.
    CHECK(d.hbm_capacity_needed_gb == Approx(16.0 * (N - experts_params + experts_params / ep) / 1e9).epsilon(1e-12));
    CHECK(d.hbm_capacity_needed_gb < last_gb);
    last_gb = d.hbm_capacity_needed_gb;

    const Metrics m = evaluate(c, p);
    KernelParams no_a2a = p;
    no_a2a.perf.demands[0].ep_alltoalls_per_micro_batch = 0.0;
    const double without = evaluate(c, no_a2a).latency_s;
    KernelParams slow_alpha = p, slow_beta = p;
    slow_alpha.perf.software_latency_s *= 10.0;
    slow_beta.perf.scale_up_bytes_per_s /= 4.0;
    const double t_alpha = evaluate(c, slow_alpha).latency_s, t_beta = evaluate(c, slow_beta).latency_s;
    if (ep == 1) {
      CHECK(d.ep_alltoalls_per_micro_batch == 0.0);
      CHECK(d.ep_message_bytes == 0.0);
      CHECK(m.latency_s == without);
      CHECK(t_beta == m.latency_s);  // TP = 1, PP = 1: nothing else runs on the scale-up tier
      CHECK(t_alpha >= m.latency_s);
      continue;
    }
    // 4 all-to-alls per MoE layer per micro-batch (dispatch + combine, forward + backward), each of
    // b s k h a_b bytes among ep ranks: (ep - 1) alpha + (ep - 1) / ep M / beta on the scale-up tier (copper; alpha
    // = software + switch + the time of flight over the rack + two copper links, each a SerDes pair and one FEC
    // decode of fec_decode_codewords codewords at the lane rate).
    const double M = w.micro_batch_sequences * w.sequence_length * k * h * ab;
    const double fec_ns = tv(l.deck, "link.cluster.fec_codeword_bits") * tv(l.deck, "link.cluster.fec_decode_codewords") /
                          tv(l.deck, "link.cluster.serdes_lane_gbps");
    const double alpha = (tv(l.deck, "link.cluster.collective_software_latency_ns") +
                          tv(l.deck, "link.cluster.switch_latency_ns") +
                          tv(l.deck, "link.cluster.scale_up_reach_m") * tv(l.deck, "link.cluster.propagation_ns_per_m") +
                          2.0 * (tv(l.deck, "link.copper.interface_latency_ns") + tv(l.deck, "link.copper.fec_rs544") * fec_ns)) *
                         1e-9;
    const double beta = l.deck.reference.scale_up_gb_per_s * 1e9 / 2.0 * tv(l.deck, "link.cluster.protocol_efficiency");
    const double a2a = (ep - 1.0) * alpha + (ep - 1.0) / ep * M / beta;
    CHECK(d.ep_alltoalls_per_micro_batch == 4.0 * L);
    CHECK(d.ep_message_bytes == M);
    CHECK(m.latency_s - without == Approx(d.micro_batches * 4.0 * L * a2a).epsilon(1e-9));
    CHECK(t_alpha > m.latency_s);
    CHECK(t_beta > m.latency_s);
  }
}

TEST_CASE("training metrics: no TTFT or TPOT, MFU bounded by the GEMM efficiency, energy per FLOP identity",
          "[perf][metrics]") {
  const KernelParams& p = test::default_params();
  const deck::Deck& dk = test::default_deck();
  for (Partitioning part : {Partitioning::monolithic, Partitioning::chiplets, Partitioning::chiplets_io})
    for (int stacks : {1, 4, 8})
      for (double clock : {1.2, 1.83, 1.98}) {
        DesignChoice c = monolithic(HbmGen::hbm3e, stacks, clock);
        c.partitioning = part;
        if (part != Partitioning::monolithic) {
          c.compute_count = 4;
          c.packaging = Packaging::cowos_l;
          c.d2d_tbps_per_direction = 2.0;
        }
        const Metrics m = evaluate(c, p);
        INFO(kPartitioningNames[static_cast<std::size_t>(part)] << " x" << stacks << " at " << clock);
        CHECK(m.ttft_s == 0.0);
        CHECK(m.tpot_s == 0.0);
        CHECK(m.mfu > 0.0);
        CHECK(m.mfu <= p.perf.gemm_efficiency);
        const double model_flops_per_s = m.mfu * peak_of(dk, clock);
        CHECK(m.energy_pj_per_flop * 1e-12 * model_flops_per_s == Approx(m.power_w).epsilon(1e-12));
      }
}

TEST_CASE("inference metrics: TTFT positive, latency is TPOT, energy per FLOP identity", "[perf][metrics]") {
  const Loaded l = load("kind = \"inference\"\ncluster_packages = 8\ntensor_parallel = 8\npipeline_parallel = 1\n"
                        "micro_batch_sequences = 16");
  for (int stacks : {4, 6, 8})
    for (double clock : {1.4, 1.98}) {
      const Metrics m = evaluate(monolithic(HbmGen::hbm3, stacks, clock), l.params);
      INFO("stacks " << stacks << " clock " << clock);
      CHECK(m.ttft_s > 0.0);
      CHECK(m.tpot_s > 0.0);
      CHECK(m.latency_s == m.tpot_s);
      CHECK(m.mfu > 0.0);
      CHECK(m.mfu <= l.params.perf.gemm_efficiency);
      CHECK(m.energy_pj_per_flop * 1e-12 * m.mfu * peak_of(l.deck, clock) == Approx(m.power_w).epsilon(1e-12));
    }
}

TEST_CASE("a lower KV-cache bandwidth efficiency never raises inference throughput and training ignores it",
          "[perf][kv]") {
  const Loaded l = load("kind = \"inference\"\ncluster_packages = 8\ntensor_parallel = 8\npipeline_parallel = 1\n"
                        "micro_batch_sequences = 64\nsequence_length = 8192");
  const DesignChoice c = monolithic(HbmGen::hbm3e, 6, 1.83);
  const Metrics base = evaluate(c, l.params);
  KernelParams half = l.params;
  half.perf.kv_cache_bandwidth_efficiency /= 2.0;
  const Metrics mh = evaluate(c, half);
  CHECK(mh.throughput_tokens_per_s <= base.throughput_tokens_per_s);
  CHECK(mh.tpot_s >= base.tpot_s);
  // The prefill reads no KV cache: a request's TTFT changes only by the decode step it joins.
  CHECK(mh.ttft_s - base.ttft_s == Approx(mh.tpot_s - base.tpot_s).epsilon(1e-12));
  // With a long context the decode attention is memory-bound: halving the efficiency doubles its KV time, so TPOT
  // grows by exactly the attention operator's HBM time at the base efficiency.
  const double kv_time = l.params.perf.demands[0].decode_attention_hbm_bytes /
                         (6.0 * l.params.perf.hbm_bytes_per_s[static_cast<std::size_t>(HbmGen::hbm3e)] *
                          l.params.perf.hbm_efficiency * l.params.perf.kv_cache_bandwidth_efficiency);
  CHECK(mh.tpot_s - base.tpot_s == Approx(kv_time).epsilon(1e-9));

  const KernelParams& t = test::default_params();
  KernelParams t_half = t;
  t_half.perf.kv_cache_bandwidth_efficiency /= 2.0;
  const Metrics a = evaluate(c, t), b = evaluate(c, t_half);
  CHECK(a.throughput_tokens_per_s == b.throughput_tokens_per_s);
  CHECK(a.latency_s == b.latency_s);
  CHECK(a.mfu == b.mfu);
  CHECK(a.power_w == b.power_w);
}

TEST_CASE("tile quantisation: a batch one row over a multiple of the half tile pays the padding, waves vanish on one unit",
          "[perf][tiles]") {
  // One compute unit: every tile is its own wave, so only the padding of M (and of N, K: multiples here) is lost.
  const std::string shape = kSmallModel + "kind = \"inference\"\ncluster_packages = 1\ntensor_parallel = 1\n"
                                          "pipeline_parallel = 1\nprecision = \"fp8\"\nmicro_batch_sequences = ";
  const double tm = 128.0;
  for (int b : {64, 65, 128, 806, 896}) {
    const Loaded l = load(shape + std::to_string(b), "compute_units = 1\n");
    REQUIRE(l.deck.tech.at("compute.common.gemm_tile_m").value == tm);
    // N and K of every product are multiples of 128 and 64 for this shape: the efficiency is M over M rounded up
    // to the better of 128 and 64 rows.
    const double rows = std::min(std::ceil(b / tm) * tm, std::ceil(b / (tm / 2.0)) * (tm / 2.0));
    INFO("batch " << b);
    CHECK(l.params.perf.demands[0].decode_tile_efficiency == Approx(b / rows).epsilon(1e-14));
    CHECK(l.params.perf.demands[0].decode_tile_efficiency == Approx(layer_tile_eff(l.deck, b)).epsilon(1e-14));
  }
  // With the real unit count the waves add a loss, never a gain.
  const Loaded many = load(shape + "806");
  CHECK(many.params.perf.demands[0].decode_tile_efficiency == Approx(layer_tile_eff(many.deck, 806)).epsilon(1e-14));
  CHECK(many.params.perf.demands[0].decode_tile_efficiency <= 806.0 / 832.0);
  CHECK(many.params.perf.demands[0].decode_tile_efficiency > 0.0);
}

TEST_CASE("ridge points of the calibration devices: peak FLOPs over HBM bandwidth as in their datasheets",
          "[perf][calibration]") {
  // shared/reference/perf_models.md §7, T1: H100 989 TF / 3.35 TB/s, H200 989 / 4.8, MI300X 1307.4 / 5.3 (BF16
  // dense, FLOP per byte), exact to 1e-9: the decks must carry the datasheet numbers into the model unchanged.
  const std::filesystem::path cal = std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "calibration";
  const struct {
    const char* deck;
    double tflops, tb_per_s;
  } devices[] = {{"h100_llama2_70b_offline.toml", 989.0, 3.35},
                 {"h200_llama2_70b_offline.toml", 989.0, 4.8},
                 {"mi300x_llama2_70b_offline.toml", 1307.4, 5.3}};
  for (const auto& dev : devices) {
    const deck::Deck d = deck::load_deck(cal / dev.deck);
    const KernelParams k = kernel_params_from_deck(d);
    REQUIRE(d.space.hbm.size() == 1);
    REQUIRE(d.space.hbm_stacks.size() == 1);
    HbmGen gen{};
    for (std::size_t i = 0; i < kHbmGenCount; ++i)
      if (kHbmGenNames[i] == d.space.hbm.front()) gen = static_cast<HbmGen>(i);
    const double bytes_per_s = static_cast<double>(d.space.hbm_stacks.front()) * k.perf.hbm_bytes_per_s[static_cast<std::size_t>(gen)];
    INFO(dev.deck);
    CHECK(k.perf.reference_peak_flops / bytes_per_s == Approx(dev.tflops / dev.tb_per_s).epsilon(1e-9));
  }
}

TEST_CASE("DVFS clamp: power at most the limit or the point is infeasible, the clock only falls, throughput only falls",
          "[perf][dvfs]") {
  // perf_models.md §7 T6: TDP clamp => P <= TDP, for the power the package draws (the limit does not bind a pluggable
  // module or an external laser). Training on the registry workload; a limit that binds.
  const std::string wl = "kind = \"training\"\n";
  const Loaded free = load(wl);
  const Loaded clamped = load(wl, "[constraints]\ntdp_w = 450.0\ntdp_policy = \"dvfs\"\n");
  const Loaded strict = load(wl, "[constraints]\ntdp_w = 450.0\n");
  REQUIRE(clamped.params.perf.tdp_dvfs);
  int bound = 0, met = 0;
  for (const HbmGen hbm : {HbmGen::hbm3, HbmGen::hbm3e})
    for (int stacks : {4, 6, 8})
      for (double clock : {1.4, 1.6, 1.83, 1.98}) {
        const DesignChoice c = monolithic(hbm, stacks, clock);
        const Metrics f = evaluate(c, free.params), m = evaluate(c, clamped.params), s = evaluate(c, strict.params);
        INFO("stacks " << stacks << " clock " << clock << ": free " << f.power.package_w << " W, clamped "
                       << m.power.package_w << " W");
        CHECK(m.effective_clock_ghz <= clock);
        CHECK(m.throughput_tokens_per_s <= f.throughput_tokens_per_s);
        if (f.power.package_w <= 450.0) {  // the limit does not bind: nothing changes
          CHECK(m.effective_clock_ghz == clock);
          CHECK(m.power_w == f.power_w);
          CHECK((s.infeasible & infeasible::power_over_tdp) == 0);
        } else {
          ++bound;
          CHECK((s.infeasible & infeasible::power_over_tdp) != 0);  // the default policy rejects it
          CHECK(m.effective_clock_ghz < clock);
          if ((m.infeasible & infeasible::power_over_tdp) == 0) {
            ++met;
            CHECK(m.power.package_w <= 450.0);
          }
        }
      }
  CHECK(bound > 0);
  CHECK(met == bound);  // every binding point reached the limit (compute power can always be lowered here)
}

TEST_CASE("DVFS clamp on memory-bound decode: the clock lands where the unclamped power crosses the limit",
          "[perf][dvfs]") {
  // Decode over a long context is HBM-bound: lowering the clock saves only the energy per FLOP (~ f^(gamma - 1)), not
  // FLOP rate, so a step that assumes P ~ f^gamma closes a fraction of the excess. The clamp must still reach the limit
  // rather than leave the point a hair over it (infeasible). Independent check: the design evaluated without a limit
  // just above the clamped clock draws more than the limit, and just below it less.
  const std::string wl = "kind = \"inference\"\n" + kSmallModel +
                         "cluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\nsequence_length = 8192\n"
                         "output_tokens = 1024\nmicro_batch_sequences = 16\n";
  const Loaded free = load(wl);
  int memory_bound = 0;
  for (int stacks : {4, 8}) {
    const double clock = 1.98;
    const Metrics f = evaluate(monolithic(HbmGen::hbm3, stacks, clock), free.params);
    if (f.time_hbm_share > 0.5) ++memory_bound;
    for (double share : {0.97, 0.9}) {
      const double limit = share * f.power.package_w;
      const Loaded clamped = load(wl, "[constraints]\ntdp_w = " + std::to_string(limit) + "\ntdp_policy = \"dvfs\"\n");
      const Metrics m = evaluate(monolithic(HbmGen::hbm3, stacks, clock), clamped.params);
      const double tdp = clamped.params.perf.tdp_w;
      INFO(stacks << " stacks, limit " << tdp << " W: clamped to " << m.effective_clock_ghz << " GHz, " << m.power.package_w
                  << " W");
      CHECK((m.infeasible & infeasible::power_over_tdp) == 0u);
      CHECK(m.power.package_w <= tdp);
      CHECK(m.power.package_w >= tdp * (1.0 - 1e-6));  // at the limit: the clock falls no further than it must
      CHECK(m.effective_clock_ghz < clock);
      const auto unclamped_w = [&](double ghz) { return evaluate(monolithic(HbmGen::hbm3, stacks, ghz), free.params).power.package_w; };
      CHECK(unclamped_w(m.effective_clock_ghz * (1.0 + 1e-4)) > tdp);
      CHECK(unclamped_w(m.effective_clock_ghz * (1.0 - 1e-4)) < tdp);
    }
  }
  CHECK(memory_bound > 0);
}

TEST_CASE("DP gradient all-reduce: hierarchical inside a scale-up domain, flat when TP fills the domain", "[perf][dp]") {
  // TP 2 in a domain of 8: 4 replicas of a stage share a domain and reduce over scale-up first.
  const std::string wl = "kind = \"training\"\ncluster_packages = 64\ntensor_parallel = 2\npipeline_parallel = 1\n"
                         "global_batch_sequences = 64\ntensor_tier = \"scale_up\"\ndata_tier = \"scale_out\"\n";
  const Loaded dom8 = load(wl, "scale_up_domain_packages = 8\n");
  const Loaded dom1 = load(wl, "scale_up_domain_packages = 1\n");
  const DesignChoice c = monolithic(HbmGen::hbm3e, 6, 1.83);
  const WorkloadDemand& d = dom8.params.perf.demands[0];
  REQUIRE(d.dp == 32.0);
  const PerfParams& p = dom8.params.perf;
  const double up_beta = p.scale_up_bytes_per_s * p.protocol_efficiency;
  const double out_beta = p.scale_out_bytes_per_s * p.protocol_efficiency;
  // Neither tier retimes: copper scale-up, CPO scale-out (the `monolithic` choice): alpha = software + switch + the
  // time of flight over the tier's span (reach x ns per metre) + two links (to the switch and back), each with its
  // SerDes pair and one RS(544,514) decode of 2 codewords of 5440 bits at 106.25 Gb/s (102.4 ns), all from the rows.
  const auto& tech = dom8.deck.tech;
  const auto row = [&](const std::string& key) { return tech.at(key).value; };
  const double ns_per_m = row("link.cluster.propagation_ns_per_m") * 1e-9;
  const double fec_s = row("link.cluster.fec_codeword_bits") * row("link.cluster.fec_decode_codewords") /
                       (row("link.cluster.serdes_lane_gbps") * 1e9);
  CHECK(fec_s == Approx(2.0 * 5440.0 / 106.25e9).epsilon(1e-15));
  const auto link_s = [&](const std::string& t) {
    return row("link." + t + ".interface_latency_ns") * 1e-9 + row("link." + t + ".fec_rs544") * fec_s;
  };
  const double alpha_up = p.software_latency_s + p.switch_latency_s + row("link.cluster.scale_up_reach_m") * ns_per_m +
                          2.0 * link_s("copper");
  const double a_out = p.software_latency_s + p.switch_latency_s + row("link.cluster.scale_out_reach_m") * ns_per_m +
                       2.0 * link_s("cpo");
  const double M = d.dp_allreduce_bytes;
  // Flat ring over 32 ranks on scale-out versus RS(4) + AR(8 of M / 4) + AG(4): written out (perf_models.md §6.3).
  const double flat = 2.0 * 31.0 * a_out + 2.0 * 31.0 / 32.0 * M / out_beta;
  const double rs_ag = 2.0 * (3.0 * alpha_up + 3.0 / 4.0 * M / up_beta);
  const double hier = rs_ag + 2.0 * 7.0 * a_out + 2.0 * 7.0 / 8.0 * (M / 4.0) / out_beta;
  REQUIRE(hier < flat);
  const Metrics m8 = evaluate(c, dom8.params), m1 = evaluate(c, dom1.params);
  // Only the exposed part of the DP sync shows in the step: the difference is at most flat - hier, never negative.
  CHECK(m8.latency_s < m1.latency_s);  // the flat sync is exposed here (70 GB of gradients over 50 GB/s)
  CHECK(m1.latency_s - m8.latency_s <= (flat - hier) * (1.0 + 1e-12));
  // TP filling the domain (8 of 8): no replica shares it, the reduction stays flat.
  const std::string wl8 = "kind = \"training\"\ncluster_packages = 64\ntensor_parallel = 8\npipeline_parallel = 1\n"
                          "global_batch_sequences = 64\n";
  CHECK(evaluate(c, load(wl8, "scale_up_domain_packages = 8\n").params).latency_s ==
        evaluate(c, load(wl8, "scale_up_domain_packages = 1\n").params).latency_s);
}

TEST_CASE("inference through a pipeline keeps one batch per stage in flight: PP 2 on 2 packages serves as PP 1 on 1 plus the stage sends", "[perf][inference]") {
  // Each stage does half the layers' work for each of the 2 batches in flight, so per package the work, the bytes,
  // the time per token and the tokens per second are those of one package running the whole model for one batch,
  // but for the sends between the stages; the memory is half the weights and the KV cache of half the layers for two
  // batches.
  const std::string wl = "kind = \"inference\"\n" + kSmallModel +
                         "precision = \"fp8\"\nsequence_length = 1000\noutput_tokens = 400\nmicro_batch_sequences = 64\n"
                         "tensor_parallel = 1\n";
  const Loaded one = load(wl + "cluster_packages = 1\npipeline_parallel = 1\n");
  const Loaded two = load(wl + "cluster_packages = 2\npipeline_parallel = 2\npipeline_tier = \"scale_up\"\n");
  const WorkloadDemand &d1 = one.params.perf.demands[0], &d2 = two.params.perf.demands[0];
  CHECK(d2.micro_batches == 2.0);
  CHECK(d2.tokens_per_step == 2.0 * d1.tokens_per_step);
  const double L = 32, h = 4096, dh = 128, nq = 32, nkv = 8, f = 14336, V = 32000;
  const double params = L * (h * dh * (2 * nq + 2 * nkv) + 3 * h * f) + V * h;
  const double kv_bytes = 64 * (1000 + 400 / 2.0) * L * 2 * nkv * dh * 1.0;  // 64 sequences, all layers, FP8
  CHECK(d1.hbm_capacity_needed_gb == Approx((params + kv_bytes) / 1e9).epsilon(1e-12));
  CHECK(d2.hbm_capacity_needed_gb == Approx((params / 2.0 + 2.0 * (kv_bytes / 2.0)) / 1e9).epsilon(1e-12));
  const DesignChoice c = monolithic(HbmGen::hbm3e, 6, 1.83);
  const Metrics m1 = evaluate(c, one.params), m2 = evaluate(c, two.params);
  // The stage boundary adds one point-to-point send of the batch's activations per token (and of the prompt's to the
  // first token) on the scale-up tier (copper): alpha = software + switch + flight + two links (SerDes pair and one
  // RS(544,514) decode each), beta = NVLink per direction x protocol efficiency, all from the rows.
  const auto row = [&](const std::string& key) { return two.deck.tech.at(key).value; };
  const double fec_ns = row("link.cluster.fec_codeword_bits") * row("link.cluster.fec_decode_codewords") / row("link.cluster.serdes_lane_gbps");
  const double alpha = (row("link.cluster.collective_software_latency_ns") + row("link.cluster.switch_latency_ns") +
                        row("link.cluster.scale_up_reach_m") * row("link.cluster.propagation_ns_per_m") +
                        2.0 * (row("link.copper.interface_latency_ns") + row("link.copper.fec_rs544") * fec_ns)) * 1e-9;
  const double beta = two.deck.reference.scale_up_gb_per_s * 1e9 / 2.0 * row("link.cluster.protocol_efficiency");
  // The activations a stage hands on are BF16 (2 bytes) although the products run in FP8: an FP8 product's output is
  // 16-bit.
  const StepTimes t1 = steps_of(c, one.params), t2 = steps_of(c, two.params);
  CHECK(t2.decode_step_s - t1.decode_step_s == Approx(alpha + 64.0 * h * 2.0 / beta).epsilon(1e-9));
  // The batch prefill has the batch's prompt send (64 x 1,000 tokens).
  CHECK(t2.batch_prefill_s - t1.batch_prefill_s == Approx(alpha + 64.0 * 1000.0 * h * 2.0 / beta).epsilon(1e-9));
  // A user's TPOT also carries the prompts interleaved with each decode step: 64 / 400 of a prompt per step, so the
  // batch prefill's send over 400 steps.
  CHECK(m2.tpot_s - m1.tpot_s ==
        Approx(alpha + 64.0 * h * 2.0 / beta + (alpha + 64.0 * 1000.0 * h * 2.0 / beta) / 400.0).epsilon(1e-9));
  // A request's TTFT: 0.16 prompts join per step, fewer than its own, so it is its own prompt's send (1,000 tokens)
  // and the decode step it joins (which has the batch's send).
  CHECK(m2.ttft_s - m1.ttft_s == Approx(alpha + 1000.0 * h * 2.0 / beta + alpha + 64.0 * h * 2.0 / beta).epsilon(1e-9));
  // Tokens per second per package x TPOT is the batch in both (perf_models.md §6.3: tokens/s per replica = b / TPOT):
  // 2 batches over 2 packages.
  CHECK(m1.throughput_tokens_per_s * m1.tpot_s == Approx(64.0).epsilon(1e-12));
  CHECK(m2.throughput_tokens_per_s * m2.tpot_s == Approx(64.0).epsilon(1e-12));
  CHECK(m2.throughput_tokens_per_s < m1.throughput_tokens_per_s);
  CHECK(m2.throughput_tokens_per_s > 0.99 * m1.throughput_tokens_per_s);  // the sends are microseconds per token
}

TEST_CASE("inference with batch_policy fill_memory runs as many sequences as the HBM holds", "[perf][inference]") {
  // Llama-3-8B-like, FP8, 1000 prompt + 400 output tokens, one package; the engine's largest batch 4096.
  const std::string wl = "kind = \"inference\"\n" + kSmallModel +
                         "precision = \"fp8\"\nsequence_length = 1000\noutput_tokens = 400\n"
                         "cluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\n";
  const Loaded fill = load(wl + "micro_batch_sequences = 4096\nbatch_policy = \"fill_memory\"\n");
  const PerfParams& p = fill.params.perf;
  REQUIRE(p.batch_fills_memory);
  // Written out: b = min(4096, floor(0.9 (n x 36 GB - W) / KV per sequence)), W = the FP8 weights, KV per sequence at
  // the mean context (1000 + 400 / 2 tokens) of K and V over all layers in FP8.
  const double L = 32, h = 4096, dh = 128, nq = 32, nkv = 8, f = 14336, V = 32000;
  const double w_gb = (L * (h * dh * (2 * nq + 2 * nkv) + 3 * h * f) + V * h) / 1e9;
  const double kv_gb = 1200.0 * L * 2 * nkv * dh / 1e9;
  const double stack_gb = fill.deck.tech.at("memory.hbm3e.capacity_gb").value;
  double previous = 0.0;
  for (int n = 1; n <= 8; ++n) {
    const double expected = std::min(4096.0, std::floor(0.9 * (n * stack_gb - w_gb) / kv_gb));
    const BatchFill& b = p.batch_fill[0][static_cast<std::size_t>(HbmGen::hbm3e)][static_cast<std::size_t>(n)];
    CHECK(b.sequences == expected);
    CHECK(point_demand(p, 0, HbmGen::hbm3e, n).batch_sequences == expected);
    const Metrics m = evaluate(monolithic(HbmGen::hbm3e, n, 1.83), fill.params);
    CHECK(m.batch_sequences == expected);  // the result column: the batch this design's HBM holds
    CHECK((m.infeasible & infeasible::workload_memory_short) == 0u);
    CHECK(m.throughput_tokens_per_s > previous);  // more HBM holds more sequences: capacity is throughput
    previous = m.throughput_tokens_per_s;
  }
  // An engine limit below what memory holds: fill_memory runs exactly the fixed batch, bit for bit.
  const Loaded fixed64 = load(wl + "micro_batch_sequences = 64\n");
  const Loaded fill64 = load(wl + "micro_batch_sequences = 64\nbatch_policy = \"fill_memory\"\n");
  const DesignChoice c = monolithic(HbmGen::hbm3e, 6, 1.83);
  const Metrics a = evaluate(c, fixed64.params), b = evaluate(c, fill64.params);
  CHECK(a.throughput_tokens_per_s == b.throughput_tokens_per_s);
  CHECK(a.power_w == b.power_w);
  CHECK(a.tpot_s == b.tpot_s);
  CHECK(a.batch_sequences == 64.0);
  CHECK(b.batch_sequences == 64.0);
  // Not one sequence fits (a million-token prompt: ~65 GB of KV cache each in one 36 GB stack): infeasible by memory.
  const Loaded huge = load("kind = \"inference\"\n" + kSmallModel +
                           "precision = \"fp8\"\nsequence_length = 1000000\noutput_tokens = 400\ncluster_packages = 1\n"
                           "tensor_parallel = 1\npipeline_parallel = 1\nmicro_batch_sequences = 8\nbatch_policy = \"fill_memory\"\n");
  CHECK((evaluate(monolithic(HbmGen::hbm3e, 1, 1.83), huge.params).infeasible & infeasible::workload_memory_short) != 0u);
}

TEST_CASE("inference memory: weights plus the paged KV cache at the batch's mean context", "[perf][inference]") {
  // Llama-3-8B-like shape, FP8, 200 sequences of 1000 prompt + 400 output tokens on one package.
  const Loaded l = load("kind = \"inference\"\n" + kSmallModel +
                        "precision = \"fp8\"\nsequence_length = 1000\noutput_tokens = 400\nmicro_batch_sequences = 200\n"
                        "cluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\n");
  const WorkloadDemand& d = l.params.perf.demands[0];
  const double L = 32, h = 4096, dh = 128, nq = 32, nkv = 8, f = 14336, V = 32000;
  const double params = L * (h * dh * (2 * nq + 2 * nkv) + 3 * h * f) + V * h;
  const double kv_bytes_per_token = L * 2 * nkv * dh * 1.0;  // K and V, FP8
  const double mean_context = 1000 + 400 / 2.0;
  CHECK(d.hbm_capacity_needed_gb == Approx((params * 1.0 + 200 * mean_context * kv_bytes_per_token) / 1e9).epsilon(1e-12));
  // Below what every sequence at its full context would need: the staggered batch never holds that at once.
  CHECK(d.hbm_capacity_needed_gb < (params + 200 * 1400 * kv_bytes_per_token) / 1e9);
}

TEST_CASE("what ranks exchange is at least 16-bit: FP8 products hand on BF16 activations and gradients", "[perf][precision]") {
  // TP all-reduce, PP send and MoE all-to-all messages and the DP gradients: max(operand bytes, 2) per element; the
  // weights and the KV cache keep the operand precision.
  for (const auto& [prec, operand_b, exchanged_b] :
       {std::tuple{"fp8", 1.0, 2.0}, std::tuple{"bf16", 2.0, 2.0}, std::tuple{"fp16", 2.0, 2.0}}) {
    const Loaded l = load("kind = \"training\"\n" + kSmallModel + "experts = 8\ntop_k = 2\nexpert_parallel = 2\nprecision = \"" +
                          std::string(prec) + "\"\ncluster_packages = 16\ntensor_parallel = 2\npipeline_parallel = 2\n"
                          "global_batch_sequences = 64\nsequence_length = 2048\n");
    const WorkloadDemand& d = l.params.perf.demands[0];
    const double h = 4096, tokens = 2048, k = 2, L = 32, E = 8, f = 14336;
    INFO(prec);
    CHECK(d.tp_message_bytes == tokens * h * exchanged_b);
    CHECK(d.pp_message_bytes == tokens * h * exchanged_b);
    CHECK(d.ep_message_bytes == tokens * k * h * exchanged_b / 2.0);  // TP 2 across packages
    // Gradients: the stage's parameters (experts over ep = 2) x the exchanged width.
    const double stage = (d.params - L * E * 3 * h * f) / (2.0 * 2.0) + L * E * 3 * h * f / (2.0 * 2.0 * 2.0);
    CHECK(d.dp_allreduce_bytes == Approx(stage * exchanged_b).epsilon(1e-12));
    CHECK(d.weight_bytes == Approx(stage * operand_b).epsilon(1e-12));
  }
}

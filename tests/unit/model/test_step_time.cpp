// Tests of the itemised time model (model/step_time.hpp): the items add up to what the kernel reports, each operator
// is the max of its ceilings (overlap 1), and the ceilings are written out here from the demand and the design.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "chipdse/model/collectives.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/step_time.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

// The kernel's result and the itemised time of the same point at the clock it runs at.
struct Timed {
  Metrics m;
  StepTimes t;
};
Timed timed(const DesignChoice& c, const KernelParams& k) {
  EvaluationDetail detail;
  Timed r{evaluate(c, k, &detail), {}};
  r.t = step_times(c, k, detail.area, point_demand(k.perf, c.mapping, c.hbm, c.hbm_stacks), r.m.effective_clock_ghz);
  return r;
}

void check_operator(const OperatorTime& o) {
  CHECK(o.time_s == std::max({o.compute_s, o.hbm_s, o.d2d_s}));  // compute_memory_overlap = 1: the largest ceiling
}

}  // namespace

TEST_CASE("training step time, itemised: the items add up to the kernel's step", "[perf][time]") {
  const KernelParams& k = test::default_params();
  REQUIRE(k.perf.overlap == 1.0);
  const WorkloadDemand& d = k.perf.demands[0];
  int d2d_bound = 0;
  for (Partitioning part : {Partitioning::monolithic, Partitioning::chiplets, Partitioning::chiplets_io})
    for (double d2d_tbps : {0.5, 4.0}) {
      DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo);
      c.partitioning = part;
      c.packaging = Packaging::cowos_l;
      c.compute_count = part == Partitioning::monolithic ? 1 : 4;
      c.d2d_tbps_per_direction = d2d_tbps;
      const auto [m, t] = timed(c, k);
      INFO(kPartitioningNames[static_cast<std::size_t>(part)] << " at " << d2d_tbps << " Tbps");
      REQUIRE(t.valid);
      CHECK(t.step_s == m.latency_s);
      check_operator(t.local);
      CHECK(t.micro_batch_s == t.local.time_s + t.tp_s + t.pp_s + t.ep_s);
      CHECK(t.micro_batches_s + t.bubble_s + t.dp_exposed_s + t.optimizer_s == Approx(t.step_s).epsilon(1e-14));
      CHECK(t.bubble_s == (d.pp - 1.0) * t.micro_batch_s);
      // The compute ceiling written out: executed FLOPs / (peak at the clock x GEMM efficiency x tile efficiency).
      const double peak = k.perf.reference_peak_flops * m.effective_clock_ghz / k.perf.reference_clock_ghz;
      CHECK(t.local.compute_s ==
            Approx(d.executed_flops_per_micro_batch / (peak * k.perf.gemm_efficiency * d.tile_efficiency)).epsilon(1e-14));
      // HBM: the micro-batch's bytes (re-reads included) over the stacks' bandwidth.
      const double bw = 6.0 * k.perf.hbm_bytes_per_s[static_cast<std::size_t>(HbmGen::hbm3e)] * k.perf.hbm_efficiency;
      CHECK(t.local.hbm_s == Approx(t.hbm_micro_batch_bytes / bw).epsilon(1e-14));
      CHECK(t.hbm_micro_batch_bytes == d.hbm_bytes_per_micro_batch + t.reread_micro_batch_bytes);
      // D2D: none on one die; an IO die carries all of the traffic, interleaved chiplets the remote 3 / 4.
      const double share = part == Partitioning::monolithic ? 0.0 : part == Partitioning::chiplets_io ? 1.0 : 0.75;
      CHECK(t.cross_share == share);
      CHECK(t.local.d2d_s == Approx(share * t.hbm_micro_batch_bytes / (4.0 * d2d_tbps * 1e12 / 8.0)).epsilon(1e-14));
      if (t.local.time_s == t.local.d2d_s && share > 0.0) ++d2d_bound;
    }
  CHECK(d2d_bound > 0);  // a narrow D2D fabric bounds the chiplets' micro-batch: the ceiling that binds is visible
}

TEST_CASE("inference time, itemised: TTFT and TPOT are the stages' operators and collectives plus the sends",
          "[perf][time]") {
  const std::string text = test::h100_deck_head("step_time") + "[workload]\nkind = \"inference\"\n" + test::kSmallModel + R"(precision = "fp8"
sequence_length = 1000
output_tokens = 400
micro_batch_sequences = 64
cluster_packages = 4
tensor_parallel = 2
pipeline_parallel = 2
pipeline_tier = "scale_up"
)";
  const test::LoadedDeck loaded = test::load_deck_text(text, "step_time_test.toml");
  const KernelParams& k = loaded.params;
  const WorkloadDemand& d = k.perf.demands[0];
  for (int stacks : {2, 8}) {
    const DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, stacks, 1.83, LinkTech::copper, LinkTech::cpo);
    const auto [m, t] = timed(c, k);
    INFO(stacks << " stacks");
    REQUIRE(t.valid);
    CHECK(t.ttft_s == m.ttft_s);
    const double bw = stacks * k.perf.hbm_bytes_per_s[static_cast<std::size_t>(HbmGen::hbm3e)] * k.perf.hbm_efficiency;
    CHECK(t.tpot_s == m.tpot_s);
    CHECK(m.latency_s == m.tpot_s);
    for (const OperatorTime* o : {&t.local, &t.decode_gemm, &t.decode_attention}) check_operator(*o);
    CHECK(t.batch_prefill_s == 2.0 * (t.local.time_s + t.tp_s + t.ep_s) + t.prefill_sends_s);
    // A request's TTFT: its own prompt through both stages (a 64th of the batch's work, the weights read once, one
    // prompt's messages and send) and the decode step it joins; 64 / 400 prompts join per step, fewer than one, so
    // its own prompt is the iteration's prefill.
    check_operator(t.request_local);
    CHECK(t.request_prefill_s > t.batch_prefill_s / 400.0);
    CHECK(t.ttft_s == t.request_prefill_s + t.decode_step_s);
    CHECK(t.request_prefill_s < t.batch_prefill_s);
    const double peak = k.perf.reference_peak_flops * k.perf.demands[0].precision_rate_vs_reference;
    CHECK(t.request_local.compute_s ==
          Approx(d.flops_per_micro_batch / 64.0 / (peak * k.perf.gemm_efficiency * d.request_tile_efficiency)).epsilon(1e-14));
    CHECK(t.request_local.hbm_s >= d.weight_bytes / bw);  // every weight of the stage, once
    CHECK(t.decode_step_s ==
          2.0 * (t.decode_gemm.time_s + t.decode_attention.time_s + t.decode_tp_s + t.decode_ep_s) + t.decode_sends_s);
    CHECK(t.step_s == t.batch_prefill_s + 400.0 * t.decode_step_s);
    // In-flight batching: a user's tokens come one step apart, each step also carrying 64 / 400 of a prompt; 400
    // tokens at TPOT are the request batch from prompt to last token.
    CHECK(t.tpot_s == Approx(t.decode_step_s + t.batch_prefill_s / 400.0).epsilon(1e-15));
    CHECK(400.0 * t.tpot_s == Approx(t.step_s).epsilon(1e-14));
    CHECK(t.tp_s > 0.0);  // TP 2 over scale-up
    CHECK(t.decode_sends_s > 0.0);  // PP 2: one stage boundary
    // Shares: no bubble (a batch per stage in flight); TP 2 and the stage sends both on scale-up, none on scale-out;
    // adding up to 1.
    CHECK(m.time_bubble_share == 0.0);
    CHECK(m.time_scale_up_share > 0.0);
    CHECK(m.time_scale_out_share == 0.0);
    CHECK(m.time_compute_share + m.time_hbm_share + m.time_d2d_share + m.time_scale_up_share == Approx(1.0).epsilon(1e-14));
    // Attention's HBM ceiling: the KV cache of the batch at the fitted share of the stacks' bandwidth.
    CHECK(t.decode_attention.hbm_s == Approx(d.decode_attention_hbm_bytes / k.perf.kv_cache_bandwidth_efficiency / bw).epsilon(1e-14));
  }
}

TEST_CASE("decode operators: their bandwidth shares slow the HBM ceiling, not the D2D crossing of the same bytes",
          "[perf][time]") {
  const std::string text = test::h100_deck_head("step_time") + "[workload]\nkind = \"inference\"\n" + test::kSmallModel +
                           "precision = \"fp8\"\nsequence_length = 4096\noutput_tokens = 256\nmicro_batch_sequences = 32\n"
                           "cluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\n";
  const test::LoadedDeck loaded = test::load_deck_text(text, "step_time_test.toml");
  const KernelParams& k = loaded.params;
  const WorkloadDemand& d = k.perf.demands[0];
  REQUIRE(k.perf.decode_weight_bandwidth_efficiency < 1.0);
  REQUIRE(k.perf.kv_cache_bandwidth_efficiency < 1.0);
  // Four interleaved chiplets: 3/4 of every HBM byte crosses the D2D fabric.
  DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo);
  c.partitioning = Partitioning::chiplets;
  c.packaging = Packaging::cowos_l;
  c.compute_count = 4;
  c.d2d_tbps_per_direction = 2.0;
  const auto [m, t] = timed(c, k);
  REQUIRE(t.valid);
  const double bw = 6.0 * k.perf.hbm_bytes_per_s[static_cast<std::size_t>(HbmGen::hbm3e)] * k.perf.hbm_efficiency;
  const double d2d_bw = 4.0 * 2.0e12 / 8.0;
  CHECK(t.decode_gemm.hbm_s == Approx(t.hbm_decode_bytes / (bw * k.perf.decode_weight_bandwidth_efficiency)).epsilon(1e-14));
  CHECK(t.decode_gemm.d2d_s == Approx(0.75 * t.hbm_decode_bytes / d2d_bw).epsilon(1e-14));
  CHECK(t.decode_attention.hbm_s ==
        Approx(d.decode_attention_hbm_bytes / (bw * k.perf.kv_cache_bandwidth_efficiency)).epsilon(1e-14));
  CHECK(t.decode_attention.d2d_s == Approx(0.75 * d.decode_attention_hbm_bytes / d2d_bw).epsilon(1e-14));
  // The prefill's products are compute-bound streams of their own: the plain HBM ceiling.
  CHECK(t.local.hbm_s == Approx(t.hbm_micro_batch_bytes / bw).epsilon(1e-14));
}

TEST_CASE("in-flight batching: when several prompts join per step, a request's TTFT is the step they share",
          "[perf][time]") {
  // 64 sequences of 16 output tokens: 4 prompts join the running batch per decode step (64 / 16).
  const auto at = [](int output_tokens) {
    const std::string text = test::h100_deck_head("step_time") + "[workload]\nkind = \"inference\"\n" + test::kSmallModel +
                             "precision = \"fp8\"\nsequence_length = 1000\noutput_tokens = " + std::to_string(output_tokens) +
                             "\nmicro_batch_sequences = 64\ncluster_packages = 1\ntensor_parallel = 1\npipeline_parallel = 1\n";
    const test::LoadedDeck loaded = test::load_deck_text(text, "step_time_test.toml");
    return std::pair{timed(test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo), loaded.params).t,
                     loaded.params.perf.demands[0]};
  };
  const auto [t, d] = at(16);
  REQUIRE(t.valid);
  // Each step carries 4 prompts, more than the request's own: its first token waits for the step they share.
  CHECK(t.prefill_per_iteration_s == Approx(t.batch_prefill_s / 16.0).epsilon(1e-15));
  CHECK(t.prefill_per_iteration_s > t.request_prefill_s);
  CHECK(t.ttft_s == t.decode_step_s + t.prefill_per_iteration_s);
  CHECK(t.ttft_s == t.tpot_s);
  // Four prompts' work is at least their FLOPs at the compute ceiling with no tile lost (a 16th of the batch's).
  CHECK(t.prefill_per_iteration_s >= d.flops_per_micro_batch / 16.0 / (t.peak_flops * test::default_params().perf.gemm_efficiency) * (1.0 - 1e-12));
  // Longer outputs spread the same prompts over more steps: TPOT falls towards the bare decode step, TTFT to one prompt.
  double last = t.prefill_per_iteration_s;
  for (int out : {64, 256, 1024, 4096}) {
    const StepTimes u = at(out).first;
    INFO(out << " output tokens");
    CHECK(u.batch_prefill_s == t.batch_prefill_s);  // the prompts are the same
    CHECK(u.prefill_per_iteration_s < last);
    last = u.prefill_per_iteration_s;
    CHECK(u.tpot_s - u.decode_step_s == Approx(u.prefill_per_iteration_s).epsilon(1e-9));
    if (out >= 256) CHECK(u.ttft_s == u.decode_step_s + u.request_prefill_s);  // under one prompt per step
  }
}

TEST_CASE("a design with no HBM has no step: the itemised time says so and the kernel reports no throughput",
          "[perf][time]") {
  const DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, 0, 1.83, LinkTech::copper, LinkTech::cpo);
  const auto [m, t] = timed(c, test::default_params());
  CHECK_FALSE(t.valid);
  CHECK(t.step_s == 0.0);
  CHECK(m.throughput_tokens_per_s == 0.0);
}

TEST_CASE("time shares: what the step waits on adds up to 1 and follows the binding ceiling", "[perf][time]") {
  KernelParams k = test::default_params();
  const WorkloadDemand& d = k.perf.demands[0];
  for (double overlap : {1.0, 0.5}) {
    k.perf.overlap = overlap;
    for (double d2d_tbps : {0.25, 8.0}) {
      DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo);
      c.partitioning = Partitioning::chiplets_io;
      c.packaging = Packaging::cowos_l;
      c.compute_count = 4;
      c.d2d_tbps_per_direction = d2d_tbps;
      const auto [m, t] = timed(c, k);
      INFO("overlap " << overlap << ", " << d2d_tbps << " Tbps");
      const double sum = m.time_compute_share + m.time_hbm_share + m.time_d2d_share + m.time_scale_up_share +
                         m.time_scale_out_share + m.time_bubble_share;
      CHECK(sum == Approx(1.0).epsilon(1e-14));
      // Written out from the items: the micro-batch's binding ceiling gets its time, the unhidden rest of the other
      // two in proportion; the optimizer pass is HBM time; the collectives per micro-batch and the DP sync are their
      // tier's (the registry workload: TP over scale-up, PP and DP over scale-out); (PP - 1) micro-batches are the
      // bubble.
      const OperatorTime& o = t.local;
      const double mx = std::max({o.compute_s, o.hbm_s, o.d2d_s}), rest = o.compute_s + o.hbm_s + o.d2d_s - mx;
      const auto part = [&](double x) { return x == mx ? mx : (1.0 - overlap) * rest * x / rest; };
      const double compute = d.micro_batches * part(o.compute_s);
      const double hbm = d.micro_batches * part(o.hbm_s) + t.optimizer_s;
      const double d2d = d.micro_batches * part(o.d2d_s);
      REQUIRE(d.tensor_tier == Tier::scale_up);
      REQUIRE(d.pipeline_tier == Tier::scale_out);
      REQUIRE(d.data_tier == Tier::scale_out);
      REQUIRE(d.ep == 1.0);
      const double up = d.micro_batches * t.tp_s;
      const double out = d.micro_batches * t.pp_s + t.dp_exposed_s;
      const double total = compute + hbm + d2d + up + out + t.bubble_s;
      CHECK(total == Approx(t.step_s).epsilon(1e-12));
      CHECK(m.time_compute_share == Approx(compute / total).epsilon(1e-12));
      CHECK(m.time_hbm_share == Approx(hbm / total).epsilon(1e-12));
      CHECK(m.time_d2d_share == Approx(d2d / total).epsilon(1e-12));
      CHECK(m.time_scale_up_share == Approx(up / total).epsilon(1e-12));
      CHECK(m.time_scale_out_share == Approx(out / total).epsilon(1e-12));
      CHECK(m.time_bubble_share == Approx(t.bubble_s / total).epsilon(1e-12));
      if (d2d_tbps == 0.25) CHECK(m.time_d2d_share > m.time_compute_share);  // a narrow fabric behind an IO die binds
      if (overlap == 1.0 && d2d_tbps == 8.0) CHECK(m.time_d2d_share == 0.0);  // hidden under compute
    }
  }
}

TEST_CASE("time shares by tier: a hierarchical DP sync's exposed part splits between scale-up and scale-out",
          "[perf][time]") {
  // TP 2 over scale-up in a domain of 8 packages: 4 replicas of a stage share a domain, so the DP all-reduce is
  // reduce-scatter over scale-up, all-reduce of a quarter over scale-out, all-gather over scale-up. One sequence per
  // replica of 256 tokens: the backward pass is too short to hide the sync.
  const std::string text = test::h100_deck_head("step_time") + "scale_up_domain_packages = 8\n[workload]\nkind = \"training\"\n" +
                           test::kSmallModel +
                           "cluster_packages = 64\ntensor_parallel = 2\npipeline_parallel = 1\nglobal_batch_sequences = 32\nsequence_length = 256\n"
                           "micro_batch_sequences = 1\ntensor_tier = \"scale_up\"\ndata_tier = \"scale_out\"\n";
  const test::LoadedDeck loaded = test::load_deck_text(text, "step_time_test.toml");
  const KernelParams& k = loaded.params;
  const WorkloadDemand& d = k.perf.demands[0];
  REQUIRE(d.dp == 32.0);
  const auto [m, t] = timed(test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo), k);
  REQUIRE(t.valid);
  REQUIRE(t.dp_exposed_s > 0.0);
  const double up = t.dp_by_tier_s[static_cast<std::size_t>(Tier::scale_up)];
  const double out = t.dp_by_tier_s[static_cast<std::size_t>(Tier::scale_out)];
  CHECK(t.dp_by_tier_s[static_cast<std::size_t>(Tier::package)] == 0.0);
  CHECK(up > 0.0);
  CHECK(out > 0.0);
  // The parts add up to the whole sync: the backward time it was not hidden under plus what is exposed.
  const double backward = d.micro_batches * t.local.time_s * d.backward_share;
  CHECK(up + out == Approx(t.dp_exposed_s + backward).epsilon(1e-12));
  // Shares: TP's all-reduces and the DP sync's exposed part in proportion to its parts, over the step.
  const double step = t.step_s;
  CHECK(m.time_scale_up_share * step == Approx(d.micro_batches * t.tp_s + t.dp_exposed_s * up / (up + out)).epsilon(1e-9));
  CHECK(m.time_scale_out_share * step == Approx(t.dp_exposed_s * out / (up + out)).epsilon(1e-9));
  CHECK(m.time_bubble_share == 0.0);
  // A flat DP all-reduce (a domain of one package) runs on scale-out alone.
  const test::LoadedDeck flat = test::load_deck_text(
      [&] {
        std::string x = text;
        x.replace(x.find("scale_up_domain_packages = 8"), 28, "scale_up_domain_packages = 1");
        return x;
      }(),
      "step_time_test.toml");
  const auto [mf, tf] = timed(test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, LinkTech::copper, LinkTech::cpo), flat.params);
  CHECK(tf.dp_by_tier_s[static_cast<std::size_t>(Tier::scale_up)] == 0.0);
  CHECK(tf.dp_exposed_s > t.dp_exposed_s);  // the slow tier carries the whole gradient
  CHECK(mf.time_scale_out_share * tf.step_s == Approx(tf.dp_exposed_s).epsilon(1e-9));
}

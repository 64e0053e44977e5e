// Tests of the performance and power stage (model/perf_stage.cpp, perf_params.hpp) on the shipped default deck:
// exact FLOP identities, the Llama-2-70B parameter count, and the properties issue #5 names (throughput rises with
// HBM bandwidth until compute-bound and never passes the compute ceiling; more D2D bandwidth never lowers it;
// CPO lowers link power against pluggable optics at equal bandwidth; power is monotone in frequency).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "default_kernel.hpp"
#include "chipdse/model/evaluate.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

using test::default_deck;
const KernelParams& params() { return test::default_params(); }

DesignChoice monolithic(int stacks, double clock_ghz) {
  return test::monolithic_n5(HbmGen::hbm3, stacks, clock_ghz, LinkTech::copper, LinkTech::pluggable_dsp);
}

}  // namespace

TEST_CASE("training FLOPs per step are exactly 6 N_act tokens plus causal attention", "[perf][identity]") {
  const WorkloadDemand& d = params().perf.demands[0];
  const deck::Workload& w = default_deck().workload;
  const double L = w.layers, h = w.d_model, s = w.sequence_length;
  const double total = d.micro_batches * d.flops_per_micro_batch * d.packages;
  const double expected = 6.0 * d.active_params * d.tokens_per_step + 6.0 * L * s * h * d.tokens_per_step;
  CHECK(total == Approx(expected).epsilon(1e-12));
  CHECK(d.tokens_per_step == static_cast<double>(w.global_batch_sequences) * s);
}

TEST_CASE("Llama-2-70B has 69.0e9 parameters from its config", "[perf][identity]") {
  // Touvron et al. 2023 (arXiv:2307.09288) call it 70B; the config (80 layers, d 8192, 64 heads, 8 KV heads,
  // FFN 28672 gated, vocabulary 32000, untied embeddings counted once) gives 68.98e9 + the output layer.
  const WorkloadDemand& d = params().perf.demands[0];
  const double L = 80, h = 8192, f = 28672, V = 32000, dh = 128;
  const double by_hand = L * (h * dh * (2 * 64 + 2 * 8) + 3 * h * f) + V * h;
  CHECK(d.params == by_hand);
  CHECK(d.params == Approx(69.0e9).epsilon(0.01));
  CHECK(d.active_params == d.params);  // dense: every expert is active
}

TEST_CASE("throughput rises with HBM bandwidth and never passes the compute ceiling", "[perf][property]") {
  const KernelParams& p = params();
  double last = 0.0;
  for (int stacks = 1; stacks <= 12; ++stacks) {
    const Metrics m = evaluate(monolithic(stacks, 1.83), p);
    INFO("stacks " << stacks);
    CHECK(m.throughput_tokens_per_s >= last);
    last = m.throughput_tokens_per_s;
    // Model FLOP utilisation of the package's peak never exceeds the achievable share (gemm_efficiency) of it.
    const WorkloadDemand& d = p.perf.demands[0];
    const double peak = p.perf.reference_peak_flops * d.precision_rate_vs_reference;
    const double mfu = 6.0 * d.active_params * m.throughput_tokens_per_s / peak;
    CHECK(mfu <= p.perf.gemm_efficiency);
    CHECK(mfu > 0.0);
  }
}

TEST_CASE("more D2D bandwidth never lowers throughput", "[perf][property]") {
  for (Partitioning part : {Partitioning::chiplets, Partitioning::chiplets_io}) {
    DesignChoice c = monolithic(6, 1.83);
    c.partitioning = part;
    c.compute_count = 4;
    c.packaging = Packaging::cowos_l;
    c.d2d = D2dKind::ucie_a;
    double last = 0.0;
    for (double bw : {0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0}) {
      c.d2d_tbps_per_direction = bw;
      const double t = evaluate(c, params()).throughput_tokens_per_s;
      INFO(kPartitioningNames[static_cast<std::size_t>(part)] << " at " << bw << " Tbps");
      CHECK(t >= last);
      last = t;
    }
  }
}

TEST_CASE("the optical I/O chiplet draws less link power than CPO, CPO less than pluggable DSP or LPO optics at equal bandwidth", "[perf][property]") {
  DesignChoice c = monolithic(6, 1.83);
  const auto links_w = [&](LinkTech up, LinkTech out) {
    c.scale_up_link = up;
    c.scale_out_link = out;
    return evaluate(c, params()).power.links_w;
  };
  CHECK(links_w(LinkTech::optical_io_chiplet, LinkTech::optical_io_chiplet) < links_w(LinkTech::cpo, LinkTech::cpo));
  CHECK(links_w(LinkTech::cpo, LinkTech::cpo) < links_w(LinkTech::lpo, LinkTech::lpo));
  CHECK(links_w(LinkTech::lpo, LinkTech::lpo) < links_w(LinkTech::pluggable_dsp, LinkTech::pluggable_dsp));
  // Always-on: link power does not depend on how busy the package is (a slower clock moves fewer bytes per s).
  c.scale_up_link = LinkTech::cpo;
  c.clock_ghz = 1.2;
  const double slow = evaluate(c, params()).power.links_w;
  c.clock_ghz = 1.98;
  CHECK(evaluate(c, params()).power.links_w == slow);
}

TEST_CASE("power is monotone in frequency, and the power breakdown adds up", "[perf][property]") {
  double last = 0.0;
  for (double f = 1.0; f <= 2.2; f += 0.1) {
    const Metrics m = evaluate(monolithic(6, f), params());
    INFO("clock " << f);
    CHECK(m.power_w > last);
    last = m.power_w;
    const PowerBreakdown& b = m.power;
    CHECK(b.total_w == b.compute_w + b.sram_w + b.hbm_w + b.d2d_w + b.links_w + b.leakage_w);
    CHECK(m.perf_per_w == m.throughput_tokens_per_s / m.power_w);
  }
}

TEST_CASE("NRE, energy and capex enter the TCO per million tokens as stated", "[perf][tco]") {
  const KernelParams& p = params();
  const Metrics m = evaluate(monolithic(6, 1.83), p);
  const deck::Economics& e = default_deck().economics;
  const double life_s = e.lifetime_years * 365.25 * 86400.0;
  const double energy_usd = m.power_w * life_s / 3.6e6 * e.electricity_usd_per_kwh * e.pue;
  CHECK(m.tco_usd_per_mtoken == Approx((m.cost_usd + energy_usd) / (m.throughput_tokens_per_s * life_s) * 1e6).epsilon(1e-12));
}

TEST_CASE("inference: decode is memory-bound, so time per output token falls with HBM bandwidth", "[perf][inference]") {
  std::string text = test::h100_deck_head("inference") + R"([space]
partitioning = ["monolithic"]
compute_node = ["N5"]
packaging = ["cowos_s"]
hbm = ["hbm3"]
hbm_stacks = [6]
scale_up_link = ["copper"]
scale_out_link = ["cpo"]
clock_ghz = [1.83]
[workload]
kind = "inference"
cluster_packages = 8
tensor_parallel = 8
pipeline_parallel = 1
micro_batch_sequences = 16
[constraints]
ttft_slo_s = 0.05
tpot_slo_s = 0.04
)";
  const deck::Deck dk =
      deck::load_deck_text(text, std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "inference_test.toml");
  const KernelParams p = kernel_params_from_deck(dk);
  REQUIRE_FALSE(p.perf.demands[0].training);
  double last_tpot = 1e30;
  for (int stacks = 4; stacks <= 8; ++stacks) {
    const Metrics m = evaluate(monolithic(stacks, 1.83), p);
    INFO("stacks " << stacks);
    CHECK(m.latency_s < last_tpot);  // latency_s is the time per output token for inference
    CHECK(m.throughput_tokens_per_s > 0.0);
    CHECK(m.power_w > 0.0);
    last_tpot = m.latency_s;
  }
  // One request's 4096-token prompt needs 2 N 4096 / 8 = 7.1e13 FLOPs per package, 71 ms even at the 989 TFLOPS
  // peak: no design meets a 50 ms time to first token.
  CHECK((evaluate(monolithic(6, 1.83), p).infeasible & infeasible::slo_missed) != 0);
}

// Tests of the on-chip buffer's tiling bound (model/sram_tiling.hpp, shared/reference/perf_models.md §6.2) and of its
// place in the performance stage: the bound of one matrix product written out, the tile a die's SRAM holds, the HBM
// traffic of a training step recomputed here from the layer shapes, and the properties a buffer must have (no
// re-reads when it holds everything; more chiplets sharing the same SRAM never re-read less; a smaller buffer never
// speeds a design up and slows a memory-bound one).
#include <catch2/catch.hpp>

#include <cmath>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/sram_tiling.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

constexpr double kMiB = 1048576.0;

// Q_gemm of perf_models.md §6.2 (bytes moved by an M x N x K product in T x T output tiles), as the document writes it.
double q_gemm(double m, double n, double k, double t, double ab) {
  return ab * (m * k * std::ceil(n / t) + k * n * std::ceil(m / t) + m * n);
}

DesignChoice chiplets_n5(int dies) {
  DesignChoice c = test::monolithic_n5(HbmGen::hbm3e, 8, 1.83, LinkTech::copper, LinkTech::cpo);
  if (dies > 1) {
    c.partitioning = Partitioning::chiplets;
    c.compute_count = dies;
    c.packaging = Packaging::cowos_l;
    c.d2d = D2dKind::ucie_a;
    c.d2d_tbps_per_direction = 8.0;
  }
  return c;
}

}  // namespace

TEST_CASE("tiling bound of one product: the re-reads are Q_gemm less one pass over each operand", "[perf][sram]") {
  // 8192^3 at BF16 through H100's 60 MiB: T = sqrt(60 MiB / 6 B) = 3238.2, three tiles per side, so each operand is
  // read three times: two re-reads of each 8192^2 x 2 B operand.
  const double t = std::sqrt(60.0 * kMiB / 6.0);
  CHECK(t == Approx(3238.17).epsilon(1e-5));
  CHECK(gemm_reread_bytes(8192, 8192, 8192, t, 2.0) == 2.0 * 2.0 * (2.0 * 8192.0 * 8192.0));
  for (double m : {1.0, 512.0, 4096.0, 8192.0})
    for (double n : {1024.0, 3584.0, 28672.0})
      for (double k : {128.0, 8192.0}) {
        INFO(m << " x " << n << " x " << k);
        const double once = 2.0 * (m * k + k * n + m * n);  // every operand read once, the output written once
        CHECK(gemm_reread_bytes(m, n, k, t, 2.0) + once == Approx(q_gemm(m, n, k, t, 2.0)).epsilon(1e-15));
        CHECK(gemm_reread_bytes(m, n, k, t, 2.0) >= 0.0);
      }
  // One tile spans both output dimensions: nothing is re-read.
  CHECK(gemm_reread_bytes(3000, 3000, 1e6, t, 2.0) == 0.0);
}

TEST_CASE("the output tile a die's SRAM holds: sqrt(S / (3 a_b)), per die, never below the compute tile", "[perf][sram]") {
  GemmTiling g;
  g.operand_bytes = 2.0;
  g.min_tile = 128.0;
  CHECK(buffer_tile(g, 60.0, 1) == std::sqrt(60.0 * kMiB / 6.0));
  // Four dies with 15 MiB each: half the side.
  CHECK(buffer_tile(g, 60.0, 4) == Approx(std::sqrt(60.0 * kMiB / 6.0) / 2.0).epsilon(1e-15));
  g.operand_bytes = 1.0;  // FP8: sqrt(2) larger
  CHECK(buffer_tile(g, 60.0, 1) == Approx(std::sqrt(2.0) * std::sqrt(60.0 * kMiB / 6.0)).epsilon(1e-15));
  CHECK(buffer_tile(g, 0.0, 8) == 128.0);  // no SRAM: the compute units' own tile
  // A tile as wide as every product re-reads nothing, in any phase.
  const GemmTiling& t = test::default_params().perf.demands[0].tiling;
  CHECK(layer_reread_bytes(t, 4096.0, 1e9, true) == 0.0);
  CHECK(layer_reread_bytes(t, 4096.0, 1e9, false) == 0.0);
  CHECK(layer_reread_bytes(t, 4096.0, 128.0, true) > layer_reread_bytes(t, 4096.0, 128.0, false));
}

TEST_CASE("a training step's HBM traffic: operands once plus the tiling re-reads of forward, input and weight gradient",
          "[perf][sram]") {
  const KernelParams& p = test::default_params();
  const deck::Deck& dk = test::default_deck();
  const deck::Workload& w = dk.workload;
  REQUIRE(w.activation_recompute == "none");
  REQUIRE(p.perf.overlap == 1.0);
  const WorkloadDemand& d = p.perf.demands[0];
  // Default deck: Llama-2-70B, TP 8 over scale-up, PP 4, micro-batch 1 x 4096 tokens, BF16.
  const double h = w.d_model, dh = h / w.heads, tp = w.tensor_parallel, f = w.ffn_hidden, ab = 2.0;
  const double M = w.micro_batch_sequences * w.sequence_length;
  const double shapes[4][2] = {{(w.heads + 2.0 * w.kv_heads) * dh / tp, h}, {h, w.heads * dh / tp}, {2.0 * f / tp, h}, {h, f / tp}};
  const double hbm_pj = dk.tech.at("memory.hbm3e.energy_pj_per_bit").value;
  struct Case {
    int dies;
    double sram_mb;  // space.sram_mb; negative: no axis, the reference's 60 MB
  };
  for (const Case x : {Case{1, -1.0}, Case{2, -1.0}, Case{4, -1.0}, Case{8, -1.0}, Case{1, 16.0}, Case{4, 240.0}}) {
    const int dies = x.dies;
    const double sram_mb = x.sram_mb >= 0.0 ? x.sram_mb : dk.reference.sram_mb;
    const double t = std::sqrt(sram_mb * kMiB / dies / (3.0 * ab));
    double reread = 0.0;
    for (const auto& s : shapes) {
      const double n = s[0], k = s[1];
      const auto r = [&](double a, double b, double c) {  // the product a x b x c re-reads
        return ab * (a * c * (std::ceil(b / t) - 1.0) + c * b * (std::ceil(a / t) - 1.0));
      };
      reread += r(M, n, k) + r(M, k, n) + r(k, n, M);  // forward, input gradient, weight gradient
    }
    reread *= w.layers / static_cast<double>(w.pipeline_parallel);
    DesignChoice c = chiplets_n5(dies);
    c.sram_mb = x.sram_mb;
    const Metrics m = evaluate(c, p);
    const double step = m.latency_s;
    const double bytes_per_s = (d.micro_batches * (d.hbm_bytes_per_micro_batch + reread) + d.optimizer_hbm_bytes) / step;
    INFO(dies << " compute dies, " << sram_mb << " MB, tile " << t);
    CHECK(reread > 0.0);
    CHECK(m.hbm_tb_per_s == Approx(bytes_per_s * 1e-12).epsilon(1e-12));
    CHECK(m.power.hbm_w == Approx(bytes_per_s * 8.0 * hbm_pj * 1e-12).epsilon(1e-12));
    CHECK(m.hbm_reread_fraction == Approx(d.micro_batches * reread / step / bytes_per_s).epsilon(1e-12));
  }
}

TEST_CASE("SRAM tiling properties: a buffer holding everything re-reads nothing, and more dies sharing it never re-read less",
          "[perf][sram][property]") {
  const KernelParams& p = test::default_params();
  double last_bytes_per_token = 0.0, last_fraction = 0.0;
  for (int dies : {1, 2, 4, 8}) {
    DesignChoice big = chiplets_n5(dies);
    big.sram_mb = 4096.0;  // the schema's largest: 512 MB per die even on eight, tiles of 9,459 > every product
    INFO(dies << " compute dies");
    CHECK(evaluate(big, p).hbm_reread_fraction == 0.0);
    const Metrics m = evaluate(chiplets_n5(dies), p);
    const double bytes_per_token = m.hbm_tb_per_s / m.throughput_tokens_per_s;
    CHECK(bytes_per_token >= last_bytes_per_token);
    CHECK(m.hbm_reread_fraction >= last_fraction);
    last_bytes_per_token = bytes_per_token;
    last_fraction = m.hbm_reread_fraction;
  }
  CHECK(last_fraction > 0.5);  // eight dies with 7.5 MB each: most of the traffic is re-reads
}

TEST_CASE("a smaller on-chip buffer never speeds a design up, and slows one that HBM bounds", "[perf][sram][property]") {
  // One HBM3 stack feeding an H100-class die at a fixed clock (no power limit, so a smaller, less leaky die cannot
  // buy clock): as the buffer shrinks the re-reads grow until HBM bounds the step.
  KernelParams k = test::default_params();
  k.perf.tdp_w = 0.0;
  DesignChoice c = test::monolithic_n5(HbmGen::hbm3, 1, 1.83, LinkTech::copper, LinkTech::cpo);
  double last = 1e300, first = 0.0, last_cost = 1e300;
  for (double mb : {4096.0, 60.0, 16.0, 4.0, 1.0, 0.25}) {
    c.sram_mb = mb;
    const Metrics m = evaluate(c, k);
    INFO(mb << " MB");
    CHECK(m.throughput_tokens_per_s <= last);
    CHECK(m.cost_usd < last_cost);  // and less SRAM is less silicon
    if (first == 0.0) first = m.throughput_tokens_per_s;
    last = m.throughput_tokens_per_s;
    last_cost = m.cost_usd;
  }
  CHECK(last < 0.9 * first);
}

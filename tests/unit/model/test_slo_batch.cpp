// Inference throughput at the SLO (workload.batch_policy = "slo", DESIGN.md §2, perf_models.md §6.3): the batch is the
// largest, up to what the HBM holds, whose TTFT and TPOT meet the SLOs. Independent check: the same design evaluated
// with a fixed batch (a separate path through the deck code) meets the SLO at the chosen batch and misses it one
// sequence above; a loose SLO gives fill_memory's result bit for bit; an SLO no batch meets is infeasible.
#include <catch2/catch.hpp>

#include <string>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

// Llama-3-8B-like, FP8, 1000 prompt + 400 output tokens on one package; the engine's largest batch 4096.
test::LoadedDeck load(const std::string& policy, const std::string& constraints, int batch = 4096) {
  return test::load_deck_text(test::h100_deck_head("slo_batch") + "[workload]\nkind = \"inference\"\n" + test::kSmallModel +
                                  "precision = \"fp8\"\nsequence_length = 1000\noutput_tokens = 400\ncluster_packages = 1\n"
                                  "tensor_parallel = 1\npipeline_parallel = 1\nmicro_batch_sequences = " +
                                  std::to_string(batch) + "\nbatch_policy = \"" + policy + "\"\n[constraints]\n" +
                                  constraints + "\n",
                              "slo_batch_test.toml");
}

DesignChoice design(int stacks) {
  return test::monolithic_n5(HbmGen::hbm3e, stacks, 1.83, LinkTech::copper, LinkTech::cpo);
}

}  // namespace

TEST_CASE("batch_policy slo runs the largest batch whose TPOT and TTFT meet the SLOs", "[perf][inference][slo]") {
  const double tpot_slo = 0.02, ttft_slo = 10.0;  // MLPerf Llama-2-70B Interactive's 40 ms TPOT halved for this model
  const std::string slos = "tpot_slo_s = 0.02\nttft_slo_s = 10.0";
  const test::LoadedDeck slo = load("slo", slos);
  const test::LoadedDeck fill = load("fill_memory", "");
  int below_memory = 0;
  for (int stacks : {2, 4, 6, 8}) {
    const Metrics m = evaluate(design(stacks), slo.params);
    const double b = m.batch_sequences;
    const double most = point_demand(fill.params.perf, 0, HbmGen::hbm3e, stacks).batch_sequences;
    INFO(stacks << " stacks: batch " << b << " of at most " << most);
    REQUIRE(b >= 1.0);
    CHECK(b <= most);
    CHECK((m.infeasible & infeasible::slo_missed) == 0u);
    CHECK(m.tpot_s <= tpot_slo);
    CHECK(m.ttft_s <= ttft_slo);
    // The fixed-batch path: b meets the SLOs, b + 1 misses one (unless b is all the HBM holds).
    const Metrics at = evaluate(design(stacks), load("fixed", "", static_cast<int>(b)).params);
    CHECK(at.tpot_s == Approx(m.tpot_s).epsilon(1e-12));
    CHECK(at.throughput_tokens_per_s == Approx(m.throughput_tokens_per_s).epsilon(1e-12));
    if (b < most) {
      ++below_memory;
      const Metrics above = evaluate(design(stacks), load("fixed", "", static_cast<int>(b) + 1).params);
      CHECK((above.tpot_s > tpot_slo || above.ttft_s > ttft_slo));
    }
  }
  CHECK(below_memory > 0);  // the SLO, not the memory, sets the batch somewhere
}

TEST_CASE("batch_policy slo: a loose SLO is fill_memory bit for bit, and one no batch meets is infeasible",
          "[perf][inference][slo]") {
  const test::LoadedDeck loose = load("slo", "tpot_slo_s = 1000.0");
  const test::LoadedDeck fill = load("fill_memory", "");
  const test::LoadedDeck tight = load("slo", "tpot_slo_s = 0.00001");
  for (int stacks : {2, 6}) {
    INFO(stacks << " stacks");
    const Metrics a = evaluate(design(stacks), loose.params), b = evaluate(design(stacks), fill.params);
    CHECK(a.infeasible == b.infeasible);
    for (const auto& col : kMetricColumns) {
      INFO(col.name);
      CHECK(col.get(a) == col.get(b));
    }
    const Metrics t = evaluate(design(stacks), tight.params);
    CHECK((t.infeasible & infeasible::slo_missed) != 0u);
    CHECK(t.batch_sequences == 1.0);
  }
}

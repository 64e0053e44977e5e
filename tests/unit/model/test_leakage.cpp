// Leakage by node and junction temperature (perf_stage.cpp, evaluate.cpp settle_leakage_temperature, issue #5):
// P_leak = sum over dies of count x area x p_leak(node) x exp(k (T_j - T_ref)), with p_leak(node) = H100's leakage
// share of TDP over its die x (energy per op x chip logic density)(node) / (the same at N5), and T_j the thermal
// bound's temperature at the fixed point. Expected values are computed here from the technology rows themselves.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

double tech_value(const std::string& path) { return test::default_deck().tech.at(path).value; }

// p_leak(node) at the reference temperature, from the rows (W/mm2).
double density_w_per_mm2(ProcessNode node) {
  const auto row = [](ProcessNode n, const char* key) {
    return tech_value("process_node." + std::string(kProcessNodeNames[static_cast<std::size_t>(n)]) + "." + key);
  };
  const auto e_rho = [&](ProcessNode n) { return row(n, "energy_per_op_rel_n7") * row(n, "logic_density_chip_rel_n7"); };
  return tech_value("process_node.common.leakage_fraction_hpc") * tech_value("compute.h100.tdp_w") /
         tech_value("compute.h100.die_area_mm2") * e_rho(node) / e_rho(ProcessNode::n5);
}

DesignChoice chiplets_io(ProcessNode compute) {
  DesignChoice c;
  c.partitioning = Partitioning::chiplets_io;
  c.compute_count = 4;
  c.compute_node = compute;
  c.io_node = ProcessNode::n6;
  c.packaging = Packaging::cowos_l;
  c.d2d = D2dKind::ucie_a;
  c.d2d_tbps_per_direction = 4.0;
  c.hbm = HbmGen::hbm3e;
  c.hbm_stacks = 6;
  c.clock_ghz = 1.6;
  return c;
}

}  // namespace

TEST_CASE("leakage: each die kind at its node's density, scaled by exp(k (T_j - T_ref)), summed", "[model][leakage]") {
  const KernelParams& p = test::default_params();
  const double k = tech_value("process_node.common.leakage_temperature_coefficient_per_k");
  const double t_ref = tech_value("process_node.common.leakage_reference_temperature_c");
  for (const ProcessNode node : {ProcessNode::n5, ProcessNode::n3, ProcessNode::n2}) {
    EvaluationDetail detail;
    const Metrics m = evaluate(chiplets_io(node), p, &detail);
    const PowerBreakdown& pw = m.power;
    const double g = std::exp(k * (pw.leakage_tj_c - t_ref));
    const AreaResult& a = detail.area;
    INFO("node " << kProcessNodeNames[static_cast<std::size_t>(node)] << ", T_j " << pw.leakage_tj_c);
    CHECK(pw.leakage_compute_w == Approx(a.compute.count * a.compute.area_mm2 * density_w_per_mm2(node) * g).epsilon(1e-12));
    CHECK(pw.leakage_io_w == Approx(a.io.count * a.io.area_mm2 * density_w_per_mm2(ProcessNode::n6) * g).epsilon(1e-12));
    CHECK(pw.leakage_cache_w == 0.0);
    CHECK(pw.leakage_w == pw.leakage_compute_w + pw.leakage_io_w + pw.leakage_cache_w);
    CHECK(pw.total_w == Approx(pw.compute_w + pw.sram_w + pw.hbm_w + pw.d2d_w + pw.links_w + pw.leakage_w).epsilon(1e-14));
  }
  // The node ratios the shipped rows give (the stated assumption: leakage per transistor follows the energy per
  // operation at iso-speed): N5 is the H100 anchor itself, 0.25 x 700 W / 814 mm2.
  CHECK(density_w_per_mm2(ProcessNode::n5) == Approx(0.25 * 700.0 / 814.0).epsilon(1e-12));
  CHECK(p.perf.leakage_w_per_mm2[static_cast<std::size_t>(ProcessNode::n3)] ==
        Approx(density_w_per_mm2(ProcessNode::n3)).epsilon(1e-14));
}

TEST_CASE("leakage temperature: the settled junction temperature is the thermal bound's, on the default space",
          "[model][leakage]") {
  const KernelParams& p = test::default_params();
  const search::DesignSpace space = search::design_space_from_deck(test::default_deck());
  const search::ChoiceDecoder dec(space);
  int checked = 0;
  for (std::uint64_t i = 0; i < space.size(); i += 97) {
    const Metrics m = evaluate(dec.choice(i), p);
    if (m.infeasible & infeasible::invalid_choice) continue;
    INFO("design " << i << ": bound " << m.tj_bound_c << " C, leakage at " << m.power.leakage_tj_c << " C");
    REQUIRE(std::isfinite(m.power.leakage_w));
    // Settled: the leakage was taken at the temperature the bound then finds (tolerance of evaluate.cpp), unless the
    // point ran away far beyond any junction limit.
    if (m.tj_bound_c < 200.0) CHECK(std::abs(m.tj_bound_c - m.power.leakage_tj_c) <= 0.05);
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("leakage temperature: a hotter coolant raises leakage, power and the bound, and k = 0 is the constant model",
          "[model][leakage]") {
  const KernelParams& p = test::default_params();
  const DesignChoice c = chiplets_io(ProcessNode::n3);
  const Metrics base = evaluate(c, p);
  KernelParams hot = p;
  hot.thermal_bound.sink_temperature_c += 10.0;
  const Metrics warm = evaluate(c, hot);
  CHECK(warm.power.leakage_w > base.power.leakage_w);
  CHECK(warm.power_w > base.power_w);
  // More than the 10 K of the coolant: the extra leakage heats the dies further (positive feedback, gain < 1).
  CHECK(warm.tj_bound_c - base.tj_bound_c > 10.0);
  CHECK(warm.tj_bound_c - base.tj_bound_c < 20.0);
  // The compute stage does not see the temperature without a DVFS clamp: same clock, same time.
  CHECK(warm.latency_s == base.latency_s);

  KernelParams flat = p;
  flat.perf.leakage_per_k = 0.0;
  EvaluationDetail d;
  const Metrics m = evaluate(c, flat, &d);
  const double expected = d.area.compute.count * d.area.compute.area_mm2 * density_w_per_mm2(ProcessNode::n3) +
                          d.area.io.count * d.area.io.area_mm2 * density_w_per_mm2(ProcessNode::n6);
  CHECK(m.power.leakage_w == Approx(expected).epsilon(1e-12));
}

TEST_CASE("shipping air-cooled packages at their MLPerf operating point are feasible: heat flux, power, memory",
          "[model][leakage][heat_flux]") {
  // H100 SXM5 (DGX H100) and H200 SXM (HGX H200) are air-cooled products at 700 W: a model that flags them as
  // over the air limit contradicts the hardware (thermal.limits.air_heat_flux_limit_w_per_mm2).
  for (const char* name : {"h100_llama2_70b_offline.toml", "h200_llama2_70b_offline.toml"}) {
    const deck::Deck d =
        deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "calibration" / name);
    REQUIRE(d.constraints.cooling == "air");
    const KernelParams k = kernel_params_from_deck(d);
    const search::DesignSpace space = search::design_space_from_deck(d);
    REQUIRE(space.size() == 1);
    const Metrics m = evaluate(search::ChoiceDecoder(space).choice(0), k);
    INFO(name << ": " << m.power_w << " W");
    CHECK((m.infeasible & infeasible::heat_flux_over_limit) == 0);
    CHECK((m.infeasible & infeasible::power_over_tdp) == 0);
    CHECK((m.infeasible & infeasible::thermal_bound_over_tj_max) == 0);
    // The MLPerf configuration ran, so it fits: weights + the paged KV cache at the mean context.
    CHECK((m.infeasible & infeasible::workload_memory_short) == 0);
    CHECK(m.infeasible == 0);
  }
}

TEST_CASE("leakage temperature: updating a point to a new junction temperature gives the bits of a full evaluation",
          "[model][leakage]") {
  // evaluate() settles the temperature by updating only the leakage and what follows from the power; that must be
  // indistinguishable from running the performance stage again at the new temperature.
  const KernelParams& p = test::default_params();
  const search::DesignSpace space = search::design_space_from_deck(test::default_deck());
  const search::ChoiceDecoder dec(space);
  int checked = 0;
  for (std::uint64_t i = 0; i < space.size(); i += 211) {
    const DesignChoice c = dec.choice(i);
    EvaluationDetail d;
    Metrics start = evaluate(c, p, &d);
    start.infeasible = 0;
    for (const double t2 : {40.0, 95.0, 160.0}) {
      Metrics full = start, updated = start;
      evaluate_performance(c, p, d.area, t2, full, false);
      evaluate_performance(c, p, d.area, 70.0, updated, false);
      update_leakage_temperature(c, p, d.area, t2, updated);
      INFO("design " << i << " at " << t2 << " C");
      CHECK(updated.infeasible == full.infeasible);
      for (const auto& col : kMetricColumns) {
        INFO(col.name);
        CHECK(col.get(updated) == col.get(full));
      }
      ++checked;
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE("evaluate_at_junction: at the kernel's own junction it is the kernel's point, and hotter it leaks more",
          "[model][leakage]") {
  // The operating point at a given junction temperature (evaluate --thermal's, at the solved one) shares evaluate()'s
  // stages: at evaluate()'s leakage temperature it must give the same point bit for bit, with and without a DVFS clamp
  // that binds (the limit below set under the unclamped package power).
  for (const bool clamp : {false, true}) {
    for (const ProcessNode node : {ProcessNode::n5, ProcessNode::n3, ProcessNode::n2}) {
      INFO("clamp " << clamp << " node " << static_cast<int>(node));
      const DesignChoice c = chiplets_io(node);
      KernelParams p = test::default_params();
      if (clamp) {
        const Metrics free = evaluate(c, p);
        p.perf.tdp_dvfs = true;
        p.perf.tdp_w = 0.8 * free.power.package_w;
      }
      const Metrics m = evaluate(c, p);
      const Metrics at = evaluate_at_junction(c, p, m.power.leakage_tj_c);
      CHECK(at.power.leakage_w == m.power.leakage_w);
      CHECK(at.power_w == m.power_w);
      CHECK(at.throughput_tokens_per_s == m.throughput_tokens_per_s);
      CHECK(at.effective_clock_ghz == m.effective_clock_ghz);
      CHECK(at.tj_bound_c == m.tj_bound_c);
      CHECK(at.cost_usd == m.cost_usd);
      CHECK(at.goodput_tokens_per_s == m.goodput_tokens_per_s);
      CHECK(at.infeasible == m.infeasible);
      if (clamp) CHECK(m.effective_clock_ghz < c.clock_ghz);  // the limit binds
      // 15 K hotter: more leakage by exp(15 k) at the same clock, or under the clamp the same package power at a
      // clock no higher.
      const Metrics hot = evaluate_at_junction(c, p, m.power.leakage_tj_c + 15.0);
      const double k = tech_value("process_node.common.leakage_temperature_coefficient_per_k");
      if (!clamp) {
        CHECK(hot.power.leakage_w == Approx(m.power.leakage_w * std::exp(15.0 * k)).epsilon(1e-12));
        CHECK(hot.throughput_tokens_per_s == m.throughput_tokens_per_s);
      } else {
        CHECK(hot.power.package_w <= p.perf.tdp_w);
        CHECK(hot.effective_clock_ghz < m.effective_clock_ghz);
        CHECK(hot.throughput_tokens_per_s < m.throughput_tokens_per_s);
      }
    }
  }
}

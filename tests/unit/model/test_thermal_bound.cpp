// Tests of the provable thermal lower bound (model/thermal_bound.hpp). Expectations come from outside the code: the
// closed-form 1-D stack of shared/reference/thermal.md §3 (the exact continuum answer the bound must stay below),
// energy balance (the bound's sink part is exactly P / (h A_sink) plus the copper conduction), and the monotonicity
// any lower bound of a linear, positive problem must have (power up, h down, sink temperature up). The comparison
// with the finite-volume solver is tests/mpi/test_thermal_bound_vs_fv.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "default_kernel.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"

using namespace chipdse;
using namespace chipdse::model;


namespace {

PlacedRect rect(double x, double y, double w, double h, RectKind kind, std::uint8_t index, std::uint8_t layer = 0) {
  PlacedRect r;
  r.x_mm = x, r.y_mm = y, r.w_mm = w, r.h_mm = h, r.kind = kind, r.index = index, r.layer = layer;
  return r;
}

/// One w x w mm die covering its silicon interposer and substrate: a 1-D stack without spreader and sink.
Geometry one_die(double w) {
  Geometry g;
  g.carrier = Carrier::silicon_interposer;
  g.interposer = {0, 0, w, w};
  g.substrate = {0, 0, w, w};
  g.rects[0] = rect(0, 0, w, w, RectKind::compute, 0);
  g.rect_count = 1;
  return g;
}

/// Four 10 mm chiplets on a 32 mm interposer (the layout of validation case B, thermal.md §6) and an IO die.
Geometry four_chiplets() {
  Geometry g;
  g.carrier = Carrier::silicon_interposer;
  g.interposer = {10, 10, 32, 32};
  g.substrate = {0, 0, 52, 52};
  g.rects[0] = rect(14, 14, 10, 10, RectKind::compute, 0);
  g.rects[1] = rect(28, 14, 10, 10, RectKind::compute, 1);
  g.rects[2] = rect(14, 28, 10, 10, RectKind::compute, 2);
  g.rects[3] = rect(28, 28, 10, 10, RectKind::compute, 3);
  g.rects[4] = rect(24.5, 11, 3, 3, RectKind::io, 0);
  g.rect_count = 5;
  return g;
}

/// The shipped stack's numbers written out (thermal.toml via stack_from_tech.cpp: TIM 20 µm at 0.05 K cm²/W, Cu
/// spreader 1 mm and sink 6.9 mm at 400 W/mK, 2x and 2x, liquid h 15000 at 35 C), and sheet conductances from
/// TAP-2.5D's layers (substrate 200 µm x 0.5, C4 70 µm x 70.8, interposer 110 µm x 130, µbump 10 µm x 124.6,
/// chip 150 µm x 119).
ThermalBoundParams stack() {
  ThermalBoundParams t;
  t.sink_temperature_c = 35.0;
  t.h_top_w_per_m2k = 15000.0;
  t.h_bottom_w_per_m2k = 0.0;
  t.tim_r_m2k_per_w = 0.05e-4;
  t.tim_sheet_w_per_k = 20e-6 * 20e-6 / 0.05e-4;
  t.spreader_thickness_m = 1e-3;
  t.spreader_k_w_per_mk = 400.0;
  t.spreader_scale = 2.0;
  t.sink_thickness_m = 6.9e-3;
  t.sink_k_w_per_mk = 400.0;
  t.sink_scale = 2.0;
  t.below_tim_sheet_interposer_w_per_k = 200e-6 * 0.5 + 70e-6 * 70.8 + 110e-6 * 130.0 + 10e-6 * 124.6 + 150e-6 * 119.0;
  t.below_tim_sheet_organic_w_per_k = 200e-6 * 0.5 + 70e-6 * 70.8 + 150e-6 * 119.0;
  t.cache_layer_sheet_w_per_k = 150e-6 * 119.0;
  return t;
}

std::array<double, kMaxPlacedRects> powers(std::initializer_list<double> w) {
  std::array<double, kMaxPlacedRects> q{};
  std::size_t i = 0;
  for (double x : w) q[i++] = x;
  return q;
}

}  // namespace

TEST_CASE("thermal bound, 1-D limit: between the energy balance and the exact column temperature", "[model][thermal_bound]") {
  // 20 x 20 mm, 200 W (case A1D's size and power, thermal.md §3), no spreader or sink: h acts on the TIM top.
  const double w = 20, area = w * w * 1e-6, p = 200;
  ThermalBoundParams t = stack();
  t.spreader_thickness_m = 0;
  t.sink_thickness_m = 0;
  t.h_top_w_per_m2k = 20000;
  const auto q = powers({p});
  const double bound = tj_lower_bound_c(one_die(w), q, t);
  // Energy balance: the mean over the convective face is T_sink + P / (h A); every die point is hotter.
  const double energy_balance = 35.0 + p / (20000 * area);
  // The exact continuum mean of a uniformly heated die over an adiabatic bottom (thermal.md §3, volumetric):
  // T_sink + P (1/(h A) + R_tim + R_die / 3), R_die with the chip's 150 µm of silicon at 119 W/mK.
  const double exact_mean = energy_balance + p * (0.05e-4 / area + 150e-6 / (119.0 * area) / 3.0);
  INFO("bound " << bound << ", energy balance " << energy_balance << ", exact mean " << exact_mean);
  CHECK(bound > energy_balance);
  CHECK(bound < exact_mean);
  // With no TIM the trial is the exact 1-D solution above the dies: the bound IS the energy-balance value.
  t.tim_r_m2k_per_w = 0;
  t.tim_sheet_w_per_k = 0;
  CHECK(tj_lower_bound_c(one_die(w), q, t) == Approx(energy_balance).epsilon(1e-12));
}

TEST_CASE("thermal bound, sink part: the copper and convection resistances of the full spreader and sink areas",
          "[model][thermal_bound]") {
  // No TIM resistance: bound = T_sink + P (t_spr / (k A_spr) + t_sink / (k A_sink) + 1 / (h A_sink)), by hand.
  ThermalBoundParams t = stack();
  t.tim_r_m2k_per_w = 0;
  const double p = 500;
  const double a_core = 32e-3 * 32e-3, a_spr = 4 * a_core, a_sink = 16 * a_core;
  const double r = 1e-3 / (400 * a_spr) + 6.9e-3 / (400 * a_sink) + 1 / (15000 * a_sink);
  CHECK(tj_lower_bound_c(four_chiplets(), powers({p / 4, p / 4, p / 4, p / 4}), t) ==
        Approx(35.0 + p * r).epsilon(1e-12));
}

TEST_CASE("thermal bound: monotone in power, in h (down) and in the sink temperature (one for one)",
          "[model][thermal_bound]") {
  const Geometry g = four_chiplets();
  const ThermalBoundParams t = stack();
  const auto q = powers({150, 150, 150, 150, 40});
  const double base = tj_lower_bound_c(g, q, t);
  CHECK(base > t.sink_temperature_c);
  SECTION("power") {
    double last = t.sink_temperature_c;
    for (double f : {0.0, 0.25, 0.5, 1.0, 2.0, 4.0}) {
      auto s = q;
      for (double& x : s) x *= f;
      const double b = tj_lower_bound_c(g, s, t);
      if (f == 0.0) CHECK(b == t.sink_temperature_c);
      else CHECK(b > last);
      last = b;
    }
    auto hotter = q;
    hotter[4] *= 3.0;  // only the IO die: the bound may not fall
    CHECK(tj_lower_bound_c(g, hotter, t) >= base);
  }
  SECTION("heat-transfer coefficient, top and bottom") {
    double last = INFINITY;
    for (double h : {1500.0, 3000.0, 15000.0, 50000.0}) {
      ThermalBoundParams u = t;
      u.h_top_w_per_m2k = h;
      const double b = tj_lower_bound_c(g, q, u);
      CHECK(b < last);
      last = b;
    }
    ThermalBoundParams u = t;
    u.h_bottom_w_per_m2k = 25.0;  // a second heat path can only cool
    CHECK(tj_lower_bound_c(g, q, u) < base);
  }
  SECTION("sink temperature") {
    for (double sink : {17.5, 35.0, 45.0, 52.5}) {
      ThermalBoundParams u = t;
      u.sink_temperature_c = sink;
      CHECK(tj_lower_bound_c(g, q, u) - sink == Approx(base - t.sink_temperature_c).epsilon(1e-12));
    }
  }
}

TEST_CASE("thermal bound: HBM and optical-engine power never enter it, and the map keeps the die power",
          "[model][thermal_bound]") {
  Geometry g = four_chiplets();
  g.rects[5] = rect(2, 20, 7, 11, RectKind::hbm, 0);
  g.rects[6] = rect(20, 1, 12, 8, RectKind::optical_engine, 0);
  g.rect_count = 7;
  const ThermalBoundParams t = stack();
  auto q = powers({100, 100, 100, 100, 20, 0, 0});
  const double base = tj_lower_bound_c(g, q, t);
  q[5] = 50, q[6] = 30;
  CHECK(tj_lower_bound_c(g, q, t) == base);

  // rect_power_w: compute + SRAM + D2D (half to the IO die) + each kind's leakage; HBM on the stacks; engines get theirs.
  PowerBreakdown pw;
  pw.compute_w = 400, pw.sram_w = 40, pw.hbm_w = 50, pw.d2d_w = 16, pw.links_w = 70, pw.leakage_w = 40.9;
  pw.leakage_compute_w = 40.0, pw.leakage_io_w = 0.9;
  const auto m = rect_power_w(g, pw, 30.0);
  CHECK(m[0] == Approx((400 + 40 + 8) / 4.0 + 10.0));
  CHECK(m[4] == Approx(8 + 0.9));
  CHECK(m[5] == Approx(50));
  CHECK(m[6] == Approx(30));
  double sum = 0;
  for (double x : m) sum += x;
  CHECK(sum == Approx(400 + 40 + 50 + 16 + 40.9 + 30));
}

TEST_CASE("thermal bound in the kernel: finite and above the sink on the default space, and a named reason",
          "[model][thermal_bound]") {
  const KernelParams& p = test::default_params();
  DesignChoice c;
  c.partitioning = Partitioning::chiplets;
  c.compute_count = 4;
  c.compute_node = ProcessNode::n3;
  c.packaging = Packaging::cowos_l;
  c.d2d = D2dKind::ucie_a;
  c.d2d_tbps_per_direction = 4.0;
  c.hbm = HbmGen::hbm3e;
  c.hbm_stacks = 6;
  c.scale_up_link = LinkTech::cpo;
  c.scale_out_link = LinkTech::cpo;
  c.clock_ghz = 1.8;
  const Metrics m = evaluate(c, p);
  INFO("power " << m.power_w << " W, bound " << m.tj_bound_c << " C");
  CHECK(m.tj_bound_c > p.thermal_bound.sink_temperature_c);
  CHECK(m.tj_bound_c < p.thermal_bound.tj_max_c);
  CHECK((m.infeasible & infeasible::thermal_bound_over_tj_max) == 0);
  KernelParams tight = p;
  tight.thermal_bound.tj_max_c = 0.5 * (m.tj_bound_c + p.thermal_bound.sink_temperature_c);
  CHECK((evaluate(c, tight).infeasible & infeasible::thermal_bound_over_tj_max) != 0);
  CHECK(std::string(infeasibility_name(infeasible::thermal_bound_over_tj_max)) == "thermal_bound_over_tj_max");
}

TEST_CASE("thermal bound memo: a miss, a hit and the un-memoised path give the same bits", "[model][thermal_bound]") {
  Geometry g = four_chiplets();
  g.rects[5] = rect(14, 14, 10, 10, RectKind::cache, 0, 1);  // a stacked cache die on compute 0
  g.rect_count = 6;
  const ThermalBoundParams t = stack();
  const auto q = powers({150, 120, 90, 60, 40, 25});
  clear_thermal_bound_memo();
  const double miss = tj_lower_bound_c(g, q, t);
  CHECK(thermal_bound_memo_stats().misses == 1);
  CHECK(thermal_bound_memo_stats().hits == 0);
  const double hit = tj_lower_bound_c(g, q, t);
  CHECK(thermal_bound_memo_stats().hits == 1);
  CHECK(hit == miss);
  CHECK(tj_lower_bound_unmemoised_c(g, q, t) == miss);
  clear_thermal_bound_memo();
  CHECK(tj_lower_bound_c(g, q, t) == miss);
  CHECK(thermal_bound_memo_stats().misses == 1);

  // The pure resistances the memo wraps: T_sink + max_S P_S R_S, by hand, in the same arithmetic.
  const GroupResistances r = group_resistances(g, t);
  const double p_all = 150 + 120 + 90 + 60 + 40 + 25, p_cc = 150 + 120 + 90 + 60 + 25, p_io = 40;
  const double by_hand =
      t.sink_temperature_c + std::max({p_all * r.k_per_w[0], p_cc * r.k_per_w[1], p_io * r.k_per_w[2]});
  CHECK(miss == by_hand);
  for (double x : r.k_per_w) CHECK(x > 0.0);

  // A different split of the same group power: the same R_S (a memo hit), the same bound.
  const auto moved = powers({60, 90, 120, 150, 40, 25});
  const auto before = thermal_bound_memo_stats();
  CHECK(tj_lower_bound_c(g, moved, t) == miss);
  CHECK(thermal_bound_memo_stats().hits == before.hits + 1);

  // Other params never reuse a stored value: a changed h misses and gives the un-memoised answer.
  ThermalBoundParams u = t;
  u.h_top_w_per_m2k = 5000.0;
  const double other = tj_lower_bound_c(g, q, u);
  CHECK(thermal_bound_memo_stats().misses == before.misses + 1);
  CHECK(other == tj_lower_bound_unmemoised_c(g, q, u));
  CHECK(other > miss);
  CHECK(tj_lower_bound_c(g, q, t) == miss);  // and back

  // A die moved by far less than the geometry key's 10 um quantum is a different shape: no stale reuse.
  Geometry nudged = g;
  nudged.rects[1].w_mm += 1e-4;
  const auto b2 = thermal_bound_memo_stats();
  CHECK(tj_lower_bound_c(nudged, q, t) == tj_lower_bound_unmemoised_c(nudged, q, t));
  CHECK(thermal_bound_memo_stats().misses == b2.misses + 1);
}

TEST_CASE("thermal bound: the rise is linear in the power (x2 doubles it)", "[model][thermal_bound]") {
  const Geometry g = four_chiplets();
  for (const double h_bottom : {0.0, 25.0}) {
    ThermalBoundParams t = stack();
    t.h_bottom_w_per_m2k = h_bottom;
    const auto q = powers({150, 130, 110, 90, 40});
    auto q2 = q;
    for (double& x : q2) x *= 2.0;
    const double rise = tj_lower_bound_c(g, q, t) - t.sink_temperature_c;
    const double rise2 = tj_lower_bound_c(g, q2, t) - t.sink_temperature_c;
    CHECK(rise > 0.0);
    CHECK(rise2 == Approx(2.0 * rise).epsilon(1e-12));
  }
}

TEST_CASE("thermal bound on default-deck points: kernel, memo hits and the un-memoised path agree bit for bit",
          "[model][thermal_bound]") {
  const KernelParams& p = test::default_params();
  const search::DesignSpace space = search::design_space_from_deck(test::default_deck());
  const search::ChoiceDecoder decoder(space);
  clear_thermal_bound_memo();
  std::size_t compared = 0;
  // Every 211th point (~600 of the default space), twice: the second pass is all memo hits.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint64_t i = 0; i < space.size(); i += 211) {
      const DesignChoice c = decoder.choice(i);
      EvaluationDetail d;
      const Metrics m = evaluate(c, p, &d);
      const auto q = rect_power_w(d.geometry, m.power, cpo_engine_power_w(c, p));
      const double now = tj_lower_bound_c(d.geometry, q, p.thermal_bound);
      INFO("point " << i << ": bound " << now << " C");
      CHECK(now == m.tj_bound_c);
      CHECK(now == tj_lower_bound_unmemoised_c(d.geometry, q, p.thermal_bound));
      ++compared;
    }
  }
  CHECK(compared > 100);
  CHECK(thermal_bound_memo_stats().hits > 0);
}

TEST_CASE("thermal bound, prepared per placement: the same bits as the full bound for any power map",
          "[model][thermal_bound]") {
  Geometry g = four_chiplets();
  g.rects[5] = rect(14, 14, 10, 10, RectKind::cache, 0, 1);
  g.rects[6] = rect(2, 20, 7, 11, RectKind::hbm, 0);
  g.rect_count = 7;
  const ThermalBoundParams t = stack();
  const PreparedThermalBound pre = prepare_thermal_bound(g, t);
  REQUIRE(pre.has_core);
  for (const auto& q : {powers({150, 120, 90, 60, 40, 25, 30}), powers({0, 0, 0, 0, 0, 0, 30}),
                        powers({1e-3, 0, 0, 0, 500, 0, 0}), powers({80, 80, 80, 80, 0, 10, 0})}) {
    CHECK(tj_lower_bound_prepared_c(pre, g, q, t) == tj_lower_bound_c(g, q, t));
    CHECK(tj_lower_bound_prepared_c(pre, g, q, t) == tj_lower_bound_unmemoised_c(g, q, t));
  }
  // No placed core: the sink, as the full bound.
  Geometry empty;
  const auto q = powers({100});
  CHECK(tj_lower_bound_prepared_c(prepare_thermal_bound(empty, t), empty, q, t) == tj_lower_bound_c(empty, q, t));
}

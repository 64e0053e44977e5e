// The evaluation kernel (see evaluate.hpp): area -> geometry -> cost for one design point.
#include "chipdse/model/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "chipdse/model/thermal_bound.hpp"

namespace chipdse::model {

namespace {

constexpr std::size_t idx(auto e) noexcept { return static_cast<std::size_t>(e); }

// Every enum inside its table and every number usable: the kernel indexes arrays with these, so a bad value must
// never reach them (the deck and the design space only produce valid choices; this guards hand-built ones).
bool valid(const DesignChoice& c) noexcept {
  return idx(c.partitioning) < kPartitioningCount && idx(c.compute_node) < kProcessNodeCount &&
         idx(c.io_node) < kProcessNodeCount && idx(c.cache_node) < kProcessNodeCount &&
         idx(c.packaging) < kPackagingCount && idx(c.d2d) < kD2dKindCount && idx(c.hbm) < kHbmGenCount &&
         idx(c.scale_up_link) < kLinkTechCount && idx(c.scale_out_link) < kLinkTechCount &&
         c.compute_count >= 1 && c.compute_count <= static_cast<std::int32_t>(kMaxComputeDies) &&
         c.hbm_stacks >= 0 && c.hbm_stacks <= static_cast<std::int32_t>(kMaxHbmStacks) &&
         std::isfinite(c.d2d_tbps_per_direction) && c.d2d_tbps_per_direction >= 0.0 && std::isfinite(c.clock_ghz) &&
         c.clock_ghz >= 0.0 && std::isfinite(c.sram_mb);
}

AreaInput area_input(const DesignChoice& c, const KernelParams& p) noexcept {
  AreaInput in;
  in.partitioning = c.partitioning;
  in.compute_count = c.partitioning == Partitioning::monolithic ? 1 : c.compute_count;
  in.compute_node = c.compute_node;
  in.io_node = c.io_node;
  in.cache_node = c.cache_node;
  in.compute_scale = 1.0;  // every candidate provides the reference's compute
  in.sram_mb = package_sram_mb(c, p);
  in.hbm = c.hbm;
  in.hbm_stacks = c.hbm_stacks;
  in.d2d = c.d2d;
  in.d2d_tbps_per_direction = c.d2d_tbps_per_direction;
  // No separate axis for the compute <-> cache-die bandwidth: the provisioned D2D bandwidth of the chiplet.
  in.cache_tbps_per_direction = c.d2d_tbps_per_direction;
  in.scale_up_link = c.scale_up_link;
  in.scale_out_link = c.scale_out_link;
  in.scale_up_tbps_bidir = p.scale_up_tbps_bidir;
  in.scale_out_tbps_bidir = p.scale_out_tbps_bidir;
  return in;
}

GeometryInput geometry_input(const DesignChoice& c, const AreaResult& a, const KernelParams& p) noexcept {
  GeometryInput g;
  g.carrier = kPackagingCarrier[idx(c.packaging)];
  g.compute_count = a.compute.count;
  g.compute = DieFootprint{a.compute.width_mm, a.compute.height_mm};
  g.cache_on_compute = a.cache.count > 0;
  g.has_io_die = a.io.count > 0;
  g.io = DieFootprint{a.io.width_mm, a.io.height_mm};
  g.hbm_count = c.hbm_stacks;
  g.hbm = p.hbm[idx(c.hbm)].footprint;
  g.optical_engine_count = a.engines.count;
  g.optical_engine = EdgeFootprint{a.engines.edge_mm, a.engines.depth_mm};
  return g;
}

bool over(double area_mm2, double limit_mm2) noexcept { return limit_mm2 > 0.0 && area_mm2 > limit_mm2; }

}  // namespace

const char* infeasibility_name(std::uint32_t bit) noexcept {
  if (bit == 0 || (bit & (bit - 1)) != 0) return "";
  if (bit < (1u << infeasible::kGeometryBitShift)) return area_issue_name(bit);
  if (bit < (1u << infeasible::kKernelBitShift)) {
    const std::uint32_t g = bit >> infeasible::kGeometryBitShift;
    // Both stages have an invalid_input reason: the geometry's gets its own name, so /stats and `evaluate` never
    // list two reasons under one name.
    return g == geometry_issue::invalid_input ? "geometry_invalid_input" : geometry_issue_name(g);
  }
  switch (bit) {
    case infeasible::die_over_max_area: return "die_over_max_area";
    case infeasible::die_not_on_wafer: return "die_not_on_wafer";
    case infeasible::hbm_needs_fine_pitch: return "hbm_needs_fine_pitch";
    case infeasible::hbm_capacity_short: return "hbm_capacity_short";
    case infeasible::invalid_choice: return "invalid_choice";
    case infeasible::workload_memory_short: return "workload_memory_short";
    case infeasible::power_over_tdp: return "power_over_tdp";
    case infeasible::heat_flux_over_limit: return "heat_flux_over_limit";
    case infeasible::slo_missed: return "slo_missed";
    case infeasible::link_out_of_reach: return "link_out_of_reach";
    case infeasible::thermal_bound_over_tj_max: return "thermal_bound_over_tj_max";
    case infeasible::package_tp_not_dies: return "package_tp_not_dies";
    case infeasible::solved_tj_over_max: return "solved_tj_over_max";
    case infeasible::thermal_runaway: return "thermal_runaway";
    default: return "";
  }
}

namespace {

// Leakage rises with the junction temperature and the temperature with the power: the performance/power stage and
// the thermal bound (which needs the power breakdown) are solved together for T = bound(P(T)), the leakage taken at
// the bound's temperature of the hottest logic die. Secant steps on f(T) = bound(P(T)) - T from `t0` (a plain
// fixed-point step when the secant is undefined). The first step is predicted without the kernel: the bound's rise
// is linear in power, so with r = rise / logic-die power, T solves T = T_1 + r P_leak(T_0) (exp(k (T - T_0)) - 1)
// (scalar Newton); under a binding DVFS clamp the package power is pinned at the limit and the plain step is taken.
// Most points settle to kToleranceK at the second or third evaluation. A point that has not settled after kMaxSteps
// keeps its last evaluation; the leakage is capped in temperature (perf_stage.cpp), so the numbers stay finite and
// such a point is far over any junction limit.
void settle(const DesignChoice& choice, const KernelParams& p, const AreaResult& area, const Geometry& g,
            const PreparedThermalBound& bound, const Metrics& before, double t0, bool dvfs, double hint_sequences,
            Metrics& m) noexcept {
  constexpr int kMaxSteps = 12;
  constexpr double kToleranceK = 0.05;  // 0.2 % of the leakage at k = 0.035 per K
  // Without the clamp the time does not depend on the temperature: after the first full evaluation only the leakage
  // and what follows from the power are redone (update_leakage_temperature, the same bits as a full evaluation).
  Metrics timed;
  bool have_timed = false;
  double batch_hint = hint_sequences;  // batch_policy = "slo": the batch found at the previous temperature
  const auto at = [&](double tj_c) noexcept {
    if (dvfs || !have_timed) {
      m = before;
      evaluate_performance(choice, p, area, tj_c, m, dvfs, batch_hint);
      batch_hint = m.batch_sequences;
      if (!dvfs) timed = m, have_timed = true;
    } else {
      m = timed;
      update_leakage_temperature(choice, p, area, tj_c, m);
    }
    evaluate_thermal_bound(choice, p, g, bound, m);
    return m.tj_bound_c - tj_c;
  };
  double t_prev = t0;
  double f_prev = at(t_prev);
  if (p.perf.leakage_per_k == 0.0 || !(std::abs(f_prev) > kToleranceK)) return;
  double t = t_prev + f_prev;  // the plain fixed-point step: T_1
  const PowerBreakdown& pw = m.power;
  const double logic_w = pw.total_w - pw.hbm_w - pw.links_w;
  const double rise_k = m.tj_bound_c - p.thermal_bound.sink_temperature_c;
  const bool pinned = dvfs && p.perf.tdp_w > 0.0 && pw.package_w >= p.perf.tdp_w * (1.0 - 1e-6);
  if (!pinned && logic_w > 0.0 && rise_k > 0.0) {
    const double r = rise_k / logic_w, a = r * pw.leakage_w, kk = p.perf.leakage_per_k, t1 = t;
    for (int i = 0; i < 20; ++i) {  // h(T) = t1 + a (exp(k (T - t0)) - 1) - T, convex: Newton from t1 is monotone
      const double e = std::exp(kk * (std::min(t, 250.0) - t_prev));
      const double h = t1 + a * (e - 1.0) - t, dh = a * kk * e - 1.0;
      if (!(dh < 0.0)) break;  // no stable root from here (runaway): keep the plain step
      const double next = t - h / dh;
      if (!std::isfinite(next) || std::abs(next - t) < 1e-6) {
        if (std::isfinite(next)) t = next;
        break;
      }
      t = next;
    }
    if (!std::isfinite(t)) t = t1;
  }
  for (int step = 1; step < kMaxSteps; ++step) {
    const double f = at(t);
    if (!(std::abs(f) > kToleranceK)) return;
    const double slope = (f - f_prev) / (t - t_prev);
    double next = t - f / slope;
    if (!std::isfinite(next) || !(slope < 0.0)) next = t + f;  // f falls with T at a stable fixed point
    t_prev = t, f_prev = f, t = next;
  }
}

// The point settles first at its own clock, from the leakage density's reference temperature (never from another
// point's solution). Only when its power then exceeds a DVFS limit does it settle again with the clamp, from the
// reference temperature again (the unclamped point may have run away to a hot fixed point the clamped one never
// reaches): a point the limit does not bind is evaluated exactly as without the clamp. Deterministic: the same steps
// for the same point on any rank or thread.
void settle_leakage_temperature(const DesignChoice& choice, const KernelParams& p, const AreaResult& area,
                                const Geometry& g, Metrics& m) noexcept {
  const Metrics before = m;
  const PreparedThermalBound bound = prepare_thermal_bound(g, p.thermal_bound);  // the placement's part, once
  settle(choice, p, area, g, bound, before, p.perf.leakage_reference_c, false, 0.0, m);
  if (p.perf.tdp_dvfs && p.perf.tdp_w > 0.0 && m.power.package_w > p.perf.tdp_w)
    settle(choice, p, area, g, bound, before, p.perf.leakage_reference_c, true, m.batch_sequences, m);
}

}  // namespace

namespace {

// What evaluate() and evaluate_at_junction() share before the power: area, placement, the infeasibility the area and
// placement find, and the cost. Returns false (m: invalid_choice, every number 0) for an invalid choice.
bool prepare_point(const DesignChoice& choice, const KernelParams& p, EvaluationDetail* detail, AreaResult& area,
                   Geometry& g, Metrics& m) noexcept {
  m = Metrics{};
  if (!valid(choice)) {
    m.infeasible = infeasible::invalid_choice;  // every number stays 0: finite, never on a front
    return false;
  }
  area = evaluate_area(area_input(choice, p), p.reference, p.area);
  g = place_package(geometry_input(choice, area, p), p.packaging[idx(choice.packaging)].rules);

  m.infeasible = area.issues | (g.infeasible << infeasible::kGeometryBitShift);
  if (over(area.compute.area_mm2, p.max_die_area_mm2) || over(area.io.area_mm2, p.max_die_area_mm2) ||
      over(area.cache.area_mm2, p.max_die_area_mm2))
    m.infeasible |= infeasible::die_over_max_area;
  if (choice.hbm_stacks > 0 && !p.packaging[idx(choice.packaging)].fine_pitch)
    m.infeasible |= infeasible::hbm_needs_fine_pitch;
  if (static_cast<double>(choice.hbm_stacks) * p.hbm[idx(choice.hbm)].capacity_gb < p.hbm_capacity_gb)
    m.infeasible |= infeasible::hbm_capacity_short;

  m.silicon_area_mm2 = area.silicon_area_mm2;
  m.package_area_mm2 = g.substrate_area_mm2;
  m.interposer_area_mm2 = g.interposer_area_mm2;
  m.geometry_key = g.key;
  evaluate_cost(choice, p, area, g, m, detail);
  return true;
}

}  // namespace

Metrics evaluate(const DesignChoice& choice, const KernelParams& p, EvaluationDetail* detail) noexcept {
  Metrics m;
  AreaResult area;
  Geometry local;
  Geometry& g = detail != nullptr ? detail->geometry : local;
  if (!prepare_point(choice, p, detail, area, g, m)) return m;
  settle_leakage_temperature(choice, p, area, g, m);
  evaluate_goodput(choice, p, area, m);            // needs the throughput
  if (detail != nullptr) detail->area = area;
  return m;
}

Metrics evaluate_at_junction(const DesignChoice& choice, const KernelParams& p, double tj_c,
                             EvaluationDetail* detail) noexcept {
  Metrics m;
  AreaResult area;
  Geometry local;
  Geometry& g = detail != nullptr ? detail->geometry : local;
  if (!prepare_point(choice, p, detail, area, g, m)) return m;
  // As settle_leakage_temperature: the point at its own clock, and only when that exceeds a DVFS limit, clamped.
  const Metrics before = m;
  evaluate_performance(choice, p, area, tj_c, m, false);
  const PreparedThermalBound bound = prepare_thermal_bound(g, p.thermal_bound);
  evaluate_thermal_bound(choice, p, g, bound, m);
  if (p.perf.tdp_dvfs && p.perf.tdp_w > 0.0 && m.power.package_w > p.perf.tdp_w) {
    const double hint = m.batch_sequences;
    m = before;
    evaluate_performance(choice, p, area, tj_c, m, true, hint);
    evaluate_thermal_bound(choice, p, g, bound, m);
  }
  evaluate_goodput(choice, p, area, m);
  if (detail != nullptr) detail->area = area;
  return m;
}

}  // namespace chipdse::model

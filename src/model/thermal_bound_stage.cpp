// The thermal-bound kernel stage: the power map of the placed rectangles, the stage itself and its constants from
// the deck (the bound's mathematics is thermal_bound.cpp; derivation and power split in thermal_bound.hpp).
#include <algorithm>
#include <cmath>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/stack_tech.hpp"
#include "chipdse/model/thermal_bound.hpp"

namespace chipdse::model {

std::array<double, kMaxPlacedRects> rect_power_w(const Geometry& g, const PowerBreakdown& p,
                                                 double engine_power_w) noexcept {
  std::array<double, kMaxPlacedRects> q{};
  int n_compute = 0, n_cache = 0, n_io = 0, n_hbm = 0, n_engine = 0;
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) {
    switch (g.rects[i].kind) {
      case RectKind::compute: ++n_compute; break;
      case RectKind::cache: ++n_cache; break;
      case RectKind::io: ++n_io; break;
      case RectKind::hbm: ++n_hbm; break;
      case RectKind::optical_engine: ++n_engine; break;
    }
  }
  const auto nonneg = [](double x) noexcept { return std::isfinite(x) && x > 0.0 ? x : 0.0; };
  const double d2d_io_side = n_io > 0 ? 0.5 * nonneg(p.d2d_w) : 0.0;  // both PHY ends spend energy
  const double sram_on_compute = n_cache > 0 ? 0.0 : nonneg(p.sram_w);
  const double compute_each = n_compute > 0 ? (nonneg(p.compute_w) + sram_on_compute + nonneg(p.d2d_w) - d2d_io_side) /
                                                  n_compute + nonneg(p.leakage_compute_w) / n_compute
                                            : 0.0;
  const double cache_each = n_cache > 0 ? (nonneg(p.sram_w) + nonneg(p.leakage_cache_w)) / n_cache : 0.0;
  const double io_each = n_io > 0 ? (d2d_io_side + nonneg(p.leakage_io_w)) / n_io : 0.0;
  const double hbm_each = n_hbm > 0 ? nonneg(p.hbm_w) / n_hbm : 0.0;
  const double engine_each = n_engine > 0 ? nonneg(engine_power_w) / n_engine : 0.0;
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) {
    switch (g.rects[i].kind) {
      case RectKind::compute: q[i] = compute_each; break;
      case RectKind::cache: q[i] = cache_each; break;
      case RectKind::io: q[i] = io_each; break;
      case RectKind::hbm: q[i] = hbm_each; break;
      case RectKind::optical_engine: q[i] = engine_each; break;
    }
  }
  return q;
}

double cpo_engine_power_w(const DesignChoice& c, const KernelParams& k) noexcept {
  // Every tier whose technology puts engines on the package (CPO, optical I/O chiplet), at its own pJ/bit less the
  // part dissipated off the package (CPO's external laser source).
  const PerfParams& pp = k.perf;
  const auto on_package_pj = [&](LinkTech t) noexcept {
    const auto i = static_cast<std::size_t>(t);
    return pp.link_pj_per_bit[i] - pp.link_off_package_pj_per_bit[i];
  };
  double w = 0.0;
  if (has_package_engines(c.scale_up_link)) w += pp.scale_up_bytes_per_s * on_package_pj(c.scale_up_link) * 8.0 * 1e-12;
  if (has_package_engines(c.scale_out_link)) w += pp.scale_out_bytes_per_s * on_package_pj(c.scale_out_link) * 8.0 * 1e-12;
  return w;
}

void evaluate_thermal_bound(const DesignChoice& c, const KernelParams& k, const Geometry& geometry,
                            const PreparedThermalBound& prepared, Metrics& out) noexcept {
  const std::array<double, kMaxPlacedRects> q = rect_power_w(geometry, out.power, cpo_engine_power_w(c, k));
  out.tj_bound_c = tj_lower_bound_prepared_c(prepared, geometry, q, k.thermal_bound);
  if (k.thermal_bound.tj_max_c > 0.0 && out.tj_bound_c > k.thermal_bound.tj_max_c)
    out.infeasible |= infeasible::thermal_bound_over_tj_max;
}

void resolve_thermal_bound_params(KernelParams& k, const deck::Deck& deck) {
  ThermalBoundParams& t = k.thermal_bound;
  const std::string& cooling = deck.constraints.cooling;
  if (cooling != "air" && cooling != "liquid")
    throw InputError(deck.values.where("constraints.cooling"), "constraints.cooling",
                     "the thermal bound knows no such cooling", cooling, "air, liquid");
  const StackTech s = stack_tech_from_tech(deck.tech, cooling == "air");
  t.sink_temperature_c = s.sink_temperature_c;
  t.h_top_w_per_m2k = s.h_top_w_per_m2k;
  t.h_bottom_w_per_m2k = s.h_bottom_w_per_m2k;
  t.tj_max_c = deck.constraints.tj_max_c;

  // The layers and conductivities the FV solver builds (thermal/stack_from_tech.cpp, the same StackTech and the same
  // parallel Cu mixes), each layer at its most conductive material (an over-estimated sheet conductance keeps the
  // bound valid).
  const double k_si = s.k_silicon, k_uf = s.k_underfill;
  const double substrate = s.substrate_m * s.k_substrate;
  const double c4 = s.c4_m * std::max(parallel_mix(s.c4_copper_fraction, s.k_copper, k_uf), k_uf);
  const double interposer = s.interposer_m * parallel_mix(s.tsv_copper_fraction, s.k_copper, s.k_silicon_interposer);
  const double ubump = s.ubump_m * std::max(parallel_mix(s.ubump_copper_fraction, s.k_copper, k_uf), k_uf);
  const double chip = s.die_m * std::max(k_si, k_uf);
  t.below_tim_sheet_interposer_w_per_k = substrate + c4 + interposer + ubump + chip;
  t.below_tim_sheet_organic_w_per_k = substrate + c4 + chip;
  t.cache_layer_sheet_w_per_k = s.stacked_die_m * std::max(k_si, k_uf);
  // TIM1 between die and spreader: its layer has R'' = tim1 (stack_from_tech.cpp: k = t / R'').
  t.tim_r_m2k_per_w = s.tim1_r_m2k_per_w;
  t.tim_sheet_w_per_k = t.tim_r_m2k_per_w > 0.0 ? s.tim_m * s.tim_m / t.tim_r_m2k_per_w : 0.0;
  t.spreader_thickness_m = s.spreader_m;
  t.spreader_k_w_per_mk = s.k_copper;
  t.spreader_scale = s.spreader_scale;
  t.sink_thickness_m = s.sink_base_m;
  t.sink_k_w_per_mk = s.k_copper;
  t.sink_scale = s.sink_scale;
}

}  // namespace chipdse::model

// The thermal-bound kernel stage: the power map of the placed rectangles, the stage itself and its constants from
// the deck (the bound's mathematics is thermal_bound.cpp; derivation and power split in thermal_bound.hpp).
#include <algorithm>
#include <cmath>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/thermal_bound.hpp"

namespace chipdse::model {

namespace {
constexpr double kMm = 1e-3;                 // mm -> m
constexpr double kKcm2PerWToM2KPerW = 1e-4;  // 1 K cm²/W = 1e-4 K m²/W
}  // namespace

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
  // Every tier whose technology puts engines on the package (CPO, optical I/O chiplet), at its own pJ/bit.
  const PerfParams& pp = k.perf;
  double w = 0.0;
  if (has_package_engines(c.scale_up_link))
    w += pp.scale_up_bytes_per_s * pp.link_pj_per_bit[static_cast<std::size_t>(c.scale_up_link)] * 8.0 * 1e-12;
  if (has_package_engines(c.scale_out_link))
    w += pp.scale_out_bytes_per_s * pp.link_pj_per_bit[static_cast<std::size_t>(c.scale_out_link)] * 8.0 * 1e-12;
  return w;
}

void evaluate_thermal_bound(const DesignChoice& c, const KernelParams& k,
                            const Geometry& geometry, Metrics& out) noexcept {
  const std::array<double, kMaxPlacedRects> q = rect_power_w(geometry, out.power, cpo_engine_power_w(c, k));
  out.tj_bound_c = tj_lower_bound_c(geometry, q, k.thermal_bound);
  if (k.thermal_bound.tj_max_c > 0.0 && out.tj_bound_c > k.thermal_bound.tj_max_c)
    out.infeasible |= infeasible::thermal_bound_over_tj_max;
}

void resolve_thermal_bound_params(KernelParams& k, const deck::Deck& deck) {
  const auto v = [&](const std::string& path) { return deck.tech.at(path).value; };
  ThermalBoundParams& t = k.thermal_bound;
  const std::string& cooling = deck.constraints.cooling;
  if (cooling != "air" && cooling != "liquid")
    throw InputError(deck.values.where("constraints.cooling"), "constraints.cooling",
                     "the thermal bound knows no such cooling", cooling, "air, liquid");
  const bool air = cooling == "air";
  t.sink_temperature_c = v(air ? "thermal.cooling.ambient_air_c" : "thermal.cooling.coolant_liquid_c");
  t.h_top_w_per_m2k = v(air ? "thermal.cooling.h_air_heatsink_w_per_m2k" : "thermal.cooling.h_liquid_cold_plate_w_per_m2k");
  t.h_bottom_w_per_m2k = v("thermal.cooling.h_package_bottom_w_per_m2k");
  t.tj_max_c = deck.constraints.tj_max_c;

  // The layers and conductivities of thermal/stack_from_tech.cpp (same entries, same parallel Cu mixes), each
  // layer at its most conductive material (an over-estimated sheet conductance keeps the bound valid).
  const std::string st = "thermal.stack.", mat = "thermal.material.";
  const double um = 1e-6;
  const double k_si = v(mat + "silicon.conductivity_at_tj_design_w_per_mk");
  const double k_cu = v(mat + "copper.conductivity_w_per_mk");
  const double k_uf = v(mat + "underfill.conductivity_w_per_mk");
  const auto mix = [&](const std::string& fraction, double k_filler) {
    const double f = v(st + fraction);
    return f * k_cu + (1.0 - f) * k_filler;
  };
  const double substrate = v(st + "substrate_thickness_um") * um * v(mat + "organic_substrate.conductivity_w_per_mk");
  const double c4 = v(st + "c4_thickness_um") * um * std::max(mix("c4_copper_area_fraction", k_uf), k_uf);
  const double interposer = v(st + "interposer_thickness_um") * um *
                            mix("tsv_copper_area_fraction", v(mat + "silicon_interposer.conductivity_at_tj_design_w_per_mk"));
  const double ubump = v(st + "ubump_thickness_um") * um * std::max(mix("ubump_copper_area_fraction", k_uf), k_uf);
  const double chip = v(st + "die_thickness_um") * um * std::max(k_si, k_uf);
  t.below_tim_sheet_interposer_w_per_k = substrate + c4 + interposer + ubump + chip;
  t.below_tim_sheet_organic_w_per_k = substrate + c4 + chip;
  t.cache_layer_sheet_w_per_k = v(st + "stacked_die_thickness_um") * um * std::max(k_si, k_uf);
  // TIM1 between die and spreader: its layer has R'' = tim1 (stack_from_tech.cpp: k = t / R'').
  t.tim_r_m2k_per_w = v("thermal.tim.tim1_resistance_k_cm2_per_w") * kKcm2PerWToM2KPerW;
  const double t_tim = v(st + "tim_thickness_um") * um;
  t.tim_sheet_w_per_k = t.tim_r_m2k_per_w > 0.0 ? t_tim * t_tim / t.tim_r_m2k_per_w : 0.0;
  t.spreader_thickness_m = v(st + "spreader_thickness_mm") * kMm;
  t.spreader_k_w_per_mk = k_cu;
  t.spreader_scale = v(st + "spreader_scale_x");
  t.sink_thickness_m = v(st + "sink_base_thickness_mm") * kMm;
  t.sink_k_w_per_mk = k_cu;
  t.sink_scale = v(st + "sink_scale_x");
}

}  // namespace chipdse::model

// The provable thermal lower bound (see thermal_bound.hpp for the derivation, its assumptions and the power split).
#include "chipdse/model/thermal_bound.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"

namespace chipdse::model {

namespace {

constexpr double kMm = 1e-3;                   // mm -> m
constexpr double kMm2 = 1e-6;                  // mm² -> m²
constexpr double kKcm2PerWToM2KPerW = 1e-4;    // 1 K cm²/W = 1e-4 K m²/W

bool is_logic(RectKind k) noexcept { return k == RectKind::compute || k == RectKind::io || k == RectKind::cache; }

// The die groups S of the bound (thermal_bound.hpp, step 3).
enum class Group { all_logic, compute_and_cache, io };

bool in_group(RectKind k, Group s) noexcept {
  switch (s) {
    case Group::all_logic: return is_logic(k);
    case Group::compute_and_cache: return k == RectKind::compute || k == RectKind::cache;
    case Group::io: return k == RectKind::io;
  }
  return false;
}

// The core outline the TIM covers: the interposer, or the bounding box of the layer-0 dies and HBM stacks
// (exactly thermal/case_from_geometry.cpp's rule, so the bound and the FV case describe one package).
Outline core_outline(const Geometry& g) noexcept {
  if (has_interposer(g.carrier)) return g.interposer;
  bool any = false;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) {
    const PlacedRect& r = g.rects[i];
    if (r.kind == RectKind::optical_engine || r.layer != 0) continue;
    if (!any) {
      x0 = r.x_mm, y0 = r.y_mm, x1 = r.x_mm + r.w_mm, y1 = r.y_mm + r.h_mm;
      any = true;
      continue;
    }
    x0 = std::min(x0, r.x_mm), y0 = std::min(y0, r.y_mm);
    x1 = std::max(x1, r.x_mm + r.w_mm), y1 = std::max(y1, r.y_mm + r.h_mm);
  }
  return any ? Outline{x0, y0, x1 - x0, y1 - y0} : Outline{};
}

// The package around the dies as the trial sees it (thermal_bound.hpp, step 3): the copper layers above the TIM
// (spreader, sink base), their series resistance with the convection, the substrate area and the sheet
// conductance S_B of the layers below the TIM.
struct Stack {
  int n_up = 0;
  std::array<double, 2> t_m{}, k_w_per_mk{}, a_m2{};  // spreader, sink base (those present), bottom first
  double t_up_m = 0.0;                                // T_U
  double r_up_k_per_w = INFINITY;                     // copper + convection; INFINITY without a top h
  double r_conv_k_per_w = INFINITY;
  double a_top_m2 = 0.0;                              // the convective face
  double a_sub_m2 = 0.0;                              // the substrate bottom (h_bottom)
  double sheet_below_w_per_k = 0.0;                   // S_B
};

Stack stack_of(const Geometry& g, const Outline& core, const ThermalBoundParams& t) noexcept {
  Stack s;
  double a = core.area_mm2() * kMm2, r_copper = 0.0;
  const auto layer = [&](double thickness, double k, double scale) noexcept {
    if (!(thickness > 0.0) || !(k > 0.0)) return;
    a *= scale * scale;
    s.t_m[s.n_up] = thickness, s.k_w_per_mk[s.n_up] = k, s.a_m2[s.n_up] = a;
    s.t_up_m += thickness;
    r_copper += thickness / (k * a);
    ++s.n_up;
  };
  layer(t.spreader_thickness_m, t.spreader_k_w_per_mk, t.spreader_scale);
  layer(t.sink_thickness_m, t.sink_k_w_per_mk, t.sink_scale);
  s.a_top_m2 = a;
  if (t.h_top_w_per_m2k > 0.0 && a > 0.0) {
    s.r_conv_k_per_w = 1.0 / (t.h_top_w_per_m2k * a);
    s.r_up_k_per_w = r_copper + s.r_conv_k_per_w;
  }
  s.a_sub_m2 = g.substrate.area_mm2() * kMm2;
  bool stacked = false;
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) stacked = stacked || g.rects[i].layer == 1;
  s.sheet_below_w_per_k = (has_interposer(g.carrier) ? t.below_tim_sheet_interposer_w_per_k
                                                     : t.below_tim_sheet_organic_w_per_k) +
                          (stacked ? t.cache_layer_sheet_w_per_k : 0.0);
  return s;
}

// Group S's heat and its layer-0 footprints (a stacked die shares the column of the die below it).
struct Footprints {
  double power_w = 0.0, area_m2 = 0.0, perimeter_m = 0.0, count = 0.0;
};

// The bounding box of S's footprints as one footprint: the spreading bump chi spans it whole (chi = 1 on the box
// is a valid trial, and one wide band around the box costs less than overlapping bands around every die).
Footprints bounding_box(double x0, double y0, double x1, double y1, double power_w) noexcept {
  const double w = (x1 - x0) * kMm, h = (y1 - y0) * kMm;
  return {power_w, w * h, 2.0 * (w + h), 1.0};
}

// Sums over S's footprints of the band integrals of a ramp of width l: ∫phi_i², ∫|grad phi_i|², ∫phi_i (level sets
// of the Chebyshev distance d have length P_i + 8 d and |grad d| = 1).
struct Band {
  double sq = 0.0, grad_sq = 0.0, lin = 0.0;
};

Band band_of(const Footprints& f, double l) noexcept {
  return {f.area_m2 + f.perimeter_m * l / 3.0 + f.count * 2.0 * l * l / 3.0, f.perimeter_m / l + 4.0 * f.count,
          f.area_m2 + f.perimeter_m * l / 2.0 + f.count * 4.0 * l * l / 3.0};
}

// Two amplitudes (c = 0): the closed-form network 1 / (G_b0 + 1 / (1 / G_D + 1 / G_1)) of thermal_bound.hpp.
double two_mode_rise_k(const Footprints& f, const Stack& s, const ThermalBoundParams& t) noexcept {
  const double sheet = s.sheet_below_w_per_k + t.tim_sheet_w_per_k / 3.0;
  const double l = std::sqrt(3.0 * sheet * t.tim_r_m2k_per_w);
  const double g1 = (std::isfinite(s.r_up_k_per_w) ? 1.0 / s.r_up_k_per_w : 0.0) + t.h_bottom_w_per_m2k * s.a_sub_m2;
  double g_d = INFINITY, g_b0 = t.h_bottom_w_per_m2k * f.area_m2;  // no TIM resistance: nodes 0 and 1 coincide
  if (t.tim_r_m2k_per_w > 0.0 && l > 0.0) {
    const Band b = band_of(f, l);
    g_d = b.sq / t.tim_r_m2k_per_w + sheet * b.grad_sq;
    g_b0 = t.h_bottom_w_per_m2k * b.lin;
  } else if (t.tim_r_m2k_per_w > 0.0) {
    g_d = f.area_m2 / t.tim_r_m2k_per_w;  // no lateral conduction below the TIM: the ramp costs nothing (l = 0)
  }
  const double g_net = std::isfinite(g_d) ? g_b0 + (g1 > 0.0 ? 1.0 / (1.0 / g_d + 1.0 / g1) : 0.0) : g1;
  return g_net > 0.0 && std::isfinite(g_net) ? f.power_w / g_net : 0.0;  // no heat path: no claim
}

// Three amplitudes (a, b, c) with a spreading bump chi of band width L and depth profile H = 1 - beta zeta / T_U:
// the stationary point of 2 P (a + b + c) - v^T M v, valid when a, b, c >= 0 (thermal_bound.hpp, step 4).
double three_mode_rise_k(const Footprints& f, const Footprints& box, const Stack& s, const ThermalBoundParams& t,
                         double band_l_m, double beta) noexcept {
  if (!(t.tim_r_m2k_per_w > 0.0) || s.n_up == 0 || !std::isfinite(s.r_up_k_per_w) || !(band_l_m > 0.0)) return 0.0;
  const double sheet_a = 2.0 * s.sheet_below_w_per_k + 2.0 * t.tim_sheet_w_per_k / 3.0;
  const double sheet_c = 2.0 * s.sheet_below_w_per_k + 2.0 * t.tim_sheet_w_per_k;
  const double l = std::sqrt(3.0 * sheet_a * t.tim_r_m2k_per_w);
  if (!(l > 0.0)) return 0.0;
  const Band phi = band_of(f, l), chi = band_of(box, band_l_m);
  const double hb = t.h_bottom_w_per_m2k, h = t.h_top_w_per_m2k, T = s.t_up_m;
  double kt = 0.0, lateral = 0.0, cross = 0.0, z = 0.0;
  for (int i = 0; i < s.n_up; ++i) {
    const double h0 = 1.0 - beta * z / T, h1 = 1.0 - beta * (z + s.t_m[i]) / T;
    const double int_h2 = beta > 0.0 ? (h0 * h0 * h0 - h1 * h1 * h1) * T / (3.0 * beta) : s.t_m[i];
    kt += s.k_w_per_mk[i] * s.t_m[i];
    lateral += s.k_w_per_mk[i] * int_h2;
    cross += s.t_m[i] * std::min(s.a_m2[i], chi.lin) / s.a_m2[i];  // ∫ k F' H' X: X <= min(layer area, Σ∫chi)
    z += s.t_m[i];
  }
  const double f_top = s.r_conv_k_per_w / s.r_up_k_per_w, h_top = 1.0 - beta;
  const double m_aa = phi.sq / t.tim_r_m2k_per_w + sheet_a * phi.grad_sq + hb * phi.sq;
  const double m_bb = 1.0 / s.r_up_k_per_w + hb * s.a_sub_m2;
  const double m_cc = sheet_c * chi.grad_sq + kt * (beta / T) * (beta / T) * chi.sq + lateral * chi.grad_sq +
                      h * h_top * h_top * chi.sq + hb * chi.sq;
  const double m_ab = hb * phi.lin, m_ac = hb * phi.lin;
  const double m_bc = beta / (T * s.r_up_k_per_w) * cross + h * f_top * h_top * std::min(s.a_top_m2, chi.lin) +
                      hb * std::min(s.a_sub_m2, chi.lin);
  // M v = P (1, 1, 1) by Cramer's rule (3 x 3, symmetric).
  const double det = m_aa * (m_bb * m_cc - m_bc * m_bc) - m_ab * (m_ab * m_cc - m_bc * m_ac) +
                     m_ac * (m_ab * m_bc - m_bb * m_ac);
  if (!(std::abs(det) > 0.0) || !std::isfinite(det)) return 0.0;
  const double p = f.power_w;
  const double va = p * ((m_bb * m_cc - m_bc * m_bc) - m_ab * (m_cc - m_bc) + m_ac * (m_bc - m_bb)) / det;
  const double vb = p * (m_aa * (m_cc - m_bc) - (m_ab * m_cc - m_bc * m_ac) + m_ac * (m_ab - m_ac)) / det;
  const double vc = p * (m_aa * (m_bb - m_bc) - m_ab * (m_ab - m_ac) + (m_ab * m_bc - m_bb * m_ac)) / det;
  if (!(va >= 0.0 && vb >= 0.0 && vc >= 0.0)) return 0.0;  // the over-estimates of E need a, b, c >= 0
  const double rise = va + vb + vc;                          // J* / P = (a + b + c) at the stationary point
  return std::isfinite(rise) ? rise : 0.0;
}

// The bound's rise for group S: the best of the two-amplitude network and the spreading trials (every candidate
// is a valid lower bound, so their maximum is one). The spreading length sqrt(k T_U / h) of a copper plate under
// a convective face scales the candidate bands; beta spans a bump through the whole copper (0) to one that
// vanishes at the convective face (1).
double group_rise_k(const Geometry& g, const std::array<double, kMaxPlacedRects>& q, Group grp, const Stack& s,
                    const ThermalBoundParams& t) noexcept {
  Footprints f;
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) {
    const PlacedRect& r = g.rects[i];
    if (!in_group(r.kind, grp)) continue;
    if (std::isfinite(q[i]) && q[i] > 0.0) f.power_w += q[i];
    if (r.layer != 0) continue;
    f.area_m2 += r.w_mm * r.h_mm * kMm2;
    f.perimeter_m += 2.0 * (r.w_mm + r.h_mm) * kMm;
    f.count += 1.0;
    x0 = std::min(x0, r.x_mm), y0 = std::min(y0, r.y_mm);
    x1 = std::max(x1, r.x_mm + r.w_mm), y1 = std::max(y1, r.y_mm + r.h_mm);
  }
  if (!(f.power_w > 0.0) || !(f.count > 0.0) || !(f.area_m2 > 0.0)) return 0.0;
  const Footprints box = bounding_box(x0, y0, x1, y1, f.power_w);
  double rise = two_mode_rise_k(f, s, t);
  if (s.n_up > 0 && t.h_top_w_per_m2k > 0.0) {
    double kt = 0.0;
    for (int i = 0; i < s.n_up; ++i) kt += s.k_w_per_mk[i] * s.t_m[i];
    const double spreading_m = std::sqrt(kt / t.h_top_w_per_m2k);
    for (const double lambda : {0.25, 0.5, 1.0, 2.0})
      for (const double beta : {0.0, 0.5, 1.0})
        rise = std::max(rise, three_mode_rise_k(f, box, s, t, lambda * spreading_m, beta));
  }
  return rise;
}

}  // namespace

std::array<double, kMaxPlacedRects> rect_power_w(const Geometry& g, const AreaResult& area, const PowerBreakdown& p,
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
  const double leak_per_mm2 = area.silicon_area_mm2 > 0.0 ? nonneg(p.leakage_w) / area.silicon_area_mm2 : 0.0;
  const double d2d_io_side = n_io > 0 ? 0.5 * nonneg(p.d2d_w) : 0.0;  // both PHY ends spend energy
  const double sram_on_compute = n_cache > 0 ? 0.0 : nonneg(p.sram_w);
  const double compute_each = n_compute > 0 ? (nonneg(p.compute_w) + sram_on_compute + nonneg(p.d2d_w) - d2d_io_side) /
                                                  n_compute + leak_per_mm2 * area.compute.area_mm2
                                            : 0.0;
  const double cache_each = n_cache > 0 ? nonneg(p.sram_w) / n_cache + leak_per_mm2 * area.cache.area_mm2 : 0.0;
  const double io_each = n_io > 0 ? (d2d_io_side + leak_per_mm2 * area.io.area_mm2) / n_io : 0.0;
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

double tj_lower_bound_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
                        const ThermalBoundParams& t) noexcept {
  const double sink = std::isfinite(t.sink_temperature_c) ? t.sink_temperature_c : 0.0;
  const Outline core = core_outline(g);
  if (g.rect_count == 0 || !(core.area_mm2() > 0.0)) return sink;
  const Stack s = stack_of(g, core, t);
  double rise = 0.0;
  for (const Group grp : {Group::all_logic, Group::compute_and_cache, Group::io})
    rise = std::max(rise, group_rise_k(g, rect_power, grp, s, t));
  return sink + (std::isfinite(rise) ? rise : 0.0);
}

double cpo_engine_power_w(const DesignChoice& c, const KernelParams& k) noexcept {
  const PerfParams& pp = k.perf;
  const std::size_t cpo = static_cast<std::size_t>(LinkTech::cpo);
  double w = 0.0;
  if (c.scale_up_link == LinkTech::cpo) w += pp.scale_up_bytes_per_s * pp.link_pj_per_bit[cpo] * 8.0 * 1e-12;
  if (c.scale_out_link == LinkTech::cpo) w += pp.scale_out_bytes_per_s * pp.link_pj_per_bit[cpo] * 8.0 * 1e-12;
  return w;
}

void evaluate_thermal_bound(const DesignChoice& c, const KernelParams& k, const AreaResult& area,
                            const Geometry& geometry, Metrics& out) noexcept {
  const std::array<double, kMaxPlacedRects> q = rect_power_w(geometry, area, out.power, cpo_engine_power_w(c, k));
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

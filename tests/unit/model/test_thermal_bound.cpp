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

// A frozen copy of the bound as it was before the resistance memo (rise = J / P_S per candidate, every group and
// candidate recomputed per call): the oracle of the "linear in P_S" rewrite. Not used by the library.
namespace {
namespace reference {

constexpr double kMm = 1e-3;                   // mm -> m
constexpr double kMm2 = 1e-6;                  // mm² -> m²

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

double bound_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
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

}  // namespace reference
}  // namespace

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

  // rect_power_w: compute + SRAM + D2D (half to the IO die) + leakage by area; HBM on the stacks; engines get theirs.
  AreaResult a;
  a.compute.count = 4, a.compute.area_mm2 = 100;
  a.io.count = 1, a.io.area_mm2 = 9;
  a.silicon_area_mm2 = 409;
  PowerBreakdown pw;
  pw.compute_w = 400, pw.sram_w = 40, pw.hbm_w = 50, pw.d2d_w = 16, pw.links_w = 70, pw.leakage_w = 40.9;
  const auto m = rect_power_w(g, a, pw, 30.0);
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
    CHECK(reference::bound_c(g, q2, t) - t.sink_temperature_c == Approx(2.0 * rise).epsilon(1e-9));
  }
}

TEST_CASE("thermal bound: equal to the pre-memo formula on default-deck points", "[model][thermal_bound]") {
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
      const auto q = rect_power_w(d.geometry, d.area, m.power, cpo_engine_power_w(c, p));
      const double now = tj_lower_bound_c(d.geometry, q, p.thermal_bound);
      const double old = reference::bound_c(d.geometry, q, p.thermal_bound);
      INFO("point " << i << ": bound " << now << " C, pre-memo " << old << " C");
      CHECK(now == m.tj_bound_c);
      CHECK(now == tj_lower_bound_unmemoised_c(d.geometry, q, p.thermal_bound));
      CHECK(now - p.thermal_bound.sink_temperature_c ==
            Approx(old - p.thermal_bound.sink_temperature_c).epsilon(1e-9).margin(1e-12));
      ++compared;
    }
  }
  CHECK(compared > 100);
  CHECK(thermal_bound_memo_stats().hits > 0);
}

// The provable thermal lower bound (see thermal_bound.hpp for the derivation, its assumptions and the power split).
#include "chipdse/model/thermal_bound.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"

namespace chipdse::model {

namespace {

constexpr double kMm = 1e-3;                   // mm -> m
constexpr double kMm2 = 1e-6;                  // mm² -> m²

constexpr bool is_logic(RectKind k) noexcept {
  return k == RectKind::compute || k == RectKind::io || k == RectKind::cache;
}

// The die groups S of the bound (thermal_bound.hpp, step 3).
enum class Group { all_logic, compute_and_cache, io };

constexpr bool in_group(RectKind k, Group s) noexcept {
  switch (s) {
    case Group::all_logic: return is_logic(k);
    case Group::compute_and_cache: return k == RectKind::compute || k == RectKind::cache;
    case Group::io: return k == RectKind::io;
  }
  return false;
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

// Group S's layer-0 footprints (a stacked die shares the column of the die below it).
struct Footprints {
  double area_m2 = 0.0, perimeter_m = 0.0, count = 0.0;
};

// The bounding box of S's footprints as one footprint: the spreading bump chi spans it whole (chi = 1 on the box
// is a valid trial, and one wide band around the box costs less than overlapping bands around every die).
Footprints bounding_box(double w_m, double h_m) noexcept { return {w_m * h_m, 2.0 * (w_m + h_m), 1.0}; }

// Sums over S's footprints of the band integrals of a ramp of width l: ∫phi_i², ∫|grad phi_i|², ∫phi_i (level sets
// of the Chebyshev distance d have length P_i + 8 d and |grad d| = 1).
struct Band {
  double sq = 0.0, grad_sq = 0.0, lin = 0.0;
};

Band band_of(const Footprints& f, double l) noexcept {
  return {f.area_m2 + f.perimeter_m * l / 3.0 + f.count * 2.0 * l * l / 3.0, f.perimeter_m / l + 4.0 * f.count,
          f.area_m2 + f.perimeter_m * l / 2.0 + f.count * 4.0 * l * l / 3.0};
}

// Two amplitudes (c = 0): the closed-form network 1 / (G_b0 + 1 / (1 / G_D + 1 / G_1)) of thermal_bound.hpp, as a
// resistance (rise per watt of S).
double two_mode_resistance(const Footprints& f, const Stack& s, const ThermalBoundParams& t) noexcept {
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
  const double r = g_net > 0.0 && std::isfinite(g_net) ? 1.0 / g_net : 0.0;  // no heat path: no claim
  return std::isfinite(r) ? r : 0.0;
}

// Three amplitudes (a, b, c) with a spreading bump chi of band width L and depth profile H = 1 - beta zeta / T_U:
// the stationary point of 2 P (a + b + c) - v^T M v, valid when a, b, c >= 0 (thermal_bound.hpp, step 4). M does
// not depend on the power, so v* = P M^-1 (1, 1, 1): returned is (a + b + c)* / P = 1^T M^-1 1, kept only when
// M^-1 (1, 1, 1) >= 0 (then v* >= 0 for EVERY P > 0; else the candidate is dropped for every P).
double three_mode_resistance(const Footprints& f, const Footprints& box, const Stack& s, const ThermalBoundParams& t,
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
  // M v = (1, 1, 1) by Cramer's rule (3 x 3, symmetric).
  const double det = m_aa * (m_bb * m_cc - m_bc * m_bc) - m_ab * (m_ab * m_cc - m_bc * m_ac) +
                     m_ac * (m_ab * m_bc - m_bb * m_ac);
  if (!(std::abs(det) > 0.0) || !std::isfinite(det)) return 0.0;
  const double va = ((m_bb * m_cc - m_bc * m_bc) - m_ab * (m_cc - m_bc) + m_ac * (m_bc - m_bb)) / det;
  const double vb = (m_aa * (m_cc - m_bc) - (m_ab * m_cc - m_bc * m_ac) + m_ac * (m_ab - m_ac)) / det;
  const double vc = (m_aa * (m_bb - m_bc) - m_ab * (m_ab - m_ac) + (m_ab * m_bc - m_bb * m_ac)) / det;
  if (!(va >= 0.0 && vb >= 0.0 && vc >= 0.0)) return 0.0;  // the over-estimates of E need a, b, c >= 0
  const double r = va + vb + vc;                             // J* / P² = (a + b + c)* / P
  return std::isfinite(r) ? r : 0.0;
}

// The groups S of the bound, in the order of GroupResistances::k_per_w.
constexpr std::array<Group, kThermalBoundGroups> kGroups{Group::all_logic, Group::compute_and_cache, Group::io};

// Everything of the geometry the resistances depend on (besides the params): the core and substrate areas, the
// carrier's below-TIM sheet choice and, per group, its layer-0 footprint sums and bounding box. Only doubles, no
// padding: the memo compares and hashes its exact bits, so a hit is exactly what the computation would return
// (Geometry::key is NOT used: it rounds coordinates to 10 um, and two geometries within a quantum must not share
// a resistance). A zero core area (never stored) marks an empty memo slot.
struct Shape {
  double core_area_mm2 = 0.0, sub_area_mm2 = 0.0, interposer = 0.0, stacked = 0.0;
  struct GroupShape {
    double area_m2 = 0.0, perimeter_m = 0.0, count = 0.0, box_w_m = 0.0, box_h_m = 0.0;
  };
  std::array<GroupShape, kThermalBoundGroups> groups{};
};
static_assert(sizeof(Shape) == (4 + 5 * kThermalBoundGroups) * sizeof(double), "Shape is compared bitwise");
static_assert(sizeof(ThermalBoundParams) % sizeof(double) == 0 && alignof(ThermalBoundParams) == alignof(double),
              "ThermalBoundParams is compared bitwise: doubles only");

// The groups (bits in kGroups order) a rectangle of kind k belongs to.
constexpr unsigned group_mask(RectKind k) noexcept {
  unsigned m = 0;
  for (std::size_t s = 0; s < kThermalBoundGroups; ++s)
    if (in_group(k, kGroups[s])) m |= 1u << s;
  return m;
}
constexpr std::array<unsigned, 5> kGroupMaskByKind{group_mask(RectKind::compute), group_mask(RectKind::io),
                                                   group_mask(RectKind::cache), group_mask(RectKind::hbm),
                                                   group_mask(RectKind::optical_engine)};

// The heat P_S of every group: finite positive rectangle powers of its dies, stacked ones included, summed in
// rectangle order.
std::array<double, kThermalBoundGroups> group_power_w(const Geometry& g,
                                                      const std::array<double, kMaxPlacedRects>& q) noexcept {
  std::array<double, kThermalBoundGroups> power_w{};
  const std::size_t n = std::min(g.rect_count, kMaxPlacedRects);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t kind = static_cast<std::size_t>(g.rects[i].kind);
    const unsigned groups = kind < kGroupMaskByKind.size() ? kGroupMaskByKind[kind] : 0u;
    if (groups == 0) continue;
    const double p = std::isfinite(q[i]) && q[i] > 0.0 ? q[i] : 0.0;
    for (std::size_t s = 0; s < kThermalBoundGroups; ++s)
      if ((groups >> s & 1u) != 0) power_w[s] += p;
  }
  return power_w;
}

// One pass over the rectangles: the shape of every group and of the core (what the resistances depend on).
void scan(const Geometry& g, Shape& shape) noexcept {
  shape = Shape{};
  std::array<double, kThermalBoundGroups> x0, y0, x1, y1;
  x0.fill(INFINITY), y0.fill(INFINITY), x1.fill(-INFINITY), y1.fill(-INFINITY);
  bool any = false, stacked = false;
  double cx0 = 0, cy0 = 0, cx1 = 0, cy1 = 0;  // core_outline's box of the layer-0 dies and stacks
  const std::size_t n = std::min(g.rect_count, kMaxPlacedRects);
  for (std::size_t i = 0; i < n; ++i) {
    const PlacedRect& r = g.rects[i];
    stacked = stacked || r.layer == 1;
    if (r.kind != RectKind::optical_engine && r.layer == 0) {
      if (!any) {
        cx0 = r.x_mm, cy0 = r.y_mm, cx1 = r.x_mm + r.w_mm, cy1 = r.y_mm + r.h_mm;
        any = true;
      } else {
        cx0 = std::min(cx0, r.x_mm), cy0 = std::min(cy0, r.y_mm);
        cx1 = std::max(cx1, r.x_mm + r.w_mm), cy1 = std::max(cy1, r.y_mm + r.h_mm);
      }
    }
    const std::size_t kind = static_cast<std::size_t>(r.kind);
    const unsigned groups = kind < kGroupMaskByKind.size() ? kGroupMaskByKind[kind] : 0u;
    if (groups == 0 || r.layer != 0) continue;
    for (std::size_t s = 0; s < kThermalBoundGroups; ++s) {
      if ((groups >> s & 1u) == 0) continue;
      Shape::GroupShape& f = shape.groups[s];
      f.area_m2 += r.w_mm * r.h_mm * kMm2;
      f.perimeter_m += 2.0 * (r.w_mm + r.h_mm) * kMm;
      f.count += 1.0;
      x0[s] = std::min(x0[s], r.x_mm), y0[s] = std::min(y0[s], r.y_mm);
      x1[s] = std::max(x1[s], r.x_mm + r.w_mm), y1[s] = std::max(y1[s], r.y_mm + r.h_mm);
    }
  }
  for (std::size_t s = 0; s < kThermalBoundGroups; ++s) {
    Shape::GroupShape& f = shape.groups[s];
    if (!(f.count > 0.0) || !(f.area_m2 > 0.0)) {
      f = Shape::GroupShape{};  // no footprint: no claim (resistance 0), one canonical key
      continue;
    }
    f.box_w_m = (x1[s] - x0[s]) * kMm, f.box_h_m = (y1[s] - y0[s]) * kMm;
  }
  const Outline core = has_interposer(g.carrier) ? g.interposer
                       : any                     ? Outline{cx0, cy0, cx1 - cx0, cy1 - cy0}
                                                 : Outline{};
  shape.core_area_mm2 = core.area_mm2();
  shape.sub_area_mm2 = g.substrate.area_mm2();
  shape.interposer = has_interposer(g.carrier) ? 1.0 : 0.0;
  shape.stacked = stacked ? 1.0 : 0.0;
}

// The package around the dies as the trial sees it, from the shape (stack_of's rules).
Stack stack_of(const Shape& shape, const ThermalBoundParams& t) noexcept {
  Stack s;
  double a = shape.core_area_mm2 * kMm2, r_copper = 0.0;
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
  s.a_sub_m2 = shape.sub_area_mm2 * kMm2;
  s.sheet_below_w_per_k = (shape.interposer != 0.0 ? t.below_tim_sheet_interposer_w_per_k
                                                   : t.below_tim_sheet_organic_w_per_k) +
                          (shape.stacked != 0.0 ? t.cache_layer_sheet_w_per_k : 0.0);
  return s;
}

// The best resistance of every group: the two-amplitude network and the spreading trials (every candidate is a
// valid lower bound for every P_S > 0, so their maximum is one). The spreading length sqrt(k T_U / h) of a copper
// plate under a convective face scales the candidate bands; beta spans a bump through the whole copper (0) to one
// that vanishes at the convective face (1). A pure function of (shape, t): what the memo stores.
GroupResistances resistances_of(const Shape& shape, const ThermalBoundParams& t) noexcept {
  GroupResistances out;
  const Stack s = stack_of(shape, t);
  double spreading_m = 0.0;
  const bool spreading = s.n_up > 0 && t.h_top_w_per_m2k > 0.0;
  if (spreading) {
    double kt = 0.0;
    for (int i = 0; i < s.n_up; ++i) kt += s.k_w_per_mk[i] * s.t_m[i];
    spreading_m = std::sqrt(kt / t.h_top_w_per_m2k);
  }
  for (std::size_t g = 0; g < kThermalBoundGroups; ++g) {
    const Shape::GroupShape& gs = shape.groups[g];
    if (!(gs.count > 0.0) || !(gs.area_m2 > 0.0)) continue;
    const Footprints f{gs.area_m2, gs.perimeter_m, gs.count};
    const Footprints box = bounding_box(gs.box_w_m, gs.box_h_m);
    double r = two_mode_resistance(f, s, t);
    if (spreading)
      for (const double lambda : {0.25, 0.5, 1.0, 2.0})
        for (const double beta : {0.0, 0.5, 1.0})
          r = std::max(r, three_mode_resistance(f, box, s, t, lambda * spreading_m, beta));
    out.k_per_w[g] = r;
  }
  return out;
}

// The resistances cost ~40 candidate trials per point (perf: ~55 % of the kernel) but depend only on the placed
// shape and the params, which neighbouring design points repeat (clock, HBM generation, links, ... do not move a
// die). So a small per-thread, direct-mapped memo of exact results, as wafer.cpp's dies-per-wafer memo: the key is
// the exact bits of the shape, the params are compared in full (a change empties the memo), a hit returns exactly
// what resistances_of would; nothing is allocated (static TLS block), nothing is shared between threads, and the
// stored value is a pure function of its key, so results never depend on threads or evaluation order.
struct ResistanceMemo {
  static constexpr std::size_t kSlots = 256;
  struct Slot {
    Shape shape;  // core_area_mm2 == 0: empty
    GroupResistances r;
  };
  std::array<Slot, kSlots> slots{};
  ThermalBoundParams params{};
  bool primed = false;
  ThermalBoundMemoStats stats{};
};
thread_local ResistanceMemo t_resistance_memo;

std::uint64_t shape_hash(const Shape& shape) noexcept {
  std::array<std::uint64_t, sizeof(Shape) / sizeof(std::uint64_t)> w;
  std::memcpy(w.data(), &shape, sizeof(Shape));
  std::uint64_t h = 0x27D4EB2F165667C5ull;
  for (const std::uint64_t x : w) h = std::rotl(h ^ (x * 0xC2B2AE3D27D4EB4Full), 31) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 33;
  h *= 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

const GroupResistances& memoised_resistances(const Shape& shape, const ThermalBoundParams& t) noexcept {
  ResistanceMemo& m = t_resistance_memo;
  if (!m.primed || std::memcmp(&m.params, &t, sizeof(ThermalBoundParams)) != 0) {
    for (ResistanceMemo::Slot& s : m.slots) s.shape.core_area_mm2 = 0.0;
    std::memcpy(&m.params, &t, sizeof(ThermalBoundParams));
    m.primed = true;
  }
  ResistanceMemo::Slot& slot = m.slots[shape_hash(shape) % ResistanceMemo::kSlots];
  if (std::memcmp(&slot.shape, &shape, sizeof(Shape)) == 0) {
    ++m.stats.hits;
    return slot.r;
  }
  ++m.stats.misses;
  slot.shape = shape;
  slot.r = resistances_of(shape, t);
  return slot.r;
}

// The bound from the groups' heat and resistances: one arithmetic path for memo hits, misses and the pure
// function, so all three give the same bits.
double bound_from(double sink, const std::array<double, kThermalBoundGroups>& power_w,
                  const GroupResistances& r) noexcept {
  double rise = 0.0;
  for (std::size_t s = 0; s < kThermalBoundGroups; ++s) {
    if (!(power_w[s] > 0.0)) continue;
    const double rise_s = power_w[s] * r.k_per_w[s];
    if (std::isfinite(rise_s)) rise = std::max(rise, rise_s);
  }
  return sink + rise;
}

}  // namespace

namespace {
double sink_of(const ThermalBoundParams& t) noexcept {
  return std::isfinite(t.sink_temperature_c) ? t.sink_temperature_c : 0.0;
}

// T_sink + max_S P_S R_S for the rectangle powers on a placement with a core; `resistances` is asked only when
// there is logic heat (no heat: no claim, and nothing to look up). One arithmetic path for every entry point.
template <typename Resistances>
double bound_for(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power, double sink,
                 Resistances&& resistances) noexcept {
  const std::array<double, kThermalBoundGroups> power_w = group_power_w(g, rect_power);
  bool any_power = false;
  for (const double p : power_w) any_power = any_power || p > 0.0;
  if (!any_power) return sink;
  return bound_from(sink, power_w, resistances());
}

// The bound for given rectangle powers, through the memo or not: the same arithmetic either way.
double bound_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power, const ThermalBoundParams& t,
               bool memoised) noexcept {
  const double sink = sink_of(t);
  Shape shape;
  scan(g, shape);
  if (g.rect_count == 0 || !(shape.core_area_mm2 > 0.0)) return sink;
  return bound_for(g, rect_power, sink, [&]() -> GroupResistances {
    return memoised ? memoised_resistances(shape, t) : resistances_of(shape, t);
  });
}
}  // namespace

double tj_lower_bound_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
                        const ThermalBoundParams& t) noexcept {
  return bound_c(g, rect_power, t, true);
}

PreparedThermalBound prepare_thermal_bound(const Geometry& g, const ThermalBoundParams& t) noexcept {
  Shape shape;
  scan(g, shape);
  PreparedThermalBound pre;
  pre.has_core = g.rect_count != 0 && shape.core_area_mm2 > 0.0;
  if (pre.has_core) pre.r = memoised_resistances(shape, t);
  return pre;
}

double tj_lower_bound_prepared_c(const PreparedThermalBound& pre, const Geometry& g,
                                 const std::array<double, kMaxPlacedRects>& rect_power,
                                 const ThermalBoundParams& t) noexcept {
  const double sink = sink_of(t);
  if (!pre.has_core) return sink;
  return bound_for(g, rect_power, sink, [&]() { return pre.r; });
}

GroupResistances group_resistances(const Geometry& g, const ThermalBoundParams& t) noexcept {
  Shape shape;
  scan(g, shape);
  if (g.rect_count == 0 || !(shape.core_area_mm2 > 0.0)) return {};
  return resistances_of(shape, t);
}

double tj_lower_bound_unmemoised_c(const Geometry& g, const std::array<double, kMaxPlacedRects>& rect_power,
                                   const ThermalBoundParams& t) noexcept {
  return bound_c(g, rect_power, t, false);
}

ThermalBoundMemoStats thermal_bound_memo_stats() noexcept { return t_resistance_memo.stats; }

void clear_thermal_bound_memo() noexcept {
  ResistanceMemo& m = t_resistance_memo;
  for (ResistanceMemo::Slot& s : m.slots) s = ResistanceMemo::Slot{};
  m.params = ThermalBoundParams{};
  m.primed = false;
  m.stats = ThermalBoundMemoStats{};
}

}  // namespace chipdse::model

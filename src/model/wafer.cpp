// chipdse/model/wafer.cpp — dies-per-wafer formulas and geometric counts; sources in wafer.hpp.
//
// The geometric counts re-implement the placement rules of CATCH (nanocad-lab/CATCH @ d60dafb, design.py, Apache-2.0),
// written from the algorithm's description in cost_models.md §2.2 and checked against the integers of the
// formula_dies_per_wafer case; only the count is kept (no die locations), so nothing is allocated. Keeping the same
// order of floating-point operations as that tool is what makes the integer counts agree exactly.
#include "chipdse/model/wafer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace chipdse::model {

namespace {

constexpr double kPi = std::numbers::pi;

// CATCH rejects dies whose diagonal exceeds the usable radius (compute_cost_per_mm2); beyond it the row search is
// not meaningful and the square roots below could see negative arguments.
bool die_fits(double w_mm, double h_mm, double usable_diameter_mm) noexcept {
  return w_mm > 0.0 && h_mm > 0.0 && usable_diameter_mm > 0.0 &&
         std::sqrt(w_mm * w_mm + h_mm * h_mm) <= usable_diameter_mm / 2.0;
}

// Half chord length of a circle of radius r at distance y from its centre (0 outside the circle).
double half_chord(double r, double y) noexcept {
  const double s = r * r - y * y;
  return s > 0.0 ? std::sqrt(s) : 0.0;
}

// A row holds a non-negative number of dies. CATCH adds floor(usable / w) even when a short top row's usable chord
// is negative (the grid offset exceeds the chord), which subtracts two dies: e.g. a 1374.5 mm² square die counts 37
// there instead of 38. Clamping fixes that and leaves every integer of formula_dies_per_wafer unchanged.
std::int64_t to_count(double x) noexcept { return x > 0.0 ? static_cast<std::int64_t>(x) : 0; }

}  // namespace

double dies_per_wafer_actuary(double die_area_mm2, double wafer_diameter_mm, double edge_loss_mm,
                              double scribe_mm) noexcept {
  // A' = A + 2 s sqrt(A) + s² = (sqrt(A) + s)², written in the tool's order (chip.py N_die_total).
  const double a = die_area_mm2 + 2.0 * scribe_mm * std::sqrt(die_area_mm2) + scribe_mm * scribe_mm;
  const double r = wafer_diameter_mm / 2.0 - edge_loss_mm;
  return kPi * (r * r) / a - kPi * (wafer_diameter_mm - 2.0 * edge_loss_mm) / std::sqrt(2.0 * a);
}

double dies_per_wafer_de_vries(double die_area_mm2, double wafer_diameter_mm) noexcept {
  return dies_per_wafer_actuary(die_area_mm2, wafer_diameter_mm, 0.0, 0.0);
}

double dies_per_wafer_google(double die_width_mm, double die_height_mm, double saw_street_mm,
                             double wafer_diameter_mm, double edge_exclusion_mm) noexcept {
  const double a = (die_width_mm + saw_street_mm) * (die_height_mm + saw_street_mm);
  const double n = (wafer_diameter_mm - 2.0 * edge_exclusion_mm) * kPi *
                   (wafer_diameter_mm / (4.0 * a) - 1.0 / std::sqrt(2.0 * a));
  return std::round(n);
}

std::int64_t dies_per_wafer_grid(double die_width_mm, double die_height_mm, double usable_diameter_mm,
                                 double dicing_mm) noexcept {
  if (!die_fits(die_width_mm, die_height_mm, usable_diameter_mm)) return 0;
  const double w = die_width_mm + dicing_mm;   // die pitch along a row
  const double h = die_height_mm + dicing_mm;  // row pitch
  const double d = usable_diameter_mm;
  const double r = d / 2.0;
  // The search over k (rows in the central block) stops once the block's half-height passes the height at which
  // the first column beside the block would cross the wafer edge: taller blocks only lose dies.
  const double first_column_dist = r - half_chord(r, h / 2.0);
  const double crossover = half_chord(r, r - first_column_dist - w);

  std::int64_t best = 0;
  for (std::int64_t k = 1; static_cast<double>(k) * h / 2.0 < crossover; ++k) {
    const double kd = static_cast<double>(k);
    // Central block: k rows, each limited by the chord at the block's outer die edge (dicing lane excluded).
    double edge = kd * h / 2.0 - dicing_mm / 2.0;
    const double chord = half_chord(r, edge) * 2.0;
    const std::int64_t per_row = to_count(std::floor((chord + dicing_mm) / w));
    std::int64_t n = per_row * k;
    edge += h;
    // One more die at the far end of a block row if both its outer corners are inside the circle.
    const double end_of_rows = static_cast<double>(per_row) * w - chord / 2.0;
    const double xr = end_of_rows + w;
    for (std::int64_t i = 0; i < k; ++i) {
      const double y = h * static_cast<double>(i) - edge + h;
      if (xr * xr + y * y <= r * r && xr * xr + (y + h) * (y + h) <= r * r) ++n;
    }
    // Rows outside the block, mirrored above and below, snapped to the block's columns.
    const double left = (d - chord) / 2.0;
    for (; edge < d / 2.0; edge += h) {
      const double c = half_chord(r, edge) * 2.0;
      const double first_fit = (d - c) / 2.0;
      const double start = std::ceil((first_fit - left) / w) * w + left;
      const double usable = c - (start - first_fit);
      n += 2 * to_count(std::floor(usable / w));
    }
    best = std::max(best, n);
  }
  return best;
}

std::int64_t dies_per_wafer_nogrid(double die_width_mm, double die_height_mm, double usable_diameter_mm,
                                   double dicing_mm) noexcept {
  if (!die_fits(die_width_mm, die_height_mm, usable_diameter_mm)) return 0;
  const double w = die_width_mm + dicing_mm;
  const double h = die_height_mm + dicing_mm;
  const double r = usable_diameter_mm / 2.0;
  // Dies a row of outer edge `edge` holds: its chord at the die edge, plus one dicing lane the last die need not pay.
  auto row = [&](double edge) noexcept {
    const double chord = half_chord(r, edge - dicing_mm / 2.0) * 2.0 + dicing_mm;
    return to_count(std::floor(chord / w));
  };
  // Case 1: one row centred on the diameter, then pairs of rows above and below it.
  std::int64_t centred = row(h / 2.0);
  for (double edge = h / 2.0 + h; edge < r; edge += h) centred += 2 * row(edge);
  // Case 2: the diameter is a row boundary.
  std::int64_t straddling = 2 * row(h);
  for (double edge = 2.0 * h; edge < r; edge += h) straddling += 2 * row(edge);
  return std::max(centred, straddling);
}

namespace {

// The geometric counts cost O(rows^2) (~0.4 us for an 800 mm² die, ~2.5 us at 50 mm²) and dominated the whole
// kernel (68 % of it, perf). Neighbouring design points repeat die shapes (the clock, packaging and HBM-generation
// axes do not change a die), so a small per-thread, direct-mapped memo of exact results pays: the key is the exact
// bits of every input, so a hit returns exactly what the count would; nothing is allocated (static TLS block) and
// nothing is shared between threads, so results never depend on threads or evaluation order.
struct DpwMemo {
  static constexpr std::size_t kSlots = 64;
  struct Slot {
    std::uint64_t w = 0, h = 0, d = 0, s = 0;
    DpwMethod method = DpwMethod::actuary_formula;  // never memoised: marks an empty slot
    double count = 0.0;
  };
  std::array<Slot, kSlots> slots{};
};
thread_local DpwMemo t_dpw_memo;

std::uint64_t bits(double x) noexcept { return std::bit_cast<std::uint64_t>(x); }

double geometric_count(const WaferSpec& wafer, double die_width_mm, double die_height_mm) noexcept {
  const double usable_mm = wafer.diameter_mm - 2.0 * wafer.edge_loss_mm;
  const std::uint64_t kw = bits(die_width_mm), kh = bits(die_height_mm), kd = bits(usable_mm), ks = bits(wafer.scribe_mm);
  std::uint64_t hash = kw * 0x9E3779B97F4A7C15ull ^ (kh + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
  hash ^= hash >> 29;
  DpwMemo::Slot& slot = t_dpw_memo.slots[hash % DpwMemo::kSlots];
  if (slot.method == wafer.method && slot.w == kw && slot.h == kh && slot.d == kd && slot.s == ks) return slot.count;
  const double count =
      wafer.method == DpwMethod::geometric_grid
          ? static_cast<double>(dies_per_wafer_grid(die_width_mm, die_height_mm, usable_mm, wafer.scribe_mm))
          : static_cast<double>(dies_per_wafer_nogrid(die_width_mm, die_height_mm, usable_mm, wafer.scribe_mm));
  slot = DpwMemo::Slot{kw, kh, kd, ks, wafer.method, count};
  return count;
}

}  // namespace

double dies_per_wafer(const WaferSpec& wafer, double die_width_mm, double die_height_mm) noexcept {
  switch (wafer.method) {
    case DpwMethod::actuary_formula:
      return dies_per_wafer_actuary(die_width_mm * die_height_mm, wafer.diameter_mm, wafer.edge_loss_mm,
                                    wafer.scribe_mm);
    case DpwMethod::geometric_grid:
    case DpwMethod::geometric_nogrid:
      return geometric_count(wafer, die_width_mm, die_height_mm);
  }
  return 0.0;
}

}  // namespace chipdse::model

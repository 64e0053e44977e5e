// chipdse/model/geometry.cpp — package placement, D2D/HBM distances, limits and the geometry key; rules and sources
// in geometry.hpp. Every position is a closed form of the inputs, computed in a fixed order of operations, so equal
// inputs give bit-identical placements (and keys) on every rank and thread.
#include "chipdse/model/geometry.hpp"

#include "chipdse/model/geometry_hbm.hpp"

#include <algorithm>
#include <cmath>

namespace chipdse::model {

using namespace geometry_detail;

namespace {

bool positive_finite(double v) noexcept { return std::isfinite(v) && v > 0.0; }
bool non_negative_finite(double v) noexcept { return std::isfinite(v) && v >= 0.0; }

// A limit is exceeded only beyond rounding of the placement sums (relative slack 1e-9): a stack exactly one gap plus
// half a depth from its die is at a 6.0 mm limit, not over it, whatever the last bit of the sum.
bool exceeds(double value, double limit) noexcept { return value > limit + 1e-9 * std::max(1.0, limit); }

// Does a w x h die fit the exposure field in either orientation? (Unchecked when the field is not given.)
bool fits_field(double w_mm, double h_mm, const GeometryRules& r) noexcept {
  if (r.reticle_width_mm <= 0.0 || r.reticle_length_mm <= 0.0) return true;
  return (w_mm <= r.reticle_width_mm && h_mm <= r.reticle_length_mm) ||
         (w_mm <= r.reticle_length_mm && h_mm <= r.reticle_width_mm);
}

// rows x cols = k minimising max(W, H) / min(W, H) of the grid outline among the grids at least `min_height_mm` tall
// (any grid with the default); ties keep the first (fewest rows). O(k). False, and rows x cols untouched, if no grid
// is that tall.
bool choose_grid(std::int32_t k, double w_mm, double h_mm, double gap_mm, std::int32_t& rows, std::int32_t& cols,
                 double min_height_mm = -INFINITY) noexcept {
  double best = -1.0;
  for (std::int32_t r = 1; r <= k; ++r) {
    if (k % r != 0) continue;
    const std::int32_t c = k / r;
    const double gw = c * w_mm + (c - 1) * gap_mm;
    const double gh = r * h_mm + (r - 1) * gap_mm;
    if (gh < min_height_mm) continue;
    const double aspect = std::max(gw, gh) / std::min(gw, gh);
    if (best < 0.0 || aspect < best) {
      best = aspect;
      rows = r;
      cols = c;
    }
  }
  return best >= 0.0;
}


constexpr std::uint8_t kKeyVersion = 1;      // bump when the placement rules or the hashed fields change
constexpr double kGeometryKeyScale = 100.0;  // 1 / kGeometryKeyQuantumMm (nominal; 0.01 is not exact in binary)
static_assert(kGeometryKeyScale * kGeometryKeyQuantumMm == 1.0);

// The key's hash: xxHash64's accumulator round over 64-bit words, acc = rotl(acc + word * P2, 31) * P1, in four
// lanes (word i goes to lane i mod 4, so four independent multiply chains run in parallel), the lanes folded through
// the same round, then xxHash64's avalanche (Y. Collet, xxHash: XXH64_round, XXH64_avalanche, PRIME64_1..3). Every
// round is a bijection of its accumulator for a fixed word and of the word for a fixed accumulator, and so are the
// fold and the avalanche: two inputs of the same length that differ in exactly one word ALWAYS get different keys;
// otherwise a collision has probability ~2^-64. Not byte-wise FNV-1a: that took 1.9 us for a 49-rectangle package
// (one serial chain of ~1,700 multiplies), this 0.27 us (~0.07 us for a typical 11-rectangle package). Plain integer
// arithmetic: identical on every platform.
struct KeyHash {
  static constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ull;
  static constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
  static constexpr std::uint64_t kP3 = 0x165667B19E3779F9ull;
  std::uint64_t lane[4] = {kP1 + kP2, kP2, 0, 0 - kP1};  // XXH64's lane seeds with seed 0
  std::uint64_t words = 0;

  static std::uint64_t round(std::uint64_t acc, std::uint64_t w) noexcept {
    acc += w * kP2;
    acc = (acc << 31) | (acc >> 33);
    return acc * kP1;
  }
  void word(std::uint64_t w) noexcept {
    std::uint64_t& a = lane[words & 3u];
    a = round(a, w);
    ++words;
  }
  // v / quantum rounded half away from zero, as 32-bit two's complement; clamped to +-20 km so the cast is defined
  // for any finite input. A multiply by the reciprocal (100) and a truncating cast, not llround(v / q): a libm call
  // per coordinate cost a third of the key's time.
  static std::uint32_t quantise(double v) noexcept {
    const double q = std::clamp(v * kGeometryKeyScale, -2.0e9, 2.0e9);
    return static_cast<std::uint32_t>(static_cast<std::int32_t>(q + (q >= 0.0 ? 0.5 : -0.5)));
  }
  // Two quantised coordinates in one word.
  void mm_pair(double a, double b) noexcept {
    word(static_cast<std::uint64_t>(quantise(a)) | (static_cast<std::uint64_t>(quantise(b)) << 32));
  }
  std::uint64_t finish() const noexcept {
    std::uint64_t h = kP3 ^ words;
    for (const std::uint64_t a : lane) h = round(h, a);
    h ^= h >> 33;
    h *= kP2;
    h ^= h >> 29;
    h *= kP3;
    h ^= h >> 32;
    return h;
  }
};

}  // namespace

const char* geometry_issue_name(std::uint32_t bit) noexcept {
  switch (bit) {
    case geometry_issue::invalid_input:
      return "invalid_input";
    case geometry_issue::too_many_components:
      return "too_many_components";
    case geometry_issue::die_over_reticle_field:
      return "die_over_reticle_field";
    case geometry_issue::interposer_over_area:
      return "interposer_over_area";
    case geometry_issue::interposer_over_reticles:
      return "interposer_over_reticles";
    case geometry_issue::package_over_area:
      return "package_over_area";
    case geometry_issue::hbm_too_far:
      return "hbm_too_far";
    default:
      return "";
  }
}

double edge_distance_mm(const PlacedRect& a, const PlacedRect& b) noexcept {
  const double dx = std::max(0.0, std::max(a.x_mm, b.x_mm) - std::min(a.x_mm + a.w_mm, b.x_mm + b.w_mm));
  const double dy = std::max(0.0, std::max(a.y_mm, b.y_mm) - std::min(a.y_mm + a.h_mm, b.y_mm + b.h_mm));
  return dx + dy;
}

std::uint64_t geometry_key(const Geometry& g) noexcept {
  KeyHash f;
  f.word((static_cast<std::uint64_t>(kKeyVersion) << 56) | (static_cast<std::uint64_t>(g.carrier) << 48) |
         static_cast<std::uint64_t>(g.rect_count));
  f.mm_pair(g.substrate.w_mm, g.substrate.h_mm);
  f.mm_pair(g.interposer.x_mm, g.interposer.y_mm);
  f.mm_pair(g.interposer.w_mm, g.interposer.h_mm);
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i) {
    const PlacedRect& r = g.rects[i];
    f.word((static_cast<std::uint64_t>(r.kind) << 8) | r.layer);
    f.mm_pair(r.x_mm, r.y_mm);
    f.mm_pair(r.w_mm, r.h_mm);
  }
  const std::uint64_t h = f.finish();
  return h == 0 ? 1 : h;  // 0 means "not placed"
}

Geometry place_package(const GeometryInput& in, const GeometryRules& rules) noexcept {
  Geometry g;
  g.carrier = in.carrier;

  // ---- checks before any placement: an unusable input is reported, never clipped
  const bool io = in.has_io_die;
  const std::int32_t k = in.compute_count;
  const std::int32_t nh = in.hbm_count;
  const std::int32_t ne = in.optical_engine_count;
  bool valid = k >= 1 && nh >= 0 && ne >= 0 && positive_finite(in.compute.width_mm) &&
               positive_finite(in.compute.height_mm) && non_negative_finite(rules.die_gap_mm) &&
               non_negative_finite(rules.die_hbm_gap_mm) && non_negative_finite(rules.interposer_edge_mm) &&
               non_negative_finite(rules.substrate_gap_mm) && non_negative_finite(rules.substrate_edge_mm);
  if (io) valid = valid && positive_finite(in.io.width_mm) && positive_finite(in.io.height_mm);
  if (nh > 0) valid = valid && positive_finite(in.hbm.edge_mm) && positive_finite(in.hbm.depth_mm);
  if (ne > 0)
    valid = valid && positive_finite(in.optical_engine.edge_mm) && positive_finite(in.optical_engine.depth_mm);
  if (!valid) g.infeasible |= geometry_issue::invalid_input;
  if (k > static_cast<std::int32_t>(kMaxComputeDies) || nh > static_cast<std::int32_t>(kMaxHbmStacks) ||
      ne > static_cast<std::int32_t>(kMaxOpticalEngines))
    g.infeasible |= geometry_issue::too_many_components;
  if (g.infeasible != 0) return g;

  const double gap = rules.die_gap_mm;
  const double w = in.compute.width_mm;
  const double h = in.compute.height_mm;
  if (!fits_field(w, h, rules) || (io && !fits_field(in.io.width_mm, in.io.height_mm, rules)))
    g.infeasible |= geometry_issue::die_over_reticle_field;

  // ---- 1. compute grid, local frame with the grid's lower-left corner at (0, 0)
  g.rows = 1, g.cols = k;
  choose_grid(k, w, h, gap, g.rows, g.cols);
  // The HBM columns (step 4) are centred on the grid: the outer stack of the taller column sits (col_h - e) / 2 from
  // the grid's centre line, so it stays within reach of the grid only if the grid is at least col_h - e - 2 slack
  // tall, slack = reach limit - (die-HBM gap + depth / 2) (the stack beside its die). When the most square grid is
  // shorter, the most square grid that is tall enough is taken (a floorplanner stacks chiplets along the HBM
  // columns); when none is, the most square grid stays and the reach check below reports it.
  if (const double need = hbm_grid_height_needed(in, rules, gap); g.rows * h + (g.rows - 1) * gap < need)
    choose_grid(k, w, h, gap, g.rows, g.cols, need);
  const double grid_w = g.cols * w + (g.cols - 1) * gap;
  const double grid_h = g.rows * h + (g.rows - 1) * gap;
  std::size_t n = 0;
  for (std::int32_t r = 0; r < g.rows; ++r)
    for (std::int32_t c = 0; c < g.cols; ++c, ++n)
      set_rect(g.rects[n], c * (w + gap), r * (h + gap), w, h, RectKind::compute, 0, static_cast<std::int32_t>(n));

  // ---- 2. IO die centred below the grid
  double bx0 = 0.0, bx1 = grid_w, by0 = 0.0, by1 = grid_h;  // die block
  std::size_t io_rect = 0;
  if (io) {
    const double x = (grid_w - in.io.width_mm) / 2.0;
    const double y = -(gap + in.io.height_mm);
    io_rect = n;
    set_rect(g.rects[n++], x, y, in.io.width_mm, in.io.height_mm, RectKind::io, 0, 0);
    bx0 = std::min(bx0, x);
    bx1 = std::max(bx1, x + in.io.width_mm);
    by0 = y;
  }

  // ---- 3. cache dies stacked on the compute dies (layer 1)
  if (in.cache_on_compute)
    for (std::int32_t i = 0; i < k; ++i) {
      const PlacedRect& c = g.rects[static_cast<std::size_t>(i)];
      set_rect(g.rects[n++], c.x_mm, c.y_mm, w, h, RectKind::cache, 1, i);
    }

  // ---- 4. HBM stacks (geometry_hbm.cpp): side columns, then edge rows for what the columns cannot hold in reach
  double cx0 = bx0, cx1 = bx1, cy0 = by0, cy1 = by1;  // carrier bounding box
  const GridFrame frame{gap, grid_w, grid_h, io, io_rect};
  const std::size_t hbm_first = n;
  const std::int32_t side_stacks = place_hbm(in, rules, frame, g, n, cx0, cx1, cy0, cy1);
  // ---- 5. interposer (or the die block itself on a substrate carrier)
  Outline core{cx0, cy0, cx1 - cx0, cy1 - cy0};
  if (has_interposer(in.carrier)) {
    const double c = rules.interposer_edge_mm;
    g.interposer = Outline{cx0 - c, cy0 - c, (cx1 - cx0) + 2.0 * c, (cy1 - cy0) + 2.0 * c};
    core = g.interposer;
  }

  // ---- 6. optical engines around the core: sides bottom, right, top, left
  const double sg = rules.substrate_gap_mm;
  std::int32_t side_n[4] = {0, 0, 0, 0};
  double side_len[4] = {0.0, 0.0, 0.0, 0.0};
  for (int s = 0; s < 4; ++s) {
    side_n[s] = ne / 4 + (s < ne % 4 ? 1 : 0);
    if (side_n[s] > 0) side_len[s] = side_n[s] * in.optical_engine.edge_mm + (side_n[s] - 1) * sg;
  }
  // Box V holding the core and every row's extent, centred on the core (exactly the core when nothing sticks out).
  const double vw = std::max({core.w_mm, side_len[0], side_len[2]});
  const double vh = std::max({core.h_mm, side_len[1], side_len[3]});
  const double vx0 = core.x_mm - (vw - core.w_mm) / 2.0;
  const double vy0 = core.y_mm - (vh - core.h_mm) / 2.0;
  const double vx1 = vx0 + vw;
  const double vy1 = vy0 + vh;
  if (ne > 0) {
    const double e = in.optical_engine.edge_mm;
    const double d = in.optical_engine.depth_mm;
    std::int32_t idx = 0;
    for (int s = 0; s < 4; ++s) {
      const std::int32_t m = side_n[s];
      const bool horizontal = (s == 0 || s == 2);
      const double start = horizontal ? vx0 + (vw - side_len[s]) / 2.0 : vy0 + (vh - side_len[s]) / 2.0;
      for (std::int32_t j = 0; j < m; ++j) {
        const double along = start + j * (e + sg);
        switch (s) {
          case 0:
            set_rect(g.rects[n++], along, vy0 - sg - d, e, d, RectKind::optical_engine, 0, idx++);
            break;
          case 1:
            set_rect(g.rects[n++], vx1 + sg, along, d, e, RectKind::optical_engine, 0, idx++);
            break;
          case 2:
            set_rect(g.rects[n++], along, vy1 + sg, e, d, RectKind::optical_engine, 0, idx++);
            break;
          default:
            set_rect(g.rects[n++], vx0 - sg - d, along, d, e, RectKind::optical_engine, 0, idx++);
            break;
        }
      }
    }
  }
  g.rect_count = n;

  // ---- 7. substrate outline, then translate so that its lower-left corner is the origin
  auto ring = [&](int s) {
    return side_n[s] > 0 ? sg + in.optical_engine.depth_mm + rules.substrate_edge_mm : rules.substrate_edge_mm;
  };
  const double sx0 = vx0 - ring(3);
  const double sy0 = vy0 - ring(0);
  g.substrate = Outline{0.0, 0.0, (vx1 + ring(1)) - sx0, (vy1 + ring(2)) - sy0};
  for (std::size_t i = 0; i < n; ++i) {
    g.rects[i].x_mm -= sx0;
    g.rects[i].y_mm -= sy0;
  }
  if (has_interposer(in.carrier)) {
    g.interposer.x_mm -= sx0;
    g.interposer.y_mm -= sy0;
  }

  // ---- areas: placed and Actuary-scaled
  const double hbm_area = nh > 0 ? nh * (in.hbm.edge_mm * in.hbm.depth_mm) : 0.0;
  const double oe_area = ne > 0 ? ne * (in.optical_engine.edge_mm * in.optical_engine.depth_mm) : 0.0;
  g.component_area_mm2 = k * (w * h) + (io ? in.io.width_mm * in.io.height_mm : 0.0) + hbm_area;
  g.interposer_area_mm2 = g.interposer.area_mm2();
  g.substrate_area_mm2 = g.substrate.area_mm2();
  if (has_interposer(in.carrier)) g.interposer_scaled_area_mm2 = rules.interposer_area_scale * g.component_area_mm2;
  g.substrate_scaled_area_mm2 =
      rules.substrate_area_scale *
      ((has_interposer(in.carrier) ? g.interposer_scaled_area_mm2 : g.component_area_mm2) + oe_area);

  // ---- D2D links between grid neighbours, and to the IO die
  for (std::int32_t r = 0; r < g.rows; ++r)
    for (std::int32_t c = 0; c + 1 < g.cols; ++c) {
      const std::int32_t a = r * g.cols + c;
      g.d2d[g.d2d_count++] = D2dLink{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(a + 1),
                                     edge_distance_mm(g.rects[a], g.rects[a + 1])};
    }
  for (std::int32_t r = 0; r + 1 < g.rows; ++r)
    for (std::int32_t c = 0; c < g.cols; ++c) {
      const std::int32_t a = r * g.cols + c;
      g.d2d[g.d2d_count++] = D2dLink{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(a + g.cols),
                                     edge_distance_mm(g.rects[a], g.rects[a + g.cols])};
    }
  for (std::size_t i = 0; i < g.d2d_count; ++i) g.d2d_max_mm = std::max(g.d2d_max_mm, g.d2d[i].length_mm);
  g.die_adjacencies = static_cast<std::int32_t>(g.d2d_count);
  if (io) {
    const PlacedRect& iod = g.rects[io_rect];
    for (std::int32_t i = 0; i < k; ++i) {
      const PlacedRect& c = g.rects[static_cast<std::size_t>(i)];
      g.io_link_mm[i] = edge_distance_mm(c, iod);
      g.io_link_max_mm = std::max(g.io_link_max_mm, g.io_link_mm[i]);
      if (i < g.cols && overlap_mm(c.x_mm, c.w_mm, iod.x_mm, iod.w_mm) > 0.0) ++g.die_adjacencies;  // bottom row
    }
  }

  // ---- HBM reach (geometry_hbm.cpp)
  measure_hbm_reach(in, frame, hbm_first, side_stacks, g);

  // ---- limits (flags only: the placement above is reported as is)
  if (has_interposer(in.carrier)) {
    if (rules.max_interposer_area_mm2 > 0.0 && exceeds(g.interposer_area_mm2, rules.max_interposer_area_mm2))
      g.infeasible |= geometry_issue::interposer_over_area;
    if (rules.max_interposer_reticles > 0.0 && rules.reticle_area_mm2 > 0.0 &&
        exceeds(g.interposer_area_mm2, rules.max_interposer_reticles * rules.reticle_area_mm2))
      g.infeasible |= geometry_issue::interposer_over_reticles;
  }
  if (rules.max_package_area_mm2 > 0.0 && exceeds(g.substrate_area_mm2, rules.max_package_area_mm2))
    g.infeasible |= geometry_issue::package_over_area;
  if (rules.hbm_max_reach_mm > 0.0 && exceeds(g.hbm_reach_max_mm, rules.hbm_max_reach_mm))
    g.infeasible |= geometry_issue::hbm_too_far;

  g.key = geometry_key(g);
  return g;
}

}  // namespace chipdse::model

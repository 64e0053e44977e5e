// The HBM part of the package placement (see geometry_hbm.hpp; the rules are step 4 of geometry.hpp).
#include "chipdse/model/geometry_hbm.hpp"

#include <cmath>

namespace chipdse::model::geometry_detail {

double hbm_grid_height_needed(const GeometryInput& in, const GeometryRules& rules, double gap) noexcept {
  const std::int32_t nh = in.hbm_count;
  if (nh <= 0 || !(rules.hbm_max_reach_mm > 0.0)) return 0.0;
  const std::int32_t m = (nh + 1) / 2;
  const double col_h = m * in.hbm.edge_mm + (m - 1) * gap;
  const double slack = rules.hbm_max_reach_mm - (rules.die_hbm_gap_mm + in.hbm.depth_mm / 2.0);
  return col_h - in.hbm.edge_mm - 2.0 * slack;
}

std::int32_t place_hbm(const GeometryInput& in, const GeometryRules& rules, const GridFrame& f, Geometry& g,
                       std::size_t& n, double& cx0, double& cx1, double& cy0, double& cy1) noexcept {
  const std::int32_t nh = in.hbm_count;
  const double gap = f.gap, grid_w = f.grid_w, grid_h = f.grid_h;
  const bool io = f.io;
  const std::size_t io_rect = f.io_rect;
  std::int32_t side_stacks = nh;  // stacks in the two columns; the rest are in the edge rows
  if (nh > 0) {
    const double e = in.hbm.edge_mm;
    const double d = in.hbm.depth_mm;
    std::int32_t per_side[2] = {(nh + 1) / 2, nh / 2};  // left gets the odd one
    std::int32_t per_row[2] = {0, 0};                    // top, bottom
    if (rules.hbm_max_reach_mm > 0.0) {
      // A column of m stacks keeps its outer stacks within reach when (m - 1)(e + gap) <= grid_h + 2 slack (step 1);
      // an edge row holds what fits along the grid's width without overhang (so it never meets a column).
      const double slack = rules.hbm_max_reach_mm - (rules.die_hbm_gap_mm + d / 2.0);
      const auto fit = [](double length, double pitch) {
        return length >= 0.0 ? static_cast<std::int32_t>(std::floor(length / pitch + 1e-9)) : 0;
      };
      const std::int32_t column_cap = slack >= 0.0 ? 1 + fit(grid_h + 2.0 * slack, e + gap) : 0;
      if (per_side[0] > column_cap) {
        // A row keeps the stack-to-stack gap from the columns' inner edges, which sit one die-HBM gap off the grid.
        const double inset = std::max(0.0, gap - rules.die_hbm_gap_mm);
        const std::int32_t row_cap = fit(grid_w - 2.0 * inset + gap, e + gap);
        const std::int32_t rows_available = io ? 1 : 2;
        std::int32_t rest = nh - 2 * column_cap;
        const std::int32_t in_rows = std::min(rest, rows_available * row_cap);
        per_row[0] = rows_available == 1 ? in_rows : (in_rows + 1) / 2;
        per_row[1] = in_rows - per_row[0];
        rest = nh - in_rows;  // back to the columns (over reach if above their capacity: reported below)
        per_side[0] = (rest + 1) / 2;
        per_side[1] = rest / 2;
      }
    }
    side_stacks = per_side[0] + per_side[1];
    std::int32_t idx = 0;
    for (int s = 0; s < 2; ++s) {
      const std::int32_t m = per_side[s];
      if (m == 0) continue;
      const double col_h = m * e + (m - 1) * gap;
      double y0 = grid_h / 2.0 - col_h / 2.0;
      // A centred column that would reach down beside the IO die moves up just clear of it when its top stack stays
      // within reach of the grid: the IO die is often wider than the grid, and clearing it pushes the whole column
      // away from the compute dies.
      const double clear_of_io = -gap + rules.die_hbm_gap_mm;
      if (io && y0 < clear_of_io && rules.hbm_max_reach_mm > 0.0) {
        const double slack = rules.hbm_max_reach_mm - (rules.die_hbm_gap_mm + d / 2.0);
        if (clear_of_io + col_h - e / 2.0 - grid_h <= slack) y0 = clear_of_io;
      }
      // The column clears the dies beside it: the grid, and the IO die only when the column reaches down to it
      // (an IO die wider than the grid would otherwise push the stacks away from the compute dies they serve).
      double x_edge = s == 0 ? 0.0 : grid_w;
      if (io && y0 < clear_of_io) {
        const PlacedRect& iod = g.rects[io_rect];
        x_edge = s == 0 ? std::min(x_edge, iod.x_mm) : std::max(x_edge, iod.x_mm + iod.w_mm);
      }
      const double xs[2] = {x_edge - rules.die_hbm_gap_mm - d, x_edge + rules.die_hbm_gap_mm};
      for (std::int32_t j = 0; j < m; ++j)
        set_rect(g.rects[n++], xs[s], y0 + j * (e + gap), d, e, RectKind::hbm, 0, idx++);
      cx0 = std::min(cx0, xs[s]);
      cx1 = std::max(cx1, xs[s] + d);
      cy0 = std::min(cy0, y0);
      cy1 = std::max(cy1, y0 + col_h);
    }
    // Edge rows: the stack's edge faces the die (horizontal), centred on the grid's width.
    for (int r = 0; r < 2; ++r) {
      const std::int32_t m = per_row[r];
      if (m == 0) continue;
      const double row_w = m * e + (m - 1) * gap;
      const double x0 = grid_w / 2.0 - row_w / 2.0;
      const double y = r == 0 ? grid_h + rules.die_hbm_gap_mm : -rules.die_hbm_gap_mm - d;
      for (std::int32_t j = 0; j < m; ++j) set_rect(g.rects[n++], x0 + j * (e + gap), y, e, d, RectKind::hbm, 0, idx++);
      cx0 = std::min(cx0, x0);
      cx1 = std::max(cx1, x0 + row_w);
      cy0 = std::min(cy0, y);
      cy1 = std::max(cy1, y + d);
    }
  }

  return side_stacks;
}

void measure_hbm_reach(const GeometryInput& in, const GridFrame& f, std::size_t hbm_first, std::int32_t side_stacks,
                       Geometry& g) noexcept {
  const std::int32_t nh = in.hbm_count;
  const double grid_h = f.grid_h;
  const bool io = f.io;
  const std::size_t io_rect = f.io_rect;
  const std::int32_t left_n = (side_stacks + 1) / 2;
  for (std::int32_t s = 0; s < nh; ++s) {
    const PlacedRect& st = g.rects[hbm_first + static_cast<std::size_t>(s)];
    const double px = st.x_mm + st.w_mm / 2.0;
    const double py = st.y_mm + st.h_mm / 2.0;
    const bool in_row = s >= side_stacks;
    const bool top = in_row && py > grid_h;
    // Candidates: a column of the grid (side stacks) or a row (edge-row stacks), in index order.
    const std::int32_t line = in_row ? (top ? g.rows - 1 : 0) : (s < left_n ? 0 : g.cols - 1);
    const std::int32_t count = in_row ? g.cols : g.rows;
    const auto rect_at = [&](std::int32_t j) {
      return static_cast<std::size_t>(in_row ? line * g.cols + j : j * g.cols + line);
    };
    std::size_t best_rect = rect_at(0);
    double best = point_distance_mm(px, py, g.rects[best_rect]);
    for (std::int32_t j = 1; j < count; ++j) {
      const std::size_t i = rect_at(j);
      const double dist = point_distance_mm(px, py, g.rects[i]);
      if (dist < best) {
        best = dist;
        best_rect = i;
      }
    }
    if (io) {
      const double dist = point_distance_mm(px, py, g.rects[io_rect]);
      if (dist < best) {
        best = dist;
        best_rect = io_rect;
      }
    }
    g.hbm_reach_mm[s] = best;
    g.hbm_served_by[s] = static_cast<std::uint8_t>(best_rect);
    g.hbm_reach_max_mm = std::max(g.hbm_reach_max_mm, best);
    const PlacedRect& die = g.rects[best_rect];
    if (in_row ? overlap_mm(st.x_mm, st.w_mm, die.x_mm, die.w_mm) > 0.0
               : overlap_mm(st.y_mm, st.h_mm, die.y_mm, die.h_mm) > 0.0)
      ++g.hbm_adjacencies;
  }
}

}  // namespace chipdse::model::geometry_detail

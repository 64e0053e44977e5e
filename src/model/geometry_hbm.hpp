// chipdse/model/geometry_hbm.hpp — the HBM part of the package placement (geometry.cpp): the grid height the HBM
// columns need, placing the stacks (step 4 of geometry.hpp) and measuring their reach. Internal to the model layer.
// model/: never includes MPI, PETSc, HDF5 or toml++.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "chipdse/model/geometry.hpp"

namespace chipdse::model::geometry_detail {

// Manhattan distance from a point to a rectangle's outline (0 inside).
inline double point_distance_mm(double px, double py, const PlacedRect& r) noexcept {
  const double dx = std::max({0.0, r.x_mm - px, px - (r.x_mm + r.w_mm)});
  const double dy = std::max({0.0, r.y_mm - py, py - (r.y_mm + r.h_mm)});
  return dx + dy;
}

// Length of the overlap of [a0, a0 + al] and [b0, b0 + bl] (<= 0: none).
inline double overlap_mm(double a0, double al, double b0, double bl) noexcept {
  return std::min(a0 + al, b0 + bl) - std::max(a0, b0);
}

// Written field by field into its slot (building a temporary and copying it stalled on store forwarding).
inline void set_rect(PlacedRect& r, double x, double y, double w, double h, RectKind kind, std::uint8_t layer,
                     std::int32_t index) noexcept {
  r.x_mm = x;
  r.y_mm = y;
  r.w_mm = w;
  r.h_mm = h;
  r.kind = kind;
  r.layer = layer;
  r.index = static_cast<std::uint8_t>(index);
}

/// The placed compute grid as the HBM steps see it (local frame: the grid's lower-left corner at the origin).
struct GridFrame {
  double gap = 0.0, grid_w = 0.0, grid_h = 0.0;
  bool io = false;           ///< an IO die sits below the grid
  std::size_t io_rect = 0;   ///< its rectangle
};

/// The least grid height that keeps the outer stacks of the taller HBM column within reach: col_h - e - 2 slack,
/// slack = reach limit - (die-HBM gap + depth / 2). 0 without stacks or without a reach limit.
double hbm_grid_height_needed(const GeometryInput& in, const GeometryRules& rules, double gap) noexcept;

/// Step 4: places the in.hbm_count stacks from rectangle n on (n advances) and grows the carrier bounding box
/// [x0, x1] x [y0, y1]. Returns the stacks in the two side columns (the rest are in the edge rows, after them).
std::int32_t place_hbm(const GeometryInput& in, const GeometryRules& rules, const GridFrame& f, Geometry& g,
                       std::size_t& n, double& x0, double& x1, double& y0, double& y1) noexcept;

/// The reach of every stack (rectangles hbm_first on, side-column stacks first): the nearest die of its grid column
/// or row, or the IO die; fills hbm_reach_mm, hbm_served_by, hbm_reach_max_mm and hbm_adjacencies.
void measure_hbm_reach(const GeometryInput& in, const GridFrame& f, std::size_t hbm_first, std::int32_t side_stacks,
                       Geometry& g) noexcept;

}  // namespace chipdse::model::geometry_detail

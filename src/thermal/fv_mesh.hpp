// chipdse/thermal/fv_mesh.hpp — the cell-centred finite-volume discretisation of an FvCase: cells, active
// unknowns, the conductance matrix (symmetric M-matrix, harmonic-mean face conductances, Robin boundaries),
// block-to-cell maps, and in-plane remeshing snapped to every footprint and block edge. Pure C++: must not
// include MPI or PETSc.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chipdse/thermal/fv_case.hpp"

namespace chipdse::thermal {

/// Min / arithmetic mean / max of cell-centre temperatures over a set of cells, in K.
struct TemperatureStats {
  double min_k = 0;
  double avg_k = 0;
  double max_k = 0;
  std::size_t cells = 0;
};

/// Running min / mean / max of cell temperatures (K): one definition for meshes and influence matrices.
class TemperatureAccumulator {
 public:
  void add(double t_k) noexcept {
    m_min = t_k < m_min ? t_k : m_min;
    m_max = t_k > m_max ? t_k : m_max;
    m_sum += t_k;
    ++m_cells;
  }
  /// The statistics so far; all zero when nothing was added.
  TemperatureStats result() const noexcept {
    if (m_cells == 0) return {};
    return {m_min, m_sum / static_cast<double>(m_cells), m_max, m_cells};
  }

 private:
  double m_min = 1e300;
  double m_max = -1e300;
  double m_sum = 0;
  std::size_t m_cells = 0;
};

/// The discretised problem. Cells are indexed (iz * ny + iy) * nx + ix, iz = 0 at the bottom of layer 0.
/// Unknowns are the active cells (centre inside their layer's footprint), in cell order. The unknown is the
/// temperature rise over ambient, theta = T - T_amb, solving  G theta = q  with
///   G_PN = -A_f / (d_P/(2 k_P) + d_N/(2 k_N))              between active neighbours (harmonic mean),
///   G_PP = sum_N |G_PN| + A / (dz/(2 k) + 1/h)            the second term on Robin faces only,
/// and q the cell powers. Immutable after build_mesh; safe to share read-only between threads.
struct FvMesh {
  int nx = 0, ny = 0, nz = 0;
  std::vector<double> x_mm, y_mm;  ///< grid lines, nx+1 and ny+1 values, mm
  std::vector<double> dz_m;        ///< thickness of each z-cell, nz values, m
  std::vector<int> z_layer;        ///< layer of each z-cell
  std::vector<int> layer_z_begin;  ///< first z-cell of each layer, layers+1 values (last = nz)
  double ambient_k = 0;

  std::vector<std::int32_t> unknown_of_cell;  ///< nx*ny*nz; -1 for inactive cells
  std::vector<std::int64_t> cell_of_unknown;  ///< per unknown
  std::vector<double> k_w_mk;                 ///< conductivity per unknown, W/(m K)

  /// The matrix G in compressed rows (columns ascending, diagonal included), W/K.
  std::vector<std::int64_t> row_begin;  ///< unknowns+1 offsets
  std::vector<std::int32_t> col;
  std::vector<double> val;
  std::vector<double> robin_w_k;  ///< per unknown: conductance to ambient (0 away from Robin faces), W/K

  /// Per block: the unknowns whose cell centre lies inside the block's rectangle, all sub-cells of its layer.
  std::vector<std::vector<std::int32_t>> block_cells;
  /// Per block: (unknown, fraction of the block's power), overlap-area weighted; fractions sum to 1.
  std::vector<std::vector<std::pair<std::int32_t, double>>> block_power_share;

  std::size_t unknowns() const noexcept { return cell_of_unknown.size(); }
  std::size_t layers() const noexcept { return layer_z_begin.empty() ? 0 : layer_z_begin.size() - 1; }
};

/// Discretises `c` (validated with validate_case first).
/// @throws InputError (location: the case file and the block's or layer's line) when a block has no cell
///         centre inside it (grid too coarse), when part of a block's power falls on inactive cells (footprint
///         not aligned with the grid), or when active cells have no conduction path to a Robin boundary (the
///         matrix would be singular); Error when the mesh exceeds 2^31-1 cells.
FvMesh build_mesh(const FvCase& c);

/// Cell powers (W per unknown) for the given block powers (W, one per block, >= 0).
std::vector<double> power_vector(const FvMesh& mesh, std::span<const double> block_power_w);
/// Cell powers for the block powers written in the case.
std::vector<double> power_vector(const FvMesh& mesh, const FvCase& c);

/// Statistics of T = ambient + theta over a block's cells (README convention: centre inside the block,
/// all sub-cells of the layer, arithmetic mean).
TemperatureStats block_stats(const FvMesh& mesh, std::size_t block, std::span<const double> theta_k);
/// Statistics over all active cells of a layer.
TemperatureStats layer_stats(const FvMesh& mesh, std::size_t layer, std::span<const double> theta_k);

/// A copy of `c` on a new in-plane grid of about nx x ny cells whose lines include every grid end, layer
/// footprint edge and block edge, with the cells of each interval in proportion to the density of the
/// original grid there (so a graded deck stays graded), at least one per interval; sub_cells of every layer
/// multiplied by z_factor. The cell count per axis is rounded per interval and may differ from nx/ny by a
/// few cells (it is never forced, to keep symmetric grids symmetric).
/// @throws InputError when nx or ny is below the number of intervals between edges, or z_factor < 1.
FvCase remesh(const FvCase& c, int nx, int ny, int z_factor = 1);

/// The fewest in-plane cells per axis remesh() accepts for `c`: the most intervals between its edges on either axis.
int fewest_cells_xy(const FvCase& c);

}  // namespace chipdse::thermal

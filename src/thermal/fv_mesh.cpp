// Finite-volume discretisation of a thermal case (see fv_mesh.hpp).
#include "chipdse/thermal/fv_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "chipdse/core/error.hpp"

namespace chipdse::thermal {

namespace {

std::vector<double> lines_of(const std::vector<AxisSegment>& segments) {
  std::vector<double> lines;
  for (const auto& s : segments)
    for (int i = 0; i < s.cells; ++i) lines.push_back(s.lo_mm + (s.hi_mm - s.lo_mm) * i / s.cells);
  lines.push_back(segments.back().hi_mm);
  return lines;
}

/// Length of the overlap of [a0, a1] and [b0, b1].
double overlap(double a0, double a1, double b0, double b1) { return std::max(0.0, std::min(a1, b1) - std::max(a0, b0)); }

/// Series conductance of two half cells across a face of area a_m2: a / (d1/(2 k1) + d2/(2 k2)), W/K.
double face_g(double a_m2, double d1_m, double k1, double d2_m, double k2) {
  return a_m2 / (d1_m / (2 * k1) + d2_m / (2 * k2));
}

std::string mm(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

FvMesh build_mesh(const FvCase& c) {
  validate_case(c);
  FvMesh m;
  m.ambient_k = c.ambient_k;
  m.x_mm = lines_of(c.x);
  m.y_mm = lines_of(c.y);
  m.nx = static_cast<int>(m.x_mm.size()) - 1;
  m.ny = static_cast<int>(m.y_mm.size()) - 1;
  const std::size_t nl = c.layers.size();
  for (std::size_t l = 0; l < nl; ++l) {
    m.layer_z_begin.push_back(m.nz);
    for (int s = 0; s < c.layers[l].sub_cells; ++s) {
      m.dz_m.push_back(c.layers[l].thickness_m / c.layers[l].sub_cells);
      m.z_layer.push_back(static_cast<int>(l));
    }
    m.nz += c.layers[l].sub_cells;
  }
  m.layer_z_begin.push_back(m.nz);
  const auto nx = static_cast<std::int64_t>(m.nx), ny = static_cast<std::int64_t>(m.ny);
  const std::int64_t plane = nx * ny, cells = plane * m.nz;
  if (cells > std::numeric_limits<std::int32_t>::max())
    throw Error(c.source + ": the thermal mesh has " + std::to_string(cells) + " cells; at most 2^31-1 are supported");

  std::vector<double> xc(m.nx), yc(m.ny), dx_m(m.nx), dy_m(m.ny);
  for (int i = 0; i < m.nx; ++i) xc[i] = 0.5 * (m.x_mm[i] + m.x_mm[i + 1]), dx_m[i] = (m.x_mm[i + 1] - m.x_mm[i]) * 1e-3;
  for (int j = 0; j < m.ny; ++j) yc[j] = 0.5 * (m.y_mm[j] + m.y_mm[j + 1]), dy_m[j] = (m.y_mm[j + 1] - m.y_mm[j]) * 1e-3;

  // In-plane activity and conductivity per layer; a block's k applies where the cell centre lies inside it
  // (the last block listed wins where blocks overlap).
  std::vector<std::vector<char>> active(nl, std::vector<char>(plane, 0));
  std::vector<std::vector<double>> kmap(nl);
  for (std::size_t l = 0; l < nl; ++l) {
    kmap[l].assign(plane, c.layers[l].k_w_mk);
    for (std::int64_t j = 0; j < ny; ++j)
      for (std::int64_t i = 0; i < nx; ++i) active[l][j * nx + i] = c.layers[l].footprint.contains(xc[i], yc[j]);
  }
  for (const auto& b : c.blocks) {
    if (b.k_w_mk <= 0) continue;
    for (std::int64_t j = 0; j < ny; ++j)
      for (std::int64_t i = 0; i < nx; ++i)
        if (b.rect.contains(xc[i], yc[j])) kmap[b.layer][j * nx + i] = b.k_w_mk;
  }

  m.unknown_of_cell.assign(cells, -1);
  for (std::int64_t z = 0; z < m.nz; ++z)
    for (std::int64_t p = 0; p < plane; ++p)
      if (active[m.z_layer[z]][p]) {
        m.unknown_of_cell[z * plane + p] = static_cast<std::int32_t>(m.cell_of_unknown.size());
        m.cell_of_unknown.push_back(z * plane + p);
        m.k_w_mk.push_back(kmap[m.z_layer[z]][p]);
      }
  const std::size_t n = m.unknowns();

  // Compressed rows, neighbours in ascending cell (hence unknown) order: -z, -y, -x, self, +x, +y, +z.
  m.row_begin.reserve(n + 1);
  m.col.reserve(7 * n);
  m.val.reserve(7 * n);
  m.robin_w_k.assign(n, 0.0);
  m.row_begin.push_back(0);
  for (std::size_t u = 0; u < n; ++u) {
    const std::int64_t cell = m.cell_of_unknown[u];
    const std::int64_t z = cell / plane, j = (cell % plane) / nx, i = cell % nx;
    const double kp = m.k_w_mk[u], dz = m.dz_m[z], dx = dx_m[i], dy = dy_m[j];
    double diag = 0;
    std::size_t diag_pos = 0;
    const auto link = [&](std::int64_t other, double area, double d_p, double d_n) {
      const std::int32_t v = m.unknown_of_cell[other];
      if (v < 0) return;
      const double g = face_g(area, d_p, kp, d_n, m.k_w_mk[v]);
      m.col.push_back(v);
      m.val.push_back(-g);
      diag += g;
    };
    if (z > 0) link(cell - plane, dx * dy, dz, m.dz_m[z - 1]);
    if (j > 0) link(cell - nx, dx * dz, dy, dy_m[j - 1]);
    if (i > 0) link(cell - 1, dy * dz, dx, dx_m[i - 1]);
    diag_pos = m.col.size();
    m.col.push_back(static_cast<std::int32_t>(u));
    m.val.push_back(0.0);
    if (i + 1 < nx) link(cell + 1, dy * dz, dx, dx_m[i + 1]);
    if (j + 1 < ny) link(cell + nx, dx * dz, dy, dy_m[j + 1]);
    if (z + 1 < m.nz) link(cell + plane, dx * dy, dz, m.dz_m[z + 1]);
    double robin = 0;
    if (z == m.nz - 1 && c.htc_top_w_m2k > 0) robin += dx * dy / (dz / (2 * kp) + 1 / c.htc_top_w_m2k);
    if (z == 0 && c.htc_bottom_w_m2k > 0) robin += dx * dy / (dz / (2 * kp) + 1 / c.htc_bottom_w_m2k);
    m.robin_w_k[u] = robin;
    m.val[diag_pos] = diag + robin;
    m.row_begin.push_back(static_cast<std::int64_t>(m.col.size()));
  }

  // Every active cell needs a conduction path to a Robin face, or G is singular.
  std::vector<char> reached(n, 0);
  std::vector<std::int32_t> queue;
  for (std::size_t u = 0; u < n; ++u)
    if (m.robin_w_k[u] > 0) reached[u] = 1, queue.push_back(static_cast<std::int32_t>(u));
  for (std::size_t q = 0; q < queue.size(); ++q)
    for (std::int64_t e = m.row_begin[queue[q]]; e < m.row_begin[queue[q] + 1]; ++e)
      if (!reached[m.col[e]]) reached[m.col[e]] = 1, queue.push_back(m.col[e]);
  if (queue.size() != n) {
    const auto first = static_cast<std::size_t>(std::find(reached.begin(), reached.end(), 0) - reached.begin());
    const std::int64_t cell = m.cell_of_unknown[first];
    const auto& layer = c.layers[m.z_layer[cell / plane]];
    throw InputError(SourceLocation{c.source, layer.line, 0}, "layer",
                     std::to_string(n - queue.size()) + " active cells have no conduction path to a convective "
                     "boundary (first in layer '" + layer.name + "' at x = " + mm(xc[cell % nx]) + " mm, y = " +
                     mm(yc[(cell % plane) / nx]) + " mm)",
                     "", "every footprint connected through overlapping layers to a face with htc > 0");
  }

  // Blocks: cells by centre; power by overlap area, uniform through the layer's sub-cells.
  m.block_cells.resize(c.blocks.size());
  m.block_power_share.resize(c.blocks.size());
  for (std::size_t b = 0; b < c.blocks.size(); ++b) {
    const auto& blk = c.blocks[b];
    const int z0 = m.layer_z_begin[blk.layer], z1 = m.layer_z_begin[blk.layer + 1];
    const double area = blk.rect.area_mm2();
    double placed = 0;
    for (int z = z0; z < z1; ++z)
      for (std::int64_t j = 0; j < ny; ++j) {
        const double oy = overlap(m.y_mm[j], m.y_mm[j + 1], blk.rect.y0, blk.rect.y1);
        for (std::int64_t i = 0; i < nx; ++i) {
          const std::int32_t u = m.unknown_of_cell[z * plane + j * nx + i];
          if (u < 0) continue;
          if (blk.rect.contains(xc[i], yc[j])) m.block_cells[b].push_back(u);
          const double ox = overlap(m.x_mm[i], m.x_mm[i + 1], blk.rect.x0, blk.rect.x1);
          if (ox > 0 && oy > 0) {
            const double share = ox * oy / area / (z1 - z0);
            m.block_power_share[b].emplace_back(u, share);
            placed += share;
          }
        }
      }
    const SourceLocation at{c.source, blk.line, 0};
    if (m.block_cells[b].empty())
      throw InputError(at, "rect", "block '" + blk.name + "' contains no active cell centre", "",
                       "a grid with at least one cell centre inside every block (refine xseg/yseg)");
    if (blk.power_w > 0 && std::abs(placed - 1) > 1e-9)
      throw InputError(at, "rect.power", "part of block '" + blk.name + "' power falls on inactive cells (" +
                                             mm(100 * (1 - placed)) + " %)",
                       "", "a grid whose lines follow the layer footprint under the block");
  }
  return m;
}

std::vector<double> power_vector(const FvMesh& mesh, std::span<const double> block_power_w) {
  CHIPDSE_CHECK(block_power_w.size() == mesh.block_power_share.size(),
                "power_vector: " << block_power_w.size() << " block powers for " << mesh.block_power_share.size()
                                 << " blocks");
  std::vector<double> q(mesh.unknowns(), 0.0);
  for (std::size_t b = 0; b < block_power_w.size(); ++b) {
    const double p = block_power_w[b];
    CHIPDSE_CHECK(std::isfinite(p) && p >= 0, "power_vector: block " << b << " power " << p << " W must be >= 0");
    if (p == 0) continue;
    double placed = 0;
    for (const auto& [u, share] : mesh.block_power_share[b]) q[u] += p * share, placed += share;
    CHIPDSE_CHECK(std::abs(placed - 1) <= 1e-9, "power_vector: block " << b << " places only " << placed
                                                                       << " of its power on active cells");
  }
  return q;
}

std::vector<double> power_vector(const FvMesh& mesh, const FvCase& c) {
  std::vector<double> p;
  for (const auto& b : c.blocks) p.push_back(b.power_w);
  return power_vector(mesh, p);
}

namespace {
template <class Cells>
TemperatureStats stats_of(const FvMesh& mesh, const Cells& unknowns, std::span<const double> theta_k) {
  TemperatureAccumulator acc;
  for (const std::int32_t u : unknowns) acc.add(mesh.ambient_k + theta_k[u]);
  return acc.result();
}
}  // namespace

TemperatureStats block_stats(const FvMesh& mesh, std::size_t block, std::span<const double> theta_k) {
  CHIPDSE_CHECK(block < mesh.block_cells.size() && theta_k.size() == mesh.unknowns(),
                "block_stats: block " << block << " or field size " << theta_k.size() << " out of range");
  return stats_of(mesh, mesh.block_cells[block], theta_k);
}

TemperatureStats layer_stats(const FvMesh& mesh, std::size_t layer, std::span<const double> theta_k) {
  CHIPDSE_CHECK(layer < mesh.layers() && theta_k.size() == mesh.unknowns(),
                "layer_stats: layer " << layer << " or field size " << theta_k.size() << " out of range");
  const std::int64_t plane = static_cast<std::int64_t>(mesh.nx) * mesh.ny;
  std::vector<std::int32_t> cells;
  for (std::int64_t c = mesh.layer_z_begin[layer] * plane; c < mesh.layer_z_begin[layer + 1] * plane; ++c)
    if (mesh.unknown_of_cell[c] >= 0) cells.push_back(mesh.unknown_of_cell[c]);
  return stats_of(mesh, cells, theta_k);
}

namespace {

/// Segments over [lines.front, lines.back] with a line at every edge and about n cells in total, following
/// the density of `lines`.
// The grid lines remesh must keep on an axis: its ends and every edge between them, distinct to 1e-9 of its span.
std::vector<double> axis_breaks(const std::vector<double>& lines, std::vector<double> edges) {
  const double lo = lines.front(), hi = lines.back(), tol = 1e-9 * (hi - lo);
  edges.push_back(lo);
  edges.push_back(hi);
  std::sort(edges.begin(), edges.end());
  std::vector<double> b;
  for (const double e : edges)
    if (e >= lo && e <= hi && (b.empty() || e - b.back() > tol)) b.push_back(e);
  if (hi - b.back() <= tol) b.back() = hi;
  return b;
}

// Every footprint and block edge of `c`, per axis.
void case_edges(const FvCase& c, std::vector<double>& ex, std::vector<double>& ey) {
  const auto add = [&](const RectMm& r) {
    ex.insert(ex.end(), {r.x0, r.x1});
    ey.insert(ey.end(), {r.y0, r.y1});
  };
  for (const auto& l : c.layers) add(l.footprint);
  for (const auto& b : c.blocks) add(b.rect);
}

std::vector<AxisSegment> snapped_axis(const std::vector<double>& lines, std::vector<double> edges, int n,
                                      const std::string& source, const char* key) {
  const std::vector<double> b = axis_breaks(lines, std::move(edges));
  if (static_cast<int>(b.size()) - 1 > n)
    throw InputError(SourceLocation{source}, key, "too few cells to put a grid line on every edge",
                     std::to_string(n), ">= " + std::to_string(b.size() - 1) + " cells");
  const double total = static_cast<double>(lines.size() - 1);
  std::vector<AxisSegment> out;
  for (std::size_t s = 0; s + 1 < b.size(); ++s) {
    double w = 0;  // original cells in [b_s, b_s+1], fractionally
    for (std::size_t c = 0; c + 1 < lines.size(); ++c)
      w += overlap(b[s], b[s + 1], lines[c], lines[c + 1]) / (lines[c + 1] - lines[c]);
    const int cells = std::max(1, static_cast<int>(std::lround(n * w / total)));
    out.push_back({b[s], b[s + 1], cells});
  }
  return out;
}

}  // namespace

int fewest_cells_xy(const FvCase& c) {
  validate_case(c);
  std::vector<double> ex, ey;
  case_edges(c, ex, ey);
  return static_cast<int>(std::max(axis_breaks(lines_of(c.x), ex).size(), axis_breaks(lines_of(c.y), ey).size())) - 1;
}

FvCase remesh(const FvCase& c, int nx, int ny, int z_factor) {
  validate_case(c);
  if (z_factor < 1)
    throw InputError(SourceLocation{c.source}, "nsub", "z refinement factor must be >= 1", std::to_string(z_factor),
                     ">= 1");
  std::vector<double> ex, ey;
  case_edges(c, ex, ey);
  FvCase out = c;
  out.x = snapped_axis(lines_of(c.x), ex, nx, c.source, "xseg");
  out.y = snapped_axis(lines_of(c.y), ey, ny, c.source, "yseg");
  for (auto& l : out.layers) l.sub_cells *= z_factor;
  validate_case(out);
  return out;
}

}  // namespace chipdse::thermal

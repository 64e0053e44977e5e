// chipdse/thermal/fv_case.hpp — a steady package thermal problem (layer stack, footprints, conductivity
// overrides, heat sources, convective boundaries) and the reader of the `.fv` case files. Must not include
// MPI or PETSc: the solver (fv_solver.hpp) is the only thermal header that touches PETSc, and only in its .cpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace chipdse::thermal {

/// An axis-aligned rectangle in the package plane, lengths in mm; x0 < x1 and y0 < y1.
struct RectMm {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;

  double area_mm2() const noexcept { return (x1 - x0) * (y1 - y0); }
  /// Half-open containment [x0, x1) x [y0, y1): the rule that gives a cell to a block by its centre.
  bool contains(double x, double y) const noexcept { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

/// `n` uniform cells from lo to hi (mm) along x or y. Segments are contiguous and concatenated.
struct AxisSegment {
  double lo_mm = 0;
  double hi_mm = 0;
  int cells = 1;  ///< >= 1
};

/// One layer of the stack. Cells whose centre lies outside the footprint are inactive (adiabatic void).
struct Layer {
  std::string name;
  double thickness_m = 0;  ///< > 0
  int sub_cells = 1;       ///< cells through the thickness, >= 1
  double k_w_mk = 0;       ///< conductivity outside any block override, W/(m K), > 0
  RectMm footprint;
  int line = 0;  ///< line in the case file (for messages); 0 when built in code
};

/// A named rectangle in one layer (a die, a hot spot, a bump field): optional conductivity override and a
/// heat source spread uniformly over its area and over all sub-cells of its layer (volumetric).
struct Block {
  std::string name;
  std::size_t layer = 0;  ///< index into FvCase::layers
  RectMm rect;
  double k_w_mk = -1;  ///< conductivity of the cells whose centre lies inside, W/(m K); < 0 keeps the layer's
  double power_w = 0;  ///< >= 0
  int line = 0;        ///< line in the case file (for messages); 0 when built in code
};

/// A complete case: what a `.fv` file holds, or what the model's geometry stage produces.
/// Heat leaves only through the Robin boundaries (top face of the top layer; bottom face of layer 0 when
/// htc_bottom > 0); every other face is adiabatic.
struct FvCase {
  std::string source;          ///< file name (or a label) used in error messages
  double ambient_k = 0;        ///< ambient temperature, K, > 0
  double htc_top_w_m2k = 0;    ///< heat-transfer coefficient on the top face of the top layer, W/(m^2 K), >= 0
  double htc_bottom_w_m2k = 0; ///< on the bottom face of layer 0, W/(m^2 K), >= 0 (0 = adiabatic)
  std::vector<AxisSegment> x;  ///< in-plane grid along x (shared by all layers)
  std::vector<AxisSegment> y;  ///< in-plane grid along y
  std::vector<Layer> layers;   ///< bottom (farthest from the sink) first
  std::vector<Block> blocks;   ///< in file order

  double total_power_w() const noexcept;
  /// Index of the layer called `name`, or layers.size() when there is none.
  std::size_t find_layer(std::string_view name) const noexcept;
};

/// Reads a `.fv` case file (format: ../shared/validation/thermal/README.md). Lengths in mm, thicknesses in m,
/// k in W/(m K), power in W, h in W/(m^2 K), ambient in K. `#` starts a comment.
/// @throws InputError (exit 2) naming file, line, column, keyword/field, the bad value and what is allowed:
///         unreadable file, unknown keyword, wrong number of fields, a field that is not a number or is out of
///         range, non-contiguous segments, a duplicate layer or block name, a block in an unknown layer or
///         outside its layer's footprint, a footprint outside the grid, no convective boundary.
FvCase read_fv_case(const std::filesystem::path& path);

/// As read_fv_case, on text already in memory; `source` names it in messages.
FvCase parse_fv_case(std::string_view text, const std::string& source);

/// The semantic checks read_fv_case applies after parsing, for cases built in code (same messages; the
/// location is FvCase::source and the item's line when known).
/// @throws InputError
void validate_case(const FvCase& c);

/// Writes `c` in the `.fv` format (round-trips through parse_fv_case; numbers with 17 significant digits).
std::string to_fv_text(const FvCase& c);

}  // namespace chipdse::thermal

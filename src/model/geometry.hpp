// chipdse/model/geometry.hpp — deterministic placement of dies, HBM stacks and optical engines (DESIGN.md §2 step 2).
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// place_package() turns die footprints and counts into rectangles on an interposer (or RDL / bridge carrier) and an
// organic substrate, and reports the quantities the cost, performance and thermal stages need: interposer and
// substrate size (placed outline AND the Chiplet Actuary area-scale rule, cost_models.md §1.2), D2D wire lengths,
// the die-to-HBM reach, infeasibility reasons and the geometry key of the thermal cache (DESIGN.md §3).
//
// Placement (O(number of rectangles); every step is a closed-form position, no search over positions):
//  1. Compute dies: a rows x cols grid with rows * cols = k, the pair minimising the aspect of the grid outline
//     max(W, H) / min(W, H) (W = cols*w + (cols-1)*gap, H likewise); ties go to fewer rows. Equal square dies give
//     k = 1, 2, 4, 8, 16 -> 1x1, 1x2, 2x2, 2x4, 4x4. Dies are numbered row-major from the bottom-left. With HBM and
//     a reach limit, a grid too short for its HBM columns (the outer stacks out of reach) gives way to the most
//     square grid that is tall enough, if one is (a floorplanner stacks chiplets along the columns).
//  2. IO die: centred horizontally BELOW the grid, one die gap away. Not in a middle row because (a) the left and
//     right sides belong to the HBM columns, (b) the IO die carries the off-package SerDes / CPO links, which want the
//     substrate edge, and (c) a middle IO row would split the compute mesh (longer D2D paths between compute rows)
//     and break the near-square grid for k = 2 and 8. The price: compute rows far from the IO die have longer IO
//     links (reported per die).
//  3. 3D cache dies: one per compute die when `cache_on_compute`, stacked on it (layer 1), same footprint.
//  4. HBM stacks: two columns, left and right of the compute grid (and of the IO die too when a column reaches
//     down beside it), split evenly, the odd one left; each column centred vertically on the compute grid; stacks
//     in a column one die gap apart; a centred column that would reach down beside the IO die moves up just clear of
//     it when its top stack stays within reach (a wider IO die would push it away from the compute dies). With a
//     reach limit, a column holds at most the stacks whose centres stay
//     within reach of the grid ((m - 1)(e + gap) <= grid height + 2 slack); the rest go to a row on the grid's top
//     edge and, without an IO die below, its bottom edge (edge facing the die, centred on the grid, at most what
//     fits along the grid's width), as B200- and MI300X-class packages put stacks on more than two sides. Layouts
//     whose columns already hold every stack are placed exactly as before. A stack's `edge_mm`
//     faces the die (vertical in the column; HBM3 package width 11 mm, CSR23 in docs/research/area_sources.md).
//  5. Interposer (carriers with one): bounding box of the dies and stacks plus the interposer edge clearance.
//  6. Optical engines (CPO): on the organic substrate around the core (interposer, or the die block on an organic /
//     EMIB substrate): sides bottom, right, top, left get count/4 each, the first count%4 sides one more; each side's
//     engines form one row centred on the core, outside a box that contains the core and every row (so rows of
//     adjacent sides never meet at a corner), one substrate component gap from it.
//  7. Substrate outline: that box plus, per side, (gap + engine depth + edge clearance) where the side has engines,
//     else the edge clearance. Finally everything is translated so the substrate's lower-left corner is (0, 0).
//
// Substrate size. A real substrate is sized by its BGA ball count, not by placement, so the placed outline is a LOWER
// BOUND (used for the max_package_area feasibility check: it never rejects a package that could exist). The cost
// model's Actuary rule (substrate = substrate_area_scale x interposer, or x die area on organic) is reported beside it
// as substrate_scaled_area_mm2 (optical engines added to the base of that rule); the cost stage chooses.
//
// D2D wire length: the Manhattan distance between the two die outlines, dx + dy with dx = max(0, |cx_a - cx_b| -
// (w_a + w_b)/2) (centre-to-centre minus half widths), likewise dy: the routed channel between the facing die edges.
// For abutting dies it is the configured die gap. PHY depth is NOT included (add 2 x PHY depth for bump-to-bump).
// HBM reach: Manhattan distance from a stack's centre (where the HBM microbump field sits) to the outline of the die
// serving it (the nearest die in the adjacent grid column, or the IO die if nearer); for a stack beside its die it is
// gap + depth/2, which reproduces CSR23's "~6 mm" HBM3 interconnect length (1 mm gap + 10/2 mm).
//
// Geometry key: a 64-bit hash over a version tag, the carrier kind, the rectangle count, the substrate and
// interposer outlines and, for each rectangle in placement order, its kind, layer and x, y, w, h quantised to
// kGeometryKeyQuantumMm (0.01 mm = 10 um: v / quantum rounded half away from zero). The hash is xxHash64's round and
// avalanche over 64-bit words (two quantised coordinates per word; geometry.cpp says why not byte-wise FNV-1a: 7x
// slower). The key depends on nothing but the placed geometry (no node, power, cost, no global state), so equal
// inputs give equal keys whatever order or thread they arrive in. A rectangle moving or resizing by more than one
// quantum changes its quantised value, and a change confined to one hashed word always changes the key (every hash
// round is a bijection); a move of exactly one quantum changes it unless the two coordinates straddle a rounding tie
// within floating-point error. Different geometries collide with probability ~2^-64 per pair.
//
// Deck keys (resolved into GeometryRules by the caller): packaging.<kind>.die_gap_mm, die_hbm_gap_mm,
// interposer_edge_clearance_mm, max_interposer_area_mm2, max_interposer_reticles[_<year>], area_scale;
// packaging.organic_mcm.die_gap_mm (substrate component gap), substrate_edge_clearance_mm, max_package_area_mm2,
// substrate_area_scale; packaging.common.hbm_max_interconnect_mm; process_node.common.reticle_width_mm,
// reticle_length_mm, reticle_area_mm2. CATCH assembly rules: cost_models.md §2.3.
// All functions are pure, thread-safe and noexcept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace chipdse::model {

inline constexpr std::size_t kMaxComputeDies = 16;     ///< compute chiplets per package (DESIGN.md §1: k <= 16)
inline constexpr std::size_t kMaxHbmStacks = 16;       ///< HBM stacks per package
inline constexpr std::size_t kMaxOpticalEngines = 16;  ///< CPO optical engines per package
/// Every rectangle of one package: compute + cache per compute + IO + HBM + optical engines (65).
inline constexpr std::size_t kMaxPlacedRects = 2 * kMaxComputeDies + 1 + kMaxHbmStacks + kMaxOpticalEngines;
/// Adjacent compute pairs of a rows x cols grid: 2k - rows - cols <= 2k.
inline constexpr std::size_t kMaxD2dLinks = 2 * kMaxComputeDies;
/// Geometry-key quantum (mm): coordinates are hashed as v / quantum rounded half away from zero. 10 um is far below
/// a thermal mesh cell (~0.5 mm, thermal.md §4) and far above floating-point noise of the placement sums (~1e-14 mm).
inline constexpr double kGeometryKeyQuantumMm = 0.01;

/// What the dies and HBM sit on (and what the thermal model's layer stack is).
enum class Carrier : std::uint8_t {
  organic_substrate,   ///< organic MCM: dies and HBM on the substrate (packaging.organic_mcm)
  rdl_interposer,      ///< InFO fan-out RDL interposer, chip-first or chip-last alike (packaging.info)
  silicon_interposer,  ///< CoWoS-S passive Si interposer (packaging.cowos_s)
  bridge_interposer,   ///< CoWoS-L: RDL interposer with embedded LSI bridges (packaging.cowos_l)
  bridge_substrate,    ///< EMIB: bridges embedded in the organic substrate, no separate carrier (packaging.emib)
};

/// True when the dies sit on a separate interposer / RDL / carrier that sits on the substrate.
constexpr bool has_interposer(Carrier c) noexcept {
  return c == Carrier::rdl_interposer || c == Carrier::silicon_interposer || c == Carrier::bridge_interposer;
}

/// A die as placed (never rotated): x extent width_mm, y extent height_mm.
struct DieFootprint {
  double width_mm = 0.0;   ///< > 0
  double height_mm = 0.0;  ///< > 0
};

/// A part placed against an edge (HBM stack beside a die, optical engine at the substrate edge).
struct EdgeFootprint {
  double edge_mm = 0.0;   ///< side facing the die / along the substrate edge (HBM3: 11 mm, CSR23)
  double depth_mm = 0.0;  ///< perpendicular to that side (HBM3: ~10 mm for a ~110 mm² stack, memory.hbm3.footprint_mm2)
};

/// One package to place. Only counts and footprints: node, power and cost never enter the geometry (or its key).
struct GeometryInput {
  Carrier carrier = Carrier::organic_substrate;
  std::int32_t compute_count = 1;  ///< k in [1, kMaxComputeDies] (1 = monolithic); any k, not only powers of 2
  DieFootprint compute;            ///< each compute die (identical chiplets)
  bool cache_on_compute = false;   ///< a 3D cache die stacked on every compute die (same footprint, layer 1)
  bool has_io_die = false;
  DieFootprint io;                        ///< used when has_io_die
  std::int32_t hbm_count = 0;             ///< in [0, kMaxHbmStacks]
  EdgeFootprint hbm;                      ///< used when hbm_count > 0
  std::int32_t optical_engine_count = 0;  ///< CPO engines, in [0, kMaxOpticalEngines]
  EdgeFootprint optical_engine;           ///< used when optical_engine_count > 0
};

/// Spacing and limits of one packaging kind, resolved from the tech database (see "Deck keys" above).
/// Zero limits mean "no limit". Units are mm / mm².
struct GeometryRules {
  double die_gap_mm = 0.0;               ///< die-to-die and HBM-to-HBM gap on the carrier (CATCH: 1 organic, 0.1 Si)
  double die_hbm_gap_mm = 0.0;           ///< die edge to HBM edge
  double interposer_edge_mm = 0.0;       ///< interposer edge to outermost component (carriers with an interposer)
  double substrate_gap_mm = 0.0;         ///< between components on the organic substrate (core <-> engines)
  double substrate_edge_mm = 0.0;        ///< outermost substrate component to the substrate edge (CATCH 2)
  double reticle_width_mm = 0.0;         ///< exposure field (26); with reticle_length_mm: die-fits-field check
  double reticle_length_mm = 0.0;        ///< exposure field (33)
  double reticle_area_mm2 = 0.0;         ///< 858; base of max_interposer_reticles
  double max_interposer_area_mm2 = 0.0;  ///< placed interposer area limit (CoWoS-S 2700)
  /// placed interposer limit in reticle areas (CoWoS-S 3.3, CoWoS-L 3.5 / 5.5 / 9.5 for 2025 / 2026 / 2027)
  double max_interposer_reticles = 0.0;
  double max_package_area_mm2 = 0.0;   ///< placed substrate outline limit (organic 10,000)
  double hbm_max_reach_mm = 0.0;       ///< HBM reach limit (0: unchecked)
  double interposer_area_scale = 0.0;  ///< Actuary: interposer = scale x component area (FO 1.2, SI 1.1)
  double substrate_area_scale = 0.0;   ///< Actuary: substrate = scale x (interposer | component) area (4)
};

enum class RectKind : std::uint8_t { compute, io, cache, hbm, optical_engine };

/// One placed rectangle in the package frame (origin: substrate lower-left corner, x right, y up).
struct PlacedRect {
  double x_mm = 0.0;  ///< lower-left corner
  double y_mm = 0.0;
  double w_mm = 0.0;
  double h_mm = 0.0;
  RectKind kind = RectKind::compute;
  std::uint8_t layer = 0;  ///< 0: on the carrier (or substrate for engines); 1: stacked on a layer-0 die
  std::uint8_t index = 0;  ///< index within its kind (cache i sits on compute i)
};

/// An axis-aligned outline (mm); all zero when absent.
struct Outline {
  double x_mm = 0.0;
  double y_mm = 0.0;
  double w_mm = 0.0;
  double h_mm = 0.0;
  constexpr double area_mm2() const noexcept { return w_mm * h_mm; }
};

/// A D2D link between two adjacent compute dies (grid neighbours).
struct D2dLink {
  std::uint8_t a = 0;      ///< compute die index (row-major from bottom-left)
  std::uint8_t b = 0;      ///< its right or upper neighbour
  double length_mm = 0.0;  ///< edge-to-edge Manhattan distance (= die gap for grid neighbours)
};

/// Infeasibility reasons (bitmask; 0 = feasible). Never clipped: the geometry is still placed and reported unless
/// the input itself is unusable (invalid_input, too_many_components: then rect_count = 0 and key = 0). A limit is
/// exceeded when value > limit + 1e-9 x max(1, limit) (rounding of the placement sums; a value AT the limit passes).
namespace geometry_issue {
inline constexpr std::uint32_t invalid_input = 1u << 0;        ///< non-positive / non-finite size or count < 0 or k < 1
inline constexpr std::uint32_t too_many_components = 1u << 1;  ///< a count above its kMax* capacity
/// a die fits the 26 x 33 mm field in neither orientation
inline constexpr std::uint32_t die_over_reticle_field = 1u << 2;
inline constexpr std::uint32_t interposer_over_area = 1u << 3;      ///< placed interposer > max_interposer_area_mm2
inline constexpr std::uint32_t interposer_over_reticles = 1u << 4;  ///< > max_interposer_reticles x reticle area
inline constexpr std::uint32_t package_over_area = 1u << 5;         ///< placed substrate outline > max_package_area_mm2
inline constexpr std::uint32_t hbm_too_far = 1u << 6;               ///< some stack's reach > hbm_max_reach_mm
inline constexpr std::uint32_t count = 7;                           ///< number of reason bits
}  // namespace geometry_issue

/// Short name of one reason bit (for /stats "infeasible by reason"); "" for an unknown bit.
const char* geometry_issue_name(std::uint32_t bit) noexcept;

/// The placed package. Trivially copyable, fixed size (~3.6 kB): return by value, no allocation.
struct Geometry {
  std::array<PlacedRect, kMaxPlacedRects> rects{};  ///< order: compute 0..k-1, io, cache 0..k-1, hbm, engines
  std::size_t rect_count = 0;
  std::int32_t rows = 0;  ///< compute grid
  std::int32_t cols = 0;
  Carrier carrier = Carrier::organic_substrate;
  Outline interposer;                       ///< placed interposer / RDL / carrier; zero without one
  Outline substrate;                        ///< placed substrate outline (x = y = 0)
  double component_area_mm2 = 0.0;          ///< footprints on the carrier: compute + IO + HBM (stacked caches excluded)
  double interposer_area_mm2 = 0.0;         ///< placed (= interposer.area_mm2())
  double interposer_scaled_area_mm2 = 0.0;  ///< interposer_area_scale x component area (Actuary); 0 without one
  double substrate_area_mm2 = 0.0;          ///< placed outline (a lower bound on the real substrate)
  double substrate_scaled_area_mm2 = 0.0;   ///< substrate_area_scale x (scaled interposer | component area) + engines
  std::array<D2dLink, kMaxD2dLinks> d2d{};  ///< adjacent compute pairs: horizontal row by row, then vertical
  std::size_t d2d_count = 0;
  double d2d_max_mm = 0.0;                           ///< longest compute-compute link (0 when k = 1)
  std::array<double, kMaxComputeDies> io_link_mm{};  ///< compute die i to the IO die (edge-to-edge Manhattan)
  double io_link_max_mm = 0.0;
  std::array<double, kMaxHbmStacks> hbm_reach_mm{};         ///< stack centre to the outline of the die serving it
  std::array<std::uint8_t, kMaxHbmStacks> hbm_served_by{};  ///< rect index (into rects) of that die
  double hbm_reach_max_mm = 0.0;
  /// die-die pairs whose facing edges overlap (compute-compute, compute-IO): the bridges a bridge package needs
  std::int32_t die_adjacencies = 0;
  std::int32_t hbm_adjacencies = 0;  ///< stacks whose facing edge overlaps their die's edge (side by side)
  std::uint32_t infeasible = 0;      ///< geometry_issue bits
  std::uint64_t key = 0;             ///< geometry key of the thermal cache (see top of file)
};

/// Place one package. Pure, noexcept, thread-safe; O(number of rectangles).
/// @param in     counts and footprints (see GeometryInput; sizes > 0 and finite, counts within capacity)
/// @param rules  spacing and limits of in.carrier's packaging kind (mm, mm²); zero limits are unchecked
/// @return the placement; infeasible = geometry_issue bits (never clipped)
Geometry place_package(const GeometryInput& in, const GeometryRules& rules) noexcept;

/// The geometry key of a placement (what place_package stores in .key): a hash of the quantised outlines and
/// rectangles, see the top of this file. 0 is never returned for a placed geometry.
std::uint64_t geometry_key(const Geometry& g) noexcept;

/// Edge-to-edge Manhattan distance between two rectangles (0 when they touch or overlap), mm.
double edge_distance_mm(const PlacedRect& a, const PlacedRect& b) noexcept;

}  // namespace chipdse::model

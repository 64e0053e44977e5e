// chipdse/model/solved_thermal.hpp — a design at its package's SOLVED temperatures, for DESIGN.md §3's verification
// rounds: a geometry's influence matrix reduced to the logic dies' cells (built by the thermal layer with PETSc, one
// solve per placed rectangle), the point settled on it, and the solved geometries the search looks points up in.
// Plain data and pure functions: no PETSc, no MPI, no I/O (model/).
//
// Why a settled point and not only a check of the front: a design's solved junction is never below the kernel's
// bound (the bound is a lower bound on the hottest logic die at every power map, thermal_bound.hpp, and both settle
// from below on a map that rises with T through leakage), so its settled metrics are weakly worse in every objective
// (more leakage: more power, or under a DVFS clamp a lower clock and throughput; the same cost and area). Evaluating
// every design of a solved geometry at its settled point therefore only moves points away from the front, and rounds
// that re-enumerate until the front holds no unsolved geometry end at the exact front of the fully solved space.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"

namespace chipdse::model {

/// One geometry's solved response where the junction is read: the temperature rise of every logic-die cell (compute,
/// IO and cache dies, the dies the kernel's bound is a bound on) per watt in EVERY rectangle of one kind. One column
/// per RectKind is exact, not an approximation: the power map gives every die of a kind the same power
/// (rect_power_w(): the compute power split evenly over the compute dies, and so on), so by linearity the response to
/// the map is the kind columns weighted by each kind's per-die power. It takes at most five solves a package instead
/// of one per die.
struct SolvedThermal {
  static constexpr std::uint32_t kKinds = 5;  ///< RectKind values: compute, io, cache, hbm, optical_engine
  double ambient_c = 0.0;            ///< the coolant / air inlet temperature of the solve (C)
  std::uint32_t sources = kKinds;    ///< columns: one per RectKind, in enum order (0 for a kind the package lacks)
  std::vector<double> rise_k_per_w;  ///< rows x sources, row-major (K per W in each die of the kind): the logic dies'
                                     ///< cells, then hbm_rows of the HBM stacks', then engine_rows of the optical engines'
  std::uint32_t hbm_rows = 0;        ///< HBM stacks' rows (reported, not judged: the junction is the logic dies')
  std::uint32_t engine_rows = 0;     ///< optical engines' rows (CPO, optical I/O chiplet; reported, not judged)
  int iterations = 0;                ///< Krylov iterations over the solves (not part of the response)
  int solves = 0;                    ///< PETSc solves behind it (not part of the response)

  std::size_t rows() const noexcept { return sources == 0 ? 0 : rise_k_per_w.size() / sources; }
  std::size_t logic_rows() const noexcept { return rows() - hbm_rows - engine_rows; }
};

/// Drops every row another row of its group (logic dies, HBM, engines) bounds from above in every column (ties keep
/// the first): with powers >= 0 its product is never the group's largest, so hottest_logic_c() and peak_c() are
/// unchanged, bit for bit, while the rows fall from every cell of the dies to the few that can be the hottest for
/// some power map.
void drop_dominated_rows(SolvedThermal& s);

/// The hottest logic die's peak (C) for `kind_power_w` (W in each die of a kind, one per RectKind): the ambient plus
/// the largest row of the matrix-vector product.
double hottest_logic_c(const SolvedThermal& s, const double* kind_power_w) noexcept;

/// The hottest HBM stack's (hbm = true) or optical engine's peak (C) for `kind_power_w`; 0 when the package has none.
double peak_c(const SolvedThermal& s, bool hbm, const double* kind_power_w) noexcept;

/// Each kind's power per die (W, one per RectKind) from a geometry's rectangle powers (rect_power_w(), which gives
/// every die of a kind the same); 0 for a kind `g` lacks.
std::array<double, SolvedThermal::kKinds> kind_power_w(const Geometry& g, const double* rect_power_w) noexcept;

/// A point settled at its solved temperature: T = hottest_logic(P(T)) by plain fixed-point steps from the ambient (a
/// package powering up), each P the point at junction T (evaluate_at_junction: every die's leakage at T, the DVFS
/// clamp redone). The map rises with T (leakage), so the steps rise to its lowest fixed point, the one a package
/// reaches; with exponential leakage a hotter one can exist too (thermal runaway), which is why every settling starts
/// from the ambient, whatever was evaluated before.
struct SettledPoint {
  Metrics metrics;          ///< at leakage junction leakage_tj_c
  double tj_c = 0.0;        ///< the hottest logic die's solved peak at metrics' power map
  double leakage_tj_c = 0.0;
  std::array<double, SolvedThermal::kKinds> kind_power_w{};  ///< each kind's power per die at the settled point (W)
  int steps = 0;
  bool converged = false;   ///< |tj_c - leakage_tj_c| <= kSettleToleranceK within kMaxSettleSteps
};
inline constexpr double kSettleToleranceK = 0.05;  // as the kernel's own settling (evaluate.cpp)
inline constexpr int kMaxSettleSteps = 50;

/// @param g  the point's placed geometry (evaluate()'s detail), the geometry `s` was solved for
SettledPoint settle_on_solved(const DesignChoice& c, const KernelParams& k, const Geometry& g,
                              const SolvedThermal& s) noexcept;

/// The geometries solved so far, by geometry key (Geometry::key): sorted, looked up by binary search. Read-only while
/// threads evaluate; the parallel layer inserts between enumerations.
class SolvedGeometries {
 public:
  bool empty() const noexcept { return m_keys.empty(); }
  std::size_t size() const noexcept { return m_keys.size(); }
  /// The solved response of geometry `key`, or null.
  const SolvedThermal* find(std::uint64_t key) const noexcept;
  /// Adds `key`; false (and nothing changes) when it is there already.
  bool insert(std::uint64_t key, SolvedThermal s);
  const std::vector<std::uint64_t>& keys() const noexcept { return m_keys; }
  const SolvedThermal& at(std::size_t i) const { return m_solved[i]; }

  /// The packages as bytes (native order; what the ranks exchange and a checkpoint keeps): u64 count, then per
  /// package in key order u64 key, f64 ambient (C), u64 columns (5), u64 rows, u32 HBM rows, u32 engine rows, u64 Krylov
  /// iterations, u64 solves, rows x columns f64. Appended to `out`.
  void serialize(std::string& out) const;
  /// Reads serialize()'s bytes from the front of `in` and advances it past them.
  /// @throws Error saying what is wrong (short, keys out of order, a response of the wrong shape, not finite or < 0).
  static SolvedGeometries deserialize(std::string_view& in);

 private:
  std::vector<std::uint64_t> m_keys;   // ascending
  std::vector<SolvedThermal> m_solved; // m_solved[i] is m_keys[i]'s
};

/// The point as the verified search sees it: the kernel's evaluation, or, when `solved` holds its geometry, its
/// settled point (settle_on_solved) with tj_solved_c set and the infeasible bits solved_tj_over_max (settled above
/// constraints.tj_max_c) and thermal_runaway (no settled point within kMaxSettleSteps). Pure and thread-safe; no
/// allocation. With `solved` null or empty it is evaluate() itself.
Metrics evaluate_verified(const DesignChoice& c, const KernelParams& k, const SolvedGeometries* solved,
                          EvaluationDetail* detail = nullptr) noexcept;

}  // namespace chipdse::model

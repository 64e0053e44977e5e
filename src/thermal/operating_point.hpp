// chipdse/thermal/operating_point.hpp — the fastest operating point a design sustains on its package's solved
// temperatures (DESIGN.md §3, "NLopt refines each front design"): the compute clock maximising throughput with the
// hottest logic die's solved junction within the limit, the leakage of every die at that junction and the package
// power within its limit (the DVFS clamp of model::evaluate_at_junction). The temperatures come from the geometry's
// influence matrix (fv_solver.hpp: one PETSc solve per die, then any power map is a matrix-vector product), the
// optimisation from NLopt's COBYLA.
//
// One clock for every compute die: the model's compute chiplets run one tensor-parallel step in lockstep, so the
// throughput is the slowest die's and the optimum runs them alike; per-die clocks would pay only with dies of their
// own clock domain (an IO or cache die), which the model does not have.
//
// PETSc (the influence matrix) outside OpenMP regions, one geometry at a time; the optimisation is plain C++.
#pragma once

#include <string>

#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"

namespace chipdse::thermal {

/// The dies the kernel's thermal bound is a bound on, and whose peak is the junction: compute, IO and cache dies.
inline bool is_logic_die(model::RectKind kind) noexcept {
  return kind == model::RectKind::compute || kind == model::RectKind::io || kind == model::RectKind::cache;
}

/// The influence matrix of `g`'s package in stack `s` (cells_xy as case_from_geometry), one column per placed
/// rectangle, in g.rects order. PETSc: outside OpenMP. @throws as case_from_geometry and Solver.
InfluenceMatrix rect_influence_matrix(const model::Geometry& g, const PackageStack& s, int cells_xy);

/// The hottest logic die's peak (K; compute, IO and cache dies) for the rectangle powers `rect_power_w` (W, g.rects
/// order, as model::rect_power_w) through `im` (rect_influence_matrix of the same g).
double hottest_logic_k(const InfluenceMatrix& im, const model::Geometry& g, std::span<const double> rect_power_w);

/// The rows of `im` (rect_influence_matrix of the same g) at the logic dies, the HBM stacks and the engines, with its
/// columns summed per die kind: what the search settles points on (model::SolvedThermal; the junction is the hottest
/// logic die's peak). The rows keep `im`'s order within each die, the dies in g.rects order within each group.
model::SolvedThermal logic_response(const InfluenceMatrix& im, const model::Geometry& g);

/// The same response solved directly: one PETSc solve per die kind present (1 W in every die of the kind at once), at
/// most five, instead of one per die. The verification rounds' solve (parallel/verification_rounds.cpp). PETSc:
/// outside OpenMP. @throws as case_from_geometry and Solver.
model::SolvedThermal solve_logic_response(const model::Geometry& g, const PackageStack& s, int cells_xy);

/// A point settled at its solved temperature (model::settle_on_solved on logic_response(im, g)).
using model::SettledPoint;
SettledPoint settle_on_solved(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                              const InfluenceMatrix& im);

/// The fastest sustainable point: the compute clock in [lowest_fraction x, 1 x] the design's clock maximising the
/// throughput of the settled point subject to its junction <= tj_max_c (and, without a DVFS clamp, its package power
/// <= the limit). The lower end is a search range (evaluate --thermal asks for a quarter), not a device limit.
struct SustainedPoint {
  bool found = false;         ///< some clock in the range meets the limits
  double lowest_ghz = 0.0;    ///< the range's lower end
  double clock_ghz = 0.0;     ///< the clock asked for (the DVFS clamp may run it lower: metrics.effective_clock_ghz)
  SettledPoint point;         ///< settled at that clock
  SettledPoint at_design_clock;  ///< settled at the design's own clock (settle_on_solved of the design as it is)
  int evaluations = 0;        ///< settlings (each clock once; COBYLA asks for objective and constraint in turn)
  std::string result;         ///< NLopt's return code, e.g. "XTOL_REACHED", or DESIGN_CLOCK / NONE_MEETS
};
SustainedPoint sustained_point(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                               const InfluenceMatrix& im, double tj_max_c, double lowest_fraction);

}  // namespace chipdse::thermal

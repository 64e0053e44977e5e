// chipdse/search/nsga2_search.hpp — NSGA-II over the design space when it is too large to enumerate (DESIGN.md §4):
// pagmo2's NSGA-II (Deb et al., IEEE TEC 6(2), 2002) on the integer genes of search::Genome, one generation at a
// time, with every batch of designs handed to a caller's evaluator (the parallel layer spreads it over ranks and
// threads). Every feasible design evaluated goes into an external archive, which is what the run reports. Must not
// include MPI, PETSc, HDF5 or toml++ (pagmo stays inside the .cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/design_space.hpp"
#include "chipdse/search/pareto_archive.hpp"

namespace chipdse::search {

/// NSGA-II's settings (deck [search]; the operator constants are pagmo's defaults, Deb et al. 2002's values).
struct Nsga2Settings {
  std::uint32_t population = 96;  ///< search.nsga2_population: a multiple of 4, >= 8 (pagmo pairs parents in fours)
  std::uint32_t generations = 200;  ///< search.nsga2_generations (>= 1)
  std::uint64_t seed = 0;           ///< search.seed: the initial population and every generation's draws
  double crossover_probability = 0.95;  ///< pagmo::nsga2 default cr
  double crossover_distribution = 10.0; ///< SBX distribution index eta_c, pagmo default
  double mutation_distribution = 50.0;  ///< polynomial mutation index eta_m, pagmo default
  /// Per-gene mutation probability; 0 means 1 / genes, Deb et al. 2002's choice (one gene per child on average).
  double mutation_probability = 0.0;
};

/// Evaluates designs: for indices[i], objectives[i * k + j] (k objectives, minimised: model::minimised) and
/// infeasible[i] (model::Metrics::infeasible, 0 when feasible; objectives are then unread). Must be a pure function
/// of the indices: the search's result then depends on nothing else.
using BatchEvaluate =
    std::function<void(const std::vector<std::uint64_t>& indices, double* objectives, std::uint32_t* infeasible)>;

/// The search's state after a generation: enough to continue it exactly (a checkpoint's content).
struct Nsga2State {
  std::uint32_t generation = 0;          ///< generations done (0: the initial population only)
  std::vector<std::uint64_t> population; ///< the population's designs, in pagmo's order
  std::vector<double> genes;             ///< population x genes, the genes as pagmo holds them
  std::vector<double> fitness;           ///< population x objectives, as pagmo holds them (penalised when infeasible)
  std::uint64_t evaluations = 0;         ///< designs evaluated, repeats included
  EvaluationCounts counts;               ///< over the distinct designs evaluated
  std::vector<std::uint64_t> seen;       ///< the distinct designs evaluated, ascending
  std::vector<std::uint64_t> feasible;   ///< the distinct feasible ones, ascending
  ParetoArchive archive{2};              ///< finalized: the front of every feasible design evaluated
};

/// Runs NSGA-II one generation at a time. Deterministic: the result is a function of the space, the settings and
/// the evaluator's values alone (generation g draws from a seed derived from (seed, g), so a search continued from
/// a state is the search that was never stopped). Not thread-safe: one thread drives it; the evaluator may use many.
class Nsga2Search {
 public:
  /// @param space      must outlive the search
  /// @param objectives 2..6
  /// @throws Error when the population is not a multiple of 4 of at least 8, or generations is 0.
  Nsga2Search(const DesignSpace& space, int objectives, const Nsga2Settings& settings, BatchEvaluate evaluate);
  ~Nsga2Search();
  Nsga2Search(const Nsga2Search&) = delete;
  Nsga2Search& operator=(const Nsga2Search&) = delete;

  /// Draws the initial population (uniform over each gene's values) and evaluates it: generation 0.
  void start();
  /// Continues from a state of the same space, settings and objectives (a checkpoint).
  /// @throws Error when the state does not fit (population size, gene or objective count, a design out of range).
  void resume(Nsga2State state);
  /// One generation: pagmo's selection, SBX crossover and polynomial mutation, the offspring evaluated in one
  /// batch, the best of parents and offspring kept by non-dominated rank and crowding distance.
  /// @pre start() or resume() was called and !done().
  void step();

  std::uint32_t generation() const noexcept;
  bool done() const noexcept;
  std::size_t genes() const noexcept;
  double mutation_probability() const noexcept;

  /// Distinct designs evaluated so far (cheap).
  std::uint64_t distinct() const noexcept;
  /// Designs on the archive's front so far (finalizes the archive: about the cost of sorting the front).
  std::size_t front_size();

  /// The state after the last generation; its archive finalized (the run's front, sorted by index). Costs a sort of
  /// the distinct designs seen: for checkpoints and the end, not for every generation.
  const Nsga2State& state();

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

/// Seconds NSGA-II itself takes per generation with these settings on this machine (pagmo's selection, crossover,
/// mutation and non-dominated sorting, which grows as the population squared), timed over a few generations on
/// synthetic objectives with no design evaluated. Every rank pays it in full, as each drives the same search: it does
/// not shrink with ranks and threads. For `describe`'s estimate.
double measure_generation_overhead_s(const DesignSpace& space, int objectives, const Nsga2Settings& settings);

/// The fitness NSGA-II sees for an infeasible design: every objective at kInfeasiblePenalty times its number of
/// reasons, above any feasible value, so a feasible design dominates every infeasible one and among infeasible ones
/// fewer violated constraints dominate more (Deb 2000's feasibility rules in penalty form; the kernel reports which
/// constraints fail, not by how much).
inline constexpr double kInfeasiblePenalty = 1e30;

}  // namespace chipdse::search

// chipdse/parallel/nsga2_run.hpp — NSGA-II over MPI ranks x OpenMP threads (DESIGN.md §4): every rank drives the same
// pagmo2 search (search::Nsga2Search, deterministic), and each batch of designs is split over the ranks, evaluated by
// each rank's threads and gathered back to all, so every rank holds the same population, archive and counts. All MPI
// lives in src/parallel/.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include <mpi.h>

#include "chipdse/model/kernel_params.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/nsga2_search.hpp"
#include "chipdse/search/point_selection.hpp"

namespace chipdse::parallel {

/// A generation-boundary checkpoint about to be written (rank 0), for the writer's report.
struct Nsga2CheckpointEvent {
  std::uint64_t number = 0;      ///< 1, 2, ... in this run
  std::uint32_t generation = 0;  ///< generations done
  std::uint32_t generations = 0; ///< of the plan
  bool stopping = false;         ///< the last checkpoint before a stop
};

/// How to run NSGA-II (deck [search] and [output]).
struct Nsga2RunSettings {
  search::Nsga2Settings nsga2;
  /// front; feasible: every distinct feasible design evaluated; all: every distinct design evaluated; sample: the
  /// space's sample (search::SampleSelection), evaluated or not.
  search::StoreMode store = search::StoreMode::front;
  std::uint64_t sample_points = 0;
  bool progress = true;
  double progress_interval_s = 10.0;
  double checkpoint_interval_s = 0.0;  ///< a checkpoint at the first generation boundary after this long (<= 0: never)
  std::uint32_t checkpoint_interval_generations = 0;  ///< ... or after this many generations (0: never)
  /// Test hook (CHIPDSE_TEST_CHUNK_DELAY_MS): every rank sleeps this long per generation, so that process-control
  /// tests can stop a run of a small space at a known stage.
  double test_generation_delay_s = 0.0;
  /// Rank 0: stores a state (e.g. io::write_nsga2_checkpoint); false when it could not.
  std::function<bool(const search::Nsga2State&, const Nsga2CheckpointEvent&)> write;
  /// Every rank: a stop was requested (e.g. parallel::stop_requested). Polled at generation boundaries.
  std::function<bool()> stop;
  /// The state to continue from (every rank passes the same one, or null on every rank for a fresh run).
  const search::Nsga2State* resume = nullptr;
};

/// What every rank knows after the search, and its own share of the output rows.
struct Nsga2RunResult {
  search::EvaluationCounts counts;   ///< over the distinct designs evaluated
  std::uint64_t evaluations = 0;     ///< repeats included
  std::uint32_t generations = 0;     ///< generations done (resumed ones included)
  std::uint32_t generations_resumed = 0;
  std::vector<std::uint64_t> front;  ///< the external archive's designs, ascending
  /// After generation g (index g, 0 = the initial population): designs on the archive's front and distinct designs
  /// evaluated. From this run's generations only when it was resumed (earlier ones are not checkpointed).
  std::vector<std::uint64_t> front_size_by_generation, distinct_by_generation;
  search::RowBlock pareto;           ///< this rank's block of /pareto rows
  search::RowBlock points;           ///< this rank's block of /points rows
  double mutation_probability = 0.0; ///< per gene, as used (Nsga2Settings: 0 means 1 / genes)
  double search_s = 0.0;
  double checkpoint_s = 0.0;
  std::uint64_t checkpoints = 0;
  bool stopped = false;              ///< stopped at a generation boundary after a checkpoint (no rows)
  bool checkpoint_failed = false;
};

/// Runs the search: collective over `comm`; every rank passes the same arguments. The result does not depend on the
/// rank count or the thread count: each design's values come from the kernel alone, and everything else is a
/// function of them and the seed.
/// @throws Error on every rank when the evaluation failed on any rank.
Nsga2RunResult nsga2_search(MPI_Comm comm, const search::ChoiceDecoder& decoder, const model::KernelParams& params,
                            const std::vector<std::size_t>& objective_ids, int threads,
                            const Nsga2RunSettings& settings, std::ostream& out);

}  // namespace chipdse::parallel

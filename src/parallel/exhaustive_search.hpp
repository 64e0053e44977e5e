// chipdse/parallel/exhaustive_search.hpp — the exhaustive search over MPI ranks x OpenMP threads (DESIGN.md §4):
// chunks handed out dynamically, each rank's OpenMP evaluator, a tree merge to the exact front, and each rank's share
// of the /pareto and /points rows. All MPI lives in src/parallel/.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include <mpi.h>

#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/point_selection.hpp"

namespace chipdse::parallel {

/// How to run the search (from the deck's [search] and [output]).
struct SearchSettings {
  std::uint64_t chunk_size = 4096;  ///< search.chunk_size (>= 1)
  search::StoreMode store = search::StoreMode::front;  ///< output.store
  std::uint64_t sample_points = 0;  ///< output.sample_points (store = sample)
  bool progress = true;             ///< rank 0 prints progress lines (false: --quiet)
  double progress_interval_s = 10.0;
};

/// What every rank knows after the search, and its own share of the output rows.
struct SearchResult {
  search::EvaluationCounts counts;  ///< over the whole space, on every rank
  std::vector<std::uint64_t> front; ///< the front's design indices, ascending, on every rank
  std::uint64_t chunks = 0;         ///< chunks of the plan
  search::RowBlock pareto;          ///< this rank's contiguous block of /pareto rows
  search::RowBlock points;          ///< this rank's block of /points rows (store = front: equal to `pareto`)
  double search_s = 0.0;            ///< evaluating every chunk (wall time of this rank)
  double merge_s = 0.0;             ///< count sums, archive tree merge, front broadcast
  double distribute_s = 0.0;        ///< building the row blocks (for store = feasible, the all-to-all)
};

/// Evaluates every design of [0, designs) exactly once over the ranks of `comm` and merges the results. Collective;
/// every rank passes the same designs and settings. The results (counts, front, row blocks for a given rank count)
/// do not depend on the rank count, thread count, chunk size or on which rank evaluated which chunk.
/// @param evaluator  this rank's evaluator (its thread count is this rank's); must be fresh (nothing evaluated yet)
/// @param out        rank 0's progress lines
/// @throws Error on every rank when the evaluation failed on any rank
SearchResult exhaustive_search(MPI_Comm comm, search::ChunkEvaluator& evaluator, std::uint64_t designs,
                               const SearchSettings& settings, std::ostream& out);

}  // namespace chipdse::parallel

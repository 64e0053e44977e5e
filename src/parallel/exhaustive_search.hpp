// chipdse/parallel/exhaustive_search.hpp — the exhaustive search over MPI ranks x OpenMP threads (DESIGN.md §4):
// chunks handed out dynamically, each rank's OpenMP evaluator, a tree merge to the exact front, and each rank's share
// of the /pareto and /points rows. All MPI lives in src/parallel/.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include <mpi.h>

#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/point_selection.hpp"

namespace chipdse::parallel {

/// A checkpoint about to be written (rank 0), for the writer's report.
struct CheckpointEvent {
  std::uint64_t number = 0;     ///< 1, 2, ... in this run
  std::uint64_t completed = 0;  ///< chunks complete (resumed ones included)
  std::uint64_t chunks = 0;     ///< chunks of the plan
  bool stopping = false;        ///< the last checkpoint before a stop
  double gather_s = 0.0;        ///< the collective snapshot (rank 0's wall time)
};

/// Checkpoint/restart of the search (DESIGN.md §4). Without a writer, the search never pauses and ignores `stop`.
struct CheckpointSettings {
  double interval_s = 0.0;            ///< a checkpoint at the first chunk boundary after this many seconds (<= 0: never)
  std::uint64_t interval_chunks = 0;  ///< ... or after this many chunks were handed out (0: never)
  /// Rank 0: stores the completed chunks (e.g. io::write_checkpoint); false when it could not (after a periodic
  /// checkpoint the search goes on; a stop then reports SearchResult::checkpoint_failed).
  std::function<bool(const search::CompletedChunks&, const CheckpointEvent&)> write;
  /// Every rank: a stop was requested (e.g. parallel::stop_requested). Polled between pieces of work.
  std::function<bool()> stop;
  /// Rank 0: the checkpoint to resume from (same plan; null: a fresh run). Ignored on other ranks.
  const search::CompletedChunks* resume = nullptr;
};

/// How to run the search (from the deck's [search] and [output]).
struct SearchSettings {
  std::uint64_t chunk_size = 4096;  ///< search.chunk_size (>= 1)
  search::StoreMode store = search::StoreMode::front;  ///< output.store
  std::uint64_t sample_points = 0;  ///< output.sample_points (store = sample)
  bool progress = true;             ///< rank 0 prints progress lines (false: --quiet)
  double progress_interval_s = 10.0;
  CheckpointSettings checkpoint;
  /// Test hook (CHIPDSE_TEST_CHUNK_DELAY_MS): every rank sleeps this long per chunk it evaluates (in proportion for
  /// rank 0's pieces), so that process-control tests can kill a run of a small space at a known stage.
  double test_chunk_delay_s = 0.0;
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
  double checkpoint_s = 0.0;        ///< snapshots and checkpoint writes (rank 0's wall time; inside search_s)
  std::uint64_t chunks_resumed = 0;    ///< chunks taken from the checkpoint, not evaluated again
  std::uint64_t chunks_evaluated = 0;  ///< chunks evaluated by this run (over all ranks)
  std::uint64_t checkpoints = 0;       ///< checkpoints written by this run
  /// The search stopped at a chunk boundary because `stop` was requested (no rows, no front: only the counters
  /// above are meaningful); its completed chunks are in the last checkpoint unless checkpoint_failed.
  bool stopped = false;
  bool checkpoint_failed = false;  ///< the stop's checkpoint could not be written (on every rank)
};

/// Evaluates every design of [0, designs) exactly once over the ranks of `comm` and merges the results. Collective;
/// every rank passes the same designs and settings. The results (counts, front, row blocks for a given rank count)
/// do not depend on the rank count, thread count, chunk size or on which rank evaluated which chunk, nor on
/// checkpoints, stops and resumes: a resumed run skips the checkpoint's chunks and adds their counts, archive and
/// feasible indices once.
///
/// Checkpoints: the chunks are handed out in rounds (ChunkScheduler). Rank 0 ends a round when a checkpoint is due
/// or a stop was requested on any rank; every rank then finishes the chunks it holds (at most two), and at that
/// common chunk boundary gather_completed() brings the new chunks' counts, feasible indices and every archive to
/// rank 0, which writes one checkpoint of all completed chunks. After a stop's checkpoint the search returns with
/// `stopped`; otherwise it goes on with the next round.
/// @param evaluator  this rank's evaluator (its thread count is this rank's); must be fresh (nothing evaluated yet)
/// @param out        rank 0's progress lines
/// @throws Error on every rank when the evaluation failed on any rank
SearchResult exhaustive_search(MPI_Comm comm, search::ChunkEvaluator& evaluator, std::uint64_t designs,
                               const SearchSettings& settings, std::ostream& out);

}  // namespace chipdse::parallel

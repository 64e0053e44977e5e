// chipdse/parallel/checkpoint_gather.hpp — the collective snapshot of a checkpoint (DESIGN.md §4): at a chunk boundary
// of every rank, rank 0 collects what the ranks completed since the last snapshot (per-chunk counts and, for
// output.store = "feasible", the feasible indices) and every rank's archive, and folds them into its record of the
// completed chunks. All MPI lives in src/parallel/.
#pragma once

#include <span>

#include <mpi.h>

#include "chipdse/search/chunk_evaluator.hpp"

namespace chipdse::parallel {

/// Collective; every rank must be at a chunk boundary (its archive and counts hold whole chunks only).
/// @param new_chunks    this rank's chunks completed since its last call, ascending
/// @param new_feasible  their feasible indices, ascending (empty unless store = "feasible")
/// @param archive       this rank's archive of every chunk it completed (cumulative is fine: an entry merged twice
///                      is kept once, so the merge stays exact)
/// @param ledger        rank 0: the completed chunks so far; receives the new ones in chunk order and the merged
///                      archive (finalized). Ignored (may be null) on other ranks.
/// @throws Error on rank 0 if a chunk arrives that the ledger already holds (it would be counted twice).
void gather_completed(MPI_Comm comm, std::span<const search::ChunkCounts> new_chunks,
                      std::span<const std::uint64_t> new_feasible, const search::ParetoArchive& archive,
                      search::CompletedChunks* ledger);

}  // namespace chipdse::parallel

// chipdse/parallel/result_merge.hpp — the ranks' partial results brought together (DESIGN.md §4): a binomial-tree merge
// of the Pareto archives to rank 0, exact count sums, the front's indices broadcast, and the stored feasible indices
// redistributed into contiguous row blocks in index order. All MPI lives in src/parallel/.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <mpi.h>

#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/pareto_archive.hpp"
#include "chipdse/search/point_selection.hpp"

namespace chipdse::parallel {

/// Merges every rank's archive into rank 0's along a binomial tree (rank r receives from r + 2^j, then sends to
/// r - 2^j), moving serialize() bytes. Collective. The result is independent of the tree's shape (the archive's
/// result depends only on the entries).
/// @returns on rank 0 the finalized front of all ranks' entries; on other ranks an empty archive.
/// @throws Error if a received archive does not deserialize (corrupted transfer).
search::ParetoArchive merge_archives_to_root(MPI_Comm comm, const search::ParetoArchive& local);

/// The sum of every rank's counts, on every rank (exact integers). Collective.
search::EvaluationCounts sum_counts(MPI_Comm comm, const search::EvaluationCounts& local);

/// Rank 0's `indices` on every rank. Collective.
std::vector<std::uint64_t> broadcast_indices(MPI_Comm comm, const std::vector<std::uint64_t>& indices);

/// How many stored indices one chunk produced (a rank records one per chunk it evaluated).
struct ChunkCount {
  std::uint64_t chunk = 0;
  std::uint64_t count = 0;
};

/// Redistributes stored indices (e.g. the feasible points of store = "feasible") so that rank p holds block p of
/// the whole list in index order (search::block_begin). Row offsets come from an exclusive scan of the per-chunk
/// counts in chunk order; each index goes straight to the rank whose block holds its row (MPI_Alltoallv).
/// Collective.
/// @param chunks   this rank's chunks in increasing order, with their counts
/// @param indices  this rank's stored indices, chunk after chunk (the counts' sum), ascending within each chunk
/// @param chunk_count  total chunks of the plan
search::RowBlock redistribute_rows(MPI_Comm comm, std::span<const ChunkCount> chunks,
                                   std::span<const std::uint64_t> indices, std::uint64_t chunk_count);

}  // namespace chipdse::parallel

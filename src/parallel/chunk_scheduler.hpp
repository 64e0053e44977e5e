// chipdse/parallel/chunk_scheduler.hpp — dynamic distribution of index chunks over MPI ranks (DESIGN.md §4): rank 0
// hands out chunk numbers on request and works through its own chunks in pieces, answering requests between pieces.
// All MPI lives in src/parallel/.
#pragma once

#include <cstdint>
#include <functional>

#include <mpi.h>

namespace chipdse::parallel {

/// One piece of work: indices [begin, end) of chunk `chunk`. Workers get whole chunks; rank 0 gets its chunks in
/// consecutive pieces, so that it answers requests between them.
struct WorkPiece {
  std::uint64_t chunk = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

/// The chunks: chunk c is [c * chunk_size, min((c + 1) * chunk_size, designs)).
struct ChunkPlan {
  std::uint64_t designs = 0;
  std::uint64_t chunk_size = 1;
  std::uint64_t chunks() const noexcept { return designs / chunk_size + (designs % chunk_size != 0); }
  std::uint64_t begin(std::uint64_t c) const noexcept { return c * chunk_size; }
  std::uint64_t end(std::uint64_t c) const noexcept { return c + 1 >= chunks() ? designs : (c + 1) * chunk_size; }
};

/// Evaluates every chunk exactly once over the ranks of `comm` (collective; every rank passes the same plan).
///
/// Protocol (on a private duplicate of comm): a worker sends a request carrying the points it has finished, and
/// keeps one request outstanding while it computes, so the next chunk number is already there when it finishes
/// (rank 0 answers only between its own pieces). Rank 0 answers each request with the next chunk number, or
/// with "stop" once none is left; every worker receives exactly one stop, after which it sends nothing. Chunks
/// are handed out in increasing order, so each rank sees its chunks in increasing order. With one rank, rank 0
/// just works through the chunks. Which rank evaluates which chunk varies from run to run; results must not
/// depend on it (the callers' archives and counts do not).
///
/// Only the calling thread calls MPI (MPI_THREAD_FUNNELED), never inside `work`.
/// @param plan        the chunks (chunk_size >= 1)
/// @param root_piece  indices per piece on rank 0 (>= 1; capped at chunk_size; whole chunks when it is alone)
/// @param work        called for each piece on this rank, on the calling thread; it may open OpenMP regions.
///                    If it throws, the rank stops evaluating but keeps the protocol going, and every rank then
///                    throws Error (the failing rank with the original message).
/// @param tick        rank 0 only, between pieces: points finished so far (own pieces plus the workers' last
///                    reports; exact at the end only after the caller's reduction). May be empty.
void distribute_chunks(MPI_Comm comm, const ChunkPlan& plan, std::uint64_t root_piece,
                       const std::function<void(const WorkPiece&)>& work,
                       const std::function<void(std::uint64_t)>& tick);

}  // namespace chipdse::parallel

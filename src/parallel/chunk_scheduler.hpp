// chipdse/parallel/chunk_scheduler.hpp — dynamic distribution of index chunks over MPI ranks (DESIGN.md §4): rank 0
// hands out chunk numbers on request and works through its own chunks in pieces, answering requests between pieces.
// All MPI lives in src/parallel/.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

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

/// Hands out the chunks of a plan over the ranks of `comm` in rounds, so that the ranks can meet at chunk boundaries
/// for a checkpoint (DESIGN.md §4) and go on. Collective: every rank constructs it with the same plan and calls
/// run_round() the same number of times (until a round ends complete or with a stop).
///
/// Protocol (on a private duplicate of comm): a worker sends a request carrying the points it has finished and its
/// stop flag, and keeps one request outstanding while it computes, so the next chunk number is already there when it
/// finishes (rank 0 answers only between its own pieces). Rank 0 answers each request with the next pending chunk
/// number, or with "end of round" once none is left or the round is ending; every worker receives exactly one
/// end per round, after which it sends nothing more in that round. A worker therefore finishes at most its current
/// chunk and one chunk it had been given in advance after rank 0 decides to end the round. Chunks are handed out
/// in increasing order, so each rank sees its chunks in increasing order. With one rank, rank 0 just works through
/// the chunks. Which rank evaluates which chunk varies from run to run; results must not depend on it.
///
/// Only the calling thread calls MPI (MPI_THREAD_FUNNELED), never inside `work`.
class ChunkScheduler {
 public:
  /// @param plan  the chunks (chunk_size >= 1), the same on every rank
  /// @param done  rank 0 only: chunks already complete (from a checkpoint), one flag per chunk, or empty for none;
  ///              they are never handed out. Ignored on other ranks.
  ChunkScheduler(MPI_Comm comm, const ChunkPlan& plan, std::vector<bool> done = {});
  ~ChunkScheduler();
  ChunkScheduler(const ChunkScheduler&) = delete;
  ChunkScheduler& operator=(const ChunkScheduler&) = delete;

  /// How a round ended; the same on every rank.
  struct RoundEnd {
    bool complete = false;  ///< every chunk of the plan is done (none pending, none in flight)
    bool stop = false;      ///< `stop` was true on some rank during the round or at its end
  };

  /// One round: chunks handed out until none is pending, or until rank 0 ends the round because `pause` or any
  /// rank's `stop` said so; then every rank finishes what it holds and the ranks agree on the outcome. Every chunk
  /// handed out in a round is complete when the round returns: every rank is at a chunk boundary.
  /// @param root_piece  indices per piece on rank 0 (>= 1; capped at chunk_size; whole chunks when it is alone)
  /// @param work        called for each piece on this rank, on the calling thread; it may open OpenMP regions.
  ///                    If it throws, the rank stops evaluating but keeps the protocol going, and at the round's end
  ///                    every rank throws Error (the failing rank with the original message).
  /// @param tick        rank 0 only, between pieces: points finished in this object's rounds so far (own pieces
  ///                    plus the workers' last reports). May be empty.
  /// @param pause       rank 0 only, between pieces: true ends the round (a checkpoint is due). May be empty.
  /// @param stop        every rank, between pieces and with each request: true ends the round and makes
  ///                    RoundEnd::stop true everywhere. May be empty.
  RoundEnd run_round(std::uint64_t root_piece, const std::function<void(const WorkPiece&)>& work,
                     const std::function<void(std::uint64_t)>& tick, const std::function<bool()>& pause = {},
                     const std::function<bool()>& stop = {});

  /// Rank 0: chunks never handed out yet (0 on other ranks).
  std::uint64_t pending() const noexcept { return m_pending; }

 private:
  struct Round;
  void root_round(Round& r);
  void worker_round(Round& r);
  std::uint64_t take_next();  // rank 0: the lowest pending chunk, marked handed out; kNone when none

  MPI_Comm m_comm = MPI_COMM_NULL;
  int m_rank = 0;
  int m_ranks = 1;
  ChunkPlan m_plan;
  std::vector<bool> m_handed;  // rank 0: done before or handed out in a round
  std::uint64_t m_cursor = 0;  // rank 0: every chunk below it is handed out
  std::uint64_t m_pending = 0;
  std::uint64_t m_own_done = 0;                // points this rank finished (all rounds)
  std::vector<std::uint64_t> m_worker_done;    // rank 0: each worker's last report
};

/// Evaluates every chunk exactly once over the ranks of `comm` in one round (collective; every rank passes the same
/// plan): ChunkScheduler(comm, plan).run_round(root_piece, work, tick).
void distribute_chunks(MPI_Comm comm, const ChunkPlan& plan, std::uint64_t root_piece,
                       const std::function<void(const WorkPiece&)>& work,
                       const std::function<void(std::uint64_t)>& tick);

}  // namespace chipdse::parallel

// Dynamic chunk distribution (see chunk_scheduler.hpp).
#include "chipdse/parallel/chunk_scheduler.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "chipdse/core/error.hpp"

namespace chipdse::parallel {

namespace {

constexpr int kTagRequest = 1;  // worker -> 0: uint64 points finished so far
constexpr int kTagAssign = 2;   // 0 -> worker: uint64 chunk number, or kStop
constexpr std::uint64_t kStop = std::numeric_limits<std::uint64_t>::max();

/// Runs `work` unless an earlier piece failed; keeps the first failure's message.
struct GuardedWork {
  const std::function<void(const WorkPiece&)>& work;
  bool failed = false;
  std::string message;

  void operator()(const WorkPiece& p) {
    if (failed) return;
    try {
      work(p);
    } catch (const std::exception& e) {
      failed = true;
      message = e.what();
    }
  }
};

void run_root(MPI_Comm comm, int ranks, const ChunkPlan& plan, std::uint64_t piece, GuardedWork& work,
              const std::function<void(std::uint64_t)>& tick) {
  const std::uint64_t chunks = plan.chunks();
  std::uint64_t next = 0;
  std::uint64_t own_done = 0;
  std::vector<std::uint64_t> worker_done(static_cast<std::size_t>(ranks), 0);
  int stops = 0;
  const int workers = ranks - 1;
  auto answer = [&](int source, std::uint64_t done) {
    worker_done[static_cast<std::size_t>(source)] = done;
    std::uint64_t reply = kStop;
    if (next < chunks)
      reply = next++;
    else
      ++stops;
    MPI_Send(&reply, 1, MPI_UINT64_T, source, kTagAssign, comm);
  };
  auto serve_pending = [&] {
    for (;;) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, comm, &flag, &st);
      if (!flag) return;
      std::uint64_t done = 0;
      MPI_Recv(&done, 1, MPI_UINT64_T, st.MPI_SOURCE, kTagRequest, comm, MPI_STATUS_IGNORE);
      answer(st.MPI_SOURCE, done);
    }
  };
  auto report = [&] {
    if (!tick) return;
    std::uint64_t done = own_done;
    for (std::uint64_t d : worker_done) done += d;
    tick(done);
  };

  for (;;) {
    if (workers > 0) serve_pending();  // workers first: they wait, rank 0 does not
    if (next >= chunks) break;
    const std::uint64_t c = next++;
    for (std::uint64_t b = plan.begin(c); b < plan.end(c);) {
      const std::uint64_t e = std::min(plan.end(c), b + piece);
      work(WorkPiece{c, b, e});
      own_done += e - b;
      b = e;
      if (workers > 0 && e < plan.end(c)) serve_pending();
      report();
    }
  }
  while (stops < workers) {
    MPI_Status st;
    std::uint64_t done = 0;
    MPI_Recv(&done, 1, MPI_UINT64_T, MPI_ANY_SOURCE, kTagRequest, comm, &st);
    answer(st.MPI_SOURCE, done);
    report();
  }
}

void run_worker(MPI_Comm comm, const ChunkPlan& plan, GuardedWork& work) {
  std::uint64_t done = 0;
  std::uint64_t current = kStop;
  MPI_Send(&done, 1, MPI_UINT64_T, 0, kTagRequest, comm);
  MPI_Recv(&current, 1, MPI_UINT64_T, 0, kTagAssign, comm, MPI_STATUS_IGNORE);
  while (current != kStop) {
    // Ask for the next chunk before computing this one, so its number is here when this one is done.
    std::uint64_t next = kStop;
    MPI_Request request;
    MPI_Send(&done, 1, MPI_UINT64_T, 0, kTagRequest, comm);
    MPI_Irecv(&next, 1, MPI_UINT64_T, 0, kTagAssign, comm, &request);
    work(WorkPiece{current, plan.begin(current), plan.end(current)});
    done += plan.end(current) - plan.begin(current);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    current = next;
  }
}

}  // namespace

void distribute_chunks(MPI_Comm comm, const ChunkPlan& plan, std::uint64_t root_piece,
                       const std::function<void(const WorkPiece&)>& work,
                       const std::function<void(std::uint64_t)>& tick) {
  CHIPDSE_CHECK(plan.chunk_size >= 1, "chunk_size must be >= 1");
  MPI_Comm own;
  MPI_Comm_dup(comm, &own);  // the protocol's tags never meet another message of comm
  int rank = 0, ranks = 1;
  MPI_Comm_rank(own, &rank);
  MPI_Comm_size(own, &ranks);
  GuardedWork guarded{work, false, std::string{}};
  // Alone, rank 0 has nobody to answer: whole chunks, so no OpenMP region is smaller than it has to be.
  const std::uint64_t piece = ranks == 1 ? plan.chunk_size : std::clamp<std::uint64_t>(root_piece, 1, plan.chunk_size);
  if (rank == 0)
    run_root(own, ranks, plan, piece, guarded, tick);
  else
    run_worker(own, plan, guarded);

  int local = guarded.failed ? 1 : 0, any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_LOR, own);
  MPI_Comm_free(&own);
  if (guarded.failed) throw Error(guarded.message);
  if (any) throw Error("the search failed on another rank");
}

}  // namespace chipdse::parallel

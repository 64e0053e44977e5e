// Dynamic chunk distribution in rounds (see chunk_scheduler.hpp).
#include "chipdse/parallel/chunk_scheduler.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <string>
#include <utility>

#include "chipdse/core/error.hpp"

namespace chipdse::parallel {

namespace {

constexpr int kTagRequest = 1;  // worker -> 0: uint64 {points finished so far, stop flag}
constexpr int kTagAssign = 2;   // 0 -> worker: uint64 chunk number, or kEnd
constexpr std::uint64_t kEnd = std::numeric_limits<std::uint64_t>::max();

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

bool call(const std::function<bool()>& f) { return f && f(); }

}  // namespace

struct ChunkScheduler::Round {
  std::uint64_t piece;
  GuardedWork work;
  const std::function<void(std::uint64_t)>& tick;
  const std::function<bool()>& pause;
  const std::function<bool()>& stop;
  bool stop_seen = false;  // rank 0: a worker reported a stop, or its own flag was set
};

ChunkScheduler::ChunkScheduler(MPI_Comm comm, const ChunkPlan& plan, std::vector<bool> done) : m_plan(plan) {
  CHIPDSE_CHECK(plan.chunk_size >= 1, "chunk_size must be >= 1");
  MPI_Comm_dup(comm, &m_comm);  // the protocol's tags never meet another message of comm
  MPI_Comm_rank(m_comm, &m_rank);
  MPI_Comm_size(m_comm, &m_ranks);
  if (m_rank != 0) return;
  const std::uint64_t chunks = plan.chunks();
  CHIPDSE_CHECK(done.empty() || done.size() == chunks, done.size() << " done flags for " << chunks << " chunks");
  m_handed = done.empty() ? std::vector<bool>(chunks, false) : std::move(done);
  m_pending = static_cast<std::uint64_t>(std::count(m_handed.begin(), m_handed.end(), false));
  while (m_cursor < chunks && m_handed[m_cursor]) ++m_cursor;
  m_worker_done.assign(static_cast<std::size_t>(m_ranks), 0);
}

ChunkScheduler::~ChunkScheduler() {
  if (m_comm != MPI_COMM_NULL) MPI_Comm_free(&m_comm);
}

std::uint64_t ChunkScheduler::take_next() {
  if (m_cursor >= m_handed.size()) return kEnd;
  const std::uint64_t c = m_cursor;
  m_handed[c] = true;
  --m_pending;
  while (m_cursor < m_handed.size() && m_handed[m_cursor]) ++m_cursor;
  return c;
}

void ChunkScheduler::root_round(Round& r) {
  const int workers = m_ranks - 1;
  int ends = 0;
  bool ending = false;
  auto check_end = [&] {
    if (ending) return;
    if (call(r.stop)) r.stop_seen = true;
    ending = r.stop_seen || call(r.pause);
  };
  auto answer = [&](int source, const std::uint64_t (&msg)[2]) {
    m_worker_done[static_cast<std::size_t>(source)] = msg[0];
    if (msg[1] != 0) {
      r.stop_seen = true;
      ending = true;
    }
    const std::uint64_t reply = ending ? kEnd : take_next();
    if (reply == kEnd) ++ends;
    MPI_Send(&reply, 1, MPI_UINT64_T, source, kTagAssign, m_comm);
  };
  auto serve_pending = [&] {
    for (;;) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, m_comm, &flag, &st);
      if (!flag) return;
      std::uint64_t msg[2] = {0, 0};
      MPI_Recv(msg, 2, MPI_UINT64_T, st.MPI_SOURCE, kTagRequest, m_comm, MPI_STATUS_IGNORE);
      answer(st.MPI_SOURCE, msg);
    }
  };
  auto report = [&] {
    if (!r.tick) return;
    std::uint64_t done = m_own_done;
    for (std::uint64_t d : m_worker_done) done += d;
    r.tick(done);
  };

  for (;;) {
    check_end();
    if (workers > 0) serve_pending();  // workers first: they wait, rank 0 does not
    const std::uint64_t c = ending ? kEnd : take_next();
    if (c == kEnd) break;
    // Rank 0 always finishes a chunk it started: its evaluator cannot take a partial chunk back.
    for (std::uint64_t b = m_plan.begin(c); b < m_plan.end(c);) {
      const std::uint64_t e = std::min(m_plan.end(c), b + r.piece);
      r.work(WorkPiece{c, b, e});
      m_own_done += e - b;
      b = e;
      check_end();
      if (workers > 0 && e < m_plan.end(c)) serve_pending();
      report();
    }
  }
  while (ends < workers) {
    MPI_Status st;
    std::uint64_t msg[2] = {0, 0};
    MPI_Recv(msg, 2, MPI_UINT64_T, MPI_ANY_SOURCE, kTagRequest, m_comm, &st);
    check_end();
    answer(st.MPI_SOURCE, msg);
    report();
  }
}

void ChunkScheduler::worker_round(Round& r) {
  auto request = [&] {
    const std::uint64_t msg[2] = {m_own_done, call(r.stop) ? 1u : 0u};
    MPI_Send(msg, 2, MPI_UINT64_T, 0, kTagRequest, m_comm);
  };
  std::uint64_t current = kEnd;
  request();
  MPI_Recv(&current, 1, MPI_UINT64_T, 0, kTagAssign, m_comm, MPI_STATUS_IGNORE);
  while (current != kEnd) {
    // Ask for the next chunk before computing this one, so its number is here when this one is done.
    std::uint64_t next = kEnd;
    MPI_Request pending;
    request();
    MPI_Irecv(&next, 1, MPI_UINT64_T, 0, kTagAssign, m_comm, &pending);
    r.work(WorkPiece{current, m_plan.begin(current), m_plan.end(current)});
    m_own_done += m_plan.end(current) - m_plan.begin(current);
    MPI_Wait(&pending, MPI_STATUS_IGNORE);
    current = next;
  }
}

ChunkScheduler::RoundEnd ChunkScheduler::run_round(std::uint64_t root_piece,
                                                   const std::function<void(const WorkPiece&)>& work,
                                                   const std::function<void(std::uint64_t)>& tick,
                                                   const std::function<bool()>& pause,
                                                   const std::function<bool()>& stop) {
  // Alone, rank 0 has nobody to answer: whole chunks, so no OpenMP region is smaller than it has to be.
  const std::uint64_t piece =
      m_ranks == 1 ? m_plan.chunk_size : std::clamp<std::uint64_t>(root_piece, 1, m_plan.chunk_size);
  Round r{piece, GuardedWork{work, false, std::string{}}, tick, pause, stop};
  if (m_rank == 0)
    root_round(r);
  else
    worker_round(r);

  // The ranks agree: did anyone fail, did anyone see a stop (a late signal counts too), is anything pending?
  int local[3] = {r.work.failed ? 1 : 0, (r.stop_seen || call(stop)) ? 1 : 0, (m_rank == 0 && m_pending == 0) ? 1 : 0};
  int all[3] = {0, 0, 0};
  MPI_Allreduce(local, all, 3, MPI_INT, MPI_MAX, m_comm);
  if (r.work.failed) throw Error(r.work.message);
  if (all[0]) throw Error("the search failed on another rank");
  return RoundEnd{all[2] != 0, all[1] != 0};
}

void distribute_chunks(MPI_Comm comm, const ChunkPlan& plan, std::uint64_t root_piece,
                       const std::function<void(const WorkPiece&)>& work,
                       const std::function<void(std::uint64_t)>& tick) {
  ChunkScheduler scheduler(comm, plan);
  const ChunkScheduler::RoundEnd end = scheduler.run_round(root_piece, work, tick);
  CHIPDSE_CHECK(end.complete, "a round without pause or stop ended with chunks pending");
}

}  // namespace chipdse::parallel

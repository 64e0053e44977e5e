// The exhaustive search over MPI ranks x OpenMP threads (see exhaustive_search.hpp).
#include "chipdse/parallel/exhaustive_search.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/checkpoint_gather.hpp"
#include "chipdse/parallel/chunk_scheduler.hpp"
#include "chipdse/parallel/progress.hpp"
#include "chipdse/parallel/result_merge.hpp"

namespace chipdse::parallel {

namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }

/// Rank 0: the checkpoint's chunks as done flags, after checking that they fit the plan.
std::vector<bool> done_flags(const search::CompletedChunks* base, const ChunkPlan& plan, bool keep) {
  std::vector<bool> done;
  if (base == nullptr) return done;
  done.assign(plan.chunks(), false);
  std::uint64_t feasible = 0;
  for (const search::ChunkCounts& c : base->chunks) {
    CHIPDSE_CHECK(c.chunk < plan.chunks() && !done[c.chunk], "checkpoint chunk " << c.chunk << " does not fit the plan");
    CHIPDSE_CHECK(c.counts.evaluated == plan.end(c.chunk) - plan.begin(c.chunk),
                  "checkpoint chunk " << c.chunk << " has " << c.counts.evaluated << " points evaluated");
    done[c.chunk] = true;
    feasible += c.counts.feasible;
  }
  CHIPDSE_CHECK(!keep || base->feasible.size() == feasible,
                "checkpoint holds " << base->feasible.size() << " feasible indices for " << feasible << " feasible points");
  return done;
}

/// Rank 0 at the end: its own chunk list and stored indices merged with the checkpoint's, in chunk order (the
/// two sets of chunks are disjoint), as redistribute_rows() wants them.
void merge_resumed_rows(const search::CompletedChunks& base, std::vector<ChunkCount>& counts,
                        std::vector<std::uint64_t>& stored) {
  std::vector<ChunkCount> all;
  all.reserve(counts.size() + base.chunks.size());
  for (const search::ChunkCounts& c : base.chunks) all.push_back({c.chunk, c.counts.feasible});
  all.insert(all.end(), counts.begin(), counts.end());
  std::inplace_merge(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(base.chunks.size()), all.end(),
                     [](const ChunkCount& a, const ChunkCount& b) { return a.chunk < b.chunk; });
  counts = std::move(all);
  stored.insert(stored.end(), base.feasible.begin(), base.feasible.end());
  std::sort(stored.begin(), stored.end());  // chunks are index ranges: index order is chunk order
}

}  // namespace

SearchResult exhaustive_search(MPI_Comm comm, search::ChunkEvaluator& evaluator, std::uint64_t designs,
                               const SearchSettings& settings, std::ostream& out) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  CHIPDSE_CHECK(evaluator.total_counts().evaluated == 0, "the evaluator has evaluated points already");
  const ChunkPlan plan{designs, std::max<std::uint64_t>(settings.chunk_size, 1)};
  const CheckpointSettings& ck = settings.checkpoint;
  const bool keep = settings.store == search::StoreMode::feasible;
  const search::CompletedChunks* base = rank == 0 ? ck.resume : nullptr;
  SearchResult r;
  r.chunks = plan.chunks();

  // 1. Every chunk not in the checkpoint, evaluated once somewhere, in rounds between checkpoints.
  auto t = clock::now();
  // Rank 0 checks the checkpoint against the plan before any rank enters the protocol, and says how it went.
  std::vector<bool> resumed_flags;
  std::string bad_resume;
  try {
    resumed_flags = done_flags(base, plan, keep);
  } catch (const Error& e) {
    bad_resume = e.what();
  }
  // {chunks resumed, points resumed, checkpoint unusable, rank 0 writes checkpoints}
  std::uint64_t resumed[4] = {base ? base->chunks.size() : 0, base ? base->total().evaluated : 0,
                              bad_resume.empty() ? 0u : 1u, rank == 0 && ck.write ? 1u : 0u};
  MPI_Bcast(resumed, 4, MPI_UINT64_T, 0, comm);
  if (resumed[2] != 0) throw Error(rank == 0 ? bad_resume : std::string("the checkpoint does not fit (rank 0 says why)"));
  r.chunks_resumed = resumed[0];
  const bool uses_checkpoints = resumed[3] != 0;
  ChunkScheduler scheduler(comm, plan, std::move(resumed_flags));

  std::vector<search::ChunkCounts> chunk_records;  // this run's chunks on this rank, ascending
  std::vector<std::uint64_t> stored;               // store = feasible: their feasible indices
  std::size_t reported_records = 0, reported_stored = 0;  // what the last snapshot took
  auto work = [&](const WorkPiece& p) {
    const search::EvaluationCounts c = evaluator.evaluate(p.begin, p.end, keep ? &stored : nullptr);
    if (chunk_records.empty() || chunk_records.back().chunk != p.chunk) chunk_records.push_back({p.chunk, {}});
    chunk_records.back().counts += c;
    if (settings.test_chunk_delay_s > 0.0)
      std::this_thread::sleep_for(std::chrono::duration<double>(
          settings.test_chunk_delay_s * static_cast<double>(p.end - p.begin) / static_cast<double>(plan.chunk_size)));
  };
  Progress progress(designs, settings.progress && rank == 0, settings.progress_interval_s, out);
  auto tick = [&](std::uint64_t done) { progress.tick(resumed[1] + done, [&] { return evaluator.front().size(); }); };
  // Rank 0's pieces: an eighth of a chunk, but big enough that each OpenMP region has work for every thread.
  const std::uint64_t root_piece =
      std::max<std::uint64_t>(plan.chunk_size / 8, 64 * static_cast<std::uint64_t>(evaluator.threads()));

  // Rank 0's record of the completed chunks, from which each checkpoint is written.
  search::CompletedChunks ledger;
  if (rank == 0) {
    if (base) ledger = *base;
    else ledger.archive = search::ParetoArchive(evaluator.objective_count());
  }
  auto last_checkpoint = clock::now();
  std::uint64_t pending_at_checkpoint = scheduler.pending();
  std::function<bool()> pause, stop;  // without checkpoints, rounds never end early
  if (uses_checkpoints) {
    pause = [&] {
      return (ck.interval_s > 0.0 && seconds_since(last_checkpoint) >= ck.interval_s) ||
             (ck.interval_chunks > 0 && pending_at_checkpoint - scheduler.pending() >= ck.interval_chunks);
    };
    stop = ck.stop;
  }
  for (;;) {
    const ChunkScheduler::RoundEnd end = scheduler.run_round(root_piece, work, tick, pause, stop);
    if (end.complete && !end.stop) break;
    CHIPDSE_CHECK(uses_checkpoints, "a round ended early without checkpoints");

    // A common chunk boundary: the snapshot, and one checkpoint of every completed chunk.
    const auto tc = clock::now();
    const std::span<const search::ChunkCounts> new_records(chunk_records.data() + reported_records,
                                                           chunk_records.size() - reported_records);
    const std::span<const std::uint64_t> new_stored(stored.data() + reported_stored, stored.size() - reported_stored);
    // status (rank 0's, then everyone's): 0 written, 1 not written (a periodic one: go on), 2 the ledger is broken.
    int status = 0;
    std::string broken;
    try {
      gather_completed(comm, new_records, new_stored, evaluator.front(), rank == 0 ? &ledger : nullptr);
    } catch (const std::exception& e) {  // rank 0's bookkeeping after the collectives: never leave the others waiting
      status = 2;
      broken = e.what();
    }
    reported_records = chunk_records.size();
    reported_stored = stored.size();
    if (rank == 0 && status == 0) {
      const CheckpointEvent event{r.checkpoints + 1, ledger.chunks.size(), plan.chunks(), end.stop, seconds_since(tc)};
      try {
        status = ck.write(ledger, event) ? 0 : 1;
      } catch (const std::exception& e) {
        out << "chipdse run: checkpoint failed: " << e.what() << '\n' << std::flush;
        status = 1;
      }
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, comm);
    if (status == 2) throw Error(rank == 0 ? broken : std::string("the checkpoint snapshot failed on rank 0"));
    const bool ok = status == 0;
    r.checkpoints += ok ? 1 : 0;
    r.checkpoint_s += seconds_since(tc);
    last_checkpoint = clock::now();
    pending_at_checkpoint = scheduler.pending();
    if (end.stop) {
      r.stopped = true;
      r.checkpoint_failed = !ok;
      std::uint64_t mine = chunk_records.size();
      MPI_Allreduce(&mine, &r.chunks_evaluated, 1, MPI_UINT64_T, MPI_SUM, comm);
      r.search_s = seconds_since(t);
      return r;
    }
  }
  r.search_s = seconds_since(t);

  // 2. Exact totals and the front, on every rank; rank 0 adds the checkpoint's chunks once.
  t = clock::now();
  std::uint64_t mine = chunk_records.size();
  MPI_Allreduce(&mine, &r.chunks_evaluated, 1, MPI_UINT64_T, MPI_SUM, comm);
  search::EvaluationCounts local = evaluator.total_counts();
  search::ParetoArchive archive = evaluator.front();
  if (base) {
    local += base->total();
    archive.merge(base->archive);
  }
  r.counts = sum_counts(comm, local);
  CHIPDSE_CHECK(r.counts.evaluated == designs,
                "evaluated " << r.counts.evaluated << " points of a space of " << designs);
  CHIPDSE_CHECK(r.chunks_evaluated + r.chunks_resumed == r.chunks,
                r.chunks_evaluated << " chunks evaluated and " << r.chunks_resumed << " resumed of " << r.chunks);
  const search::ParetoArchive front = merge_archives_to_root(comm, archive);
  std::vector<std::uint64_t> front_indices;
  if (rank == 0) {
    const auto idx = front.indices();
    front_indices.assign(idx.begin(), idx.end());
  }
  r.front = broadcast_indices(comm, front_indices);
  r.merge_s = seconds_since(t);
  progress.finish(r.counts.evaluated, r.front.size());

  // 3. Each rank's contiguous share of the rows, in index order.
  t = clock::now();
  r.pareto = search::block_of_list(r.front, ranks, rank);
  switch (settings.store) {
    case search::StoreMode::front: r.points = r.pareto; break;
    case search::StoreMode::feasible: {
      std::vector<ChunkCount> counts;
      for (const search::ChunkCounts& c : chunk_records) counts.push_back({c.chunk, c.counts.feasible});
      if (base) merge_resumed_rows(*base, counts, stored);
      r.points = redistribute_rows(comm, counts, stored, plan.chunks());
      break;
    }
    case search::StoreMode::sample:
    case search::StoreMode::all:
      r.points = search::block_of_arithmetic(settings.store, designs, settings.sample_points, ranks, rank);
      break;
  }
  r.distribute_s = seconds_since(t);
  return r;
}

}  // namespace chipdse::parallel

// The exhaustive search over MPI ranks x OpenMP threads (see exhaustive_search.hpp).
#include "chipdse/parallel/exhaustive_search.hpp"

#include <algorithm>
#include <chrono>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/chunk_scheduler.hpp"
#include "chipdse/parallel/progress.hpp"
#include "chipdse/parallel/result_merge.hpp"

namespace chipdse::parallel {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

SearchResult exhaustive_search(MPI_Comm comm, search::ChunkEvaluator& evaluator, std::uint64_t designs,
                               const SearchSettings& settings, std::ostream& out) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  CHIPDSE_CHECK(evaluator.total_counts().evaluated == 0, "the evaluator has evaluated points already");
  const ChunkPlan plan{designs, std::max<std::uint64_t>(settings.chunk_size, 1)};
  SearchResult r;
  r.chunks = plan.chunks();

  // 1. Every chunk, evaluated once somewhere. Store = feasible keeps the feasible indices, chunk by chunk.
  auto t = std::chrono::steady_clock::now();
  const bool keep = settings.store == search::StoreMode::feasible;
  std::vector<ChunkCount> chunk_counts;
  std::vector<std::uint64_t> stored;
  auto work = [&](const WorkPiece& p) {
    const std::size_t before = stored.size();
    evaluator.evaluate(p.begin, p.end, keep ? &stored : nullptr);
    if (!keep) return;
    if (chunk_counts.empty() || chunk_counts.back().chunk != p.chunk) chunk_counts.push_back({p.chunk, 0});
    chunk_counts.back().count += stored.size() - before;
  };
  Progress progress(designs, settings.progress && rank == 0, settings.progress_interval_s, out);
  auto tick = [&](std::uint64_t done) { progress.tick(done, [&] { return evaluator.front().size(); }); };
  // Rank 0's pieces: an eighth of a chunk, but big enough that each OpenMP region has work for every thread.
  const std::uint64_t root_piece =
      std::max<std::uint64_t>(plan.chunk_size / 8, 64 * static_cast<std::uint64_t>(evaluator.threads()));
  distribute_chunks(comm, plan, root_piece, work, tick);
  r.search_s = seconds_since(t);

  // 2. Exact totals and the front, on every rank.
  t = std::chrono::steady_clock::now();
  r.counts = sum_counts(comm, evaluator.total_counts());
  CHIPDSE_CHECK(r.counts.evaluated == designs,
                "evaluated " << r.counts.evaluated << " points of a space of " << designs);
  const search::ParetoArchive front = merge_archives_to_root(comm, evaluator.front());
  std::vector<std::uint64_t> front_indices;
  if (rank == 0) {
    const auto idx = front.indices();
    front_indices.assign(idx.begin(), idx.end());
  }
  r.front = broadcast_indices(comm, front_indices);
  r.merge_s = seconds_since(t);
  progress.finish(r.counts.evaluated, r.front.size());

  // 3. Each rank's contiguous share of the rows, in index order.
  t = std::chrono::steady_clock::now();
  r.pareto = search::block_of_list(r.front, ranks, rank);
  switch (settings.store) {
    case search::StoreMode::front: r.points = r.pareto; break;
    case search::StoreMode::feasible: r.points = redistribute_rows(comm, chunk_counts, stored, plan.chunks()); break;
    case search::StoreMode::sample:
    case search::StoreMode::all:
      r.points = search::block_of_arithmetic(settings.store, designs, settings.sample_points, ranks, rank);
      break;
  }
  r.distribute_s = seconds_since(t);
  return r;
}

}  // namespace chipdse::parallel

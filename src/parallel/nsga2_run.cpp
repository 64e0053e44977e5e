// NSGA-II over MPI ranks x OpenMP threads (see nsga2_run.hpp).
#include "chipdse/parallel/nsga2_run.hpp"

#include <chrono>
#include <exception>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/progress.hpp"
#include "chipdse/search/batch_evaluation.hpp"

namespace chipdse::parallel {

namespace {

using clock = std::chrono::steady_clock;
double since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }

/// Each rank evaluates its contiguous block of the batch; the blocks are gathered to every rank in rank order, so
/// every rank ends with the values of the whole batch, whatever the rank count. A failure anywhere fails everywhere
/// (agreed before the gather, so that no rank waits in it alone).
search::BatchEvaluate batch_over_ranks(MPI_Comm comm, const search::ChoiceDecoder& decoder,
                                       const model::KernelParams& params, const std::vector<std::size_t>& objective_ids,
                                       int threads) {
  return [comm, &decoder, &params, &objective_ids, threads](const std::vector<std::uint64_t>& indices,
                                                            double* objectives, std::uint32_t* infeasible) {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const std::uint64_t n = indices.size();
    const int k = static_cast<int>(objective_ids.size());
    const std::uint64_t first = search::block_begin(n, size, rank), last = search::block_begin(n, size, rank + 1);
    std::string message;
    int failed = 0;
    try {
      search::evaluate_batch(decoder, params, objective_ids,
                             std::span<const std::uint64_t>(indices.data() + first, last - first),
                             objectives + first * k, infeasible + first, threads);
    } catch (const std::exception& e) {
      failed = 1;
      message = e.what();
    }
    int any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm);
    if (any) throw Error(failed ? message : std::string("the evaluation failed on another rank"));
    std::vector<int> counts(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
    for (int r = 0; r < size; ++r) {
      displs[r] = static_cast<int>(search::block_begin(n, size, r) * k);
      counts[r] = static_cast<int>(search::block_begin(n, size, r + 1) * k) - displs[r];
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, objectives, counts.data(), displs.data(), MPI_DOUBLE, comm);
    for (int r = 0; r < size; ++r) {
      displs[r] /= k;
      counts[r] /= k;
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, infeasible, counts.data(), displs.data(), MPI_UINT32_T, comm);
  };
}

}  // namespace

Nsga2RunResult nsga2_search(MPI_Comm comm, const search::ChoiceDecoder& decoder, const model::KernelParams& params,
                            const std::vector<std::size_t>& objective_ids, int threads,
                            const Nsga2RunSettings& settings, std::ostream& out) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const bool root = rank == 0;
  const auto start = clock::now();
  search::Nsga2Search nsga2(decoder.space(), static_cast<int>(objective_ids.size()), settings.nsga2,
                            batch_over_ranks(comm, decoder, params, objective_ids, threads));
  Nsga2RunResult r;
  if (settings.resume) {
    nsga2.resume(*settings.resume);
    r.generations_resumed = settings.resume->generation;
  } else {
    nsga2.start();
  }
  const std::uint32_t generations = settings.nsga2.generations;
  auto record = [&] {
    r.front_size_by_generation.push_back(nsga2.front_size());
    r.distinct_by_generation.push_back(nsga2.distinct());
  };
  record();
  // Whether rank 0 can write checkpoints decides, on every rank alike, whether the ranks take one together.
  int writer = root && settings.write ? 1 : 0;
  MPI_Bcast(&writer, 1, MPI_INT, 0, comm);
  auto last_line = clock::now(), last_checkpoint = clock::now();
  std::uint32_t last_checkpoint_generation = nsga2.generation();
  while (true) {
    const bool finished = nsga2.done();
    // The ranks agree at every generation boundary: a stop requested anywhere, and (rank 0's clock) a checkpoint due.
    int flags = (settings.stop && settings.stop()) ? 1 : 0;
    if (root && writer &&
        ((settings.checkpoint_interval_s > 0.0 && since(last_checkpoint) >= settings.checkpoint_interval_s) ||
         (settings.checkpoint_interval_generations > 0 &&
          nsga2.generation() - last_checkpoint_generation >= settings.checkpoint_interval_generations)))
      flags |= 2;
    int agreed = 0;
    MPI_Allreduce(&flags, &agreed, 1, MPI_INT, MPI_BOR, comm);
    const bool stopping = (agreed & 1) != 0 && !finished;
    if (((agreed & 2) != 0 && !finished) || (stopping && writer)) {
      const auto tc = clock::now();
      int ok = 1;
      if (root) {
        ++r.checkpoints;
        ok = settings.write(nsga2.state(), Nsga2CheckpointEvent{r.checkpoints, nsga2.generation(), generations, stopping})
                 ? 1
                 : 0;
      }
      MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
      MPI_Bcast(&r.checkpoints, 1, MPI_UINT64_T, 0, comm);
      r.checkpoint_failed = ok == 0;
      last_checkpoint = clock::now();
      last_checkpoint_generation = nsga2.generation();
      r.checkpoint_s += since(tc);
    }
    if (stopping) {
      r.stopped = true;
      if (!writer) r.checkpoint_failed = true;
      break;
    }
    if (finished) break;
    if (settings.test_generation_delay_s > 0.0)
      std::this_thread::sleep_for(std::chrono::duration<double>(settings.test_generation_delay_s));
    nsga2.step();
    record();
    if (root && settings.progress && since(last_line) >= settings.progress_interval_s) {
      last_line = clock::now();
      const double elapsed = since(start);
      const std::uint64_t done = std::uint64_t{settings.nsga2.population} * (nsga2.generation() + 1);
      out << fmt::format("chipdse run: generation {} / {}, {} evaluations ({:.3g} /s), {} distinct designs, front {}\n",
                         nsga2.generation(), generations, Progress::grouped(done),
                         elapsed > 0 ? static_cast<double>(std::uint64_t{settings.nsga2.population} *
                                                           (nsga2.generation() - r.generations_resumed)) / elapsed
                                     : 0.0,
                         Progress::grouped(nsga2.distinct()),
                         Progress::grouped(r.front_size_by_generation.back()))
          << std::flush;
    }
  }
  const search::Nsga2State& s = nsga2.state();
  r.counts = s.counts;
  r.evaluations = s.evaluations;
  r.generations = nsga2.generation();
  r.mutation_probability = nsga2.mutation_probability();
  r.search_s = since(start);
  if (r.stopped) return r;
  r.front.assign(s.archive.indices().begin(), s.archive.indices().end());
  r.pareto = search::block_of_list(r.front, size, rank);
  switch (settings.store) {
    case search::StoreMode::front: r.points = r.pareto; break;
    case search::StoreMode::feasible: r.points = search::block_of_list(s.feasible, size, rank); break;
    case search::StoreMode::sample:
      r.points = search::block_of_arithmetic(settings.store, decoder.space().size(), settings.sample_points, size, rank);
      break;
    case search::StoreMode::all: r.points = search::block_of_list(s.seen, size, rank); break;
  }
  if (root && settings.progress)
    out << fmt::format("chipdse run: {} generations, {} evaluations ({} distinct designs) in {:.2f} s; front: {} designs\n",
                       r.generations, Progress::grouped(r.evaluations), Progress::grouped(s.seen.size()), r.search_s,
                       Progress::grouped(r.front.size()))
        << std::flush;
  return r;
}

}  // namespace chipdse::parallel

// `chipdse run`'s exhaustive step and its verification rounds (see run_exhaustive.hpp).
#include "run_exhaustive.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/io/verification_state.hpp"
#include "chipdse/parallel/stop_signal.hpp"
#include "chipdse/parallel/verification_rounds.hpp"
#include "chipdse/search/chunk_evaluator.hpp"
#include "checkpoint_report.hpp"
#include "evaluate_thermal.hpp"

namespace chipdse::app {

namespace {

// One enumeration of the space on the packages `solved` holds, checkpointed as round `round` (rank 0 writes).
parallel::SearchResult enumerate(const ExhaustiveRun& run, const model::SolvedGeometries& solved,
                                 const io::RunStats::Verification& verification, std::size_t round, bool resume_it,
                                 std::uint64_t checkpoints_before) {
  search::ChunkEvaluator evaluator(run.decoder, run.params, search::objective_indices(run.deck.objectives),
                                   run.env.threads());
  evaluator.set_solved(&solved);
  parallel::SearchSettings settings;
  settings.chunk_size = static_cast<std::uint64_t>(run.deck.search.chunk_size);
  settings.store = run.store;
  settings.sample_points = static_cast<std::uint64_t>(run.deck.output.sample_points);
  settings.progress = !run.quiet;
  settings.test_chunk_delay_s = run.test_chunk_delay_s;
  parallel::CheckpointSettings& ck = settings.checkpoint;
  ck.interval_s = run.deck.search.checkpoint_interval_s;
  ck.interval_chunks = static_cast<std::uint64_t>(run.deck.values.integer("search.checkpoint_interval_chunks"));
  ck.stop = [] { return parallel::stop_requested(); };
  ck.resume = resume_it && run.resume != nullptr ? &run.resume->done : nullptr;
  std::optional<io::VerificationState> state;
  if (run.header.verification && run.env.is_root())
    state = io::VerificationState{static_cast<std::uint32_t>(round), solved, verification};
  if (run.env.is_root())
    ck.write = [&](const search::CompletedChunks& done, const parallel::CheckpointEvent& ev) {
      const std::string of_round = run.header.verification ? fmt::format("round {}: ", round) : std::string();
      return write_and_report_checkpoint(run.out, io::Checkpoint{run.header, done, std::nullopt, state},
                                         checkpoints_before + ev.number,
                                         fmt::format("{}{} of {} chunks complete", of_round, ev.completed, ev.chunks),
                                         fmt::format(", gathered in {:.3f} s", ev.gather_s), !run.quiet || ev.stopping);
    };
  return parallel::exhaustive_search(run.env.comm(), evaluator, run.plan.designs, settings, std::cout);
}

}  // namespace

parallel::SearchResult run_exhaustive(const ExhaustiveRun& run, model::SolvedGeometries& solved,
                                      io::RunStats::Verification& verification, std::string& stopped_at) {
  const deck::Deck& deck = run.deck;
  const bool talk = !run.quiet && run.env.is_root();  // rank 0 prints the rounds
  verification.mode = deck.values.text("search.thermal_verification");
  verification.cells_xy = static_cast<std::uint64_t>(deck.values.integer("search.thermal_verification_cells"));
  const auto max_rounds = static_cast<std::size_t>(deck.values.integer("search.thermal_verification_max_rounds"));
  std::size_t first_round = 1;
  if (run.header.verification) {
    // Rank 0 read the checkpoint: every rank takes its round and packages.
    std::string bytes;
    if (run.env.is_root() && run.resume != nullptr) bytes = io::verification_state_bytes(run.resume->verification.value());
    bytes = run.env.broadcast(std::move(bytes));
    if (!bytes.empty()) {
      io::VerificationState state = io::verification_state_from_bytes(bytes);
      first_round = state.round;
      solved = std::move(state.solved);
      verification = std::move(state.stats);
    }
  }
  parallel::SearchResult result;
  std::uint64_t checkpoints = 0;
  double search_s = 0.0, checkpoint_s = 0.0;
  for (std::size_t round = first_round;; ++round) {
    result = enumerate(run, solved, verification, round, round == first_round, checkpoints);
    checkpoints += result.checkpoints;
    search_s += result.search_s;  // over the rounds; the chunk counters are the last round's
    checkpoint_s += result.checkpoint_s;
    result.checkpoints = checkpoints;
    result.search_s = search_s;
    result.checkpoint_s = checkpoint_s;
    if (!run.header.verification) return result;
    if (result.stopped) {
      stopped_at = fmt::format("verification round {}: {} of {} chunks complete", round,
                               result.chunks_resumed + result.chunks_evaluated, result.chunks);
      return result;
    }
    const std::vector<parallel::UnsolvedGeometry> unsolved =
        parallel::unsolved_geometries(result.front, run.decoder, run.params, solved, run.env.threads());
    verification.front_size_by_round.push_back(result.front.size());
    verification.unsolved_by_round.push_back(unsolved.size());
    if (talk)
      std::cout << "chipdse run: verification round " << round << ": front " << result.front.size() << " designs, "
                << unsolved.size() << " of their packages without a thermal solve"
                << (unsolved.empty() ? " (done: the front is verified)" : "") << '\n'
                << std::flush;
    if (unsolved.empty()) return result;
    if (round >= max_rounds)
      throw Error("verification: after " + std::to_string(round) + " rounds (search.thermal_verification_max_rounds) " +
                  "the front still holds " + std::to_string(unsolved.size()) + " packages without a thermal solve; raise " +
                  "search.thermal_verification_max_rounds");
    const parallel::SolveReport r =
        parallel::solve_geometries(run.env.comm(), unsolved, run.decoder, run.params, deck_package_stack(deck),
                                   static_cast<int>(verification.cells_xy), solved);
    verification.geometries_solved += r.solved;
    verification.thermal_solves += r.sources;
    verification.solve_iterations += r.iterations;
    verification.solve_s += r.wall_s;
    if (talk)
      std::cout << "chipdse run: verification round " << round << ": solved " << r.solved << " packages (" << r.sources
                << " PETSc solves at " << verification.cells_xy << " cells a side) in " << fmt::format("{:.2f}", r.wall_s)
                << " s\n"
                << std::flush;
    // The solves are kept at once: a checkpoint at the start of the next round, none of its chunks done.
    const bool stop = run.env.any(parallel::stop_requested());
    bool written = true;
    ++checkpoints;
    result.checkpoints = checkpoints;
    if (run.env.is_root()) {
      search::CompletedChunks none;
      none.archive = search::ParetoArchive(static_cast<int>(deck.objectives.size()));
      none.archive.finalize();
      written = write_and_report_checkpoint(
          run.out,
          io::Checkpoint{run.header, none, std::nullopt,
                         io::VerificationState{static_cast<std::uint32_t>(round + 1), solved, verification}},
          checkpoints, fmt::format("round {}: its packages solved", round), "", !run.quiet || stop);
    }
    if (stop) {
      result.stopped = true;
      result.checkpoint_failed = run.env.any(!written);
      stopped_at = fmt::format("verification round {} solved, round {} to enumerate", round, round + 1);
      return result;
    }
  }
}

}  // namespace chipdse::app

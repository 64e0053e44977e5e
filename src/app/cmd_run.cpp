// chipdse run: the exhaustive search of a deck's design space over MPI ranks x OpenMP threads, written to one HDF5
// file (DESIGN.md §4-§5). Every rank loads the deck; rank 0 writes the small groups, every rank writes its rows of
// the result tables collectively. Checkpoints (rank 0, "<out>.ckpt") let a stopped or killed run continue with
// --resume (DESIGN.md §4). A space too large to enumerate (search.method = "nsga2", or "auto" above
// search.max_exhaustive_points) is searched by NSGA-II instead (run_nsga2.hpp), into the same file layout.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/sweep.hpp"
#include "chipdse/io/checkpoint_file.hpp"
#include "chipdse/io/h5_writer.hpp"
#include "chipdse/io/result_tables.hpp"
#include "chipdse/io/run_file.hpp"
#include "chipdse/io/run_identity.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/parallel/progress.hpp"
#include "chipdse/parallel/stop_signal.hpp"
#include "chipdse/search/batch_evaluation.hpp"
#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/hypervolume.hpp"
#include "chipdse/search/result_rows.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "checkpoint_report.hpp"
#include "commands.hpp"
#include "run_exhaustive.hpp"
#include "run_nsga2.hpp"

namespace chipdse::app {

namespace {
// One message = one write: stdout and stderr often share a pipe (mpiexec, Slurm, ctest), and an unbuffered stream
// written piece by piece interleaves with the other stream's lines.
void say(std::ostream& os, const std::string& line) {
  const std::string text = line + '\n';
  os.write(text.data(), static_cast<std::streamsize>(text.size()));
  os.flush();
}
}  // namespace

namespace {

using clock = std::chrono::steady_clock;

double since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }

/// Runs one step of the run on every rank and makes the ranks agree on its outcome (a collective): when it failed
/// anywhere, rank 0 removes the temporary file and rethrows its own error (or reports that another rank failed),
/// the other ranks print theirs and return the exit code to use. Steps must fail alike on every rank or not
/// block in a collective after failing locally.
class Steps {
 public:
  Steps(const parallel::Environment& env, std::filesystem::path out) : m_env(env), m_out(std::move(out)) {}

  /// @returns true when the step succeeded everywhere; false on a non-root rank after a failure (return code()).
  template <typename F>
  bool run(F&& step) {
    std::exception_ptr error;
    std::string message;
    try {
      step();
    } catch (const Error& e) {
      error = std::current_exception();
      m_code = e.exit_code();
      message = e.what();
    } catch (const std::exception& e) {
      error = std::current_exception();
      message = std::string("internal error: ") + e.what();
    }
    // Every rank leaves with the same code: the worst of them (bad input 2 over other errors 1).
    const int code = m_env.max(error ? static_cast<int>(m_code) : 0);
    if (code == 0) return true;
    m_code = static_cast<ExitCode>(code);
    if (!m_env.is_root()) {
      if (error) say(std::cerr, "chipdse run: rank " + std::to_string(m_env.rank()) + ": error: " + message);
      return false;
    }
    io::discard_result_file(m_out);
    if (error) std::rethrow_exception(error);
    throw Error("the run failed on another rank (its message is above)");
  }

  ExitCode code() const noexcept { return m_code; }

 private:
  const parallel::Environment& m_env;
  std::filesystem::path m_out;
  ExitCode m_code = ExitCode::failure;
};

/// CHIPDSE_TEST_CHUNK_DELAY_MS: the test hook that slows every chunk down (SearchSettings::test_chunk_delay_s).
double test_chunk_delay_s() {
  const char* v = std::getenv("CHIPDSE_TEST_CHUNK_DELAY_MS");
  return v ? std::max(0.0, std::atof(v)) / 1000.0 : 0.0;
}

/// The command that continues a stopped run.
std::string resume_command(const RunOptions& opt, const std::filesystem::path& out) {
  std::string cmd = "chipdse run " + opt.deck + " --resume";
  if (!opt.output.empty()) cmd += " -o " + out.string();
  if (opt.case_index >= 0) cmd += " --case " + std::to_string(opt.case_index);
  return cmd;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

ExitCode run_command(const RunOptions& opt) {
  const auto start = clock::now();
  parallel::Environment env(opt.petsc_options);
  // From here on SIGTERM, SIGUSR1 and SIGINT only ask the search to stop at a chunk boundary after a checkpoint.
  parallel::install_stop_handlers();
  // Every rank reads the deck and builds the space and kernel parameters: they are small, and a bad deck then fails
  // identically everywhere (exit 2 on all ranks, one message from rank 0) instead of leaving ranks in a collective.
  deck::Deck deck;
  std::optional<search::DesignSpace> space;
  std::optional<search::ChoiceDecoder> decoder;  // refers to *space
  search::StudyPlan plan;
  model::KernelParams params;
  search::StoreMode store = search::StoreMode::front;
  try {
    deck = deck::load_deck(opt.deck);
    if (opt.case_index >= 0)
      deck = deck::load_deck(opt.deck, deck::sweep_case(deck, static_cast<std::uint64_t>(opt.case_index)));
    space.emplace(search::design_space_from_deck(deck));
    plan = search::plan_study(deck, *space);
    params = model::kernel_params_from_deck(deck);
    decoder.emplace(*space);
    store = search::store_mode(deck.output.store);
  } catch (const Error& e) {
    if (!env.is_root()) return e.exit_code();
    throw;
  }
  // The deck's [thermal.petsc] goes into PETSc's options database now, below the command line and
  // PETSC_OPTIONS, for every thermal solve of this run.
  thermal::set_petsc_options(deck.thermal_petsc, deck.path + " [thermal.petsc]");
  const std::string stem =
      opt.case_index >= 0 ? deck.study_name + "_case" + std::to_string(opt.case_index) : deck.study_name;
  const std::filesystem::path out = opt.output.empty() ? "results/" + stem + ".h5" : opt.output;
  const search::ColumnLayout layout(*space);
  const bool talk = !opt.quiet && env.is_root();
  const bool nsga2 = plan.method == "nsga2";
  if (talk && nsga2)
    std::cout << "chipdse run: study '" << deck.study_name << "', " << env.size() << " rank(s) x " << env.threads()
              << " thread(s); NSGA-II over " << parallel::Progress::grouped(plan.designs) << " designs: population "
              << deck.search.nsga2_population << " x " << deck.search.nsga2_generations << " generations ("
              << parallel::Progress::grouped(plan.evaluations) << " evaluations), seed " << deck.search.seed
              << "; objectives: " << join(deck.objectives) << "; /points: " << deck.output.store << '\n'
              << std::flush;
  else if (talk)
    std::cout << "chipdse run: study '" << deck.study_name << "', " << env.size() << " rank(s) x " << env.threads()
              << " thread(s); exhaustive search of " << parallel::Progress::grouped(plan.designs) << " designs in "
              << parallel::Progress::grouped(plan.chunks) << " chunks of " << deck.search.chunk_size
              << "; objectives: " << join(deck.objectives) << "; /points: " << deck.output.store << '\n'
              << std::flush;

  Steps steps(env, out);

  // The checkpoint (rank 0): what this run's checkpoints are of, and with --resume the one to continue from.
  io::CheckpointHeader header;
  header.identity = io::run_identity(deck);
  header.designs = plan.designs;
  // NSGA-II has no chunks: its header holds one chunk of every design, and its state follows (checkpoint_file.hpp).
  header.chunk_size = nsga2 ? std::max<std::uint64_t>(plan.designs, 1) : static_cast<std::uint64_t>(deck.search.chunk_size);
  header.nsga2 = nsga2;
  header.objectives = static_cast<int>(deck.objectives.size());
  header.feasible_stored = !nsga2 && store == search::StoreMode::feasible;
  header.verification = !nsga2 && deck.values.text("search.thermal_verification") == "rounds";
  std::optional<io::ResumePoint> resume;
  if (!steps.run([&] {
        if (!env.is_root()) return;
        if (opt.resume) {
          resume = io::load_checkpoint_for_resume(out, header, std::cerr);
          if (!resume)
            say(std::cerr, "chipdse run: --resume: no checkpoint " + io::checkpoint_path(out).string() +
                               " (nor .prev); starting fresh");
          else if (nsga2)
            say(std::cerr, "chipdse run: resuming from " + resume->file.string() + ": generation " +
                               std::to_string(resume->checkpoint.nsga2->generation) + " of " +
                               std::to_string(deck.search.nsga2_generations) + " done");
          else
            say(std::cerr, "chipdse run: resuming from " + resume->file.string() + ": " +
                               (resume->checkpoint.verification
                                    ? "verification round " + std::to_string(resume->checkpoint.verification->round) +
                                          " (" + std::to_string(resume->checkpoint.verification->solved.size()) +
                                          " packages solved), "
                                    : std::string()) +
                               std::to_string(resume->checkpoint.done.chunks.size()) + " of " +
                               std::to_string(plan.chunks) + " chunks complete");
        } else if (std::filesystem::exists(io::checkpoint_path(out)) ||
                   std::filesystem::exists(io::previous_checkpoint_path(out))) {
          io::remove_checkpoints(out);  // a fresh run must never fall back to an older run's checkpoint
          say(std::cerr, "chipdse run: starting fresh (no --resume): removed the old checkpoint " +
                             io::checkpoint_path(out).string());
        }
      }))
    return steps.code();

  io::RunInfo info;
  info.ranks = env.size();
  info.threads = env.threads();
  info.status = nsga2 ? "NSGA-II over " + std::to_string(plan.designs) + " designs (population " +
                            std::to_string(deck.search.nsga2_population) + ", " +
                            std::to_string(deck.search.nsga2_generations) + " generations, seed " +
                            std::to_string(deck.search.seed) + "): /pareto is the Pareto front over " +
                            join(deck.objectives) + " of every feasible design it evaluated (not proven the " +
                            "space's); /points holds output.store = \"" + deck.output.store + "\""
                      : "exhaustive search of " + std::to_string(plan.designs) +
                            " designs: /pareto is the exact Pareto front over " + join(deck.objectives) +
                            "; /points holds output.store = \"" + deck.output.store + "\"";
  if (deck.values.text("search.thermal_verification") == "rounds")
    info.status += "; verified (search.thermal_verification = \"rounds\"): the package of every front design was solved with "
                   "PETSc and every design of a solved package evaluated at its settled junction (tj_solved_c), so the "
                   "front is exact for the solved temperatures (/stats verification_*)";
  std::vector<std::pair<std::string, double>> timings{{"setup", since(start)}};

  // Phase 1 (rank 0): provenance, /deck, /space under the temporary name.
  auto t = clock::now();
  if (!steps.run([&] {
        if (env.is_root()) io::begin_result_file(out, deck, *space, info);
      }))
    return steps.code();
  timings.emplace_back("begin_file", since(t));

  // The search: every design once, the exact front, each rank's share of the rows.
  parallel::SearchResult result;
  io::RunStats::Nsga2 nsga2_stats;
  if (nsga2 && !steps.run([&] {
        result = run_nsga2(env, deck, *decoder, params, store, header, resume ? &resume->checkpoint : nullptr, out,
                           opt.quiet, test_chunk_delay_s(), nsga2_stats);
      }))
    return steps.code();
  // The exhaustive search, with DESIGN.md §3's verification rounds when the deck asks for them.
  model::SolvedGeometries solved;  // the rounds' packages: the rows are recomputed on them
  io::RunStats::Verification verification;
  std::string stopped_at;  // with rounds: where a stop left the run, for its message
  if (!nsga2 && !steps.run([&] {
        ExhaustiveRun run{env, deck, *decoder, params, plan, store, header, resume ? &resume->checkpoint : nullptr,
                          out, opt.quiet, test_chunk_delay_s()};
        result = run_exhaustive(run, solved, verification, stopped_at);
      }))
    return steps.code();
  if (result.stopped) {
    // Every rank is here: the ranks agreed on the stop at a chunk boundary and rank 0 wrote the checkpoint.
    if (env.is_root()) {
      io::discard_result_file(out);
      const std::string why = parallel::stop_requested()
                                  ? std::string(parallel::stop_signal_name())
                                  : std::string("a stop requested on another rank");
      if (result.checkpoint_failed) {
        say(std::cerr, "chipdse run: error: stopped by " + why + ", but the checkpoint could not be written (see " +
                           "above); the last good one is " + io::checkpoint_path(out).string() + " if it exists");
      } else {
        const std::string done = !stopped_at.empty() ? stopped_at
                                 : nsga2 ? "generation " + std::to_string(nsga2_stats.generations) + " of " +
                                             std::to_string(deck.search.nsga2_generations) + " done"
                                       : std::to_string(result.chunks_resumed + result.chunks_evaluated) + " of " +
                                             std::to_string(result.chunks) + " chunks complete";
        say(std::cerr, "chipdse run: stopped by " + why + " after checkpoint " + io::checkpoint_path(out).string() +
                           " (" + done + "); the run can be resumed with --resume:\n  " + resume_command(opt, out));
      }
    }
    return result.checkpoint_failed ? ExitCode::failure : ExitCode::stopped_after_checkpoint;
  }
  timings.emplace_back("search", result.search_s);
  timings.emplace_back("merge", result.merge_s);
  timings.emplace_back("distribute", result.distribute_s);
  timings.emplace_back("checkpoint", result.checkpoint_s);

  // Phase 2 (every rank): the rows recomputed from their indices and written collectively at their offsets.
  t = clock::now();
  if (!steps.run([&] {
        auto rows_of = [&](std::span<const std::uint64_t> indices) {
          return search::compute_rows(indices, *decoder, params, layout, env.threads(), &solved);
        };
        io::silence_hdf5_errors();
        io::H5Id file = io::open_file_mpio(io::temporary_path(out).string(), env.comm());
        io::write_result_table(file.get(), "pareto", layout, result.pareto, env.size(), rows_of);
        if (store != search::StoreMode::front)
          io::write_result_table(file.get(), "points", layout, result.points, env.size(), rows_of);
        file.close();
      }))
    return steps.code();
  timings.emplace_back("tables", since(t));

  // The front's hypervolume in the deck's box (rank 0; its objectives recomputed from the indices, as the rows are).
  std::optional<io::RunStats::HypervolumeStats> hypervolume;
  t = clock::now();
  if (!steps.run([&] {
        const std::optional<search::HypervolumeBox> box = search::hypervolume_box(deck);
        if (!env.is_root() || !box) return;
        const std::vector<std::size_t> ids = search::objective_indices(deck.objectives);
        std::vector<double> obj(result.front.size() * ids.size());
        std::vector<std::uint32_t> infeasible(result.front.size());
        search::evaluate_batch(*decoder, params, ids, result.front, obj.data(), infeasible.data(), env.threads(), &solved);
        const search::Hypervolume h = search::normalised_hypervolume(obj, *box);
        hypervolume.emplace();
        hypervolume->computed = true;
        hypervolume->value = h.value;
        hypervolume->points_inside = h.points_inside;
        hypervolume->ideal = deck.values.reals("search.hypervolume_ideal");
        hypervolume->reference = deck.values.reals("search.hypervolume_reference");
      }))
    return steps.code();
  timings.emplace_back("hypervolume", since(t));

  // Phase 3 (rank 0): /stats, units, `complete`, rename.
  if (!steps.run([&] {
        if (!env.is_root()) return;
        io::RunStats stats;
        stats.designs = plan.designs;
        stats.evaluated = result.counts.evaluated;
        stats.feasible = result.counts.feasible;
        for (std::uint32_t b = 0; b < model::infeasible::count; ++b)
          stats.infeasible_by_reason.emplace_back(model::infeasibility_name(1u << b), result.counts.by_reason[b]);
        stats.front_size = result.front.size();
        stats.points_rows = result.points.total_rows;
        stats.chunks = result.chunks;
        stats.chunk_size = static_cast<std::uint64_t>(deck.search.chunk_size);
        stats.chunks_resumed = result.chunks_resumed;
        stats.chunks_evaluated = result.chunks_evaluated;
        stats.checkpoints = result.checkpoints;
        stats.seed = static_cast<std::uint64_t>(deck.search.seed);
        stats.method = plan.method;
        stats.nsga2 = nsga2_stats;
        stats.objectives = deck.objectives;
        for (const std::string& name : deck.objectives)
          stats.senses.emplace_back(
              model::kObjectives[model::objective_index(name)].sense == model::Sense::minimise ? "min" : "max");
        stats.store = deck.output.store;
        stats.verification = verification;
        if (hypervolume) stats.hypervolume = *hypervolume;
        stats.ranks = env.size();
        stats.threads = env.threads();
        stats.timings_s = timings;
        info.wall_time_s = since(start);
        io::finish_result_file(out, layout, stats, info);
        io::remove_checkpoints(out);  // the file is complete: nothing to resume any more
      }))
    return steps.code();

  if (env.is_root()) {
    if (nsga2 && (nsga2_stats.generations_resumed > 0 || result.checkpoints > 0))
      std::cout << "chipdse run: generations: " << nsga2_stats.generations_resumed << " resumed from the checkpoint, "
                << nsga2_stats.generations - nsga2_stats.generations_resumed << " run; " << result.checkpoints
                << " checkpoint(s) written\n";
    else if (result.chunks_resumed > 0 || result.checkpoints > 0)
      std::cout << "chipdse run: chunks: " << result.chunks_resumed << " resumed from the checkpoint, "
                << result.chunks_evaluated << " evaluated; " << result.checkpoints << " checkpoint(s) written\n";
    std::cout << "chipdse run: wrote " << out.string() << '\n'
              << "chipdse run: front: " << parallel::Progress::grouped(result.front.size()) << " designs (of "
              << parallel::Progress::grouped(result.counts.feasible) << " feasible, "
              << parallel::Progress::grouped(result.counts.evaluated) << " evaluated); /points: "
              << parallel::Progress::grouped(result.points.total_rows) << " rows (" << deck.output.store << ")\n";
    if (hypervolume)
      std::cout << "chipdse run: hypervolume " << hypervolume->value << " of the deck's box ("
                << hypervolume->points_inside << " front designs inside it)\n";
  }
  return ExitCode::ok;
}

}  // namespace chipdse::app

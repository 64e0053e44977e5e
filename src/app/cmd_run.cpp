// chipdse run: the exhaustive search of a deck's design space over MPI ranks x OpenMP threads, written to one HDF5
// file (DESIGN.md §4-§5). Every rank loads the deck; rank 0 writes the small groups, every rank writes its rows of
// the result tables collectively. NSGA-II (spaces too large to enumerate) and --resume arrive with later issues.
#include <chrono>
#include <iostream>
#include <optional>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/sweep.hpp"
#include "chipdse/io/h5_writer.hpp"
#include "chipdse/io/result_tables.hpp"
#include "chipdse/io/run_file.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/parallel/progress.hpp"
#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/result_rows.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "commands.hpp"

namespace chipdse::app {

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
    if (!m_env.any(error != nullptr)) return true;
    if (!m_env.is_root()) {
      if (error) std::cerr << "chipdse run: rank " << m_env.rank() << ": error: " << message << '\n';
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

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

ExitCode run_command(const RunOptions& opt) {
  const auto start = clock::now();
  if (opt.resume) throw NotYetAvailable("--resume", "checkpoint/restart (issue #7)");

  parallel::Environment env(opt.petsc_options);
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
    if (plan.method != "exhaustive")
      throw NotYetAvailable("search.method = \"" + plan.method + "\" (" + parallel::Progress::grouped(plan.designs) +
                                " designs" +
                                (deck.search.method == "auto" ? ", more than search.max_exhaustive_points)" : ")"),
                            "a later issue (NSGA-II); for an exhaustive run narrow [space] or raise "
                            "search.max_exhaustive_points");
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
  if (talk)
    std::cout << "chipdse run: study '" << deck.study_name << "', " << env.size() << " rank(s) x " << env.threads()
              << " thread(s); exhaustive search of " << parallel::Progress::grouped(plan.designs) << " designs in "
              << parallel::Progress::grouped(plan.chunks) << " chunks of " << deck.search.chunk_size
              << "; objectives: " << join(deck.objectives) << "; /points: " << deck.output.store << '\n'
              << std::flush;

  Steps steps(env, out);
  io::RunInfo info;
  info.ranks = env.size();
  info.threads = env.threads();
  info.status = "exhaustive search of " + std::to_string(plan.designs) +
                " designs: /pareto is the exact Pareto front over " + join(deck.objectives) +
                "; /points holds output.store = \"" + deck.output.store + "\"";
  std::vector<std::pair<std::string, double>> timings{{"setup", since(start)}};

  // Phase 1 (rank 0): provenance, /deck, /space under the temporary name.
  auto t = clock::now();
  if (!steps.run([&] {
        if (env.is_root()) io::begin_result_file(out, deck, *space, info);
      }))
    return steps.code();
  timings.emplace_back("begin_file", since(t));

  // The search: every design once, the exact front, each rank's share of the rows.
  std::optional<search::ChunkEvaluator> evaluator;
  parallel::SearchResult result;
  if (!steps.run([&] {
        evaluator.emplace(*decoder, params, search::objective_indices(deck.objectives), env.threads());
        parallel::SearchSettings settings;
        settings.chunk_size = static_cast<std::uint64_t>(deck.search.chunk_size);
        settings.store = store;
        settings.sample_points = static_cast<std::uint64_t>(deck.output.sample_points);
        settings.progress = !opt.quiet;
        result = parallel::exhaustive_search(env.comm(), *evaluator, plan.designs, settings, std::cout);
      }))
    return steps.code();
  timings.emplace_back("search", result.search_s);
  timings.emplace_back("merge", result.merge_s);
  timings.emplace_back("distribute", result.distribute_s);

  // Phase 2 (every rank): the rows recomputed from their indices and written collectively at their offsets.
  t = clock::now();
  if (!steps.run([&] {
        auto rows_of = [&](std::span<const std::uint64_t> indices) {
          return search::compute_rows(indices, *decoder, params, layout, env.threads());
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
        stats.seed = static_cast<std::uint64_t>(deck.search.seed);
        stats.method = plan.method;
        stats.objectives = deck.objectives;
        for (const std::string& name : deck.objectives)
          stats.senses.emplace_back(
              model::kObjectives[model::objective_index(name)].sense == model::Sense::minimise ? "min" : "max");
        stats.store = deck.output.store;
        stats.ranks = env.size();
        stats.threads = env.threads();
        stats.timings_s = timings;
        info.wall_time_s = since(start);
        io::finish_result_file(out, layout, stats, info);
      }))
    return steps.code();

  if (env.is_root()) {
    std::cout << "chipdse run: wrote " << out.string() << '\n'
              << "chipdse run: front: " << parallel::Progress::grouped(result.front.size()) << " designs (of "
              << parallel::Progress::grouped(result.counts.feasible) << " feasible, "
              << parallel::Progress::grouped(result.counts.evaluated) << " evaluated); /points: "
              << parallel::Progress::grouped(result.points.total_rows) << " rows (" << deck.output.store << ")\n";
  }
  return ExitCode::ok;
}

}  // namespace chipdse::app

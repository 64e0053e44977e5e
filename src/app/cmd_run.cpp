// chipdse run: load the deck on every rank, then write the run's HDF5 file.
// What exists so far: deck and technology loading, provenance and the HDF5 layout's /deck group. The design-
// space search itself (issue #6) is not here yet, and the command says so instead of pretending.
#include <chrono>
#include <iostream>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/sweep.hpp"
#include "chipdse/io/run_file.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "commands.hpp"

namespace chipdse::app {

ExitCode run_command(const RunOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  if (opt.resume) throw NotYetAvailable("--resume", "checkpoint/restart (issue #7)");

  parallel::Environment env(opt.petsc_options);
  // Every rank reads the deck: it is small, and a bad deck then fails identically everywhere (exit 2 on all
  // ranks, one message from rank 0) instead of leaving ranks waiting in a collective.
  deck::Deck deck;
  try {
    deck = deck::load_deck(opt.deck);
    if (opt.case_index >= 0)
      deck = deck::load_deck(opt.deck, deck::sweep_case(deck, static_cast<std::uint64_t>(opt.case_index)));
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
  if (!opt.quiet && env.is_root())
    std::cout << "chipdse run: study '" << deck.study_name << "', " << env.size() << " rank(s) x " << env.threads()
              << " thread(s), " << deck.tech.entries().size() << " technology values\n";

  bool failed = false;
  std::string message;
  if (env.is_root()) {
    try {
      io::RunInfo info;
      info.ranks = env.size();
      info.threads = env.threads();
      info.status = "deck and technology database only: the design-space search is not implemented in this version";
      info.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      io::write_run_file(out, deck, info);
    } catch (const Error& e) {
      failed = true;
      message = e.what();
    }
  }
  if (env.any(failed)) {
    if (env.is_root()) throw Error(message);
    return ExitCode::failure;
  }
  if (env.is_root()) {
    std::cout << "chipdse run: wrote " << out.string() << '\n'
              << "chipdse run: note: this version holds the deck, provenance and the sourced technology database "
                 "only;\n             the design-space search and the Pareto front are not implemented yet.\n";
  }
  return ExitCode::ok;
}

}  // namespace chipdse::app

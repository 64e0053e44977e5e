// Command-line parsing and dispatch (see cli.hpp). Subcommands and options: DESIGN.md §7.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "chipdse/core/build_info.hpp"
#include "chipdse/core/error.hpp"
#include "commands.hpp"

namespace chipdse::app {

namespace {

/// Options after `--` belong to PETSc (DESIGN.md §7); CLI11 never sees them.
std::vector<std::string> split_passthrough(int argc, char** argv, std::vector<std::string>& ours) {
  std::vector<std::string> rest;
  bool after = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!after && a == "--") {
      after = true;
      continue;
    }
    (after ? rest : ours).push_back(a);
  }
  return rest;
}

void report(const std::string& where, const Error& e) {
  std::cerr << where << ": error: " << e.what() << '\n';
  for (const auto& line : e.context()) std::cerr << line << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  const std::vector<std::string> passthrough = split_passthrough(argc, argv, args);

  CLI::App app{"chipdse: Pareto design-space exploration of chiplet AI/HPC accelerator packages over power, "
               "performance, area and cost.\nExit codes: 0 done, 1 other error, 2 bad input, 3 stopped cleanly "
               "after a checkpoint (rerun with --resume).",
               "chipdse"};
  app.set_version_flag("--version", std::string(build_info().version) + " (" + build_info().git_revision + ")");
  app.require_subcommand(1, 1);

  RunOptions run;
  auto* cmd_run = app.add_subcommand("run", "Search the design space of DECK and write one HDF5 file.");
  cmd_run->add_option("DECK", run.deck, "Study deck (TOML)")->required()->check(CLI::ExistingFile);
  cmd_run->add_option("-o,--output", run.output, "Output HDF5 file (default: results/<study>.h5)");
  cmd_run->add_flag("--resume", run.resume,
                    "Continue from the checkpoint OUT.h5.ckpt (or .ckpt.prev) of a stopped or killed run, with any "
                    "rank or thread count; without one, start fresh");
  cmd_run->add_option("--case", run.case_index, "Run sweep case I of the deck's [sweep] (see chipdse sweep DECK --list)")
      ->check(CLI::NonNegativeNumber);
  cmd_run->add_flag("-q,--quiet", run.quiet, "No progress output");
  cmd_run->footer("PETSc options go after `--`, e.g. chipdse run deck.toml -- -chipdse_thermal_ksp_rtol 1e-10\n"
                  "SIGTERM, SIGUSR1 or SIGINT: stop at the next chunk boundary after a checkpoint, exit 3; every "
                  "search.checkpoint_interval_s a checkpoint is written anyway.");

  EvaluateOptions evaluate;
  auto* cmd_eval = app.add_subcommand("evaluate", "Evaluate one design point: every metric and the itemised cost "
                                                  "breakdown (unset axes take their first value).");
  cmd_eval->add_option("DECK", evaluate.deck, "Study deck (TOML)")->required();
  cmd_eval->add_option("--set", evaluate.sets, "axis=value (repeatable; partitioning=NAME picks the variant)");
  cmd_eval->add_flag("--json", evaluate.json, "Print JSON");
  auto* eval_thermal = cmd_eval->add_flag(
      "--thermal", evaluate.thermal,
      "Also solve the package with the PETSc finite-volume model at the design's power map (PETSc options after `--`, "
      "prefix -chipdse_thermal_)");
  cmd_eval->add_option("--thermal-cells", evaluate.thermal_cells, "In-plane cells per side of that solve (default: the deck's search.thermal_verification_cells when it has verification rounds, so that the verified metrics are the run's; else 64)")
      ->check(CLI::Range(8, 1024))
      ->needs(eval_thermal);
  cmd_eval->add_option("--thermal-case", evaluate.thermal_case,
                       "Also write the solved case (.fv) to this file, for 'chipdse thermal'")
      ->needs(eval_thermal);

  std::string check_deck;
  auto* cmd_check = app.add_subcommand("check", "Validate DECK; errors name file, line, key, value and what is allowed.");
  cmd_check->add_option("DECK", check_deck, "Study deck (TOML)")->required();

  DescribeOptions describe;
  auto* cmd_describe = app.add_subcommand("describe", "The axes, the space size, and estimated evaluations and run time.");
  cmd_describe->add_option("DECK", describe.deck, "Study deck (TOML)")->required();
  cmd_describe->add_option("--ranks", describe.ranks, "MPI ranks for the run-time estimate")->check(CLI::Range(1, 10000000));
  cmd_describe->add_option("--threads", describe.threads, "OpenMP threads per rank for the estimate")->check(CLI::Range(1, 4096));

  bool schema_markdown = false;
  auto* cmd_schema = app.add_subcommand("schema", "Print the deck schema registry (--markdown: docs/deck.md).");
  cmd_schema->add_flag("--markdown", schema_markdown, "Print the Markdown reference page");

  std::string sweep_deck;
  bool sweep_list = false;
  auto* cmd_sweep = app.add_subcommand("sweep", "List the sweep cases of DECK (run one with: chipdse run DECK --case I).");
  cmd_sweep->add_option("DECK", sweep_deck, "Study deck (TOML)")->required();
  cmd_sweep->add_flag("--list", sweep_list, "List the cases");

  TechOptions tech;
  auto* cmd_tech = app.add_subcommand("tech", "Print the resolved technology database with units, ranges and sources.");
  auto* tech_deck = cmd_tech->add_option("--deck", tech.deck, "Resolve through this deck (its includes and overrides)");
  auto* tech_index =
      cmd_tech->add_option("--tech", tech.index, "A technology index file instead of the shipped inputs/tech/tech.toml");
  tech_deck->excludes(tech_index);
  cmd_tech->add_flag("--json", tech.json, "Print JSON");
  ThermalOptions thermal;
  auto* cmd_thermal = app.add_subcommand("thermal", "Solve one thermal case file (.fv) with PETSc and print per-block "
                                                    "temperatures (PETSc options after `--`, prefix -chipdse_thermal_).");
  cmd_thermal->add_option("CASE", thermal.case_file, "Thermal case file (.fv)")->required();
  cmd_thermal->add_flag("--json", thermal.json, "Print JSON: blocks with name, layer, min, avg, max in K");

  std::string where = "chipdse";
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes a reversed vector
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "chipdse: error: " << e.what() << "\n  run 'chipdse --help' or 'chipdse SUBCOMMAND --help'\n";
    return to_int(ExitCode::bad_input);
  }

  try {
    const bool takes_passthrough = cmd_run->parsed() || cmd_thermal->parsed() || (cmd_eval->parsed() && evaluate.thermal);
    if (!passthrough.empty() && !takes_passthrough)
      throw InputError(SourceLocation{"command line"}, "--", "options after `--` are PETSc options",
                       passthrough.front(), "only with 'run', 'thermal' and 'evaluate --thermal'");
    if (cmd_run->parsed()) {
      where = "chipdse run";
      run.petsc_options = passthrough;
      return to_int(run_command(run));
    }
    if (cmd_tech->parsed()) {
      where = "chipdse tech";
      return to_int(tech_command(tech));
    }
    if (cmd_check->parsed()) {
      where = "chipdse check";
      return to_int(check_command(check_deck));
    }
    if (cmd_eval->parsed()) {
      where = "chipdse evaluate";
      evaluate.petsc_options = passthrough;
      return to_int(evaluate_command(evaluate));
    }
    if (cmd_describe->parsed()) {
      where = "chipdse describe";
      return to_int(describe_command(describe));
    }
    if (cmd_schema->parsed()) {
      where = "chipdse schema";
      return to_int(schema_command(schema_markdown));
    }
    if (cmd_sweep->parsed()) {
      where = "chipdse sweep";
      if (!sweep_list)
        throw InputError(SourceLocation{"command line"}, "sweep", "nothing to do", {},
                         "--list (cases run one at a time: chipdse run DECK --case I)");
      return to_int(sweep_list_command(sweep_deck));
    }
    if (cmd_thermal->parsed()) {
      where = "chipdse thermal";
      thermal.petsc_options = passthrough;
      return to_int(thermal_command(thermal));
    }
  } catch (const Error& e) {
    report(where, e);
    return to_int(e.exit_code());
  } catch (const std::exception& e) {
    std::cerr << where << ": internal error: " << e.what() << '\n';
    return to_int(ExitCode::failure);
  }
  return to_int(ExitCode::failure);
}

}  // namespace chipdse::app

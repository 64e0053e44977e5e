// commands.hpp — the chipdse subcommands (DESIGN.md §7), one function each; cli.cpp parses and dispatches.
#pragma once

#include <string>
#include <vector>

#include "chipdse/core/exit_code.hpp"

namespace chipdse::app {

struct RunOptions {
  std::string deck;
  std::string output;  ///< empty: results/<study>.h5
  bool resume = false;
  long long case_index = -1;  ///< sweep case, -1 for none
  bool quiet = false;
  std::vector<std::string> petsc_options;  ///< what followed `--`
};

struct TechOptions {
  std::string deck;   ///< empty: the shipped database
  std::string index;  ///< --tech FILE: a technology index instead of the shipped one
  bool json = false;
};

struct DescribeOptions {
  std::string deck;
  int ranks = 1;    ///< for the run-time estimate
  int threads = 1;
};

struct EvaluateOptions {
  std::string deck;
  std::vector<std::string> sets;  ///< axis=value; `partitioning=` picks the variant; unset axes take their first value
  bool json = false;
  bool thermal = false;   ///< also solve the package with the PETSc finite-volume model (evaluate_thermal.hpp)
  int thermal_cells = 0;  ///< its in-plane cells per side (0: the deck's search.thermal_verification_cells with
                          ///< verification rounds, else 64)
  std::string thermal_case;  ///< non-empty: also write its case (.fv) here
  std::vector<std::string> petsc_options;  ///< what followed `--` (with --thermal)
};

struct ThermalOptions {
  std::string case_file;
  bool json = false;
  std::vector<std::string> petsc_options;  ///< what followed `--`
};

ExitCode run_command(const RunOptions& opt);
ExitCode thermal_command(const ThermalOptions& opt);
ExitCode evaluate_command(const EvaluateOptions& opt);
ExitCode describe_command(const DescribeOptions& opt);
/// The schema registry: a key list, or (markdown) the page docs/deck.md.
ExitCode schema_command(bool markdown);
ExitCode tech_command(const TechOptions& opt);
ExitCode check_command(const std::string& deck);
ExitCode sweep_list_command(const std::string& deck);

}  // namespace chipdse::app

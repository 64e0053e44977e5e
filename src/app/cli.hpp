// cli.hpp — command-line parsing (CLI11) and error reporting for the chipdse command.
#pragma once

namespace chipdse::app {

/// Parses the command line, runs the subcommand, prints errors as one line plus context lines and returns
/// the exit code of core/exit_code.hpp (CLI11's own errors map to 2, bad input).
int main(int argc, char** argv);

}  // namespace chipdse::app

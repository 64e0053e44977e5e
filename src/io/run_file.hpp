// chipdse/io/run_file.hpp — the run's self-describing HDF5 file (DESIGN.md §5): provenance attributes,
// /deck (as given and resolved, with the technology database and its sources), `complete` written last.
#pragma once

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"

namespace chipdse::io {

/// What the root group records about the run.
struct RunInfo {
  int ranks = 1;
  int threads = 1;
  double wall_time_s = 0.0;
  std::string status;  ///< what the file holds, in plain words
};

/// Writes `out` from rank 0 only: first to "<out>.tmp", then renamed, so a reader never sees a partial
/// file under the final name. The root attribute `complete` = 1 is the last thing written.
/// @throws Error naming the path when the file cannot be written or renamed.
void write_run_file(const std::filesystem::path& out, const deck::Deck& deck, const RunInfo& info);

}  // namespace chipdse::io

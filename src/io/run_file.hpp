// chipdse/io/run_file.hpp — the run's self-describing HDF5 file (DESIGN.md §5): provenance attributes,
// /deck (as given and resolved, with the technology database and its sources), /space, /pareto, /points, /stats,
// `complete` written last; written under a temporary name and renamed when complete.
#pragma once

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "chipdse/io/result_groups.hpp"
#include "chipdse/search/design_space.hpp"
#include "chipdse/search/result_rows.hpp"

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

/// The run file of a search, in three phases around the collective result tables (result_tables.hpp):
///  1. begin_result_file (rank 0 alone): "<out>.tmp" with the root attributes, /deck and /space;
///  2. every rank: open_file_mpio(temporary_path(out)), write_result_table for /pareto (and /points), close;
///  3. finish_result_file (rank 0 alone): /stats, units and descriptions of the tables, /points as hard links to
///     /pareto's datasets when store = "front", wall time, `complete` = 1 last, then the rename to `out`.
/// On a failure in any phase, rank 0 calls discard_result_file.
std::filesystem::path temporary_path(const std::filesystem::path& out);

/// Phase 1. @throws Error naming the path.
void begin_result_file(const std::filesystem::path& out, const deck::Deck& deck, const search::DesignSpace& space,
                       const RunInfo& info);

/// Phase 3: stats.front_size and stats.points_rows are the tables' row counts, stats.store says whether /points
/// has its own datasets. @throws Error naming the path.
void finish_result_file(const std::filesystem::path& out, const search::ColumnLayout& layout, const RunStats& stats,
                        const RunInfo& info);

/// Removes the temporary file, if any (never throws).
void discard_result_file(const std::filesystem::path& out) noexcept;

}  // namespace chipdse::io

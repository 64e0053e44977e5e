// chipdse/search/point_selection.hpp — which designs /points holds (output.store: front | feasible | sample | all) and
// how an ordered list of result rows is split into contiguous blocks over ranks. Plain arithmetic, the same on every
// rank. Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chipdse::search {

/// output.store.
enum class StoreMode : std::uint8_t { front, feasible, sample, all };

/// The mode named `name` ("front", "feasible", "sample", "all"). @throws Error for any other name (the deck's
/// schema makes that unreachable for a loaded deck).
StoreMode store_mode(const std::string& name);

/// The deterministic sample of store = "sample": min(sample_points, designs) rows, row r holding design
/// floor(r * designs / rows) — every (designs/rows)-th index starting at 0, strictly increasing, the same for any
/// split of the work. Feasible or not: a sample describes the space, and /points carries each row's reasons.
struct SampleSelection {
  std::uint64_t designs = 0;
  std::uint64_t rows = 0;

  SampleSelection(std::uint64_t designs, std::uint64_t sample_points) noexcept;
  /// The design index of row r (r < rows).
  std::uint64_t index(std::uint64_t r) const noexcept;
};

/// First row of block p when `rows` rows are split over `parts` contiguous blocks as evenly as possible
/// (floor(rows * p / parts)); block p is [block_begin(p), block_begin(p + 1)). @pre parts >= 1, p <= parts.
std::uint64_t block_begin(std::uint64_t rows, int parts, int p) noexcept;

/// One rank's contiguous share of an ordered list of result rows: rows [first_row, first_row + indices.size())
/// of total_rows, with their design indices (ascending).
struct RowBlock {
  std::uint64_t total_rows = 0;
  std::uint64_t first_row = 0;
  std::vector<std::uint64_t> indices;
};

/// Block `p` of `parts` of the list `all` (every rank holds `all`, e.g. the broadcast front).
RowBlock block_of_list(const std::vector<std::uint64_t>& all, int parts, int p);

/// Block `p` of `parts` of the rows of store = "all" (every design) or "sample" (SampleSelection).
/// @pre mode is StoreMode::all or StoreMode::sample.
RowBlock block_of_arithmetic(StoreMode mode, std::uint64_t designs, std::uint64_t sample_points, int parts, int p);

}  // namespace chipdse::search

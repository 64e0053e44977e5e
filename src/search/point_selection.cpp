// Which designs /points holds, and row blocks (see point_selection.hpp).
#include "chipdse/search/point_selection.hpp"

#include <algorithm>

#include "chipdse/core/error.hpp"

namespace chipdse::search {

namespace {

using u128 = unsigned __int128;  // rows * p and r * designs exceed 64 bits for spaces above ~4e9 designs

}  // namespace

StoreMode store_mode(const std::string& name) {
  if (name == "front") return StoreMode::front;
  if (name == "feasible") return StoreMode::feasible;
  if (name == "sample") return StoreMode::sample;
  if (name == "all") return StoreMode::all;
  throw Error("output.store = \"" + name + "\" is not one of front, feasible, sample, all");
}

SampleSelection::SampleSelection(std::uint64_t designs_, std::uint64_t sample_points) noexcept
    : designs(designs_), rows(std::min(designs_, sample_points)) {}

std::uint64_t SampleSelection::index(std::uint64_t r) const noexcept {
  return static_cast<std::uint64_t>(static_cast<u128>(r) * designs / rows);
}

std::uint64_t block_begin(std::uint64_t rows, int parts, int p) noexcept {
  return static_cast<std::uint64_t>(static_cast<u128>(rows) * static_cast<std::uint64_t>(p) /
                                    static_cast<std::uint64_t>(parts));
}

RowBlock block_of_list(const std::vector<std::uint64_t>& all, int parts, int p) {
  RowBlock b;
  b.total_rows = all.size();
  b.first_row = block_begin(b.total_rows, parts, p);
  const std::uint64_t last = block_begin(b.total_rows, parts, p + 1);
  b.indices.assign(all.begin() + static_cast<std::ptrdiff_t>(b.first_row),
                   all.begin() + static_cast<std::ptrdiff_t>(last));
  return b;
}

RowBlock block_of_arithmetic(StoreMode mode, std::uint64_t designs, std::uint64_t sample_points, int parts, int p) {
  CHIPDSE_CHECK(mode == StoreMode::all || mode == StoreMode::sample, "store mode without an arithmetic row list");
  const SampleSelection sample(designs, mode == StoreMode::all ? designs : sample_points);
  RowBlock b;
  b.total_rows = sample.rows;
  b.first_row = block_begin(b.total_rows, parts, p);
  const std::uint64_t last = block_begin(b.total_rows, parts, p + 1);
  b.indices.reserve(last - b.first_row);
  for (std::uint64_t r = b.first_row; r < last; ++r) b.indices.push_back(sample.index(r));
  return b;
}

}  // namespace chipdse::search

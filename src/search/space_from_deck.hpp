// chipdse/search/space_from_deck.hpp — the design space of a deck (DESIGN.md §1) and the study-size checks
// a deck must pass before any rank starts. Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chipdse/deck/deck.hpp"
#include "chipdse/search/design_space.hpp"
#include "chipdse/search/nsga2_search.hpp"

namespace chipdse::search {

/// Axis names, as they appear in the space, /space and `evaluate --set`.
namespace axis {
inline constexpr std::string_view chiplet_count = "chiplet_count";
inline constexpr std::string_view compute_node = "compute_node";
inline constexpr std::string_view io_node = "io_node";
inline constexpr std::string_view cache_node = "cache_node";
inline constexpr std::string_view packaging = "packaging";
inline constexpr std::string_view d2d = "d2d";
inline constexpr std::string_view d2d_bandwidth_tbps = "d2d_bandwidth_tbps";
inline constexpr std::string_view hbm = "hbm";
inline constexpr std::string_view hbm_stacks = "hbm_stacks";
inline constexpr std::string_view scale_up_link = "scale_up_link";
inline constexpr std::string_view scale_out_link = "scale_out_link";
inline constexpr std::string_view clock_ghz = "clock_ghz";
inline constexpr std::string_view sram_mb = "sram_mb";  ///< only when the deck lists space.sram_mb
inline constexpr std::string_view mapping = "mapping";  ///< only when the deck lists [[space.mapping]]
}  // namespace axis

/// One variant per `space.partitioning` entry, in the deck's order. A variant has only the axes that
/// exist for it: no IO-die node without an IO die, no cache node without the cache die, no D2D axes and
/// no chiplet count for a monolithic die, so no design is counted twice.
/// @throws InputError (at `space.partitioning`) when the space does not fit in 64 bits.
DesignSpace design_space_from_deck(const deck::Deck& deck);

/// How the deck's search will run, decided from the space size.
struct StudyPlan {
  std::uint64_t designs = 0;
  std::string method;            ///< "exhaustive" or "nsga2" (auto resolved)
  std::uint64_t evaluations = 0; ///< exhaustive: designs; NSGA-II: population x (generations + 1)
  std::uint64_t chunks = 0;      ///< exhaustive: ceil(designs / chunk_size)
  std::uint64_t max_points_stored = 0;  ///< upper bound of /points rows for output.store
};

/// Resolves `search.method = auto` and checks the size limits: an exhaustive search larger than
/// `search.max_exhaustive_points`, or a store option that could write more than `output.max_points` rows.
/// @throws InputError naming the deck key, the size and the limit.
StudyPlan plan_study(const deck::Deck& deck, const DesignSpace& space);

/// NSGA-II's settings from the deck's [search] (population, generations, seed; the operators at their defaults).
Nsga2Settings nsga2_settings(const deck::Deck& deck);

}  // namespace chipdse::search

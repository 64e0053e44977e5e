// chipdse/model/design_choice.hpp — one design point as the kernel sees it: the axis values of DESIGN.md §1 as
// enums and numbers (no strings), and the packaging kinds of the space.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. Plain, trivially copyable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chipdse/model/area.hpp"
#include "chipdse/model/geometry.hpp"
#include "chipdse/model/package_cost.hpp"

namespace chipdse::model {

/// The 2.5D packaging choices of space.packaging (packaging.<name> with dse_axis = "packaging").
enum class Packaging : std::uint8_t { organic_mcm, info, cowos_s, cowos_l, emib };
inline constexpr std::size_t kPackagingCount = 5;
inline constexpr std::array<std::string_view, kPackagingCount> kPackagingNames = {"organic_mcm", "info", "cowos_s",
                                                                                  "cowos_l", "emib"};

/// What each packaging choice is, for the geometry (carrier) and the cost flow (package_cost.hpp).
inline constexpr std::array<Carrier, kPackagingCount> kPackagingCarrier = {
    Carrier::organic_substrate, Carrier::rdl_interposer, Carrier::silicon_interposer, Carrier::bridge_interposer,
    Carrier::bridge_substrate};

/// The index of `name` in `names`, or false. For the resolvers outside the hot loop.
template <std::size_t N>
constexpr bool index_of_name(const std::array<std::string_view, N>& names, std::string_view name,
                             std::size_t& index) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) {
      index = i;
      return true;
    }
  return false;
}

/// One design point (DESIGN.md §1). Axes a partitioning does not have keep their defaults and are ignored
/// (io_node without an IO die, cache_node without cache dies, D2D for a monolithic die).
struct DesignChoice {
  Partitioning partitioning = Partitioning::monolithic;
  std::int32_t compute_count = 1;  ///< k compute dies (1 for monolithic)
  ProcessNode compute_node = ProcessNode::n5;
  ProcessNode io_node = ProcessNode::n6;
  ProcessNode cache_node = ProcessNode::n5;
  Packaging packaging = Packaging::cowos_s;
  D2dKind d2d = D2dKind::ucie_a;
  double d2d_tbps_per_direction = 0.0;  ///< space.d2d_bandwidth_tbps: per compute chiplet, each direction
  HbmGen hbm = HbmGen::hbm3;
  std::int32_t hbm_stacks = 0;
  LinkTech scale_up_link = LinkTech::copper;
  LinkTech scale_out_link = LinkTech::pluggable_dsp;
  double clock_ghz = 0.0;  ///< operating point (performance and power; not used by area or cost)
  /// space.sram_mb: the package's on-chip SRAM (MB, physical), split evenly over its compute dies (or their cache
  /// dies); negative when the deck has no such axis, and every design then has reference.sram_mb.
  double sram_mb = -1.0;
  std::uint8_t mapping = 0;  ///< the workload's parallel mapping: index into deck::deck_mappings (space.mapping)
};

}  // namespace chipdse::model

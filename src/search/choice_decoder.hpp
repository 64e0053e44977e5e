// chipdse/search/choice_decoder.hpp — index -> the kernel's DesignChoice: the bridge between the design-space
// encoding (names, per-variant axes) and the evaluation kernel (enums and numbers, model/design_choice.hpp).
// Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <cstdint>
#include <vector>

#include "chipdse/model/design_choice.hpp"
#include "chipdse/search/design_space.hpp"

namespace chipdse::search {

/// Translates design points of one DesignSpace into kernel choices. Built once per run (the tables are
/// precomputed from the axes' value names); choice() is allocation-free and thread-safe.
class ChoiceDecoder {
 public:
  /// @param space must outlive the decoder.
  /// @throws Error naming the variant, axis and value when a name has no kernel model (e.g. a partitioning or a
  ///         link technology the kernel does not know) or an axis is not one of search::axis.
  explicit ChoiceDecoder(const DesignSpace& space);

  /// The kernel choice of a valid point of the space. Axes a variant lacks keep DesignChoice's defaults.
  model::DesignChoice choice(const DesignPoint& point) const noexcept;
  /// The kernel choice of design `index` (< space.size()).
  model::DesignChoice choice(std::uint64_t index) const noexcept { return choice(m_space->decode(index)); }

  const DesignSpace& space() const noexcept { return *m_space; }

 private:
  enum class Field : std::uint8_t {
    chiplet_count, compute_node, io_node, cache_node, packaging, d2d, d2d_bandwidth, hbm, hbm_stacks,
    scale_up_link, scale_out_link, clock, sram, mapping
  };
  struct AxisMap {
    Field field = Field::clock;
    std::vector<double> value;  ///< per value index: the number, or the enum's index
  };
  struct VariantMap {
    model::DesignChoice base;
    std::vector<AxisMap> axes;
  };
  const DesignSpace* m_space;
  std::vector<VariantMap> m_variants;
};

}  // namespace chipdse::search

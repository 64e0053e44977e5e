// chipdse/search/result_rows.hpp — full result rows recomputed from design indices (DESIGN.md §4: archives keep
// indices only): the columns of /pareto and /points, their layout, and the OpenMP loop that fills them with the
// same kernel call as `chipdse evaluate`. Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/design_space.hpp"

namespace chipdse::search {

/// One design-variable column: an axis name and the value names it can take over all variants (first-seen
/// order). A row stores the position of its value in `values`, or values.size() ("n/a") when the row's variant
/// lacks the axis (no io_node for a monolithic die).
struct DesignColumn {
  std::string name;
  std::vector<std::string> values;
};

/// The column layout of a space: `partitioning` (the variant), then one DesignColumn per distinct axis name
/// (first-seen order over the variants), then model::kMetricColumns, then the infeasible mask. Built once.
class ColumnLayout {
 public:
  explicit ColumnLayout(const DesignSpace& space);

  /// Variant names: the partitioning column's values.
  const std::vector<std::string>& variants() const noexcept { return m_variants; }
  const std::vector<DesignColumn>& design_columns() const noexcept { return m_columns; }

  /// The value a row of `point` stores in design column c (values.size() for "n/a").
  std::uint32_t column_value(const DesignPoint& point, std::size_t c) const noexcept;

 private:
  std::vector<std::string> m_variants;
  std::vector<DesignColumn> m_columns;
  // m_value[variant][column]: per value index of that variant's axis, the column value; empty: "n/a".
  std::vector<std::vector<std::vector<std::uint32_t>>> m_value;
  std::vector<std::vector<std::int32_t>> m_axis_of;  // m_axis_of[variant][column]: axis position or -1
};

/// Result rows as columns (structure of arrays), in the order of the indices they were computed from.
struct ResultRows {
  std::vector<std::uint64_t> index;                ///< design index
  std::vector<std::uint32_t> partitioning;         ///< variant
  std::vector<std::vector<std::uint32_t>> design;  ///< [design column][row]
  std::vector<std::vector<double>> metric;         ///< [model::kMetricColumns entry][row]
  std::vector<std::uint32_t> infeasible;           ///< reason mask (0 on a front)

  std::size_t size() const noexcept { return index.size(); }
};

/// The rows of `indices` (each < the space size): decode, kernel choice and model::evaluate exactly as
/// `chipdse evaluate` does, so a row equals that command's output for the same design bit for bit.
/// Rows are independent: `threads` OpenMP threads fill them (call outside any OpenMP region). With `solved` (the
/// verification rounds' geometries), a design of a solved geometry is evaluated at its settled point
/// (model::evaluate_verified), as the search saw it.
ResultRows compute_rows(std::span<const std::uint64_t> indices, const ChoiceDecoder& decoder,
                        const model::KernelParams& params, const ColumnLayout& layout, int threads,
                        const model::SolvedGeometries* solved = nullptr);

}  // namespace chipdse::search

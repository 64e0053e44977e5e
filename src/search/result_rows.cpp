// Result rows recomputed from design indices (see result_rows.hpp).
#include "chipdse/search/result_rows.hpp"

#include <omp.h>

#include <algorithm>

#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::search {

ColumnLayout::ColumnLayout(const DesignSpace& space) {
  const std::size_t nv = space.variant_count();
  // First pass: the columns, and every value name each takes over the variants.
  for (std::size_t v = 0; v < nv; ++v) {
    const Variant& var = space.variant(v);
    m_variants.push_back(var.name);
    for (const Axis& a : var.axes) {
      auto col = std::find_if(m_columns.begin(), m_columns.end(), [&](const DesignColumn& c) { return c.name == a.name; });
      if (col == m_columns.end()) col = m_columns.insert(m_columns.end(), DesignColumn{a.name, {}});
      for (const std::string& value : a.values)
        if (std::find(col->values.begin(), col->values.end(), value) == col->values.end()) col->values.push_back(value);
    }
  }
  // Second pass: per variant and column, the axis position and the value map.
  m_value.assign(nv, std::vector<std::vector<std::uint32_t>>(m_columns.size()));
  m_axis_of.assign(nv, std::vector<std::int32_t>(m_columns.size(), -1));
  for (std::size_t v = 0; v < nv; ++v) {
    const Variant& var = space.variant(v);
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
      const std::size_t a = space.axis_index(v, m_columns[c].name);
      if (a == DesignSpace::npos) continue;
      m_axis_of[v][c] = static_cast<std::int32_t>(a);
      const auto& names = m_columns[c].values;
      for (const std::string& value : var.axes[a].values)
        m_value[v][c].push_back(
            static_cast<std::uint32_t>(std::find(names.begin(), names.end(), value) - names.begin()));
    }
  }
}

std::uint32_t ColumnLayout::column_value(const DesignPoint& point, std::size_t c) const noexcept {
  const std::int32_t a = m_axis_of[point.variant][c];
  if (a < 0) return static_cast<std::uint32_t>(m_columns[c].values.size());
  return m_value[point.variant][c][point.value[static_cast<std::size_t>(a)]];
}

ResultRows compute_rows(std::span<const std::uint64_t> indices, const ChoiceDecoder& decoder,
                        const model::KernelParams& params, const ColumnLayout& layout, int threads,
                        const model::SolvedGeometries* solved) {
  const std::size_t n = indices.size();
  const std::size_t ncol = layout.design_columns().size();
  ResultRows r;
  r.index.assign(indices.begin(), indices.end());
  r.partitioning.resize(n);
  r.design.assign(ncol, std::vector<std::uint32_t>(n));
  r.metric.assign(model::kMetricColumns.size(), std::vector<double>(n));
  r.infeasible.resize(n);
  const DesignSpace& space = decoder.space();
  const auto count = static_cast<std::int64_t>(n);
  // Each row is written by exactly one iteration, so the result is the same for any thread count.
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads)) if (n > 256)
  for (std::int64_t i = 0; i < count; ++i) {
    const auto row = static_cast<std::size_t>(i);
    const DesignPoint point = space.decode(indices[row]);
    const model::Metrics m = model::evaluate_verified(decoder.choice(point), params, solved);
    r.partitioning[row] = point.variant;
    for (std::size_t c = 0; c < ncol; ++c) r.design[c][row] = layout.column_value(point, c);
    for (std::size_t c = 0; c < model::kMetricColumns.size(); ++c) r.metric[c][row] = model::kMetricColumns[c].get(m);
    r.infeasible[row] = m.infeasible;
  }
  return r;
}

}  // namespace chipdse::search

// chipdse/search/design_space.cpp — the design-space encoding: validation, offsets/strides, decode/encode.
// Must not include MPI, PETSc, HDF5 or toml++.
#include "chipdse/search/design_space.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

namespace chipdse::search {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

template <class Range, class Name>
std::string join_names(const Range& items, Name name) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += name(item);
  }
  return out;
}

std::string axis_names(const Variant& v) {
  return join_names(v.axes, [](const Axis& a) -> const std::string& { return a.name; });
}

std::string value_names(const Axis& a) {
  return join_names(a.values, [](const std::string& s) -> const std::string& { return s; });
}

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("design space: " + what); }

/// Checks one variant's names and sizes (everything but overflow).
void validate_variant(const Variant& v, std::size_t position) {
  if (v.name.empty()) invalid("variant #" + std::to_string(position) + " has an empty name");
  const std::string where = "variant " + quoted(v.name);
  if (v.axes.size() > kMaxAxes)
    invalid(where + " has " + std::to_string(v.axes.size()) + " axes (at most " + std::to_string(kMaxAxes) +
            "): " + axis_names(v));
  std::set<std::string_view> seen_axes;
  for (std::size_t a = 0; a < v.axes.size(); ++a) {
    const Axis& axis = v.axes[a];
    if (axis.name.empty()) invalid(where + ": axis #" + std::to_string(a) + " has an empty name");
    if (!seen_axes.insert(axis.name).second) invalid(where + ": axis " + quoted(axis.name) + " appears twice");
    const std::string axis_where = where + ": axis " + quoted(axis.name);
    if (axis.values.empty()) invalid(axis_where + " has no values (the variant would have no designs)");
    if (axis.values.size() > kMaxAxisValues)
      invalid(axis_where + " has " + std::to_string(axis.values.size()) + " values (at most " +
              std::to_string(kMaxAxisValues) + ")");
    std::set<std::string_view> seen_values;
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
      if (axis.values[i].empty()) invalid(axis_where + ": value #" + std::to_string(i) + " is empty");
      if (!seen_values.insert(axis.values[i]).second)
        invalid(axis_where + ": value " + quoted(axis.values[i]) + " appears twice");
    }
  }
}

}  // namespace

DesignSpace::DesignSpace(std::vector<Variant> variants) : m_variants(std::move(variants)) {
  if (m_variants.empty()) invalid("no variants (a space needs at least one)");
  if (m_variants.size() > std::numeric_limits<std::uint32_t>::max())
    invalid("too many variants (" + std::to_string(m_variants.size()) + ")");

  std::set<std::string_view> seen;
  for (std::size_t v = 0; v < m_variants.size(); ++v) {
    validate_variant(m_variants[v], v);
    if (!seen.insert(m_variants[v].name).second) invalid("variant " + quoted(m_variants[v].name) + " appears twice");
  }

  m_layout.resize(m_variants.size());
  m_offset.assign(m_variants.size() + 1, 0);
  for (std::size_t v = 0; v < m_variants.size(); ++v) {
    const Variant& var = m_variants[v];
    Layout& layout = m_layout[v];
    layout.axis_count = static_cast<std::uint8_t>(var.axes.size());
    std::uint64_t count = 1;  // product of the sizes of the axes after the current one
    for (std::size_t a = var.axes.size(); a-- > 0;) {
      layout.radix[a] = static_cast<std::uint32_t>(var.axes[a].values.size());
      layout.stride[a] = count;
      if (__builtin_mul_overflow(count, std::uint64_t{layout.radix[a]}, &count))
        throw std::overflow_error("design space: variant " + quoted(var.name) +
                                  " has more designs than std::uint64_t can count");
    }
    if (__builtin_add_overflow(m_offset[v], count, &m_offset[v + 1]))
      throw std::overflow_error("design space: the total size overflows std::uint64_t at variant " +
                                quoted(var.name));
  }
}

DesignPoint DesignSpace::decode(std::uint64_t index) const noexcept {
  // First cumulative offset greater than index: its predecessor is the variant (all sizes are >= 1).
  const auto it = std::upper_bound(m_offset.begin() + 1, m_offset.end(), index);
  std::size_t v = static_cast<std::size_t>(it - m_offset.begin()) - 1;
  if (v >= m_layout.size()) v = m_layout.size() - 1;  // index >= size(): keep memory-safe, result unspecified
  const Layout& layout = m_layout[v];

  DesignPoint point;
  point.variant = static_cast<std::uint32_t>(v);
  point.axis_count = layout.axis_count;
  std::uint64_t rest = index - m_offset[v];
  for (std::size_t a = 0; a < layout.axis_count; ++a) {
    const std::uint64_t digit = rest / layout.stride[a];
    rest -= digit * layout.stride[a];
    point.value[a] = static_cast<std::uint16_t>(digit);
  }
  return point;
}

void DesignSpace::check_point(const DesignPoint& point) const {
  if (point.variant >= m_variants.size())
    throw std::out_of_range("design space: variant index " + std::to_string(point.variant) + " out of range (" +
                            std::to_string(m_variants.size()) + " variants)");
  const Variant& var = m_variants[point.variant];
  const Layout& layout = m_layout[point.variant];
  if (point.axis_count != layout.axis_count)
    throw std::out_of_range("design space: variant " + quoted(var.name) + " has " +
                            std::to_string(layout.axis_count) + " axes, the point has " +
                            std::to_string(point.axis_count));
  for (std::size_t a = 0; a < kMaxAxes; ++a) {
    if (a < layout.axis_count) {
      if (point.value[a] >= layout.radix[a])
        throw std::out_of_range("design space: variant " + quoted(var.name) + ": axis " +
                                quoted(var.axes[a].name) + " value index " + std::to_string(point.value[a]) +
                                " out of range (" + std::to_string(layout.radix[a]) + " values: " +
                                value_names(var.axes[a]) + ")");
    } else if (point.value[a] != 0) {
      throw std::out_of_range("design space: variant " + quoted(var.name) + ": value slot " + std::to_string(a) +
                              " beyond the variant's " + std::to_string(layout.axis_count) +
                              " axes must be 0, got " + std::to_string(point.value[a]));
    }
  }
}

std::uint64_t DesignSpace::encode(const DesignPoint& point) const {
  check_point(point);
  const Layout& layout = m_layout[point.variant];
  std::uint64_t index = m_offset[point.variant];
  for (std::size_t a = 0; a < layout.axis_count; ++a) index += point.value[a] * layout.stride[a];
  return index;
}

std::size_t DesignSpace::variant_index(std::string_view name) const noexcept {
  for (std::size_t v = 0; v < m_variants.size(); ++v)
    if (m_variants[v].name == name) return v;
  return npos;
}

std::size_t DesignSpace::axis_index(std::size_t v, std::string_view axis_name) const noexcept {
  const auto& axes = m_variants[v].axes;
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (axes[a].name == axis_name) return a;
  return npos;
}

std::string DesignSpace::describe(const DesignPoint& point) const {
  check_point(point);
  const Variant& var = m_variants[point.variant];
  std::string out = var.name;
  for (std::size_t a = 0; a < var.axes.size(); ++a) {
    out += a == 0 ? ": " : ", ";
    out += var.axes[a].name + "=" + var.axes[a].values[point.value[a]];
  }
  return out;
}

DesignPoint DesignSpace::find_point(std::string_view variant_name,
                                    const std::vector<std::pair<std::string, std::string>>& settings) const {
  const std::size_t v = variant_index(variant_name);
  if (v == npos)
    invalid("unknown variant " + quoted(variant_name) + " (valid variants: " +
            join_names(m_variants, [](const Variant& x) -> const std::string& { return x.name; }) + ")");
  const Variant& var = m_variants[v];
  const std::string where = "variant " + quoted(var.name);

  DesignPoint point;
  point.variant = static_cast<std::uint32_t>(v);
  point.axis_count = static_cast<std::uint8_t>(var.axes.size());
  std::array<bool, kMaxAxes> set{};
  for (const auto& [axis_name, value_name] : settings) {
    const std::size_t a = axis_index(v, axis_name);
    if (a == npos)
      invalid(where + " has no axis " + quoted(axis_name) + " (valid axes: " +
              (var.axes.empty() ? std::string("none") : axis_names(var)) + ")");
    if (set[a]) invalid(where + ": axis " + quoted(axis_name) + " is set twice");
    const auto& values = var.axes[a].values;
    const auto it = std::find(values.begin(), values.end(), value_name);
    if (it == values.end())
      invalid(where + ": axis " + quoted(axis_name) + " has no value " + quoted(value_name) +
              " (valid values: " + value_names(var.axes[a]) + ")");
    point.value[a] = static_cast<std::uint16_t>(it - values.begin());
    set[a] = true;
  }
  std::string unset;
  for (std::size_t a = 0; a < var.axes.size(); ++a)
    if (!set[a]) unset += (unset.empty() ? "" : ", ") + var.axes[a].name;
  if (!unset.empty()) invalid(where + ": axes not set: " + unset);
  return point;
}

}  // namespace chipdse::search

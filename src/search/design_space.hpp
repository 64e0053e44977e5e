// chipdse/search/design_space.hpp — the design-space encoding: a sum of products over variants, index <-> point.
// Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chipdse::search {

/// Most axes one variant may have (DesignPoint stores its value indices inline).
inline constexpr std::size_t kMaxAxes = 16;

/// Most values one axis may have (a value index is stored as std::uint16_t).
inline constexpr std::size_t kMaxAxisValues = 65536;

/// One discrete axis of a variant: a name and its values' display names (a point stores value indices).
struct Axis {
  std::string name;
  std::vector<std::string> values;
};

/// One combination of the structural choices that decide which axes exist (e.g. partitioning =
/// "compute+io" has an io_node axis, "monolithic" has none). Its designs are the product of its axes;
/// a variant with no axes is exactly one design.
struct Variant {
  std::string name;
  std::vector<Axis> axes;
};

/// One design: which variant, and the value index on each of that variant's axes (in axis order).
/// Plain and allocation-free. A *valid* point has variant < variant_count(), axis_count equal to that
/// variant's axis count, value[a] < that axis's size, and value[a] == 0 for a >= axis_count (decode()
/// always zeroes the padding), so two valid points are equal exactly when they are the same design.
struct DesignPoint {
  std::uint32_t variant = 0;
  std::array<std::uint16_t, kMaxAxes> value{};
  std::uint8_t axis_count = 0;

  friend bool operator==(const DesignPoint&, const DesignPoint&) = default;
};

/// The design space: variants concatenated in the order given, each enumerated in mixed radix with its
/// LAST axis varying fastest. Index i in [0, size()) is one distinct design; decode() and encode() are
/// exact inverses. Immutable after construction: every const member is thread-safe.
class DesignSpace {
 public:
  /// Returned by axis_index() and variant_index() when the name is absent.
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Builds the space and precomputes per-variant offsets and strides.
  /// @param variants in enumeration order; names non-empty and unique among variants, axis names
  ///        non-empty and unique within a variant, value names non-empty and unique within an axis.
  /// @throws std::invalid_argument if there is no variant, more than 2^32 variants, a variant has more than
  ///         kMaxAxes axes, an axis has no values or more than kMaxAxisValues, or a name is empty or
  ///         duplicated; the message names the variant, axis and value concerned.
  /// @throws std::overflow_error if a variant's size or the total size exceeds std::uint64_t (names the
  ///         variant at which it overflowed).
  explicit DesignSpace(std::vector<Variant> variants);

  /// Number of designs N: the sum over variants of the product of their axis sizes (>= 1).
  std::uint64_t size() const noexcept { return m_offset.back(); }

  /// The design at `index`. No allocation, O(log variant_count() + axes); thread-safe.
  /// @pre index < size(). Not checked: a larger index never reads out of bounds but gives an unspecified
  ///      point that may not be valid (the caller owns the range, e.g. a chunk [begin, end) of [0, size())).
  DesignPoint decode(std::uint64_t index) const noexcept;

  /// The index of a valid point (see DesignPoint); encode(decode(i)) == i and decode(encode(p)) == p.
  /// Allocates only to build the exception message; thread-safe.
  /// @throws std::out_of_range if the point is not valid, naming the variant, axis and bad value index.
  std::uint64_t encode(const DesignPoint& point) const;

  /// Number of variants (>= 1).
  std::size_t variant_count() const noexcept { return m_variants.size(); }

  /// The variant with index v. @pre v < variant_count() (not checked).
  const Variant& variant(std::size_t v) const noexcept { return m_variants[v]; }

  /// Index of the first design of variant v; variant_offset(variant_count()) == size().
  /// @pre v <= variant_count() (not checked).
  std::uint64_t variant_offset(std::size_t v) const noexcept { return m_offset[v]; }

  /// Number of designs of variant v (product of its axis sizes; 1 for no axes). @pre v < variant_count().
  std::uint64_t variant_size(std::size_t v) const noexcept { return m_offset[v + 1] - m_offset[v]; }

  /// Index of the variant called `name`, or npos.
  std::size_t variant_index(std::string_view name) const noexcept;

  /// Index of axis `axis_name` within variant v, or npos when that variant has no such axis.
  /// @pre v < variant_count() (not checked).
  std::size_t axis_index(std::size_t v, std::string_view axis_name) const noexcept;

  /// "variant: axis=value, axis=value" (just "variant" when it has no axes).
  /// @throws std::out_of_range if the point is not valid.
  std::string describe(const DesignPoint& point) const;

  /// The point of variant `variant_name` with every axis set by name, in any order (for `evaluate --set`).
  /// @param settings (axis name, value name) pairs; each axis of the variant exactly once.
  /// @throws std::invalid_argument naming the unknown variant, axis or value and listing the valid names,
  ///         or naming an axis set twice or left unset.
  DesignPoint find_point(std::string_view variant_name,
                         const std::vector<std::pair<std::string, std::string>>& settings) const;

 private:
  /// Hot, string-free view of one variant for decode/encode.
  struct Layout {
    std::array<std::uint64_t, kMaxAxes> stride{};  // designs per step of axis a (last axis: 1)
    std::array<std::uint32_t, kMaxAxes> radix{};   // number of values of axis a
    std::uint8_t axis_count = 0;
  };

  /// Throws std::out_of_range unless `point` is valid.
  void check_point(const DesignPoint& point) const;

  std::vector<Variant> m_variants;
  std::vector<Layout> m_layout;         // one per variant
  std::vector<std::uint64_t> m_offset;  // variant_count() + 1 cumulative offsets, m_offset[0] == 0
};

}  // namespace chipdse::search

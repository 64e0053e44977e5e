// chipdse/tech/tech_database.hpp — the sourced technology database: every number with its unit, source,
// confidence grade and range. Plain data; must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "chipdse/core/error.hpp"

namespace chipdse::tech {

/// One number of the technology database, as written in inputs/tech/*.toml:
///   key = { value = 9346.0, unit = "USD/wafer", source = "node.wafer_cost_n7", confidence = "H",
///           range = [9346.0, 10000.0] }
struct TechEntry {
  std::string path;         ///< dotted key path, e.g. "process_node.N7.wafer_cost_usd"
  double value = 0.0;       ///< the default, in `unit`
  std::string unit;         ///< a symbol of core/units.hpp
  std::string source;       ///< a row id of shared/reference/tech_data.json, or "cite: <reference>"
  char confidence = 'L';    ///< 'H', 'M' or 'L' (tech_data.json confidence legend)
  double range_lo = 0.0;    ///< plausible range for sweeps; range_lo <= value <= range_hi
  double range_hi = 0.0;
  std::string range_basis;  ///< "source" (the row's range) or "confidence band" (H ±10%, M ±25%, L ±50%)
  std::string note;         ///< optional remark
  std::string derivation;   ///< how the value follows from its source when it is not copied literally
  bool overridden = false;  ///< replaced by a deck override or sweep case (see `note`)
  SourceLocation where;     ///< file and line that defined it

  /// True when `source` names a row id rather than a free citation.
  bool cites_row() const noexcept { return source.rfind("cite: ", 0) != 0; }
};

/// A descriptive, non-numeric property (name, kind, aliases, serviceable ...), rendered as text.
struct TechAttribute {
  std::string path;
  std::string text;
  SourceLocation where;
};

/// The top-level tables that make up the technology database, in printing order.
inline constexpr std::array<std::string_view, 7> kTechTables = {"process_node", "packaging", "d2d", "memory",
                                                                "link", "compute", "thermal"};

/// `[thermal.petsc]` in a deck holds PETSc solver options (DESIGN.md §7); it shares the `thermal` table name
/// with the technology database's thermal materials, and the technology loader leaves it to the deck.
inline constexpr std::string_view kDeckThermalPetscTable = "thermal.petsc";

/// Prefix marking a free citation in `source`.
inline constexpr std::string_view kCitationPrefix = "cite: ";

/// The resolved technology database. Entries are ordered as written (include order, then line).
class TechDatabase {
 public:
  TechDatabase() = default;
  TechDatabase(std::vector<TechEntry> entries, std::vector<TechAttribute> attributes);

  const std::vector<TechEntry>& entries() const noexcept { return m_entries; }
  const std::vector<TechAttribute>& attributes() const noexcept { return m_attributes; }

  /// The entry at `path`, or nullptr.
  const TechEntry* find(std::string_view path) const noexcept;
  /// The entry at `path`. @throws Error naming the path (and the closest existing one) when absent.
  const TechEntry& at(std::string_view path) const;
  /// The attribute at `path`, or nullptr.
  const TechAttribute* find_attribute(std::string_view path) const noexcept;

  /// Replaces the value at `path` (a deck override or a sweep case); the entry keeps its unit, source and
  /// range, and `note` records where the new value came from. @throws Error when `path` does not exist.
  void set_value(std::string_view path, double value, const std::string& note);

  /// Names of the direct sub-tables of `table` (e.g. "process_node" -> N16, N7, ...), in written order.
  std::vector<std::string> members(std::string_view table) const;

 private:
  std::vector<TechEntry> m_entries;
  std::vector<TechAttribute> m_attributes;
};

}  // namespace chipdse::tech

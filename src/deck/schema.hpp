// chipdse/deck/schema.hpp — the one schema registry of deck keys: type, unit, range, default, doc, source.
// It drives validation, `chipdse check`, and the generated docs/deck.md. Must not include MPI/PETSc/HDF5.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chipdse::deck {

/// What a key holds.
enum class ValueKind {
  boolean,
  integer,
  real,
  text,
  choice,         ///< one name from `choices`
  integer_list,   ///< a non-empty array of integers, no duplicates
  real_list,      ///< a non-empty array of numbers, no duplicates
  real_point,     ///< a non-empty array of numbers, repeats allowed (a point's coordinates, not an axis)
  choice_list,    ///< a non-empty array of names from `choices`, no duplicates
  override_table, ///< [overrides]: technology or deck key path = number
  sweep_table,    ///< [sweep.values]: technology or deck key path = array of numbers
  petsc_table,    ///< [thermal.petsc]: PETSc option name (without -chipdse_thermal_) = string, number or flag
  mapping_tables, ///< [[space.mapping]]: named parallel mappings, each setting workload mapping keys
};

/// One row of the registry. `key` is the full dotted path ("workload.layers").
struct SchemaRow {
  std::string_view key;
  ValueKind kind;
  std::string_view unit;      ///< a symbol of core/units.hpp, or "" for names, text and flags
  double min;                 ///< inclusive numeric range (for lists: of each element)
  double max;
  std::string_view default_toml;  ///< the default as a TOML value; empty means required (or, if optional, absent)
  bool required;
  std::string_view choices;   ///< "a|b|c"; "@table" for the member names of a technology table; "@table:axis"
                              ///< for those members whose `dse_axis` attribute is "axis"
  std::string_view doc;       ///< one sentence: what it means
  std::string_view source;    ///< where the default comes from: a tech_data.json row id or a citation
  std::string_view group;     ///< the variants an axis applies to ("" = all); documentation only
};

/// Every deck key, grouped by table, in documentation order.
std::span<const SchemaRow> deck_schema() noexcept;

/// The row for `key`, or nullptr.
const SchemaRow* find_schema_row(std::string_view key) noexcept;

/// The tables of the deck (the first component of every key), in documentation order.
std::vector<std::string> schema_tables();

/// "integer", "array of numbers", "one of: a, b" ... for error messages and docs.
std::string describe_kind(const SchemaRow& row);

/// The rows of the registry rendered as the Markdown page docs/deck.md.
std::string schema_markdown();

}  // namespace chipdse::deck

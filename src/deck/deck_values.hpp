// chipdse/deck/deck_values.hpp — the checked values of a deck, one per schema row, each with where it was
// written (or that it is the registry default). Must not include MPI, PETSc or HDF5.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/core/toml_file.hpp"
#include "chipdse/deck/schema.hpp"
#include "chipdse/tech/tech_database.hpp"

namespace chipdse::deck {

using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                           std::vector<double>, std::vector<std::string>>;

/// One checked key.
struct DeckValue {
  const SchemaRow* row = nullptr;
  Value value;
  SourceLocation where;       ///< where it was written; file empty when it is the registry default
  bool from_default = false;
};

/// A number replacing a technology value or a deck number ([overrides]).
struct Override {
  std::string path;       ///< technology path or deck key
  double value = 0.0;
  SourceLocation where;
  std::string table = "overrides";  ///< where it was given, for messages: overrides, sweep.values, command line
};

/// A key swept over several values ([sweep.values]).
struct SweepAxis {
  std::string path;
  std::vector<double> values;
  SourceLocation where;
};

/// All checked values of a deck.
struct DeckValues {
  std::map<std::string, DeckValue> values;  ///< by key; absent optional keys without default are absent
  std::vector<Override> overrides;
  std::vector<SweepAxis> sweep;
  std::vector<std::pair<std::string, std::string>> thermal_petsc;  ///< [thermal.petsc] name = value, in key order
  std::string top_file;                     ///< for errors about keys nobody wrote

  bool has(const std::string& key) const { return values.count(key) != 0; }
  const DeckValue& at(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  double real(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  const std::vector<std::int64_t>& integers(const std::string& key) const;
  const std::vector<double>& reals(const std::string& key) const;
  const std::vector<std::string>& names(const std::string& key) const;
  /// Where `key` was written, or the top file when it is a default.
  SourceLocation where(const std::string& key) const;
};

/// Checks every non-technology key of a merged deck against the registry and fills defaults.
/// Choice names marked "@table" are checked against the member names of that technology table.
/// @throws InputError for an unknown key or table (with "did you mean"), a wrong type, a value out of range,
///         a non-finite number, an unknown name, an empty or duplicated list element, a missing required key,
///         or an override/sweep path that names nothing.
DeckValues check_deck_values(const toml::table& root, const tech::TechDatabase& tech, const std::string& top_file);

/// @throws InputError (at `where`, naming `key`) unless `path` names a technology value or a numeric deck key.
void check_override_target(const std::string& path, const SourceLocation& where, const std::string& key,
                           const tech::TechDatabase& tech);

/// Names allowed for a choice row: its fixed choices, or the member names of its technology table.
std::vector<std::string> allowed_choices(const SchemaRow& row, const tech::TechDatabase& tech);

}  // namespace chipdse::deck

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

/// Most alternatives [[space.mapping]] may list (the kernel resolves each mapping's demand once, in a fixed array).
inline constexpr std::size_t kMaxMappings = 16;

/// One [[space.mapping]] entry: its name and the workload mapping keys it sets (as "tensor_parallel", ...; the
/// rows are the workload's). Keys it leaves out are absent and come from [workload].
struct MappingEntry {
  std::string name;
  SourceLocation where;                     ///< the entry's table
  std::map<std::string, DeckValue> values;  ///< by short key
};

/// All checked values of a deck.
struct DeckValues {
  std::map<std::string, DeckValue> values;  ///< by key; absent optional keys without default are absent
  std::vector<Override> overrides;
  std::vector<SweepAxis> sweep;
  std::vector<MappingEntry> mappings;       ///< [[space.mapping]], in the deck's order (empty: the mapping is fixed)
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

/// Reads one value of `row`'s kind from a TOML node, with the registry's type, range and name checks.
/// @throws InputError at the node, naming `key`.
Value read_value(const toml::node& n, const SchemaRow& row, const std::string& key, const tech::TechDatabase& tech);

/// The short keys a [[space.mapping]] entry may set besides `name` (each checked with the row workload.<key>).
const std::vector<std::string>& mapping_keys();

/// Reads [[space.mapping]] (an array of tables) into dv.mappings.
/// @throws InputError for a wrong type, an empty list, more than kMaxMappings entries, a missing, malformed or
///         repeated name, an unknown key or a bad value (checked as the workload key of the same name).
void read_mappings(const toml::node& n, const tech::TechDatabase& tech, DeckValues& dv);

/// @throws InputError (at `where`, naming `key`) unless `path` names a technology value or a numeric deck key.
void check_override_target(const std::string& path, const SourceLocation& where, const std::string& key,
                           const tech::TechDatabase& tech);

/// Names allowed for a choice row: its fixed choices, or the member names of its technology table.
std::vector<std::string> allowed_choices(const SchemaRow& row, const tech::TechDatabase& tech);

}  // namespace chipdse::deck

// Checking deck keys against the schema registry (see deck_values.hpp).
#include "chipdse/deck/deck_values.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "chipdse/core/suggest.hpp"

namespace chipdse::deck {

namespace {

bool is_tech_table(std::string_view key) {
  return std::find(tech::kTechTables.begin(), tech::kTechTables.end(), key) != tech::kTechTables.end();
}

std::vector<std::string> keys_of_table(const std::string& table) {
  std::vector<std::string> keys;
  for (const auto& r : deck_schema()) {
    const std::string k(r.key);
    if (k.rfind(table + ".", 0) == 0) keys.push_back(k.substr(table.size() + 1));
  }
  return keys;
}

/// A number from a TOML node: integers and floats both count; NaN and infinities do not.
double finite_number(const toml::node& n, const std::string& key, const std::string& allowed) {
  if (!n.is_number())
    throw InputError(location_of(n), key, "wrong type: " + type_name(n), describe_node(n), allowed);
  const std::optional<double> exact = number_as_double(n);
  if (!exact) throw InputError(location_of(n), key, "integer too large to use as a number", describe_node(n), allowed);
  const double v = *exact;
  if (!std::isfinite(v)) throw InputError(location_of(n), key, "not a finite number", describe_node(n), allowed);
  return v;
}

void check_range(double v, const toml::node& n, const SchemaRow& row, const std::string& key) {
  if (v < row.min || v > row.max)
    throw InputError(location_of(n), key, "value out of range", describe_node(n), describe_kind(row));
}

std::int64_t read_integer(const toml::node& n, const SchemaRow& row, const std::string& key) {
  if (!n.is_integer()) {
    const std::string problem = n.is_floating_point() ? "wrong type: float where an integer is needed"
                                                      : "wrong type: " + type_name(n);
    throw InputError(location_of(n), key, problem, describe_node(n), describe_kind(row));
  }
  const std::int64_t v = n.as_integer()->get();
  check_range(static_cast<double>(v), n, row, key);
  return v;
}

double read_real(const toml::node& n, const SchemaRow& row, const std::string& key) {
  const double v = finite_number(n, key, describe_kind(row));
  check_range(v, n, row, key);
  return v;
}

std::string read_choice(const toml::node& n, const SchemaRow& row, const std::string& key,
                        const tech::TechDatabase& tech) {
  const std::vector<std::string> allowed = allowed_choices(row, tech);
  if (!n.is_string())
    throw InputError(location_of(n), key, "wrong type: " + type_name(n), describe_node(n),
                     "a name, one of: " + join_names(allowed));
  const std::string& s = n.as_string()->get();
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  if (row.choices.size() > 1 && row.choices.front() == '@' && !s.empty()) {
    // A technology alias (N4 for N5, N12 for N16) is a name the user may reasonably try.
    const std::string_view spec = row.choices.substr(1);
    const std::string table(spec.substr(0, spec.find(':')));
    for (const auto& m : allowed) {
      const auto* a = tech.find_attribute(table + "." + m + ".aliases");
      if (!a) continue;
      std::string_view rest = a->text;  // "N4, N4P"
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view alias = rest.substr(0, comma);
        while (!alias.empty() && alias.front() == ' ') alias.remove_prefix(1);
        if (!alias.empty() && alias == s)
          throw InputError(location_of(n), key, "'" + s + "' is an alias of '" + m + "'", "\"" + s + "\"",
                           "write '" + m + "'");
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
  }
  throw InputError(location_of(n), key, "unknown name", "\"" + s + "\"", allowed_names(s, allowed));
}

}  // namespace

Value read_value(const toml::node& n, const SchemaRow& row, const std::string& key, const tech::TechDatabase& tech) {
  switch (row.kind) {
    case ValueKind::boolean:
      if (!n.is_boolean())
        throw InputError(location_of(n), key, "wrong type: " + type_name(n), describe_node(n), describe_kind(row));
      return n.as_boolean()->get();
    case ValueKind::integer: return read_integer(n, row, key);
    case ValueKind::real: return read_real(n, row, key);
    case ValueKind::text:
      if (!n.is_string())
        throw InputError(location_of(n), key, "wrong type: " + type_name(n), describe_node(n), describe_kind(row));
      return n.as_string()->get();
    case ValueKind::choice: return read_choice(n, row, key, tech);
    case ValueKind::integer_list:
    case ValueKind::real_list:
    case ValueKind::real_point:
    case ValueKind::choice_list: {
      const toml::array* a = n.as_array();
      if (!a) throw InputError(location_of(n), key, "wrong type: " + type_name(n), describe_node(n), describe_kind(row));
      if (a->empty())
        throw InputError(location_of(n), key,
                         row.kind == ValueKind::real_point ? "empty list" : "empty list: an axis needs at least one value",
                         "[]", describe_kind(row));
      std::vector<std::int64_t> ints;
      std::vector<double> reals;
      std::vector<std::string> names;
      for (std::size_t i = 0; i < a->size(); ++i) {
        const toml::node& e = *a->get(i);
        const std::string ekey = key + "[" + std::to_string(i) + "]";
        bool duplicate = false;
        if (row.kind == ValueKind::integer_list) {
          const auto v = read_integer(e, row, ekey);
          duplicate = std::find(ints.begin(), ints.end(), v) != ints.end();
          ints.push_back(v);
        } else if (row.kind == ValueKind::real_list || row.kind == ValueKind::real_point) {
          const auto v = read_real(e, row, ekey);
          duplicate = row.kind == ValueKind::real_list && std::find(reals.begin(), reals.end(), v) != reals.end();
          reals.push_back(v);
        } else {
          auto v = read_choice(e, row, ekey, tech);
          duplicate = std::find(names.begin(), names.end(), v) != names.end();
          names.push_back(std::move(v));
        }
        if (duplicate)
          throw InputError(location_of(e), ekey, "listed twice (each value once, or the space would repeat designs)",
                           describe_node(e), describe_kind(row));
      }
      if (row.kind == ValueKind::integer_list) return ints;
      if (row.kind == ValueKind::real_list || row.kind == ValueKind::real_point) return reals;
      return names;
    }
    default: break;
  }
  return std::monostate{};
}

namespace {

Value parse_default(const SchemaRow& row, const tech::TechDatabase& tech) {
  // Defaults are TOML literals in the registry; parse them with the same checks as user input, so a bad
  // default is caught by the registry test rather than silently used.
  const toml::table t = toml::parse("v = " + std::string(row.default_toml), "<schema default of " + std::string(row.key) + ">");
  return read_value(*t.get("v"), row, std::string(row.key), tech);
}

/// A number-valued deck key that [overrides] and [sweep.values] may replace.
bool is_numeric_deck_key(const std::string& path) {
  const SchemaRow* r = find_schema_row(path);
  return r && (r->kind == ValueKind::integer || r->kind == ValueKind::real);
}

void check_target_path(const std::string& path, const toml::node& n, const std::string& key,
                       const tech::TechDatabase& tech) {
  check_override_target(path, location_of(n), key, tech);
}

}  // namespace

void check_override_target(const std::string& path, const SourceLocation& where, const std::string& key,
                           const tech::TechDatabase& tech) {
  if (tech.find(path) || is_numeric_deck_key(path)) return;
  std::vector<std::string> candidates;
  for (const auto& e : tech.entries()) candidates.push_back(e.path);
  for (const auto& r : deck_schema())
    if (r.kind == ValueKind::integer || r.kind == ValueKind::real) candidates.emplace_back(r.key);
  const std::string near = closest_match(path, candidates);
  throw InputError(where, key, "names no technology value or deck number", "'" + path + "'",
                   near.empty() ? "a path printed by `chipdse tech`, or a numeric deck key"
                                : "did you mean '" + near + "'?");
}

namespace {

/// Flattens nested tables ([overrides] process_node.N2.x = 1 writes nested tables) into dotted paths.
void flatten(const toml::table& t, const std::string& prefix, std::vector<std::pair<std::string, const toml::node*>>& out) {
  for (const auto& [k, v] : t) {
    const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table())
      flatten(*sub, path, out);
    else
      out.emplace_back(path, &v);
  }
}

void read_overrides(const toml::node& n, const tech::TechDatabase& tech, DeckValues& dv) {
  const toml::table* t = n.as_table();
  if (!t) throw InputError(location_of(n), "overrides", "must be a table", describe_node(n), "[overrides] path = number");
  std::vector<std::pair<std::string, const toml::node*>> items;
  flatten(*t, {}, items);
  for (const auto& [path, node] : items) {
    const std::string key = "overrides." + path;
    check_target_path(path, *node, key, tech);
    for (const auto& o : dv.overrides)
      if (o.path == path)  // "a.b" = 1 and [overrides.a] b = 2 name the same value
        throw InputError(location_of(*node), key, "overridden twice", describe_node(*node),
                         "one override per key; the other is at " + o.where.str());
    dv.overrides.push_back({path, finite_number(*node, key, "a finite number"), location_of(*node), "overrides"});
  }
}

void read_sweep_values(const toml::node& n, const tech::TechDatabase& tech, DeckValues& dv) {
  const toml::table* t = n.as_table();
  if (!t) throw InputError(location_of(n), "sweep.values", "must be a table", describe_node(n), "[sweep.values] path = [v1, v2]");
  std::vector<std::pair<std::string, const toml::node*>> items;
  flatten(*t, {}, items);
  for (const auto& [path, node] : items) {
    const std::string key = "sweep.values." + path;
    check_target_path(path, *node, key, tech);
    const toml::array* a = node->as_array();
    if (!a || a->empty())
      throw InputError(location_of(*node), key, a ? "empty list" : "wrong type: " + type_name(*node),
                       describe_node(*node), "a non-empty array of numbers");
    for (const auto& a : dv.sweep)
      if (a.path == path)
        throw InputError(location_of(*node), key, "swept twice", describe_node(*node),
                         "one list per key; the other is at " + a.where.str());
    SweepAxis axis{path, {}, location_of(*node)};
    for (std::size_t i = 0; i < a->size(); ++i)
      axis.values.push_back(finite_number(*a->get(i), key + "[" + std::to_string(i) + "]", "a finite number"));
    dv.sweep.push_back(std::move(axis));
  }
  // TOML tables iterate in key order; the case numbering follows the order the keys were written.
  std::stable_sort(dv.sweep.begin(), dv.sweep.end(), [](const SweepAxis& a, const SweepAxis& b) {
    return std::make_pair(a.where.line, a.where.column) < std::make_pair(b.where.line, b.where.column);
  });
}

}  // namespace

std::vector<std::string> allowed_choices(const SchemaRow& row, const tech::TechDatabase& tech) {
  std::vector<std::string> out;
  if (!row.choices.empty() && row.choices.front() == '@') {
    // "@table" or "@table:axis": only members the model can evaluate on that axis carry dse_axis = "axis";
    // reference-only rows (link.cluster, memory.ddr5, d2d.aib ...) are not design choices.
    const std::string_view spec = row.choices.substr(1);
    const auto colon = spec.find(':');
    const std::string table(spec.substr(0, colon));
    const std::string axis = colon == std::string_view::npos ? std::string() : std::string(spec.substr(colon + 1));
    for (auto& m : tech.members(table)) {
      if (m == "common") continue;
      if (!axis.empty()) {
        const auto* a = tech.find_attribute(table + "." + m + ".dse_axis");
        if (!a || a->text != axis) continue;
      }
      out.push_back(std::move(m));
    }
    return out;
  }
  std::string_view rest = row.choices;
  while (!rest.empty()) {
    const auto bar = rest.find('|');
    out.emplace_back(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
  }
  return out;
}

namespace {

/// [thermal.petsc]: option names are letters, digits and '_'; values are strings, numbers or flags.
void read_thermal_petsc(const toml::table& root, DeckValues& dv) {
  const toml::node* thermal = root.get("thermal");
  const toml::node* petsc = thermal && thermal->is_table() ? thermal->as_table()->get("petsc") : nullptr;
  if (!petsc) return;
  const toml::table* t = petsc->as_table();
  if (!t) throw InputError(location_of(*petsc), "thermal.petsc", "must be a table", describe_node(*petsc), "[thermal.petsc] ksp_rtol = 1e-10");
  for (const auto& [k, v] : *t) {
    const std::string name(k.str());
    const std::string key = "thermal.petsc." + name;
    const bool ok = is_identifier(name);
    if (!ok)
      throw InputError(location_of(v), key, "not a PETSc option name", "'" + name + "'",
                       "letters, digits and '_' without dash or prefix, e.g. ksp_rtol");
    std::string text;
    if (const auto* s = v.as_string()) text = s->get();
    else if (const auto* b = v.as_boolean()) text = b->get() ? "true" : "false";
    else if (v.is_number()) text = describe_node(v);
    else throw InputError(location_of(v), key, "wrong type: " + type_name(v), describe_node(v), "a string, a number or true/false");
    dv.thermal_petsc.emplace_back(name, text);
  }
}

}  // namespace

DeckValues check_deck_values(const toml::table& root, const tech::TechDatabase& tech, const std::string& top_file) {
  DeckValues dv;
  read_thermal_petsc(root, dv);
  dv.top_file = top_file;
  const std::vector<std::string> tables = schema_tables();
  std::vector<std::string> top_known = tables;
  top_known.insert(top_known.end(), tech::kTechTables.begin(), tech::kTechTables.end());

  std::map<std::string, SourceLocation> table_where;
  for (const auto& [k, v] : root) {
    const std::string table(k.str());
    if (is_tech_table(table)) continue;
    if (std::find(tables.begin(), tables.end(), table) == tables.end())
      throw InputError(location_of(v), table, "unknown key", {}, allowed_names(table, top_known));
    if (table == "overrides") {
      read_overrides(v, tech, dv);
      continue;
    }
    const toml::table* t = v.as_table();
    if (!t) throw InputError(location_of(v), table, "must be a table", describe_node(v), "[" + table + "]");
    table_where[table] = location_of(v);
    const std::vector<std::string> known = keys_of_table(table);
    for (const auto& [sk, sv] : *t) {
      const std::string key = table + "." + std::string(sk.str());
      const SchemaRow* row = find_schema_row(key);
      if (!row)
        throw InputError(location_of(sv), key, "unknown key", {}, allowed_names(std::string(sk.str()), known));
      if (row->kind == ValueKind::sweep_table) {
        read_sweep_values(sv, tech, dv);
        continue;
      }
      if (row->kind == ValueKind::mapping_tables) {
        read_mappings(sv, tech, dv);
        continue;
      }
      dv.values[key] = DeckValue{row, read_value(sv, *row, key, tech), location_of(sv), false};
    }
  }

  for (const auto& row : deck_schema()) {
    const std::string key(row.key);
    if (dv.values.count(key) || row.kind == ValueKind::override_table || row.kind == ValueKind::sweep_table ||
        row.kind == ValueKind::petsc_table || row.kind == ValueKind::mapping_tables)
      continue;
    if (row.required) {
      const std::string table = key.substr(0, key.find('.'));
      const auto it = table_where.find(table);
      const SourceLocation where = it != table_where.end() ? it->second : SourceLocation{top_file};
      throw InputError(where, key, "missing required key", {}, describe_kind(row));
    }
    if (!row.default_toml.empty()) dv.values[key] = DeckValue{&row, parse_default(row, tech), {}, true};
  }
  return dv;
}

const DeckValue& DeckValues::at(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end()) throw Error("deck has no value for '" + key + "'");
  return it->second;
}

std::int64_t DeckValues::integer(const std::string& key) const { return std::get<std::int64_t>(at(key).value); }
double DeckValues::real(const std::string& key) const { return std::get<double>(at(key).value); }
const std::string& DeckValues::text(const std::string& key) const { return std::get<std::string>(at(key).value); }
const std::vector<std::int64_t>& DeckValues::integers(const std::string& key) const {
  return std::get<std::vector<std::int64_t>>(at(key).value);
}
const std::vector<double>& DeckValues::reals(const std::string& key) const {
  return std::get<std::vector<double>>(at(key).value);
}
const std::vector<std::string>& DeckValues::names(const std::string& key) const {
  return std::get<std::vector<std::string>>(at(key).value);
}

SourceLocation DeckValues::where(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end() || it->second.from_default) return SourceLocation{top_file};
  return it->second.where;
}

}  // namespace chipdse::deck

// Building the technology database from TOML (see tech_loader.hpp).
#include "chipdse/tech/tech_loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "chipdse/core/suggest.hpp"
#include "chipdse/core/units.hpp"

#ifndef CHIPDSE_SOURCE_INPUTS_DIR
#error "CHIPDSE_SOURCE_INPUTS_DIR must be defined by the build"
#endif

namespace chipdse::tech {

namespace {

const std::vector<std::string> kEntryKeys = {"value", "unit",        "source",    "confidence",
                                             "range", "range_basis", "note",      "derivation"};
constexpr const char* kEntryForm =
    "{ value = <number>, unit = \"<unit>\", source = \"<tech_data.json row id>\" or \"cite: <reference>\", "
    "confidence = \"H|M|L\", range = [<lo>, <hi>] }";

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::string unit_names() {
  std::vector<std::string> names;
  for (const auto& u : unit_vocabulary()) names.emplace_back(u.symbol);
  return join_names(names, " ");
}

const std::string& require_string(const toml::table& entry, const std::string& path, const char* key) {
  const toml::node* n = entry.get(key);
  if (!n) throw InputError(location_of(entry), path + "." + key, "missing", {}, kEntryForm);
  if (!n->is_string())
    throw InputError(location_of(*n), path + "." + key, "must be a string", describe_node(*n), "a string");
  return n->as_string()->get();
}

double require_number(const toml::node& n, const std::string& path) {
  if (!n.is_number()) throw InputError(location_of(n), path, "must be a number", describe_node(n), "a finite number");
  const std::optional<double> exact = number_as_double(n);
  if (!exact) throw InputError(location_of(n), path, "integer too large to use as a number", describe_node(n), "a finite number");
  const double v = *exact;
  if (!std::isfinite(v)) throw InputError(location_of(n), path, "must be finite", describe_node(n), "a finite number");
  return v;
}

TechEntry read_entry(const toml::table& t, const std::string& path) {
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(kEntryKeys.begin(), kEntryKeys.end(), key) == kEntryKeys.end()) {
      throw InputError(location_of(v), path + "." + key, "unknown key in a technology entry", {},
                       allowed_names(key, kEntryKeys));
    }
  }
  TechEntry e;
  e.path = path;
  e.where = location_of(t);
  e.value = require_number(*t.get("value"), path + ".value");
  e.unit = require_string(t, path, "unit");
  if (!is_known_unit(e.unit))
    throw InputError(location_of(*t.get("unit")), path + ".unit", "unknown unit", "\"" + e.unit + "\"", unit_names());
  e.source = require_string(t, path, "source");
  const bool citation = e.source.rfind(kCitationPrefix, 0) == 0;
  const bool row_id = !e.source.empty() && e.source.find('.') != std::string::npos &&
                      e.source.find(' ') == std::string::npos;
  if (!(row_id || (citation && e.source.size() > kCitationPrefix.size() + 3)))
    throw InputError(location_of(*t.get("source")), path + ".source", "not a source", "\"" + e.source + "\"",
                     "a row id of tech_data.json (e.g. node.wafer_cost_n7) or \"cite: <reference>\"");
  const std::string& conf = require_string(t, path, "confidence");
  if (conf != "H" && conf != "M" && conf != "L")
    throw InputError(location_of(*t.get("confidence")), path + ".confidence", "not a confidence grade",
                     "\"" + conf + "\"", "\"H\", \"M\" or \"L\"");
  e.confidence = conf[0];

  const toml::node* range = t.get("range");
  if (!range) throw InputError(e.where, path + ".range", "missing", {}, "range = [lo, hi] around the value");
  const toml::array* r = range->as_array();
  if (!r || r->size() != 2)
    throw InputError(location_of(*range), path + ".range", "must be a two-number array", describe_node(*range),
                     "[lo, hi] with lo <= value <= hi");
  e.range_lo = require_number(*r->get(0), path + ".range[0]");
  e.range_hi = require_number(*r->get(1), path + ".range[1]");
  if (!(e.range_lo <= e.value && e.value <= e.range_hi))
    throw InputError(location_of(*range), path + ".range", "does not contain the value " + number_text(e.value),
                     describe_node(*range), "[lo, hi] with lo <= value <= hi");

  e.range_basis = "source";
  if (const toml::node* b = t.get("range_basis")) {
    e.range_basis = require_string(t, path, "range_basis");
    if (e.range_basis != "source" && e.range_basis != "confidence band")
      throw InputError(location_of(*b), path + ".range_basis", "unknown range basis", describe_node(*b),
                       "\"source\" or \"confidence band\"");
  }
  if (t.get("note")) e.note = require_string(t, path, "note");
  if (t.get("derivation")) e.derivation = require_string(t, path, "derivation");
  return e;
}

bool is_attribute(const toml::node& n) {
  if (n.is_string() || n.is_boolean()) return true;
  if (const toml::array* a = n.as_array()) {
    for (const auto& item : *a)
      if (!item.is_string()) return false;
    return true;
  }
  return false;
}

std::string attribute_text(const toml::node& n) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  std::vector<std::string> items;
  for (const auto& item : *n.as_array()) items.push_back(item.as_string()->get());
  return join_names(items);
}

void walk(const toml::table& t, const std::string& prefix, std::vector<TechEntry>& entries,
          std::vector<TechAttribute>& attributes) {
  for (const auto& [k, v] : t) {
    const std::string path = join_path(prefix, k.str());
    if (path == kDeckThermalPetscTable) continue;  // solver options of a deck (DESIGN.md §7), not technology
    if (const toml::table* sub = v.as_table()) {
      if (sub->contains("value"))
        entries.push_back(read_entry(*sub, path));
      else
        walk(*sub, path, entries, attributes);
    } else if (is_attribute(v)) {
      attributes.push_back({path, attribute_text(v), location_of(v)});
    } else {
      throw InputError(location_of(v), path, "a number in the technology database needs a unit and a source",
                       describe_node(v), kEntryForm);
    }
  }
}

/// Written order: file order as the loader read them (first seen path wins), then line.
template <typename T>
void sort_as_written(std::vector<T>& items, const std::vector<std::string>& file_order) {
  auto rank = [&](const SourceLocation& w) {
    const auto it = std::find(file_order.begin(), file_order.end(), w.file);
    return std::make_tuple(static_cast<std::size_t>(it - file_order.begin()), w.line, w.column);
  };
  std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) { return rank(a.where) < rank(b.where); });
}

}  // namespace

TechDatabase build_tech_database(const toml::table& root, std::vector<std::string> file_order) {
  std::vector<TechEntry> entries;
  std::vector<TechAttribute> attributes;
  std::vector<std::string_view> tables(kTechTables.begin(), kTechTables.end());
  tables.insert(tables.end(), kParameterSetTables.begin(), kParameterSetTables.end());
  for (std::string_view name : tables) {
    const toml::node* n = root.get(name);
    if (!n) continue;
    const toml::table* t = n->as_table();
    if (!t) throw InputError(location_of(*n), std::string(name), "must be a table", describe_node(*n), "a table");
    walk(*t, std::string(name), entries, attributes);
  }
  // Files the caller did not list sort after those it did, in order of first appearance.
  for (const auto& e : entries)
    if (std::find(file_order.begin(), file_order.end(), e.where.file) == file_order.end())
      file_order.push_back(e.where.file);
  sort_as_written(entries, file_order);
  sort_as_written(attributes, file_order);
  return TechDatabase(std::move(entries), std::move(attributes));
}

TechDatabase load_tech_database(const std::filesystem::path& index) {
  const TomlDocument doc = load_toml_with_includes(index);
  std::vector<std::string> known(kTechTables.begin(), kTechTables.end());
  known.insert(known.end(), kParameterSetTables.begin(), kParameterSetTables.end());
  for (const auto& [k, v] : doc.root) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw InputError(location_of(v), key, "unknown top-level table in a technology file", {},
                       allowed_names(key, known));
    }
  }
  std::vector<std::string> file_order;
  for (const auto& f : doc.files) file_order.push_back(f.path.string());
  return build_tech_database(doc.root, std::move(file_order));
}

std::filesystem::path default_tech_index() {
  if (const char* dir = std::getenv("CHIPDSE_DATA_DIR"); dir && *dir)
    return std::filesystem::path(dir) / "tech" / "tech.toml";
  return std::filesystem::path(CHIPDSE_SOURCE_INPUTS_DIR) / "tech" / "tech.toml";
}

}  // namespace chipdse::tech

// [[space.mapping]]: named alternatives for the workload's parallel mapping (see deck_values.hpp).
// Each entry is checked key by key with the registry row of the workload key of the same name, so a mapping
// accepts exactly what [workload] accepts; the relations between keys are checked per mapping in deck.cpp.
#include <algorithm>

#include "chipdse/core/suggest.hpp"
#include "chipdse/deck/deck_values.hpp"

namespace chipdse::deck {

const std::vector<std::string>& mapping_keys() {
  static const std::vector<std::string> keys = {"tensor_parallel", "pipeline_parallel", "expert_parallel",
                                                "tensor_tier",     "pipeline_tier",     "data_tier",
                                                "expert_tier"};
  return keys;
}

namespace {

constexpr const char* kShape =
    "[[space.mapping]] tables: name = \"tp8_pp4\" and any of tensor_parallel, pipeline_parallel, expert_parallel, "
    "tensor_tier, pipeline_tier, data_tier, expert_tier";

// A mapping's name is an axis value: it appears in /space, the result tables and `evaluate --set mapping=NAME`.
bool usable_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

void read_mappings(const toml::node& n, const tech::TechDatabase& tech, DeckValues& dv) {
  const toml::array* a = n.as_array();
  if (!a) throw InputError(location_of(n), "space.mapping", "wrong type: " + type_name(n), describe_node(n), kShape);
  if (a->empty()) throw InputError(location_of(n), "space.mapping", "empty list: an axis needs at least one value", "[]", kShape);
  if (a->size() > kMaxMappings)
    throw InputError(location_of(n), "space.mapping", "too many mappings", std::to_string(a->size()) + " entries",
                     "at most " + std::to_string(kMaxMappings) + " (run more as a sweep of decks)");
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& e = *a->get(i);
    const std::string entry = "space.mapping[" + std::to_string(i) + "]";
    const toml::table* t = e.as_table();
    if (!t) throw InputError(location_of(e), entry, "wrong type: " + type_name(e), describe_node(e), kShape);
    MappingEntry m;
    m.where = location_of(e);
    bool named = false;
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      const std::string full = entry + "." + key;
      if (key == "name") {
        if (!v.is_string())
          throw InputError(location_of(v), full, "wrong type: " + type_name(v), describe_node(v), "a string");
        m.name = v.as_string()->get();
        if (!usable_name(m.name))
          throw InputError(location_of(v), full, "not a usable mapping name", describe_node(v),
                           "letters, digits, '_', '-' and '.' (it is a value of the mapping axis)");
        for (const MappingEntry& o : dv.mappings)
          if (o.name == m.name)
            throw InputError(location_of(v), full, "mapping named twice", describe_node(v),
                             "distinct names; the other is at " + o.where.str());
        named = true;
        continue;
      }
      const auto& keys = mapping_keys();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::vector<std::string> allowed = keys;
        allowed.insert(allowed.begin(), "name");
        throw InputError(location_of(v), full, "unknown key", {}, allowed_names(key, allowed));
      }
      const SchemaRow* row = find_schema_row("workload." + key);
      m.values[key] = DeckValue{row, read_value(v, *row, full, tech), location_of(v), false};
    }
    if (!named) throw InputError(m.where, entry + ".name", "missing required key", {}, "a string naming the mapping");
    dv.mappings.push_back(std::move(m));
  }
}

}  // namespace chipdse::deck

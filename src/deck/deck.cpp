// Deck loading (see deck.hpp).
#include "chipdse/deck/deck.hpp"

#include <algorithm>
#include <sstream>

#include "chipdse/core/suggest.hpp"
#include "chipdse/core/toml_file.hpp"
#include "chipdse/tech/tech_loader.hpp"

namespace chipdse::deck {

namespace {

void reject_unknown(const toml::table& t, const std::string& prefix, const std::vector<std::string>& known) {
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    throw InputError(location_of(v), prefix.empty() ? key : prefix + "." + key, "unknown key", {},
                     allowed_names(key, known));
  }
}

std::string read_string(const toml::table& t, const std::string& path, const char* key, bool required,
                        const SourceLocation& table_where) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) throw InputError(table_where, path + "." + key, "missing required key", {}, "a string");
    return {};
  }
  if (!n->is_string())
    throw InputError(location_of(*n), path + "." + key, "wrong type: " + type_name(*n), describe_node(*n), "a string");
  return n->as_string()->get();
}

}  // namespace

Deck load_deck(const std::filesystem::path& path) {
  TomlDocument doc = load_toml_with_includes(path);
  Deck deck;
  deck.path = path.string();
  std::vector<std::string> file_order;
  for (auto& f : doc.files) {
    file_order.push_back(f.path.string());
    deck.files.push_back({f.path.string(), f.text});
  }

  std::vector<std::string> known = {"study"};
  known.insert(known.end(), tech::kTechTables.begin(), tech::kTechTables.end());
  reject_unknown(doc.root, {}, known);

  const toml::node* study = doc.root.get("study");
  if (!study) throw InputError(SourceLocation{deck.path}, "study", "missing required table", {}, "[study] name = \"...\"");
  const toml::table* st = study->as_table();
  if (!st) throw InputError(location_of(*study), "study", "must be a table", describe_node(*study), "[study]");
  reject_unknown(*st, "study", {"name", "description"});
  deck.study_name = read_string(*st, "study", "name", true, location_of(*st));
  if (deck.study_name.empty() ||
      !std::all_of(deck.study_name.begin(), deck.study_name.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }))
    throw InputError(location_of(*st->get("name")), "study.name", "not a usable study name",
                     "\"" + deck.study_name + "\"", "letters, digits, '_' and '-' (it names the output file)");
  deck.study_description = read_string(*st, "study", "description", false, location_of(*st));

  deck.tech = tech::build_tech_database(doc.root, file_order);
  std::ostringstream os;
  os << doc.root;
  deck.resolved_toml = os.str();
  return deck;
}

}  // namespace chipdse::deck

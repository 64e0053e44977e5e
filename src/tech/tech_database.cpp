// The resolved technology database (see tech_database.hpp).
#include "chipdse/tech/tech_database.hpp"

#include "chipdse/core/suggest.hpp"

namespace chipdse::tech {

TechDatabase::TechDatabase(std::vector<TechEntry> entries, std::vector<TechAttribute> attributes)
    : m_entries(std::move(entries)), m_attributes(std::move(attributes)) {}

const TechEntry* TechDatabase::find(std::string_view path) const noexcept {
  for (const auto& e : m_entries)
    if (e.path == path) return &e;
  return nullptr;
}

const TechEntry& TechDatabase::at(std::string_view path) const {
  if (const TechEntry* e = find(path)) return *e;
  std::vector<std::string> paths;
  paths.reserve(m_entries.size());
  for (const auto& e : m_entries) paths.push_back(e.path);
  Error err("technology database has no value '" + std::string(path) + "'");
  if (auto near = closest_match(path, paths); !near.empty()) err.add_context("  did you mean '" + near + "'?");
  throw err;
}

void TechDatabase::set_value(std::string_view path, double value, const std::string& note) {
  for (auto& e : m_entries) {
    if (e.path != path) continue;
    e.note = note + " (was " + std::to_string(e.value) + (e.note.empty() ? ")" : "; " + e.note + ")");
    e.value = value;
    e.overridden = true;
    return;
  }
  (void)at(path);  // throws with the closest existing path
}

const TechAttribute* TechDatabase::find_attribute(std::string_view path) const noexcept {
  for (const auto& a : m_attributes)
    if (a.path == path) return &a;
  return nullptr;
}

std::vector<std::string> TechDatabase::members(std::string_view table) const {
  const std::string prefix = std::string(table) + ".";
  std::vector<std::string> names;
  auto add = [&](const std::string& path) {
    if (path.rfind(prefix, 0) != 0) return;
    const auto rest = path.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos) return;  // a leaf directly in `table`, not a member
    const std::string name = rest.substr(0, dot);
    for (const auto& n : names)
      if (n == name) return;
    names.push_back(name);
  };
  for (const auto& e : m_entries) add(e.path);
  for (const auto& a : m_attributes) add(a.path);
  return names;
}

}  // namespace chipdse::tech

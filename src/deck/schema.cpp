// Schema registry queries and the generated documentation (see schema.hpp).
#include "chipdse/deck/schema.hpp"

#include "chipdse/core/suggest.hpp"

#include <cmath>
#include <sstream>

namespace chipdse::deck {

const SchemaRow* find_schema_row(std::string_view key) noexcept {
  for (const auto& r : deck_schema())
    if (r.key == key) return &r;
  return nullptr;
}

std::vector<std::string> schema_tables() {
  std::vector<std::string> tables;
  for (const auto& r : deck_schema()) {
    const std::string t(r.key.substr(0, r.key.find('.')));
    if (tables.empty() || tables.back() != t) tables.push_back(t);
  }
  return tables;
}

namespace {

std::string choices_text(const SchemaRow& row) {
  if (row.choices.empty()) return {};
  if (row.choices.front() == '@') {
    const auto colon = row.choices.find(':');
    const std::string table(row.choices.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1));
    if (colon == std::string_view::npos) return "a name of the technology table [" + table + "]";
    return "a name of the technology table [" + table + "] with dse_axis = \"" +
           std::string(row.choices.substr(colon + 1)) + "\"";
  }
  std::string s(row.choices);
  for (auto& c : s)
    if (c == '|') c = ',';
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == ',') out += ' ';
  }
  return out;
}

}  // namespace

std::string describe_kind(const SchemaRow& row) {
  const std::string range = "[" + number_text(row.min) + ", " + number_text(row.max) + "]";
  const std::string unit = row.unit.empty() || row.unit == "-" ? "" : " " + std::string(row.unit);
  switch (row.kind) {
    case ValueKind::boolean: return "true or false";
    case ValueKind::integer: return "an integer in " + range + unit;
    case ValueKind::real: return "a number in " + range + unit;
    case ValueKind::text: return "a string";
    case ValueKind::choice: return "one of: " + choices_text(row);
    case ValueKind::integer_list: return "a non-empty array of distinct integers in " + range + unit;
    case ValueKind::real_list: return "a non-empty array of distinct numbers in " + range + unit;
    case ValueKind::real_point: return "a non-empty array of numbers in " + range + unit;
    case ValueKind::choice_list: return "a non-empty array of distinct names, each one of: " + choices_text(row);
    case ValueKind::override_table: return "a table of key path = number";
    case ValueKind::sweep_table: return "a table of key path = array of numbers";
    case ValueKind::petsc_table: return "a table of PETSc option name = value (string, number or true/false)";
    case ValueKind::mapping_tables:
      return "an array of tables ([[space.mapping]]), each with a distinct name and any of tensor_parallel, "
             "pipeline_parallel, expert_parallel, tensor_tier, pipeline_tier, data_tier, expert_tier";
  }
  return {};
}

std::string schema_markdown() {
  std::ostringstream md;
  md << "# Deck reference\n\n"
     << "Generated from the schema registry (`src/deck/schema_rows.cpp`) by `chipdse schema --markdown`;\n"
     << "do not edit by hand (a test checks this page equals the registry).\n\n"
     << "A deck is a TOML file. `include = [\"file.toml\", ...]` merges other files first (paths relative to\n"
     << "the including file); the technology database `inputs/tech/tech.toml` is one of them. Every key below\n"
     << "is checked: unknown keys, wrong types, values out of range and unknown names are errors that name\n"
     << "the file, line, key, the bad value and what is allowed. Keys marked required have no default.\n";
  std::string table;
  for (const auto& r : deck_schema()) {
    const std::string t(r.key.substr(0, r.key.find('.')));
    if (t != table) {
      table = t;
      md << "\n## [" << table << "]\n\n| key | type | unit | default | meaning | source of the default |\n"
         << "|---|---|---|---|---|---|\n";
    }
    std::string def = r.required ? "**required**" : r.default_toml.empty() ? "(none)" : "`" + std::string(r.default_toml) + "`";
    std::string doc(r.doc);
    if (!r.group.empty()) doc += " Applies to: " + std::string(r.group) + ".";
    md << "| `" << r.key << "` | " << describe_kind(r) << " | " << (r.unit.empty() ? "" : std::string(r.unit)) << " | "
       << def << " | " << doc << " | " << r.source << " |\n";
  }
  return md.str();
}

}  // namespace chipdse::deck

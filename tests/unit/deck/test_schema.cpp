// Invariants of the schema registry (src/deck/schema_rows.cpp): unique, well-formed keys in contiguous
// tables; defaults that pass their own checks; known units; a doc sentence per row; a source for every
// physical default, citing rows that exist in shared/reference/tech_data.json; docs and messages that
// carry every key, unit and range.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "chipdse/core/units.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/schema.hpp"
#include "deck_fixture.hpp"

using namespace chipdse;
using namespace chipdse::deck;
using namespace chipdse::testing;

namespace {

bool is_numeric(const SchemaRow& r) {
  return r.kind == ValueKind::integer || r.kind == ValueKind::real || r.kind == ValueKind::integer_list ||
         r.kind == ValueKind::real_list || r.kind == ValueKind::real_point;
}

std::string table_of(const SchemaRow& r) {
  const std::string k(r.key);
  return k.substr(0, k.find('.'));
}

/// The numbers of a default literal: "4.0" -> {4}, "[2, 4, 8]" -> {2, 4, 8} (parsed here with std::stod).
std::vector<double> default_numbers(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c == '[' || c == ']' || c == ',') c = ' ';
  std::istringstream in(s);
  std::vector<double> out;
  for (std::string tok; in >> tok;) out.push_back(std::stod(tok));
  return out;
}

/// Fixed choices "a|b|c" as a list (empty for "@table" choices).
std::vector<std::string> fixed_choices(const SchemaRow& r) {
  std::vector<std::string> out;
  if (r.choices.empty() || r.choices.front() == '@') return out;
  std::string s(r.choices);
  for (std::size_t p = 0;;) {
    const auto bar = s.find('|', p);
    out.push_back(s.substr(p, bar - p));
    if (bar == std::string::npos) break;
    p = bar + 1;
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace

TEST_CASE("schema keys are unique, dotted table.name, and tables are contiguous", "[deck][schema]") {
  const std::regex dotted("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");
  const std::regex bare("[a-z][a-z0-9_]*");
  std::set<std::string> keys;
  std::vector<std::string> tables;
  std::set<std::string> closed;
  for (const auto& r : deck_schema()) {
    const std::string k(r.key);
    INFO(k);
    CHECK(keys.insert(k).second);
    if (r.kind == ValueKind::override_table)
      CHECK(std::regex_match(k, bare));
    else
      CHECK(std::regex_match(k, dotted));
    const std::string t = table_of(r);
    if (tables.empty() || tables.back() != t) {
      CHECK(closed.count(t) == 0);  // a table that ended must not start again
      if (!tables.empty()) closed.insert(tables.back());
      tables.push_back(t);
    }
    CHECK(find_schema_row(k) == &r);
  }
  CHECK(schema_tables() == tables);
  CHECK(find_schema_row("workload.nope") == nullptr);
  CHECK(keys.size() > 60);
}

TEST_CASE("required rows have no default, and defaults load and lie in their own range", "[deck][schema]") {
  // A deck that sets nothing optional: every default is parsed and checked like user input.
  TempDir dir;
  deck::Deck d;
  REQUIRE_NOTHROW(d = load_text_file(dir, DeckText().str()));
  for (const auto& r : deck_schema()) {
    INFO(r.key << " default " << r.default_toml);
    if (r.required) {
      CHECK(r.default_toml.empty());
      continue;
    }
    if (r.default_toml.empty()) continue;
    CHECK(d.values.at(std::string(r.key)).from_default);
    if (is_numeric(r)) {
      const std::vector<double> v = default_numbers(r.default_toml);
      CHECK_FALSE(v.empty());
      for (double x : v) {
        CHECK(r.min <= x);
        CHECK(x <= r.max);
      }
    }
    const auto choices = fixed_choices(r);
    if (r.kind == ValueKind::choice && !choices.empty()) {
      const std::string s(r.default_toml.substr(1, r.default_toml.size() - 2));  // strip the quotes
      CHECK(std::find(choices.begin(), choices.end(), s) != choices.end());
    }
  }
}

TEST_CASE("numeric rows have known units and a sane range, others have none", "[deck][schema]") {
  for (const auto& r : deck_schema()) {
    INFO(r.key << " unit '" << r.unit << "'");
    if (is_numeric(r)) {
      CHECK_FALSE(r.unit.empty());
      CHECK(is_known_unit(r.unit));
      CHECK(r.min <= r.max);
      CHECK(r.choices.empty());
    } else {
      CHECK(r.unit.empty());
    }
    if (r.kind == ValueKind::choice || r.kind == ValueKind::choice_list) CHECK_FALSE(r.choices.empty());
  }
}

TEST_CASE("every row has a one-sentence doc and a group names partitionings", "[deck][schema]") {
  const auto partitionings = fixed_choices(*find_schema_row("space.partitioning"));
  for (const auto& r : deck_schema()) {
    INFO(r.key);
    REQUIRE_FALSE(r.doc.empty());
    CHECK(r.doc.back() == '.');
    if (r.group.empty()) continue;
    std::string g(r.group);
    for (std::size_t p = 0;;) {
      const auto comma = g.find(", ", p);
      const std::string name = g.substr(p, comma - p);
      CHECK(std::find(partitionings.begin(), partitionings.end(), name) != partitionings.end());
      if (comma == std::string::npos) break;
      p = comma + 2;
    }
  }
}

TEST_CASE("physical defaults have a source, and cited row ids exist in tech_data.json", "[deck][schema]") {
  const std::string json = read_file(std::string(CHIPDSE_SHARED_DIR) + "/reference/tech_data.json");
  std::set<std::string> ids;
  const std::regex id_re("\"id\"\\s*:\\s*\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), id_re); it != std::sregex_iterator(); ++it)
    ids.insert((*it)[1]);
  REQUIRE(ids.size() > 100);

  int cited = 0;
  for (const auto& r : deck_schema()) {
    INFO(r.key << " source '" << r.source << "'");
    const bool physical = (r.kind == ValueKind::real || r.kind == ValueKind::real_list) && !r.default_toml.empty() &&
                          r.unit != "-" && r.unit != "s";
    if (physical) CHECK_FALSE(r.source.empty());
    const std::string src(r.source);
    if (src.empty() || src.rfind("cite:", 0) == 0) continue;
    // A source may list several references separated by ", "; each piece's first word is a row id when it
    // has a '.' (DESIGN.md is a file, not a row).
    for (std::size_t p = 0;;) {
      const auto comma = src.find(", ", p);
      const std::string piece = src.substr(p, comma - p);
      const std::string word = piece.substr(0, piece.find_first_of(" ("));
      const bool row_id = word.find('.') != std::string::npos && !word.ends_with(".md");
      if (row_id) {
        ++cited;
        INFO("row id '" << word << "'");
        CHECK(ids.count(word) == 1);
      }
      if (comma == std::string::npos) break;
      p = comma + 2;
    }
  }
  CHECK(cited >= 9);  // reference.precision, scale_up, scale_out, d2d bandwidth, 2 x hbm_stacks, tj, cooling, die area
}

TEST_CASE("schema_markdown lists every key and describe_kind states unit, range and choices", "[deck][schema]") {
  const std::string md = schema_markdown();
  const std::regex range_re("\\[([^,\\]]+), ([^\\]]+)\\]");
  for (const auto& r : deck_schema()) {
    INFO(r.key);
    CHECK(contains(md, "| `" + std::string(r.key) + "` |"));
    const std::string kind = describe_kind(r);
    CHECK_FALSE(kind.empty());
    if (is_numeric(r)) {
      if (r.unit != "-") CHECK(kind.ends_with(" " + std::string(r.unit)));
      std::smatch m;
      REQUIRE(std::regex_search(kind, m, range_re));
      const double lo = std::stod(m[1]), hi = std::stod(m[2]);
      CHECK(lo == Approx(r.min).epsilon(1e-11));
      CHECK(hi == Approx(r.max).epsilon(1e-11));
      CHECK(contains(kind, r.kind == ValueKind::integer || r.kind == ValueKind::integer_list ? "integer" : "number"));
    }
    for (const auto& c : fixed_choices(r)) CHECK(contains(kind, c));
    if (!r.choices.empty() && r.choices.front() == '@') {
      // "@table" or "@table:axis": the text names the table, and the dse_axis filter when there is one.
      const std::string spec(r.choices.substr(1));
      const auto colon = spec.find(':');
      CHECK(contains(kind, "[" + spec.substr(0, colon) + "]"));
      if (colon != std::string::npos) CHECK(contains(kind, "dse_axis = \"" + spec.substr(colon + 1) + "\""));
    }
  }
  for (const auto& t : schema_tables()) CHECK(contains(md, "## [" + t + "]"));
}

// deck_fixture.hpp — small decks for the deck and search tests: a known-valid base deck that a test edits
// one line at a time, the line number of a text it wrote, and the InputError a load throws.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "../../support/temp_files.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"

namespace chipdse::testing {

/// The technology index of the source tree, as an absolute path (an include of it works from any folder).
inline std::filesystem::path tech_index() {
  return std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "tech.toml";
}

/// A deck as lines grouped by table: the base deck is valid (only [study] name and the required
/// [reference] keys); set/erase/line/drop make one change each, so a malformed deck has exactly one defect.
class DeckText {
 public:
  DeckText() {
    m_top.push_back("include = [\"" + tech_index().string() + "\"]");
    m_tables.push_back({"study", {"name = \"t\""}});
    m_tables.push_back({"reference",
                        {"peak_dense_tflops = 989.0", "node = \"N5\"", "clock_ghz = 1.98", "sram_mb = 50.0",
                         "hbm_capacity_gb = 80.0"}});
  }

  /// Sets `key = value` in [table]: replaces the line of `key` if there is one, else appends it.
  DeckText& set(const std::string& table, const std::string& key, const std::string& value) {
    auto& lines = table_lines(table);
    const std::string line = key + " = " + value;
    for (auto& l : lines)
      if (l.rfind(key + " = ", 0) == 0) {
        l = line;
        return *this;
      }
    lines.push_back(line);
    return *this;
  }
  /// Removes the line of `key` from [table].
  DeckText& erase(const std::string& table, const std::string& key) {
    auto& lines = table_lines(table);
    std::erase_if(lines, [&](const std::string& l) { return l.rfind(key + " = ", 0) == 0; });
    return *this;
  }
  /// Appends a raw line to [table] (creating the table at the end).
  DeckText& line(const std::string& table, const std::string& raw) {
    table_lines(table).push_back(raw);
    return *this;
  }
  /// Appends a raw top-level line (before the first table header).
  DeckText& top(const std::string& raw) {
    m_top.push_back(raw);
    return *this;
  }
  /// Replaces the top-level lines (the include) altogether.
  DeckText& replace_top(std::vector<std::string> lines) {
    m_top = std::move(lines);
    return *this;
  }
  /// Removes [table] and its lines.
  DeckText& drop(const std::string& table) {
    std::erase_if(m_tables, [&](const auto& t) { return t.first == table; });
    return *this;
  }

  std::string str() const {
    std::string s;
    for (const auto& l : m_top) s += l + "\n";
    for (const auto& [name, lines] : m_tables) {
      s += "\n[" + name + "]\n";
      for (const auto& l : lines) s += l + "\n";
    }
    return s;
  }

 private:
  std::vector<std::string>& table_lines(const std::string& table) {
    for (auto& t : m_tables)
      if (t.first == table) return t.second;
    m_tables.push_back({table, {}});
    return m_tables.back().second;
  }

  std::vector<std::string> m_top;
  std::vector<std::pair<std::string, std::vector<std::string>>> m_tables;
};

/// The 1-based line of the one line of `text` that contains `needle` (the test wrote it; fails if ambiguous).
inline int line_of(const std::string& text, const std::string& needle) {
  int found = 0, line = 1, count = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string::npos) {
      found = line;
      ++count;
    }
    start = end + 1;
    ++line;
  }
  INFO("looking for '" << needle << "' in:\n" << text);
  REQUIRE(count == 1);
  return found;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// What an InputError said.
struct Caught {
  std::string message;
  ExitCode code = ExitCode::ok;
  std::string key;
};

/// Runs `f`, expects an InputError (nothing else), returns what it said.
template <typename F>
Caught input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return {e.what(), e.exit_code(), e.key()};
  }
  FAIL("expected an InputError");
  return {};
}

/// `file:line:` as SourceLocation::str() starts it.
inline std::string at(const std::filesystem::path& file, int line) { return file.string() + ":" + std::to_string(line) + ":"; }

/// Checks an error names the place, the key, exits with bad_input, and says every one of `parts`.
inline void check_error(const Caught& e, const std::filesystem::path& file, int line, const std::string& key,
                        std::initializer_list<std::string> parts) {
  INFO("message: " << e.message);
  CHECK(e.code == ExitCode::bad_input);
  CHECK(e.message.rfind(at(file, line), 0) == 0);
  CHECK(contains(e.message, "key '" + key + "'"));
  for (const auto& p : parts) CHECK(contains(e.message, p));
}

/// Writes `text` as `name` in `dir` and loads it.
inline deck::Deck load_text_file(const TempDir& dir, const std::string& text, const std::string& name = "deck.toml") {
  return deck::load_deck(dir.write(name, text));
}

}  // namespace chipdse::testing

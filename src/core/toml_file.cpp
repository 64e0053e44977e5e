// TOML files with includes (see toml_file.hpp).
#include "chipdse/core/toml_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace chipdse {

namespace fs = std::filesystem;

SourceLocation location_of(const toml::node& node) {
  const auto& src = node.source();
  SourceLocation loc;
  if (src.path) loc.file = *src.path;
  loc.line = static_cast<int>(src.begin.line);
  loc.column = static_cast<int>(src.begin.column);
  return loc;
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

std::string describe_node(const toml::node& node) {
  if (node.is_table()) return "a table";
  if (node.is_array()) {
    std::ostringstream os;
    os << *node.as_array();
    std::string s = os.str();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
  }
  std::ostringstream os;
  node.visit([&](const auto& v) { os << v; });
  return os.str();
}

namespace {

/// Largest input file accepted: decks and technology files are a few kB; this stops /dev/zero or a
/// mistyped path to a data file from eating memory.
constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

std::string read_text(const fs::path& path, const SourceLocation& from) {
  auto fail = [&](const std::string& problem, const std::string& allowed) -> std::string {
    if (from.file.empty())  // the top file, named on the command line
      throw InputError(SourceLocation{path.string()}, {}, problem, {}, allowed);
    throw InputError(from, "include", problem, "'" + path.string() + "'",
                     allowed + ", relative to the including file");
  };
  std::error_code ec;
  // Only regular files: a FIFO, /dev/stdin or /dev/zero would block or never end.
  if (!fs::exists(path, ec)) fail(from.file.empty() ? "cannot open file" : "cannot open included file", "an existing, readable TOML file");
  if (!fs::is_regular_file(path, ec)) fail("not a regular file", "an existing, readable TOML file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec || size > kMaxFileBytes) fail("file too large (" + std::to_string(size) + " bytes)", "a TOML file of at most 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(from.file.empty() ? "cannot open file" : "cannot open included file", "an existing, readable TOML file");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

toml::table parse_text(const std::string& text, const fs::path& path) {
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    SourceLocation loc{path.string(), static_cast<int>(e.source().begin.line),
                       static_cast<int>(e.source().begin.column)};
    throw InputError(loc, {}, "TOML syntax error: " + std::string(e.description()));
  }
}

/// Moves `from` into `into` (moving, not copying: toml++ keeps a node's file and line only on a move);
/// tables merge recursively, anything else defined twice is an error.
void merge_into(toml::table& into, toml::table&& from, const std::string& prefix) {
  for (auto&& [k, v] : from) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    toml::node* existing = into.get(k.str());
    if (!existing) {
      into.insert(k, std::move(v));
      continue;
    }
    if (existing->is_table() && v.is_table()) {
      merge_into(*existing->as_table(), std::move(*v.as_table()), key);
      continue;
    }
    InputError err(location_of(v), key, "defined twice", describe_node(v),
                   "each key once; the first definition is at " + location_of(*existing).str());
    throw err;
  }
}

void load_recursive(const fs::path& path, const SourceLocation& from, std::vector<fs::path>& stack,
                    TomlDocument& doc, toml::table& merged, const std::string* given_text = nullptr) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  for (const auto& p : stack) {
    if (p == canonical) {
      std::string chain;
      for (const auto& q : stack) chain += q.string() + " -> ";
      chain += canonical.string();
      throw InputError(from, "include", "include cycle", "'" + path.string() + "'", "no file including itself: " + chain);
    }
  }
  stack.push_back(canonical);
  const std::string text = given_text ? *given_text : read_text(path, from);
  doc.files.push_back({path, text});
  toml::table table = parse_text(text, path);

  if (toml::node* inc = table.get("include")) {
    const toml::array* list = inc->as_array();
    if (!list) {
      throw InputError(location_of(*inc), "include", "must be an array of file names", describe_node(*inc),
                       "include = [\"file.toml\", ...]");
    }
    for (const auto& item : *list) {
      const auto* name = item.as_string();
      if (!name || name->get().empty()) {
        throw InputError(location_of(item), "include", "each include must be a non-empty string",
                         describe_node(item), "a path relative to " + path.string());
      }
      load_recursive(path.parent_path() / name->get(), location_of(item), stack, doc, merged);
    }
    table.erase("include");
  }
  merge_into(merged, std::move(table), {});
  stack.pop_back();
}

}  // namespace

TomlDocument load_toml_text_with_includes(const std::string& text, const fs::path& path) {
  TomlDocument doc;
  std::vector<fs::path> stack;
  load_recursive(path, SourceLocation{}, stack, doc, doc.root, &text);
  return doc;
}

TomlDocument load_toml_with_includes(const fs::path& path) {
  TomlDocument doc;
  std::vector<fs::path> stack;
  load_recursive(path, SourceLocation{}, stack, doc, doc.root);
  return doc;
}

}  // namespace chipdse

// TOML files with includes (see toml_file.hpp).
#include "chipdse/core/toml_file.hpp"

#include <algorithm>
#include <charconv>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

std::optional<double> number_as_double(const toml::node& node) {
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* i = node.as_integer()) {
    constexpr std::int64_t kExact = std::int64_t{1} << 53;  // doubles hold every integer up to 2^53
    const std::int64_t v = i->get();
    if (v >= -kExact && v <= kExact) return static_cast<double>(v);
  }
  return std::nullopt;
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
  if (const auto* f = node.as_floating_point()) {
    // Shortest text that reads back to the same double: the user wrote 7.1, not 7.0999999999999996.
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, f->get());
    std::string text(buf, r.ptr);
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";  // a float stays a float: 80.0, not 80
    return text;
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
  // Only regular files, checked on the opened descriptor: a FIFO, /dev/stdin or /dev/zero would block or never
  // end. O_NONBLOCK keeps even an odd regular file (/proc/kmsg) from blocking; /proc files report size 0, so
  // the read itself is bounded too.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(from.file.empty() ? "cannot open file" : "cannot open included file", "an existing, readable TOML file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("not a regular file", "an existing, readable TOML file");
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("cannot read file", "a readable TOML file");
    }
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > kMaxFileBytes) {
      ::close(fd);
      fail("file too large (over 16 MiB)", "a TOML file of at most 16 MiB");
    }
  }
  ::close(fd);
  return text;
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

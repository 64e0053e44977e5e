// Tests of core/toml_file: includes, cycles, duplicates, syntax errors, with file and line in every message.
#include <catch2/catch.hpp>

#include "../../support/temp_files.hpp"
#include "chipdse/core/toml_file.hpp"

using namespace chipdse;
using chipdse::testing::TempDir;

namespace {
/// Runs `f`, expects an InputError, returns its message.
template <typename F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return {};
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("includes merge depth-first and keep each key's file and line", "[core][toml]") {
  TempDir dir;
  dir.write("sub/b.toml", "[b]\nx = 2\n");
  dir.write("a.toml", "include = [\"sub/b.toml\"]\n[a]\nx = 1\n");
  const auto top = dir.write("top.toml", "include = [\"a.toml\"]\n\n[top]\ny = 3\n");
  const TomlDocument doc = load_toml_with_includes(top);
  REQUIRE(doc.files.size() == 3);
  CHECK(doc.files[0].path == top);
  CHECK(doc.files[1].path.filename() == "a.toml");
  CHECK(doc.files[2].path.filename() == "b.toml");
  CHECK(!doc.root.contains("include"));
  CHECK(doc.root["b"]["x"].value<int>() == 2);
  CHECK(doc.root["a"]["x"].value<int>() == 1);
  const SourceLocation where = location_of(*doc.root["top"]["y"].node());
  CHECK(where.file == top.string());
  CHECK(where.line == 4);
  CHECK(location_of(*doc.root["b"]["x"].node()).file.find("b.toml") != std::string::npos);
}

TEST_CASE("an include cycle is an input error naming the chain", "[core][toml]") {
  TempDir dir;
  dir.write("a.toml", "include = [\"b.toml\"]\n");
  dir.write("b.toml", "include = [\"a.toml\"]\n");
  const std::string m = input_error_of([&] { load_toml_with_includes(dir.path() / "a.toml"); });
  CHECK(contains(m, "include cycle"));
  CHECK(contains(m, "b.toml:1:"));
}

TEST_CASE("a missing include names the including file and line", "[core][toml]") {
  TempDir dir;
  const auto top = dir.write("top.toml", "# comment\ninclude = [\"nope.toml\"]\n");
  const std::string m = input_error_of([&] { load_toml_with_includes(top); });
  CHECK(contains(m, top.string() + ":2:"));
  CHECK(contains(m, "nope.toml"));
  CHECK(contains(m, "key 'include'"));
}

TEST_CASE("a missing top file is an input error", "[core][toml]") {
  const std::string m = input_error_of([] { load_toml_with_includes("/nonexistent/deck.toml"); });
  CHECK(contains(m, "/nonexistent/deck.toml"));
  CHECK(contains(m, "cannot open file"));
}

TEST_CASE("a key defined in two files names both places", "[core][toml]") {
  TempDir dir;
  dir.write("a.toml", "[t]\nx = 1\n");
  const auto top = dir.write("top.toml", "include = [\"a.toml\"]\n[t]\nx = 2\n");
  const std::string m = input_error_of([&] { load_toml_with_includes(top); });
  CHECK(contains(m, "key 't.x': defined twice"));
  CHECK(contains(m, "top.toml:3:"));
  CHECK(contains(m, "a.toml:2:"));
}

TEST_CASE("TOML syntax errors carry line and column", "[core][toml]") {
  TempDir dir;
  const auto top = dir.write("bad.toml", "[t]\nx = 1\ny = = 2\n");
  const std::string m = input_error_of([&] { load_toml_with_includes(top); });
  CHECK(contains(m, "bad.toml:3:"));
  CHECK(contains(m, "TOML syntax error"));
  const auto dup = dir.write("dup.toml", "[t]\nx = 1\nx = 2\n");
  CHECK(contains(input_error_of([&] { load_toml_with_includes(dup); }), "dup.toml:3:"));
}

TEST_CASE("include must be an array of non-empty strings", "[core][toml]") {
  TempDir dir;
  CHECK(contains(input_error_of([&] { load_toml_with_includes(dir.write("a.toml", "include = \"x.toml\"\n")); }),
                 "must be an array"));
  CHECK(contains(input_error_of([&] { load_toml_with_includes(dir.write("b.toml", "include = [3]\n")); }),
                 "non-empty string"));
}

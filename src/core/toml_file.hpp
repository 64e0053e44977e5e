// chipdse/core/toml_file.hpp — read a TOML file and the files it includes, keeping where each key came from.
// The only core header that pulls in toml++; include it from .cpp files, not from widely used headers.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "chipdse/core/error.hpp"

namespace chipdse {

/// One file read while loading a document.
struct TomlFileText {
  std::filesystem::path path;  ///< as resolved (relative to the including file)
  std::string text;            ///< the bytes as given
};

/// A TOML document merged from a file and its includes.
struct TomlDocument {
  toml::table root;                 ///< merged content; every node keeps the file/line it came from
  std::vector<TomlFileText> files;  ///< every file read, the top file first, then includes depth-first
};

/// Reads `path`. A top-level `include = ["a.toml", ...]` (paths relative to the including file) merges those
/// files first, depth-first, in order; the `include` key itself is removed from the result.
/// @throws InputError for a missing or unreadable file, bad TOML syntax (with line and column), an include
///         cycle, a malformed `include`, or a key defined in two files (both places named).
TomlDocument load_toml_with_includes(const std::filesystem::path& path);

/// As load_toml_with_includes, but the top file's text is given (`path` names it in messages and anchors
/// its relative includes); included files are read from disk. Used by the deck fuzzer and by tests.
TomlDocument load_toml_text_with_includes(const std::string& text, const std::filesystem::path& path);

/// Where a node was written (file, line, column) as recorded by toml++.
SourceLocation location_of(const toml::node& node);

/// A short rendering of a node for error messages: 42, 1.5, "text", true, an array, a table.
std::string describe_node(const toml::node& node);

/// The value of a number node as a double: a float as is, an integer only when a double holds it exactly
/// (|n| <= 2^53); nullopt for anything else (toml++ itself refuses such integers as doubles).
std::optional<double> number_as_double(const toml::node& node);

/// The TOML type name of a node: "integer", "float", "string", "boolean", "array", "table", ...
std::string type_name(const toml::node& node);

}  // namespace chipdse

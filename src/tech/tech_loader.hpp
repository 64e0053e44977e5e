// chipdse/tech/tech_loader.hpp — build the technology database from TOML, checking every entry.
#pragma once

#include <filesystem>

#include "chipdse/core/toml_file.hpp"
#include "chipdse/tech/tech_database.hpp"


namespace chipdse::tech {

/// Builds the database from the technology tables (kTechTables) of a merged document; other top-level keys
/// are left for the caller (a deck reads its own). `file_order` (paths as in TomlDocument::files) fixes the
/// printing order: by file, then line.
/// @throws InputError (file, line, key path, bad value, what is allowed) for a number written without
///         unit/source/confidence/range, an unknown unit, a non-finite value, a range not containing its
///         value, a bad confidence grade, or an unknown key inside an entry.
TechDatabase build_tech_database(const toml::table& root, std::vector<std::string> file_order = {});

/// Loads a technology index such as inputs/tech/tech.toml (with its includes); any top-level key that is
/// not a technology table is an error.
TechDatabase load_tech_database(const std::filesystem::path& index);

/// The technology index shipped with chipdse: $CHIPDSE_DATA_DIR/tech/tech.toml, else the source tree's
/// inputs/tech/tech.toml.
std::filesystem::path default_tech_index();

}  // namespace chipdse::tech

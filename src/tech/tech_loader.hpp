// chipdse/tech/tech_loader.hpp — build the technology database from TOML, checking every entry.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

#include "chipdse/core/toml_file.hpp"
#include "chipdse/tech/tech_database.hpp"


namespace chipdse::tech {

/// Top-level tables of alternative parameter sets, written in the same entry format but never part of the default
/// database (tech.toml does not include them) and not settable from a deck (deck_values knows only kTechTables):
///   actuary  Chiplet Actuary's shipped parameters, inputs/tech/chiplet_actuary_2022.toml (model/actuary_params.hpp)
inline constexpr std::array<std::string_view, 1> kParameterSetTables = {"actuary"};

/// Builds the database from the technology tables (kTechTables, then kParameterSetTables) of a merged document;
/// other top-level keys are left for the caller (a deck reads its own). `file_order` (paths as in
/// TomlDocument::files) fixes the printing order: by file, then line.
/// @throws InputError (file, line, key path, bad value, what is allowed) for a number written without
///         unit/source/confidence/range, an unknown unit, a non-finite value, a range not containing its
///         value, a bad confidence grade, or an unknown key inside an entry.
TechDatabase build_tech_database(const toml::table& root, std::vector<std::string> file_order = {});

/// Loads a technology index such as inputs/tech/tech.toml (with its includes), or a parameter-set file such as
/// inputs/tech/chiplet_actuary_2022.toml; any top-level key that is not one of those tables is an error.
TechDatabase load_tech_database(const std::filesystem::path& index);

/// The technology index shipped with chipdse: $CHIPDSE_DATA_DIR/tech/tech.toml, else the source tree's
/// inputs/tech/tech.toml.
std::filesystem::path default_tech_index();

}  // namespace chipdse::tech

// chipdse/deck/deck.hpp — a study deck: the file, its includes (the technology database among them) and the
// study description. Must not include MPI, PETSc or HDF5.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "chipdse/tech/tech_database.hpp"

namespace chipdse::deck {

/// One file of a deck as given.
struct DeckFile {
  std::string path;
  std::string text;
};

/// A loaded, checked deck.
struct Deck {
  std::string path;                 ///< the top deck file as named by the user
  std::vector<DeckFile> files;      ///< the top file and every include, as given
  std::string resolved_toml;        ///< the merged document, rendered as TOML
  tech::TechDatabase tech;          ///< the resolved technology database
  std::string study_name;           ///< [study] name
  std::string study_description;    ///< [study] description
};

/// Loads a deck and its includes.
/// Deck keys: include, [study] name (required), description (optional); the technology tables.
/// @throws InputError naming file, line, key, bad value and what is allowed; unknown keys are errors.
Deck load_deck(const std::filesystem::path& path);

}  // namespace chipdse::deck

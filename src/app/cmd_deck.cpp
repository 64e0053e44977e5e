// chipdse check (see commands.hpp).
#include <iostream>

#include "chipdse/deck/deck.hpp"
#include "commands.hpp"

namespace chipdse::app {

ExitCode check_command(const std::string& deck_path) {
  const deck::Deck deck = deck::load_deck(deck_path);
  std::cout << deck.path << ": OK\n"
            << "  study        " << deck.study_name << '\n'
            << "  files        " << deck.files.size() << " (the deck and its includes)\n"
            << "  technology   " << deck.tech.entries().size() << " sourced values\n";
  return ExitCode::ok;
}

}  // namespace chipdse::app

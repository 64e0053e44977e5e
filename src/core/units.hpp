// chipdse/core/units.hpp — the vocabulary of unit strings used in decks and the technology database.
// A unit outside this list is a typo until someone adds it here with its meaning.
#pragma once

#include <span>
#include <string_view>

namespace chipdse {

struct UnitInfo {
  std::string_view symbol;   ///< as written in a deck, e.g. "pJ/bit"
  std::string_view meaning;  ///< one line, for `chipdse tech` and docs/deck.md
};

/// Every unit chipdse accepts, in a fixed order.
std::span<const UnitInfo> unit_vocabulary() noexcept;

/// True when `symbol` is in unit_vocabulary().
bool is_known_unit(std::string_view symbol) noexcept;

}  // namespace chipdse

// chipdse/deck/sweep.hpp — the cases of a deck's [sweep]: each case is a set of overrides applied on top
// of the deck. Must not include MPI, PETSc or HDF5.
#pragma once

#include <cstdint>
#include <vector>

#include "chipdse/deck/deck.hpp"

namespace chipdse::deck {

/// Number of sweep cases: 0 without [sweep.values]; grid: the product of the list lengths; zip: the
/// common list length. @throws InputError for zip lists of different lengths (naming both keys).
std::uint64_t sweep_case_count(const Deck& deck);

/// The overrides of case `index` (grid: the last key varies fastest; zip: element `index` of each list).
/// @throws InputError when `index` is not below sweep_case_count(deck).
std::vector<Override> sweep_case(const Deck& deck, std::uint64_t index);

}  // namespace chipdse::deck

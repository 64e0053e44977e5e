// chipdse/core/suggest.hpp — "did you mean" for misspelt names and keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chipdse {

/// Edit distance (optimal string alignment: adjacent transpositions count 1), case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The closest candidate to `bad` when it is close enough to be a plausible typo (distance at most a
/// third of the longer length, minimum 1), else empty. Ties keep the earliest candidate.
std::string closest_match(std::string_view bad, const std::vector<std::string>& candidates);

/// An error's "allowed:" part for a misspelt name: "did you mean 'x'? a, b, c" (or just the list).
std::string allowed_names(std::string_view bad, const std::vector<std::string>& known);

/// True when `name` is non-empty and only letters, digits and '_' (PETSc option names, deck table keys).
bool is_identifier(std::string_view name) noexcept;

/// A number as people write it: up to 12 significant digits, no trailing zeros ("1.98", "4", "1e+06").
/// Used for axis value names and error messages so both read the same.
std::string number_text(double value);

/// Candidates joined as "a, b, c" (for an error's "allowed:" part).
std::string join_names(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace chipdse

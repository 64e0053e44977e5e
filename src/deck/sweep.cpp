// Sweep cases (see sweep.hpp).
#include "chipdse/deck/sweep.hpp"

#include <string>

namespace chipdse::deck {

std::uint64_t sweep_case_count(const Deck& deck) {
  if (deck.sweep.empty()) return 0;
  if (deck.sweep_mode == "zip") {
    const auto& first = deck.sweep.front();
    for (const auto& a : deck.sweep)
      if (a.values.size() != first.values.size())
        throw InputError(a.where, "sweep.values." + a.path,
                         "zip mode needs lists of equal length; '" + first.path + "' has " +
                             std::to_string(first.values.size()),
                         std::to_string(a.values.size()) + " values", "the same number of values in every list, or sweep.mode = \"grid\"");
    return first.values.size();
  }
  std::uint64_t n = 1;
  for (const auto& a : deck.sweep) {
    if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(a.values.size()), &n))
      throw InputError(a.where, "sweep.values", "too many sweep cases", {}, "fewer combinations");
  }
  return n;
}

std::vector<Override> sweep_case(const Deck& deck, std::uint64_t index) {
  const std::uint64_t count = sweep_case_count(deck);
  if (index >= count)
    throw InputError(SourceLocation{"command line"}, "--case", "no such sweep case", std::to_string(index),
                     count ? "0 to " + std::to_string(count - 1) : "none: the deck has no [sweep.values]");
  std::vector<Override> out;
  if (deck.sweep_mode == "zip") {
    for (const auto& a : deck.sweep) out.push_back({a.path, a.values[index], a.where, "sweep.values"});
    return out;
  }
  out.resize(deck.sweep.size());
  std::uint64_t rest = index;
  for (std::size_t k = deck.sweep.size(); k-- > 0;) {
    const auto& a = deck.sweep[k];
    out[k] = {a.path, a.values[rest % a.values.size()], a.where, "sweep.values"};
    rest /= a.values.size();
  }
  return out;
}

}  // namespace chipdse::deck

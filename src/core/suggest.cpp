// "Did you mean" helpers (see suggest.hpp).
#include "chipdse/core/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace chipdse {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions
  // ("A61" for "A16") each cost 1. Three rows: two back for the transposition.
  const std::size_t n = b.size();
  std::vector<std::size_t> prev2(n + 1), prev(n + 1), row(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(row);
  }
  return prev[n];
}

std::string closest_match(std::string_view bad, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(bad, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(1, std::max(bad.size(), best.size()) / 3);
  return best_d <= limit ? best : std::string{};
}

std::string allowed_names(std::string_view bad, const std::vector<std::string>& known) {
  const std::string near = closest_match(bad, known);
  return near.empty() ? join_names(known) : "did you mean '" + near + "'? " + join_names(known);
}

bool is_identifier(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::string number_text(double value) {
  std::ostringstream os;
  os.precision(12);
  os << value;
  return os.str();
}

std::string join_names(const std::vector<std::string>& names, std::string_view separator) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) s += separator;
    s += names[i];
  }
  return s;
}

}  // namespace chipdse

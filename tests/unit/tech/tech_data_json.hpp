// tech_data_json.hpp — independent access to shared/reference/tech_data.json for cross-checking the TOML
// technology database against the rows it cites.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace chipdse::testing {

struct TechDataRow {
  std::string id;
  std::string value_text;  ///< the row's value rendered as text (numbers, composites, null)
  std::string range_text;  ///< the row's range as text
  std::string unit;
  std::string confidence;
  std::string notes_text;  ///< the row's notes (they state some ranges, e.g. an older generation's figure)
};

/// All table rows of $CHIPDSE_SHARED_DIR/reference/tech_data.json.
const std::vector<TechDataRow>& tech_data_rows();
std::optional<TechDataRow> find_row(const std::string& id);

/// Every number written in `text`, as absolute values ("9,346-10,000" -> 9346, 10000; "2.5, 1.00" -> 2.5, 1).
std::vector<double> numbers_in(const std::string& text);

}  // namespace chipdse::testing

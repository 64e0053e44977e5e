// Reading tech_data.json with nlohmann::json (see tech_data_json.hpp).
#include "tech_data_json.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace chipdse::testing {

namespace {
std::string as_text(const nlohmann::json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}
}  // namespace

const std::vector<TechDataRow>& tech_data_rows() {
  static const std::vector<TechDataRow> rows = [] {
    const std::string path = std::string(CHIPDSE_SHARED_DIR) + "/reference/tech_data.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path + " (is ../shared beside the checkout?)");
    const nlohmann::json j = nlohmann::json::parse(in);
    std::vector<TechDataRow> out;
    for (const auto& [table, list] : j.at("tables").items()) {
      for (const auto& r : list) {
        out.push_back({r.at("id").get<std::string>(), as_text(r.value("value", nlohmann::json())),
                       as_text(r.value("range", nlohmann::json())), as_text(r.value("unit", nlohmann::json())),
                       as_text(r.value("confidence", nlohmann::json())),
                       as_text(r.value("notes", nlohmann::json()))});
      }
    }
    return out;
  }();
  return rows;
}

std::optional<TechDataRow> find_row(const std::string& id) {
  for (const auto& r : tech_data_rows())
    if (r.id == id) return r;
  return std::nullopt;
}

std::vector<double> numbers_in(const std::string& text) {
  // Thousands groups ("9,346", "20,000") first, then plain decimals; a comma followed by a space separates.
  static const std::regex number(R"((\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))");
  std::vector<double> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number); it != std::sregex_iterator(); ++it) {
    std::string s = (*it)[1].str();
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    out.push_back(std::stod(s));
  }
  return out;
}

}  // namespace chipdse::testing

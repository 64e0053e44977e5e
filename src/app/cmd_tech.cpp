// chipdse tech: the resolved technology database with units, ranges, confidence and sources.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "chipdse/deck/deck.hpp"
#include "chipdse/tech/tech_loader.hpp"
#include "commands.hpp"

namespace chipdse::app {

namespace {

void print_table(const tech::TechDatabase& db, const std::string& origin) {
  std::cout << "chipdse technology database (" << origin << ")\n"
            << "Each value: unit, range [lo, hi] for sweeps, confidence H/M/L, and its source: a row id of\n"
            << "shared/reference/tech_data.json or a citation. '*' marks a derived value (derivation below it);\n"
            << "'~' a range from the confidence band (H ±10%, M ±25%, L ±50%) where the source gives none.\n";
  std::size_t width = 0;
  for (const auto& e : db.entries()) width = std::max(width, e.path.size());
  std::string table;
  for (const auto& e : db.entries()) {
    const std::string top = e.path.substr(0, e.path.find('.'));
    if (top != table) {
      table = top;
      std::cout << "\n[" << table << "]\n";
    }
    const std::string range = fmt::format("{}[{:g}, {:g}]", e.range_basis == "confidence band" ? "~" : " ",
                                          e.range_lo, e.range_hi);
    std::cout << fmt::format("  {:<{}} {:>11.6g}{} {:<11} {:<24} {}  {}\n", e.path, width, e.value,
                             e.derivation.empty() ? ' ' : '*', e.unit, range, e.confidence, e.source);
    if (!e.derivation.empty()) std::cout << fmt::format("  {:<{}}   * {}\n", "", width, e.derivation);
  }
  std::cout << "\n" << db.entries().size() << " values, " << db.attributes().size() << " descriptive attributes\n";
}

void print_json(const tech::TechDatabase& db, const std::string& origin) {
  nlohmann::ordered_json j;
  j["origin"] = origin;
  j["entries"] = nlohmann::json::array();
  for (const auto& e : db.entries()) {
    nlohmann::ordered_json r;
    r["path"] = e.path;
    r["value"] = e.value;
    r["unit"] = e.unit;
    r["range"] = {e.range_lo, e.range_hi};
    r["range_basis"] = e.range_basis;
    r["confidence"] = std::string(1, e.confidence);
    r["source"] = e.source;
    if (!e.derivation.empty()) r["derivation"] = e.derivation;
    if (!e.note.empty()) r["note"] = e.note;
    r["defined_at"] = e.where.str();
    j["entries"].push_back(std::move(r));
  }
  j["attributes"] = nlohmann::json::object();
  for (const auto& a : db.attributes()) j["attributes"][a.path] = a.text;
  std::cout << j.dump(2) << '\n';
}

}  // namespace

ExitCode tech_command(const TechOptions& opt) {
  tech::TechDatabase db;
  std::string origin;
  if (!opt.deck.empty()) {
    deck::Deck d = deck::load_deck(opt.deck);
    db = std::move(d.tech);
    origin = "resolved through deck " + opt.deck;
  } else {
    const auto index = opt.index.empty() ? tech::default_tech_index() : std::filesystem::path(opt.index);
    db = tech::load_tech_database(index);
    origin = index.string();
  }
  if (opt.json)
    print_json(db, origin);
  else
    print_table(db, origin);
  return ExitCode::ok;
}

}  // namespace chipdse::app

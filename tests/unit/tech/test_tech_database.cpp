// Tests of the shipped technology database (inputs/tech/*.toml): provenance of every number, checked
// against the rows of shared/reference/tech_data.json it cites, and physical sanity rules. The same provenance
// rules hold for the alternative parameter set inputs/tech/chiplet_actuary_2022.toml (table `actuary`).
#include <catch2/catch.hpp>
#include <cmath>

#include "chipdse/core/units.hpp"
#include "chipdse/tech/tech_loader.hpp"
#include "tech_data_json.hpp"

using namespace chipdse;

namespace {

const tech::TechDatabase& shipped() {
  static const tech::TechDatabase db =
      tech::load_tech_database(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "tech.toml");
  return db;
}

double value(const std::string& path) { return shipped().at(path).value; }

const tech::TechDatabase& actuary_set() {
  static const tech::TechDatabase db = tech::load_tech_database(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" /
                                                                "tech" / "chiplet_actuary_2022.toml");
  return db;
}

// Node order from oldest to newest; N6 is an N7-family variant, so it may tie with N7.
const std::vector<std::string> kAllNodes = {"N16", "N7", "N6", "N5", "N3", "N2", "A16"};
const std::vector<std::string> kNodeFamilies = {"N16", "N7", "N5", "N3", "N2", "A16"};

// Unit, source, confidence and a range containing the value, for every entry of `db`.
void check_entry_form(const tech::TechDatabase& db) {
  for (const auto& e : db.entries()) {
    INFO(e.path << " at " << e.where.str());
    CHECK(is_known_unit(e.unit));
    CHECK(!e.source.empty());
    CHECK((e.confidence == 'H' || e.confidence == 'M' || e.confidence == 'L'));
    CHECK(std::isfinite(e.value));
    CHECK(e.range_lo <= e.value);
    CHECK(e.value <= e.range_hi);
    if (e.range_basis == "confidence band") {
      // The band rule stated in inputs/tech: H ±10%, M ±25%, L ±50% of the value (clipped where the
      // quantity is bounded, e.g. a fraction at 1), so the range lies within the band and is not a point.
      const double band = e.confidence == 'H' ? 0.10 : e.confidence == 'M' ? 0.25 : 0.50;
      const double a = std::abs(e.value) * band;
      CHECK(e.range_lo >= e.value - a - 1e-9 * std::abs(e.value));
      CHECK(e.range_hi <= e.value + a + 1e-9 * std::abs(e.value));
      CHECK(e.range_lo < e.range_hi);
    }
  }
}

struct ProvenanceCount {
  std::size_t copied = 0, derived = 0, cited = 0;
};

// Every cited row exists and every copied value (and range taken from the source) is written in its row.
ProvenanceCount check_row_provenance(const tech::TechDatabase& db) {
  std::size_t copied = 0, derived = 0, cited = 0;
  for (const auto& e : db.entries()) {
    INFO(e.path << " cites '" << e.source << "' at " << e.where.str());
    if (!e.cites_row()) {
      ++cited;
      CHECK(e.source.size() > 12);  // "cite: " plus a real reference
      continue;
    }
    const auto row = testing::find_row(e.source);
    REQUIRE(row.has_value());
    if (!e.derivation.empty()) {
      ++derived;
      continue;
    }
    ++copied;
    const auto numbers = testing::numbers_in(row->value_text + " " + row->range_text);
    INFO("row value '" << row->value_text << "', range '" << row->range_text << "'");
    const bool found = std::any_of(numbers.begin(), numbers.end(), [&](double n) {
      return std::abs(n - std::abs(e.value)) <= 1e-9 * std::max(1.0, std::abs(n));
    });
    CHECK(found);
    if (e.range_basis == "source" && !row->range_text.empty()) {
      // A range taken from the source is stated there: as bounds ("9,346-10,000"), as multipliers of the
      // value ("x0.5-x2") or as a percentage ("+3-10%"), in the row's value, range or notes.
      const auto rnums = testing::numbers_in(row->value_text + " " + row->range_text + " " + row->notes_text);
      auto stated_number = [&](double x) {
        return std::any_of(rnums.begin(), rnums.end(),
                           [&](double n) { return std::abs(n - std::abs(x)) <= 1e-9 * std::max(1.0, n); });
      };
      auto stated = [&](double bound) {
        if (bound == e.value || stated_number(bound)) return true;
        if (e.value == 0.0) return false;
        return stated_number(bound / e.value) || stated_number(std::abs(bound / e.value - 1.0) * 100.0);
      };
      CHECK(stated(e.range_lo));
      CHECK(stated(e.range_hi));
    }
  }
  return {copied, derived, cited};
}

}  // namespace

TEST_CASE("every value carries unit, source, confidence and a range containing it", "[tech][provenance]") {
  REQUIRE(shipped().entries().size() >= 100);
  check_entry_form(shipped());
}

TEST_CASE("every cited row exists in tech_data.json and copied values are the row's own numbers",
          "[tech][provenance]") {
  const ProvenanceCount n = check_row_provenance(shipped());
  CHECK(n.copied > n.derived);  // most of the database is copied, not derived
  UNSCOPED_INFO("copied " << n.copied << ", derived " << n.derived << ", free citations " << n.cited);
}

TEST_CASE("the Chiplet Actuary parameter set follows the same provenance rules and stays out of the default database",
          "[tech][provenance]") {
  // inputs/tech/chiplet_actuary_2022.toml is a separate parameter set (validation of the cost model against the
  // tool): tech.toml does not include it, so its `actuary` table never reaches a DSE run.
  const auto& db = actuary_set();
  REQUIRE(db.entries().size() >= 60);
  check_entry_form(db);
  const ProvenanceCount n = check_row_provenance(db);
  CHECK(n.copied + n.derived > 0);  // rows are cited where tech_data.json states the tool's number
  for (const auto& e : db.entries()) CHECK(e.path.rfind("actuary.", 0) == 0);
  CHECK(shipped().members("actuary").empty());
  for (const auto& e : shipped().entries()) CHECK(e.path.rfind("actuary.", 0) != 0);
}

TEST_CASE("process nodes: N16/N12, N7, N6, N5, N3, N2 and A16 as a projection", "[tech][coverage]") {
  const auto& db = shipped();
  const auto members = db.members("process_node");
  for (const auto& n : kAllNodes) {
    INFO(n);
    CHECK(std::find(members.begin(), members.end(), n) != members.end());
    const auto* projection = db.find_attribute("process_node." + n + ".projection");
    REQUIRE(projection);
    CHECK(projection->text == (n == "A16" ? "true" : "false"));
  }
  CHECK(db.find_attribute("process_node.N16.aliases")->text.find("N12") != std::string::npos);
}

TEST_CASE("sanity: wafer cost rises and energy per op falls with each newer node", "[tech][sanity]") {
  for (std::size_t i = 1; i < kAllNodes.size(); ++i) {
    const std::string older = "process_node." + kAllNodes[i - 1], newer = "process_node." + kAllNodes[i];
    INFO(kAllNodes[i - 1] << " -> " << kAllNodes[i]);
    CHECK(value(newer + ".wafer_cost_usd") >= value(older + ".wafer_cost_usd"));
    CHECK(value(newer + ".energy_per_op_rel_n7") <= value(older + ".energy_per_op_rel_n7"));
  }
  for (std::size_t i = 1; i < kNodeFamilies.size(); ++i) {
    const std::string older = "process_node." + kNodeFamilies[i - 1], newer = "process_node." + kNodeFamilies[i];
    INFO(kNodeFamilies[i - 1] << " -> " << kNodeFamilies[i]);
    CHECK(value(newer + ".wafer_cost_usd") > value(older + ".wafer_cost_usd"));
    CHECK(value(newer + ".energy_per_op_rel_n7") < value(older + ".energy_per_op_rel_n7"));
  }
  CHECK(value("process_node.N7.energy_per_op_rel_n7") == 1.0);  // the reference node of the ratio
}

TEST_CASE("sanity: defect densities are above 0 and at most 1 per cm2", "[tech][sanity]") {
  std::size_t n = 0;
  for (const auto& e : shipped().entries()) {
    if (e.unit != "defects/cm2") continue;
    INFO(e.path);
    ++n;
    CHECK(e.value > 0.0);
    CHECK(e.value <= 1.0);
    CHECK(e.range_lo > 0.0);
    CHECK(e.range_hi <= 1.0);
  }
  CHECK(n >= 2 * kAllNodes.size());  // mature and ramp for every node at least
}

TEST_CASE("sanity: CPO pJ/bit < LPO < pluggable DSP optics, like for like", "[tech][sanity]") {
  const double cpo = value("link.cpo.energy_pj_per_bit");
  const double lpo = value("link.lpo.energy_pj_per_bit");
  const double dsp = value("link.pluggable_dsp.energy_pj_per_bit");
  CHECK(cpo < lpo);
  CHECK(lpo < dsp);
  CHECK(shipped().at("link.cpo.energy_pj_per_bit").unit == "pJ/bit");
}

TEST_CASE("coverage: packaging, die-to-die, memory, links, compute and thermal materials", "[tech][coverage]") {
  const auto& db = shipped();
  auto has_members = [&](const std::string& table, const std::vector<std::string>& names) {
    const auto m = db.members(table);
    for (const auto& n : names) {
      INFO(table << "." << n);
      CHECK(std::find(m.begin(), m.end(), n) != m.end());
    }
  };
  has_members("packaging", {"organic_mcm", "info", "cowos_s", "cowos_l", "emib", "soic"});
  has_members("d2d", {"ucie_s", "ucie_a", "hybrid_3d"});
  has_members("memory", {"hbm3", "hbm3e", "hbm4"});
  has_members("link", {"pluggable_dsp", "lpo", "cpo", "copper"});
  for (const auto& d : {"ucie_s", "ucie_a", "hybrid_3d"}) CHECK(db.find(std::string("d2d.") + d + ".energy_pj_per_bit"));
  for (const auto& m : {"hbm3", "hbm3e", "hbm4"}) {
    CHECK(db.find(std::string("memory.") + m + ".bandwidth_gb_per_s"));
    CHECK(db.find(std::string("memory.") + m + ".energy_pj_per_bit"));
    CHECK(db.find(std::string("memory.") + m + ".cost_usd_per_stack"));
  }
  CHECK(db.find("link.copper.reach_100g_lane_m"));
  CHECK(db.find("compute.h100.energy_pj_per_flop"));
  CHECK(db.find("thermal.material.silicon.conductivity_w_per_mk"));
  CHECK(db.find("thermal.material.copper.conductivity_w_per_mk"));
  // Physical ordering a reader would check first: copper conducts better than silicon, HBM4 is faster per
  // stack than HBM3E than HBM3, and UCIe-A costs less energy per bit than UCIe-S.
  CHECK(value("thermal.material.copper.conductivity_w_per_mk") > value("thermal.material.silicon.conductivity_w_per_mk"));
  CHECK(value("memory.hbm4.bandwidth_gb_per_s") > value("memory.hbm3e.bandwidth_gb_per_s"));
  CHECK(value("memory.hbm3e.bandwidth_gb_per_s") > value("memory.hbm3.bandwidth_gb_per_s"));
  CHECK(value("d2d.ucie_a.energy_pj_per_bit") < value("d2d.ucie_s.energy_pj_per_bit"));
  CHECK(value("d2d.hybrid_3d.energy_pj_per_bit") < value("d2d.ucie_a.energy_pj_per_bit"));
}

TEST_CASE("the number extractor reads the formats tech_data.json uses", "[tech][provenance]") {
  CHECK(testing::numbers_in("3,677-4,205") == std::vector<double>{3677, 4205});
  CHECK(testing::numbers_in("2.5, 1.00, 0.70") == std::vector<double>{2.5, 1.0, 0.7});
  CHECK(testing::numbers_in("0.80 / 0.75") == std::vector<double>{0.8, 0.75});
  CHECK(testing::numbers_in("9346") == std::vector<double>{9346});
}

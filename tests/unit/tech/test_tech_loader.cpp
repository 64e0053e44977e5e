// Tests of tech/tech_loader on small hand-written files: every malformed entry is an input error that names
// the file, the line, the key and what is allowed.
#include <catch2/catch.hpp>

#include "../../support/temp_files.hpp"
#include "chipdse/tech/tech_loader.hpp"

using namespace chipdse;
using chipdse::testing::TempDir;

namespace {

const char* kGood =
    "[process_node.N7]\n"
    "name = \"TSMC N7\"\n"
    "wafer_cost_usd = { value = 9346.0, unit = \"USD/wafer\", source = \"node.wafer_cost_n7\", confidence = \"H\", "
    "range = [9346.0, 10000.0] }\n";

/// Loads a one-file database whose N7 wafer-cost line is `line`; returns the InputError message.
std::string error_for(const std::string& line) {
  TempDir dir;
  const auto f = dir.write("t.toml", "[process_node.N7]\nname = \"TSMC N7\"\n" + line + "\n");
  try {
    tech::load_tech_database(f);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a well-formed entry loads with every field", "[tech]") {
  TempDir dir;
  const auto f = dir.write("t.toml", kGood);
  const tech::TechDatabase db = tech::load_tech_database(f);
  REQUIRE(db.entries().size() == 1);
  const auto& e = db.at("process_node.N7.wafer_cost_usd");
  CHECK(e.value == 9346.0);
  CHECK(e.unit == "USD/wafer");
  CHECK(e.source == "node.wafer_cost_n7");
  CHECK(e.confidence == 'H');
  CHECK(e.range_lo == 9346.0);
  CHECK(e.range_hi == 10000.0);
  CHECK(e.range_basis == "source");
  CHECK(e.where.line == 3);
  CHECK(db.find_attribute("process_node.N7.name")->text == "TSMC N7");
  CHECK(db.members("process_node") == std::vector<std::string>{"N7"});
}

TEST_CASE("a bare number is refused: it has no unit or source", "[tech]") {
  const auto m = error_for("wafer_cost_usd = 9346.0");
  CHECK(contains(m, "t.toml:3:"));
  CHECK(contains(m, "key 'process_node.N7.wafer_cost_usd'"));
  CHECK(contains(m, "needs a unit and a source"));
  CHECK(contains(m, "got 9346"));
}

TEST_CASE("malformed entries name the key and what is allowed", "[tech]") {
  const std::string base = "wafer_cost_usd = { value = 9346.0, unit = \"USD/wafer\", source = \"node.wafer_cost_n7\", ";
  SECTION("unknown unit") {
    const auto m = error_for("wafer_cost_usd = { value = 1.0, unit = \"dollars\", source = \"node.x\", "
                             "confidence = \"H\", range = [0.0, 2.0] }");
    CHECK(contains(m, "t.toml:3:"));
    CHECK(contains(m, "'process_node.N7.wafer_cost_usd.unit': unknown unit"));
    CHECK(contains(m, "USD/wafer"));
  }
  SECTION("range does not contain the value") {
    const auto m = error_for(base + "confidence = \"H\", range = [10000.0, 12000.0] }");
    CHECK(contains(m, "t.toml:3:"));
    CHECK(contains(m, "does not contain the value 9346"));
  }
  SECTION("range is not two numbers") {
    CHECK(contains(error_for(base + "confidence = \"H\", range = [1.0] }"), "two-number array"));
  }
  SECTION("missing range") { CHECK(contains(error_for(base + "confidence = \"H\" }"), ".range': missing")); }
  SECTION("bad confidence grade") {
    const auto m = error_for(base + "confidence = \"high\", range = [9000.0, 10000.0] }");
    CHECK(contains(m, "'process_node.N7.wafer_cost_usd.confidence': not a confidence grade"));
    CHECK(contains(m, "\"H\", \"M\" or \"L\""));
  }
  SECTION("non-finite value") {
    CHECK(contains(error_for("wafer_cost_usd = { value = nan, unit = \"USD/wafer\", source = \"node.x\", "
                             "confidence = \"H\", range = [0.0, 1.0] }"),
                   "must be finite"));
    CHECK(contains(error_for("wafer_cost_usd = { value = inf, unit = \"USD/wafer\", source = \"node.x\", "
                             "confidence = \"H\", range = [0.0, 1.0] }"),
                   "must be finite"));
  }
  SECTION("value of the wrong type") {
    CHECK(contains(error_for("wafer_cost_usd = { value = \"9346\", unit = \"USD/wafer\", source = \"node.x\", "
                             "confidence = \"H\", range = [0.0, 1.0] }"),
                   "must be a number"));
  }
  SECTION("missing source") {
    CHECK(contains(error_for("wafer_cost_usd = { value = 1.0, unit = \"USD/wafer\", confidence = \"H\", "
                             "range = [0.0, 2.0] }"),
                   ".source': missing"));
  }
  SECTION("a source that is neither a row id nor a citation") {
    CHECK(contains(error_for("wafer_cost_usd = { value = 1.0, unit = \"USD/wafer\", source = \"somewhere\", "
                             "confidence = \"H\", range = [0.0, 2.0] }"),
                   "not a source"));
  }
  SECTION("unknown key inside an entry, with a suggestion") {
    const auto m = error_for(base + "confidence = \"H\", range = [9000.0, 10000.0], derivaton = \"x\" }");
    CHECK(contains(m, "'process_node.N7.wafer_cost_usd.derivaton': unknown key"));
    CHECK(contains(m, "did you mean 'derivation'"));
  }
  SECTION("unknown range basis") {
    CHECK(contains(error_for(base + "confidence = \"H\", range = [9000.0, 10000.0], range_basis = \"guess\" }"),
                   "unknown range basis"));
  }
}

TEST_CASE("an unknown top-level table in a technology file is refused with a suggestion", "[tech]") {
  TempDir dir;
  const auto f = dir.write("t.toml", "[procss_node.N7]\nname = \"x\"\n");
  try {
    tech::load_tech_database(f);
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK(contains(m, "t.toml:"));
    CHECK(contains(m, "did you mean 'process_node'"));
  }
}

TEST_CASE("a missing value is reported with the nearest existing path", "[tech]") {
  TempDir dir;
  const tech::TechDatabase db = tech::load_tech_database(dir.write("t.toml", kGood));
  try {
    (void)db.at("process_node.N7.wafer_cost_us");
    FAIL("no error");
  } catch (const Error& e) {
    REQUIRE(!e.context().empty());
    CHECK(contains(e.context().front(), "process_node.N7.wafer_cost_usd"));
  }
}

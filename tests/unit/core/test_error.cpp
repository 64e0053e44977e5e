// Tests of core/error and core/suggest: message shape and "did you mean".
#include <catch2/catch.hpp>

#include "chipdse/core/error.hpp"
#include "chipdse/core/suggest.hpp"

using namespace chipdse;

TEST_CASE("InputError names file, line, column, key, bad value and what is allowed", "[core]") {
  const InputError e(SourceLocation{"deck.toml", 12, 5}, "memory.hbm.stacks", "value out of range", "-3",
                     "an integer in [1, 12]");
  CHECK(std::string(e.what()) ==
        "deck.toml:12:5: key 'memory.hbm.stacks': value out of range (got -3; allowed: an integer in [1, 12])");
  CHECK(e.exit_code() == ExitCode::bad_input);
  CHECK(to_int(e.exit_code()) == 2);
}

TEST_CASE("SourceLocation prints what is known", "[core]") {
  CHECK(SourceLocation{"a.toml", 0, 0}.str() == "a.toml");
  CHECK(SourceLocation{"a.toml", 3, 0}.str() == "a.toml:3");
  CHECK(SourceLocation{"", 3, 4}.str() == "<input>:3:4");
}

TEST_CASE("NotYetAvailable exits 1 and says what brings the capability", "[core]") {
  const NotYetAvailable e("the thermal solver", "issue #8");
  CHECK(e.exit_code() == ExitCode::failure);
  CHECK(std::string(e.what()) == "the thermal solver is not available yet: it arrives with issue #8");
}

TEST_CASE("CHIPDSE_CHECK throws Error with the condition and the streamed message", "[core]") {
  const int n = 0;
  try {
    CHIPDSE_CHECK(n >= 1, "stacks = " << n << " must be >= 1");
    FAIL("no throw");
  } catch (const Error& e) {
    const std::string m = e.what();
    CHECK(m.find("stacks = 0 must be >= 1") == 0);
    CHECK(m.find("n >= 1") != std::string::npos);
    CHECK(e.exit_code() == ExitCode::failure);
  }
}

TEST_CASE("edit distance and closest match", "[core]") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("A61", "A16") == 1);  // a transposition is one typo
  const std::vector<std::string> nodes = {"N16", "N7", "N6", "N5", "N3", "N2", "A16"};
  CHECK(closest_match("N8", nodes) == "N7");  // tie with N6 etc.: the earliest candidate wins
  CHECK(closest_match("A61", nodes) == "A16");
  CHECK(closest_match("packaging", nodes).empty());
  CHECK(closest_match("wafer_cost_us", {"wafer_cost_usd", "mask_set_cost_musd"}) == "wafer_cost_usd");
}

TEST_CASE("identifiers are letters, digits and underscores", "[core]") {
  CHECK(is_identifier("ksp_rtol"));
  CHECK(is_identifier("pc_gamg_threshold2"));
  CHECK_FALSE(is_identifier(""));
  CHECK_FALSE(is_identifier("-ksp_rtol"));
  CHECK_FALSE(is_identifier("ksp rtol"));
  CHECK_FALSE(is_identifier("a\nb"));
}

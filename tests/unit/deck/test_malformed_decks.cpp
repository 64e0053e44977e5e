// Malformed decks: each is the valid base deck of deck_fixture.hpp plus exactly one defect, and each must
// fail with an InputError (exit code bad_input) naming the file and line the test wrote the defect on, the
// key path, and for a bad value the value and what is allowed. Ranges quoted below are the registry's
// (src/deck/schema_rows.cpp); line numbers are found in the text the test wrote.
// A bad string value is shown as toml++ renders it ('50'); a bad name of a choice as the deck code quotes it
// ("N33").
#include <catch2/catch.hpp>

#include "chipdse/deck/deck.hpp"
#include "deck_fixture.hpp"

using namespace chipdse;
using namespace chipdse::testing;

namespace {

/// Loads `d` as deck.toml and expects an error on the line containing `needle`, naming `key` and `parts`.
void expect_bad(const DeckText& d, const std::string& needle, const std::string& key,
                std::initializer_list<std::string> parts) {
  const std::string text = d.str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  check_error(input_error_of([&] { (void)deck::load_deck(path); }), path, line_of(text, needle), key, parts);
}

}  // namespace

TEST_CASE("the base deck of the malformed cases is valid, and its absolute include works", "[deck][malformed]") {
  TempDir dir;
  const deck::Deck d = load_text_file(dir, DeckText().str());
  CHECK(d.study_name == "t");
  CHECK(d.reference.peak_dense_tflops == 989.0);
  REQUIRE(d.files.size() >= 2);
  CHECK(d.files[1].path == tech_index().string());  // parent / absolute == absolute (std::filesystem::operator/)
  CHECK(d.tech.find("process_node.N7.wafer_cost_usd") != nullptr);
}

TEST_CASE("a value of the wrong type names key, value and the registry's type", "[deck][malformed]") {
  SECTION("string for a number") {
    expect_bad(DeckText().set("reference", "sram_mb", "\"50\""), "sram_mb", "reference.sram_mb",
               {"wrong type: string", "got '50'", "allowed: a number in [0, 100000] MB"});
  }
  SECTION("float for an integer") {
    expect_bad(DeckText().set("workload", "layers", "80.0"), "layers", "workload.layers",
               {"float where an integer is needed", "got 80.0", "allowed: an integer in [1, 1000]"});
  }
  SECTION("array for a scalar") {
    expect_bad(DeckText().set("reference", "clock_ghz", "[1.98]"), "clock_ghz", "reference.clock_ghz",
               {"wrong type: array", "1.98", "allowed: a number in [0.1, 6] GHz"});
  }
  SECTION("inline table for a scalar") {
    expect_bad(DeckText().set("workload", "layers", "{ n = 80 }"), "layers", "workload.layers",
               {"wrong type: table", "got a table", "allowed: an integer in [1, 1000]"});
  }
  SECTION("boolean for a choice") {
    expect_bad(DeckText().set("constraints", "cooling", "true"), "cooling", "constraints.cooling",
               {"wrong type: boolean", "got true", "air, liquid"});
  }
  SECTION("integer for a string") {
    expect_bad(DeckText().set("study", "name", "5"), "name = 5", "study.name",
               {"wrong type: integer", "got 5", "allowed: a string"});
  }
  SECTION("integer in a list of names") {
    expect_bad(DeckText().set("space", "hbm", "[3]"), "hbm = [3]", "space.hbm[0]", {"wrong type: integer", "got 3"});
  }
  SECTION("float in a list of integers") {
    expect_bad(DeckText().set("space", "chiplet_count", "[2, 4.5]"), "chiplet_count", "space.chiplet_count[1]",
               {"float where an integer is needed", "got 4.5", "integers in [2, 64]"});
  }
  SECTION("a table name holding a value") {
    expect_bad(DeckText().drop("study").top("study = \"x\""), "study = \"x\"", "study",
               {"must be a table", "got 'x'", "[study]"});
  }
}

TEST_CASE("a value out of the registry's range names the value and the range", "[deck][malformed]") {
  SECTION("negative production volume") {
    expect_bad(DeckText().set("economics", "volume_units", "-5.0"), "volume_units", "economics.volume_units",
               {"value out of range", "got -5.0", "allowed: a number in [1, 10000000000]"});
  }
  SECTION("clock of zero") {
    expect_bad(DeckText().set("reference", "clock_ghz", "0.0"), "clock_ghz", "reference.clock_ghz",
               {"value out of range", "got 0.0", "[0.1, 6] GHz"});
  }
  SECTION("an axis element out of range") {
    expect_bad(DeckText().set("space", "hbm_stacks", "[4, 99]"), "hbm_stacks", "space.hbm_stacks[1]",
               {"value out of range", "got 99", "integers in [1, 16]"});
  }
  SECTION("negative seed") {
    expect_bad(DeckText().set("search", "seed", "-1"), "seed", "search.seed",
               {"value out of range", "got -1", "[0, 4294967295]"});
  }
}

TEST_CASE("non-finite numbers are refused, alone or in an axis", "[deck][malformed]") {
  SECTION("nan") {
    expect_bad(DeckText().set("reference", "clock_ghz", "nan"), "clock_ghz", "reference.clock_ghz",
               {"not a finite number", "got nan", "[0.1, 6] GHz"});
  }
  SECTION("inf") {
    expect_bad(DeckText().set("reference", "peak_dense_tflops", "inf"), "peak_dense_tflops",
               "reference.peak_dense_tflops", {"not a finite number", "got inf", "[0.001, 1000000] TFLOPS"});
  }
  SECTION("-inf") {
    expect_bad(DeckText().set("reference", "sram_mb", "-inf"), "sram_mb", "reference.sram_mb",
               {"not a finite number", "got -inf", "[0, 100000] MB"});
  }
  SECTION("nan inside an axis") {
    expect_bad(DeckText().set("space", "clock_ghz", "[1.6, nan]"), "[1.6, nan]", "space.clock_ghz[1]",
               {"not a finite number", "got nan", "numbers in [0.1, 6] GHz"});
  }
}

TEST_CASE("unknown keys and tables are errors with a did-you-mean", "[deck][malformed]") {
  SECTION("unknown top-level key") {
    expect_bad(DeckText().top("serach = 1"), "serach", "serach", {"unknown key", "did you mean 'search'?"});
  }
  SECTION("unknown key in a table") {
    expect_bad(DeckText().set("workload", "layer", "80"), "layer = 80", "workload.layer",
               {"unknown key", "did you mean 'layers'?"});
  }
  SECTION("unknown table, nothing close") {
    expect_bad(DeckText().line("foobar", "x = 1"), "[foobar]", "foobar",
               {"unknown key", "study, reference, space"});
  }
  SECTION("misspelt table") {
    expect_bad(DeckText().line("workloads", "layers = 80"), "[workloads]", "workloads",
               {"unknown key", "did you mean 'workload'?"});
  }
}

TEST_CASE("unknown names of choices and technology members", "[deck][malformed]") {
  SECTION("unknown process node") {
    expect_bad(DeckText().set("space", "compute_node", "[\"N33\"]"), "compute_node", "space.compute_node[0]",
               {"unknown name", "got \"N33\"", "did you mean 'N3'?"});
  }
  SECTION("an alias of a node says which node") {
    expect_bad(DeckText().set("space", "compute_node", "[\"N3\", \"N4\"]"), "compute_node", "space.compute_node[1]",
               {"'N4' is an alias of 'N5'", "write 'N5'", "got \"N4\""});
  }
  SECTION("an alias in a scalar node key") {
    expect_bad(DeckText().set("reference", "node", "\"N12\""), "node = ", "reference.node",
               {"'N12' is an alias of 'N16'"});
  }
  SECTION("unknown packaging") {
    expect_bad(DeckText().set("space", "packaging", "[\"cowos\"]"), "packaging", "space.packaging[0]",
               {"unknown name", "got \"cowos\"", "did you mean 'cowos_s'?"});
  }
  SECTION("unknown fixed choice") {
    expect_bad(DeckText().set("workload", "kind", "\"trainig\""), "kind", "workload.kind",
               {"unknown name", "got \"trainig\"", "did you mean 'training'?", "inference"});
  }
  SECTION("unknown sweep mode") {
    expect_bad(DeckText().set("sweep", "mode", "\"gird\""), "mode", "sweep.mode",
               {"unknown name", "got \"gird\"", "did you mean 'grid'?", "zip"});
  }
}

TEST_CASE("missing required keys and tables", "[deck][malformed]") {
  SECTION("missing reference.peak_dense_tflops points at [reference]") {
    expect_bad(DeckText().erase("reference", "peak_dense_tflops"), "[reference]", "reference.peak_dense_tflops",
               {"missing required key", "[0.001, 1000000] TFLOPS"});
  }
  SECTION("missing [study] names the file and study.name") {
    TempDir dir;
    const auto path = dir.write("deck.toml", DeckText().drop("study").str());
    const Caught e = input_error_of([&] { (void)deck::load_deck(path); });
    INFO(e.message);
    CHECK(e.code == ExitCode::bad_input);
    // No line: nobody wrote the table. SourceLocation::str() is then just the file.
    CHECK(e.message.rfind(path.string() + ": key 'study.name': missing required key", 0) == 0);
  }
}

TEST_CASE("axes must be non-empty and without repeats", "[deck][malformed]") {
  SECTION("empty axis") {
    expect_bad(DeckText().set("space", "hbm", "[]"), "hbm = []", "space.hbm", {"empty list", "got []", "non-empty array"});
  }
  SECTION("value listed twice") {
    expect_bad(DeckText().set("space", "hbm_stacks", "[4, 6, 4]"), "hbm_stacks", "space.hbm_stacks[2]",
               {"listed twice", "got 4"});
  }
  SECTION("name listed twice") {
    expect_bad(DeckText().set("space", "hbm", "[\"hbm4\", \"hbm3e\", \"hbm4\"]"), "hbm = ", "space.hbm[2]",
               {"listed twice", "got 'hbm4'"});
  }
}

TEST_CASE("include problems name the including file and line", "[deck][malformed]") {
  const std::string tech = "\"" + tech_index().string() + "\"";
  SECTION("include cycle") {
    TempDir dir;
    const std::string loop = "# loops back\ninclude = [\"deck.toml\"]\n";
    const auto loop_path = dir.write("loop.toml", loop);
    const auto path = dir.write("deck.toml", DeckText().replace_top({"include = [" + tech + ", \"loop.toml\"]"}).str());
    check_error(input_error_of([&] { (void)deck::load_deck(path); }), loop_path, line_of(loop, "include"), "include",
                {"include cycle", "deck.toml"});
  }
  SECTION("missing include") {
    expect_bad(DeckText().replace_top({"# a comment", "include = [" + tech + ", \"nope.toml\"]"}), "nope.toml",
               "include", {"cannot open included file", "nope.toml"});
  }
  SECTION("include is not an array") {
    expect_bad(DeckText().replace_top({"include = " + tech}), "include", "include", {"must be an array"});
  }
  SECTION("the same key in the deck and in an included file names both") {
    TempDir dir;
    const std::string extra = "[economics]\npue = 1.3\n";
    const auto extra_path = dir.write("extra.toml", extra);
    const std::string text =
        DeckText().replace_top({"include = [" + tech + ", \"extra.toml\"]"}).set("economics", "pue", "1.5").str();
    const auto path = dir.write("deck.toml", text);
    check_error(input_error_of([&] { (void)deck::load_deck(path); }), path, line_of(text, "pue"), "economics.pue",
                {"defined twice", "got 1.5", "first definition is at " + at(extra_path, line_of(extra, "pue"))});
  }
}

TEST_CASE("TOML syntax errors carry file, line and column", "[deck][malformed]") {
  TempDir dir;
  SECTION("duplicate key in one file") {
    const std::string text = DeckText().set("workload", "kind", "\"training\"").line("workload", "kind = \"inference\"").str();
    const auto path = dir.write("deck.toml", text);
    const Caught e = input_error_of([&] { (void)deck::load_deck(path); });
    INFO(e.message);
    CHECK(e.code == ExitCode::bad_input);
    CHECK(e.message.rfind(at(path, line_of(text, "inference")), 0) == 0);
    CHECK(contains(e.message, "TOML syntax error"));
    CHECK(contains(e.message, "kind"));
  }
  SECTION("a doubled '=' points at line and column") {
    const std::string text = DeckText().set("reference", "sram_mb", "= 50.0").str();  // "sram_mb = = 50.0"
    const auto path = dir.write("deck.toml", text);
    const Caught e = input_error_of([&] { (void)deck::load_deck(path); });
    INFO(e.message);
    CHECK(e.code == ExitCode::bad_input);
    // The second '=' is the 11th character of "sram_mb = = 50.0".
    CHECK(e.message.rfind(at(path, line_of(text, "sram_mb")) + "11:", 0) == 0);
    CHECK(contains(e.message, "TOML syntax error"));
  }
}

TEST_CASE("overrides must name an existing number and give a usable number", "[deck][malformed]") {
  SECTION("an override of a path that does not exist") {
    // Tech entries are ordered as written: N16 then N7, N6, ...; N7 is the first at edit distance 1 from N9.
    expect_bad(DeckText().line("overrides", "\"process_node.N9.wafer_cost_usd\" = 1.0"), "N9",
               "overrides.process_node.N9.wafer_cost_usd",
               {"names no technology value or deck number", "got 'process_node.N9.wafer_cost_usd'",
                "did you mean 'process_node.N7.wafer_cost_usd'?"});
  }
  SECTION("an override with a string value") {
    expect_bad(DeckText().line("overrides", "\"process_node.N7.wafer_cost_usd\" = \"cheap\""), "cheap",
               "overrides.process_node.N7.wafer_cost_usd", {"wrong type: string", "got 'cheap'", "a finite number"});
  }
  SECTION("an override of an integer deck key with 2.5") {
    expect_bad(DeckText().line("overrides", "\"workload.layers\" = 2.5"), "2.5", "overrides.workload.layers",
               {"not an integer", "got 2.5", "an integer in [1, 1000]"});
  }
  SECTION("an override of a deck key out of its range") {
    expect_bad(DeckText().line("overrides", "\"economics.pue\" = 0.5"), "0.5", "overrides.economics.pue",
               {"value out of range", "got 0.5", "a number in [1, 5]"});
  }
  SECTION("an override of a deck list, which is not a number") {
    expect_bad(DeckText().line("overrides", "\"space.clock_ghz\" = 1.0"), "space.clock_ghz",
               "overrides.space.clock_ghz", {"names no technology value or deck number", "got 'space.clock_ghz'"});
  }
}

TEST_CASE("sweep values must name an existing number and list numbers", "[deck][malformed]") {
  SECTION("empty value list") {
    expect_bad(DeckText().line("sweep.values", "\"economics.pue\" = []"), "economics.pue", "sweep.values.economics.pue",
               {"empty list", "a non-empty array of numbers"});
  }
  SECTION("a path that names nothing") {
    expect_bad(DeckText().line("sweep.values", "\"economics.pu\" = [1.1, 1.2]"), "economics.pu",
               "sweep.values.economics.pu", {"names no technology value or deck number", "did you mean 'economics.pue'?"});
  }
  SECTION("a string among the values") {
    expect_bad(DeckText().line("sweep.values", "\"economics.pue\" = [1.1, \"x\"]"), "economics.pue",
               "sweep.values.economics.pue[1]", {"wrong type: string", "got 'x'"});
  }
}

TEST_CASE("relations between keys", "[deck][malformed]") {
  SECTION("kv_heads does not divide heads") {  // 64 % 6 = 4
    expect_bad(DeckText().set("workload", "kv_heads", "6"), "kv_heads", "workload.kv_heads",
               {"does not divide workload.heads = 64", "got 6", "kv_heads a divisor of heads"});
  }
  SECTION("heads does not divide d_model") {  // 8192 % 48 = 32; kv_heads 8 divides 48
    expect_bad(DeckText().set("workload", "heads", "48"), "heads", "workload.heads",
               {"does not divide workload.d_model = 8192", "got 48"});
  }
  SECTION("top_k exceeds experts") {
    expect_bad(DeckText().set("workload", "top_k", "2"), "top_k", "workload.top_k",
               {"exceeds workload.experts = 1", "got 2"});
  }
  SECTION("batch_policy fill_memory on a training workload") {
    expect_bad(DeckText().set("workload", "batch_policy", "\"fill_memory\""), "batch_policy", "workload.batch_policy",
               {"only for inference", "got \"fill_memory\"", "\"fixed\" for training"});
  }
  SECTION("batch_policy slo without an SLO to meet") {
    expect_bad(DeckText().set("workload", "kind", "\"inference\"").set("workload", "batch_policy", "\"slo\""),
               "batch_policy", "workload.batch_policy",
               {"needs an SLO to meet", "constraints.tpot_slo_s", "got \"slo\""});
  }
  SECTION("slo_percentile below the median") {
    expect_bad(DeckText().set("constraints", "slo_percentile", "30.0"), "slo_percentile", "constraints.slo_percentile",
               {"got 30", "50"});
  }
  SECTION("a token budget on a training workload") {
    expect_bad(DeckText().set("workload", "iteration_token_budget", "256"), "iteration_token_budget",
               "workload.iteration_token_budget", {"applies to inference only", "got 256", "0 for training"});
  }
  SECTION("a token budget with no room for prompts") {  // one sequence of 4096 + 256 tokens needs 1 + 16 per iteration
    expect_bad(DeckText().set("workload", "kind", "\"inference\"").set("workload", "iteration_token_budget", "17"),
               "iteration_token_budget", "workload.iteration_token_budget",
               {"leaves no room for prompts", "1 + sequence_length / output_tokens = 17", "got 17"});
  }
  SECTION("a fixed batch above what the token budget sustains") {  // (256 x 256 - 1) / (4096 + 256) = 15
    expect_bad(DeckText()
                   .set("workload", "kind", "\"inference\"")
                   .set("workload", "iteration_token_budget", "256")
                   .set("workload", "micro_batch_sequences", "16"),
               "micro_batch_sequences", "workload.micro_batch_sequences",
               {"more sequences than workload.iteration_token_budget = 256 sustains (15)", "got 16", "at most 15"});
  }
  SECTION("a negative token budget or prompt spread") {
    expect_bad(DeckText().set("workload", "iteration_token_budget", "-1"), "iteration_token_budget",
               "workload.iteration_token_budget", {"got -1"});
    expect_bad(DeckText().set("workload", "sequence_length_cv", "-0.5"), "sequence_length_cv",
               "workload.sequence_length_cv", {"got -0.5"});
  }
  SECTION("batch_policy slo on a training workload") {
    expect_bad(DeckText().set("workload", "batch_policy", "\"slo\""), "batch_policy", "workload.batch_policy",
               {"only for inference", "got \"slo\"", "\"fixed\" for training"});
  }
  SECTION("batch_policy not a policy") {
    expect_bad(DeckText().set("workload", "batch_policy", "\"max\""), "batch_policy", "workload.batch_policy",
               {"fixed", "fill_memory"});
  }
  SECTION("kv_cache_memory_fraction above 1") {
    expect_bad(DeckText().set("workload", "kv_cache_memory_fraction", "1.5"), "kv_cache_memory_fraction",
               "workload.kv_cache_memory_fraction", {"1.5"});
  }
  SECTION("expert_parallel exceeds experts") {
    expect_bad(DeckText().set("workload", "expert_parallel", "2"), "expert_parallel", "workload.expert_parallel",
               {"exceeds workload.experts = 1", "got 2"});
  }
  SECTION("expert_parallel does not divide the data-parallel degree") {  // 1024 / (8 x 4) = 32; 32 % 3 = 2
    expect_bad(DeckText().set("workload", "experts", "8").set("workload", "expert_parallel", "3"), "expert_parallel",
               "workload.expert_parallel", {"does not divide the data-parallel degree", "= 32", "got 3", "a divisor of 32"});
  }
  SECTION("cluster not a multiple of TP x PP") {  // 8 x 4 = 32; 100 % 32 = 4
    expect_bad(DeckText().set("workload", "cluster_packages", "100"), "cluster_packages", "workload.cluster_packages",
               {"tensor_parallel x pipeline_parallel = 32", "got 100", "a multiple of 32"});
  }
  SECTION("more pipeline stages than layers") {
    expect_bad(DeckText().set("workload", "layers", "2").set("workload", "pipeline_parallel", "4"),
               "pipeline_parallel", "workload.pipeline_parallel", {"more stages than layers (2)", "got 4"});
  }
  SECTION("global batch not a multiple of DP x micro-batch") {  // DP = 1024 / 32 = 32; 1000 % 32 = 8
    expect_bad(DeckText().set("workload", "global_batch_sequences", "1000"), "global_batch", "workload.global_batch_sequences",
               {"data_parallel x micro_batch_sequences = 32", "got 1000"});
  }
  SECTION("cache dies with no SRAM to hold (space.sram_mb)") {
    expect_bad(DeckText()
                   .set("space", "partitioning", "[\"chiplets\", \"chiplets_io_cache\"]")
                   .set("space", "sram_mb", "[60.0, 0.0]"),
               "sram_mb = [60.0", "space.sram_mb",
               {"no SRAM for the cache dies", "chiplets_io_cache", "got 0", "a positive size in MB"});
  }
  SECTION("cache dies with no SRAM to hold (reference.sram_mb, no axis)") {
    expect_bad(DeckText()
                   .set("reference", "sram_mb", "0.0")
                   .set("space", "partitioning", "[\"monolithic\", \"chiplets_io_cache\"]"),
               "sram_mb = 0.0", "reference.sram_mb", {"no SRAM for the cache dies", "got 0"});
  }
  SECTION("SRAM size out of range") {
    expect_bad(DeckText().set("space", "sram_mb", "[60.0, -4.0]"), "sram_mb = [60.0", "space.sram_mb[1]",
               {"value out of range", "got -4.0", "[0, 4096] MB"});
  }
  SECTION("one objective") {
    expect_bad(DeckText().set("objectives", "list", "[\"cost_usd\"]"), "cost_usd", "objectives.list",
               {"needs 2 to 6 objectives", "got 1 objective(s)"});
  }
  SECTION("NSGA-II population not a multiple of 4") {
    expect_bad(DeckText().set("search", "nsga2_population", "90"), "nsga2_population", "search.nsga2_population",
               {"multiple of 4", "got 90"});
  }
  SECTION("study name with a slash") {
    expect_bad(DeckText().set("study", "name", "\"a/b\""), "a/b", "study.name",
               {"not a usable study name", "got \"a/b\"", "letters, digits"});
  }
}

TEST_CASE("technology entries written in a deck are checked like the database", "[deck][malformed]") {
  SECTION("a bare number") {
    expect_bad(DeckText().line("process_node.N7", "foo = 3.0"), "foo", "process_node.N7.foo",
               {"needs a unit and a source", "got 3.0"});
  }
  SECTION("an unknown unit") {
    expect_bad(DeckText().line("process_node.N7",
                               "bar = { value = 1.0, unit = \"furlongs\", source = \"node.wafer_cost_n7\", "
                               "confidence = \"H\", range = [0.5, 2.0] }"),
               "furlongs", "process_node.N7.bar.unit", {"unknown unit", "got \"furlongs\"", "USD/wafer"});
  }
}

// Regressions of defects found by these tests (all fixed): empty names, alias messages, float rendering.
TEST_CASE("an empty name is an unknown name, not an alias", "[deck][malformed]") {
  // `aliases = []` renders as the empty text "", in which the empty name is found at position 0.
  expect_bad(DeckText().set("space", "compute_node", "[\"\"]"), "compute_node", "space.compute_node[0]", {"unknown name"});
  const std::string text = DeckText().set("space", "compute_node", "[\"\"]").str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  CHECK_FALSE(contains(input_error_of([&] { (void)deck::load_deck(path); }).message, "alias"));
}

TEST_CASE("an alias error does not suggest a different node", "[deck][malformed]") {
  // "N4" is an alias of N5, but N7 is the first node at edit distance 1, so "did you mean 'N7'?" follows.
  const std::string text = DeckText().set("space", "compute_node", "[\"N4\"]").str();
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const Caught e = input_error_of([&] { (void)deck::load_deck(path); });
  INFO(e.message);
  CHECK_FALSE(contains(e.message, "did you mean 'N7'"));
}

TEST_CASE("a bad float is shown as the user wrote it", "[deck][malformed]") {
  // describe_node prints the shortest round-trip text: 7.1, not 7.0999999999999996.
  expect_bad(DeckText().set("reference", "clock_ghz", "7.1"), "clock_ghz", "reference.clock_ghz",
             {"value out of range", "got 7.1;"});
}

TEST_CASE("reference-only technology rows are not design choices", "[deck][malformed]") {
  // link.cluster holds per-GPU bandwidth references and memory.ddr5 a price: neither has dse_axis set.
  expect_bad(DeckText().set("space", "scale_up_link", "[\"cluster\"]"), "scale_up_link", "space.scale_up_link[0]",
             {"unknown name", "got \"cluster\""});
  expect_bad(DeckText().set("space", "hbm", "[\"ddr5\"]"), "\"ddr5\"", "space.hbm[0]", {"unknown name", "hbm3e"});
}

TEST_CASE("the same key overridden twice is an error naming both places", "[deck][malformed]") {
  const std::string text = DeckText().str() + "\n[overrides]\n\"economics.pue\" = 1.1\neconomics.pue = 1.2\n";
  TempDir dir;
  const auto path = dir.write("deck.toml", text);
  const Caught e = input_error_of([&] { (void)deck::load_deck(path); });
  INFO(e.message);
  CHECK(contains(e.message, "overridden twice"));
  CHECK(contains(e.message, "key 'overrides.economics.pue'"));
}

TEST_CASE("thermal.petsc option names are checked, values kept as text", "[deck][malformed]") {
  TempDir dir;
  const auto good = dir.write("good.toml", DeckText().str() + "\n[thermal.petsc]\nksp_rtol = 1e-10\npc_type = \"icc\"\n");
  const deck::Deck d = deck::load_deck(good);
  REQUIRE(d.thermal_petsc.size() == 2);
  CHECK(d.thermal_petsc[0] == std::pair<std::string, std::string>{"ksp_rtol", "1e-10"});
  CHECK(d.thermal_petsc[1] == std::pair<std::string, std::string>{"pc_type", "icc"});
  // The solver options are not technology values: the database is unchanged.
  CHECK(d.tech.find_attribute("thermal.petsc.pc_type") == nullptr);
  const std::string bad_text = DeckText().str() + "\n[thermal.petsc]\n\"-ksp_rtol\" = 1e-10\n";
  const auto bad = dir.write("bad.toml", bad_text);
  const Caught e = input_error_of([&] { (void)deck::load_deck(bad); });
  INFO(e.message);
  CHECK(contains(e.message, "key 'thermal.petsc.-ksp_rtol': not a PETSc option name"));
  CHECK(contains(e.message, "bad.toml:" + std::to_string(line_of(bad_text, "-ksp_rtol")) + ":"));
}

TEST_CASE("a bad [[space.mapping]] entry names the entry, its key and what is allowed", "[deck][malformed]") {
  SECTION("a name given twice") {
    expect_bad(DeckText().set("space", "mapping", "[{ name = \"a\" }, { name = \"a\", tensor_parallel = 4 }]"), "mapping =",
               "space.mapping[1].name", {"mapping named twice", "got 'a'"});
  }
  SECTION("an entry without a name") {
    expect_bad(DeckText().set("space", "mapping", "[{ tensor_parallel = 4 }]"), "mapping =", "space.mapping[0].name",
               {"missing required key"});
  }
  SECTION("a key that is not a mapping key") {
    expect_bad(DeckText().set("space", "mapping", "[{ name = \"a\", tensor = 4 }]"), "mapping =", "space.mapping[0].tensor",
               {"unknown key", "tensor_parallel"});
  }
  SECTION("a tier that does not exist") {
    expect_bad(DeckText().set("space", "mapping", "[{ name = \"a\", tensor_tier = \"rack\" }]"), "mapping =",
               "space.mapping[0].tensor_tier", {"unknown name", "\"rack\"", "scale_up"});
  }
  SECTION("a degree out of the workload key's range") {
    expect_bad(DeckText().set("space", "mapping", "[{ name = \"a\", pipeline_parallel = 0 }]"), "mapping =",
               "space.mapping[0].pipeline_parallel", {"value out of range", "got 0", "an integer in [1, 4096]"});
  }
  SECTION("degrees that do not divide the cluster") {
    expect_bad(DeckText().set("space", "mapping", "[{ name = \"ok\" }, { name = \"odd\", tensor_parallel = 3 }]"), "mapping =",
               "space.mapping[1].tensor_parallel", {"mapping 'odd'", "is not a multiple of tensor_parallel x pipeline_parallel"});
  }
  SECTION("an unnamed mapping key taken from [workload] is reported there") {
    expect_bad(DeckText().set("workload", "pipeline_parallel", "3").set("space", "mapping", "[{ name = \"a\" }]"),
               "pipeline_parallel = 3", "workload.pipeline_parallel", {"mapping 'a'", "is not a multiple"});
  }
  SECTION("an empty list, or a name instead of a table") {
    expect_bad(DeckText().set("space", "mapping", "[]"), "mapping =", "space.mapping", {"empty list"});
    expect_bad(DeckText().set("space", "mapping", "[\"tp8\"]"), "mapping =", "space.mapping[0]", {"wrong type: string"});
  }
  SECTION("more mappings than the kernel holds") {
    std::string list = "[";
    for (int i = 0; i < 17; ++i) list += std::string(i ? ", " : "") + "{ name = \"m" + std::to_string(i) + "\" }";
    expect_bad(DeckText().set("space", "mapping", list + "]"), "mapping =", "space.mapping", {"too many mappings", "at most 16"});
  }
}

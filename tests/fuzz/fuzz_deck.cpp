// libFuzzer harness for the deck parser and `chipdse check` (tests/fuzz/README.md).
//
// The input bytes are the text of a deck whose path is CHIPDSE_FUZZ_FIXTURE_DIR/deck.toml, a file that
// does not exist on disk: its includes resolve in the fixture folder (tech_small.toml, workload.toml).
// The harness does what `chipdse check` does: load and check the deck, build its design space, plan the
// study and count the sweep cases; for a deck with a sweep it also loads sweep case 0, as
// `chipdse sweep --list` and `chipdse run --case 0` do.
//
// chipdse::Error (InputError included) is the expected way to reject a deck and returns 0. Any other
// exception escaping, a crash, a sanitizer report or a hang is a finding. An InputError must also read
// as the one line the command prints (non-empty, no '\n') and carry exit code 2 (bad_input); otherwise
// the harness prints the message and traps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/core/exit_code.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/sweep.hpp"
#include "chipdse/search/space_from_deck.hpp"

#ifndef CHIPDSE_FUZZ_FIXTURE_DIR
#error "CHIPDSE_FUZZ_FIXTURE_DIR must name tests/fuzz/fixture (set by tests/fuzz/CMakeLists.txt)"
#endif

namespace {

[[noreturn]] void finding(const char* what, const std::string& message) {
  std::fprintf(stderr, "fuzz_deck: %s\n--- what() (%zu bytes) ---\n%s\n--- end ---\n", what, message.size(),
               message.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

void check_input_error(const chipdse::InputError& e) {
  const std::string message = e.what();
  if (message.empty()) finding("InputError with an empty message", message);
  if (message.find('\n') != std::string::npos) finding("InputError message is more than one line", message);
  if (e.exit_code() != chipdse::ExitCode::bad_input) finding("InputError whose exit code is not bad_input (2)", message);
}

void check_deck(const std::string& text) {
  namespace deck = chipdse::deck;
  namespace search = chipdse::search;
  static const std::filesystem::path path = std::filesystem::path(CHIPDSE_FUZZ_FIXTURE_DIR) / "deck.toml";

  const deck::Deck d = deck::load_deck_text(text, path);
  const search::DesignSpace space = search::design_space_from_deck(d);
  (void)search::plan_study(d, space);
  if (d.sweep.empty()) return;
  if (deck::sweep_case_count(d) == 0) return;
  const deck::Deck first_case = deck::load_deck_text(text, path, deck::sweep_case(d, 0));
  (void)search::plan_study(first_case, search::design_space_from_deck(first_case));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check_deck(text);
  } catch (const chipdse::InputError& e) {
    check_input_error(e);
  } catch (const chipdse::Error&) {
    // Rejected with a chipdse error (exit 1): expected behaviour for the harness.
  }
  return 0;
}

// run_exhaustive.hpp — `chipdse run`'s search step for a space it enumerates (DESIGN.md §4): the exhaustive search
// over the ranks with chunk-boundary checkpoints and, with search.thermal_verification = "rounds", DESIGN.md §3's
// verification rounds: after each enumeration the front's packages without a solve are solved (over the ranks) and
// the space is enumerated again with every design of a solved package at its settled junction, until the front holds
// none. Every checkpoint carries the round and every package solved so far (a resumed run never solves one again);
// one is also written after each round's solves, where a stop is honoured too.
#pragma once

#include <filesystem>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "chipdse/io/checkpoint_file.hpp"
#include "chipdse/io/result_groups.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"

namespace chipdse::app {

/// What the exhaustive step needs of `run` (all references outlive the call).
struct ExhaustiveRun {
  const parallel::Environment& env;
  const deck::Deck& deck;
  const search::ChoiceDecoder& decoder;
  const model::KernelParams& params;
  const search::StudyPlan& plan;
  search::StoreMode store;
  const io::CheckpointHeader& header;
  const io::Checkpoint* resume;   ///< rank 0's checkpoint to continue (null elsewhere or for a fresh run)
  const std::filesystem::path& out;
  bool quiet;                     ///< no progress, checkpoint or round lines
  double test_chunk_delay_s;      ///< CHIPDSE_TEST_CHUNK_DELAY_MS
};

/// Runs the search (collective). Fills `solved` with the packages solved (the output rows are recomputed on them),
/// `verification` with what /stats records of the rounds, and on a stop during rounds `stopped_at` with where it left
/// the run. @returns the last enumeration's result (its checkpoint counters over every round; stopped on a stop).
/// @throws Error on every rank (a failed solve, too many rounds, a failed evaluation).
parallel::SearchResult run_exhaustive(const ExhaustiveRun& run, model::SolvedGeometries& solved,
                                      io::RunStats::Verification& verification, std::string& stopped_at);

}  // namespace chipdse::app

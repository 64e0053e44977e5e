// run_nsga2.hpp — `chipdse run`'s search step when the space is too large to enumerate (DESIGN.md §4): NSGA-II over
// the ranks, with generation-boundary checkpoints, giving the same SearchResult the exhaustive step gives so that
// the output phases do not care which search ran.
#pragma once

#include <filesystem>
#include <optional>

#include "chipdse/deck/deck.hpp"
#include "chipdse/io/checkpoint_file.hpp"
#include "chipdse/io/result_groups.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/search/choice_decoder.hpp"

namespace chipdse::app {

/// Runs NSGA-II on every rank (collective). `resume` is rank 0's checkpoint to continue (null elsewhere or for a
/// fresh run); its state reaches every rank. Checkpoints go to "<out>.ckpt" at search.checkpoint_interval_s and on
/// a stop (and every search.checkpoint_interval_generations). Fills `stats` (method "nsga2") with what /stats records of the search.
/// @returns the result as the exhaustive search gives it (counts of distinct designs, front, row blocks, stop).
parallel::SearchResult run_nsga2(const parallel::Environment& env, const deck::Deck& deck,
                                 const search::ChoiceDecoder& decoder, const model::KernelParams& params,
                                 search::StoreMode store, const io::CheckpointHeader& header,
                                 const io::Checkpoint* resume, const std::filesystem::path& out, bool quiet,
                                 double test_generation_delay_s, io::RunStats::Nsga2& stats);

}  // namespace chipdse::app

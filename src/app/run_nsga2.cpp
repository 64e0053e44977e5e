// `chipdse run`'s NSGA-II step (see run_nsga2.hpp).
#include "run_nsga2.hpp"

#include "checkpoint_report.hpp"

#include <iostream>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/nsga2_run.hpp"
#include "chipdse/parallel/stop_signal.hpp"
#include "chipdse/search/space_from_deck.hpp"

namespace chipdse::app {

parallel::SearchResult run_nsga2(const parallel::Environment& env, const deck::Deck& deck,
                                 const search::ChoiceDecoder& decoder, const model::KernelParams& params,
                                 search::StoreMode store, const io::CheckpointHeader& header,
                                 const io::Checkpoint* resume, const std::filesystem::path& out, bool quiet,
                                 double test_generation_delay_s, io::RunStats::Nsga2& stats) {
  // Every rank drives the same search, so every rank needs the checkpoint rank 0 read (a node-local disk need not
  // be shared): its bytes are broadcast and checked again.
  const std::string bytes = env.broadcast(env.is_root() && resume ? io::checkpoint_bytes(*resume) : std::string());
  std::optional<io::Checkpoint> state;
  if (!bytes.empty()) state = io::checkpoint_from_bytes(bytes);

  parallel::Nsga2RunSettings settings;
  settings.nsga2 = search::nsga2_settings(deck);
  settings.store = store;
  settings.sample_points = static_cast<std::uint64_t>(deck.output.sample_points);
  settings.progress = !quiet;
  settings.checkpoint_interval_s = deck.search.checkpoint_interval_s;
  settings.checkpoint_interval_generations =
      static_cast<std::uint32_t>(deck.values.integer("search.checkpoint_interval_generations"));
  settings.test_generation_delay_s = test_generation_delay_s;
  settings.stop = [] { return parallel::stop_requested(); };
  settings.resume = state && state->nsga2 ? &*state->nsga2 : nullptr;
  if (env.is_root())
    settings.write = [&](const search::Nsga2State& s, const parallel::Nsga2CheckpointEvent& ev) {
      return write_and_report_checkpoint(out, io::Checkpoint{header, {}, s}, ev.number,
                                         "generation " + std::to_string(ev.generation) + " of " +
                                             std::to_string(ev.generations),
                                         "", !quiet || ev.stopping);
    };
  const parallel::Nsga2RunResult r = parallel::nsga2_search(env.comm(), decoder, params,
                                                            search::objective_indices(deck.objectives), env.threads(),
                                                            settings, std::cout);
  stats.population = settings.nsga2.population;
  stats.generations = r.generations;
  stats.generations_resumed = r.generations_resumed;
  stats.evaluations = r.evaluations;
  stats.crossover_probability = settings.nsga2.crossover_probability;
  stats.crossover_distribution = settings.nsga2.crossover_distribution;
  stats.mutation_distribution = settings.nsga2.mutation_distribution;
  stats.mutation_probability = r.mutation_probability;
  stats.front_size_by_generation.assign(r.front_size_by_generation.begin(), r.front_size_by_generation.end());
  stats.distinct_by_generation.assign(r.distinct_by_generation.begin(), r.distinct_by_generation.end());

  parallel::SearchResult result;
  result.counts = r.counts;
  result.front = r.front;
  result.pareto = r.pareto;
  result.points = r.points;
  result.search_s = r.search_s;
  result.checkpoint_s = r.checkpoint_s;
  result.checkpoints = r.checkpoints;
  result.stopped = r.stopped;
  result.checkpoint_failed = r.checkpoint_failed;
  return result;
}

}  // namespace chipdse::app

// chipdse check, describe and schema: what a deck says, how big its space is, what the run will cost.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "chipdse/deck/deck.hpp"
#include "chipdse/deck/schema.hpp"
#include "chipdse/deck/sweep.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/nsga2_search.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "commands.hpp"

namespace chipdse::app {

namespace {

std::string grouped(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string seconds_text(double s) {
  if (s < 1e-3) return fmt::format("{:.3g} ms", s * 1e3);
  if (s < 120) return fmt::format("{:.3g} s", s);
  if (s < 7200) return fmt::format("{:.3g} min", s / 60);
  return fmt::format("{:.3g} h", s / 3600);
}

/// Seconds per point of the evaluation kernel (decode + evaluate) on this machine, one thread, over an even sample
/// of the deck's own space (different regions of a space cost differently).
double measure_seconds_per_point(const deck::Deck& deck, const search::DesignSpace& space) {
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);
  const std::uint64_t n = std::min<std::uint64_t>(space.size(), 20000);
  const std::uint64_t step = std::max<std::uint64_t>(1, space.size() / n);
  volatile double sink = 0;  // volatile: the timed evaluations must not be optimised away
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0, idx = 0; i < n; ++i, idx += step)
    sink = sink + model::evaluate(decoder.choice(idx % space.size()), params).cost_usd;
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return dt / static_cast<double>(n);
}

}  // namespace

ExitCode check_command(const std::string& deck_path) {
  const deck::Deck deck = deck::load_deck(deck_path);
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::StudyPlan plan = search::plan_study(deck, space);
  std::size_t overridden = 0;
  for (const auto& e : deck.tech.entries()) overridden += e.overridden;
  std::cout << deck.path << ": OK\n"
            << "  study        " << deck.study_name << '\n'
            << "  files        " << deck.files.size() << " (the deck and its includes)\n"
            << "  technology   " << deck.tech.entries().size() << " sourced values, " << overridden << " overridden\n"
            << "  space        " << grouped(space.size()) << " designs in " << space.variant_count() << " variant(s)\n"
            << "  search       " << plan.method << ", " << grouped(plan.evaluations) << " evaluations\n"
            << "  objectives   ";
  for (std::size_t i = 0; i < deck.objectives.size(); ++i) std::cout << (i ? ", " : "") << deck.objectives[i];
  std::cout << "\n  store        " << deck.output.store << '\n';
  if (!deck.sweep.empty())
    std::cout << "  sweep        " << deck.sweep.size() << " key(s), " << deck::sweep_case_count(deck) << " case(s) ("
              << deck.sweep_mode << ")\n";
  return ExitCode::ok;
}

ExitCode describe_command(const DescribeOptions& opt) {
  const deck::Deck deck = deck::load_deck(opt.deck);
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::StudyPlan plan = search::plan_study(deck, space);
  std::cout << deck.path << ": study '" << deck.study_name << "'\n";
  if (!deck.study_description.empty()) std::cout << "  " << deck.study_description << '\n';
  std::cout << "\nDesign space: " << grouped(space.size()) << " designs, sum over " << space.variant_count()
            << " partitioning variant(s) of the product of their axes\n";
  for (std::size_t v = 0; v < space.variant_count(); ++v) {
    const auto& var = space.variant(v);
    std::cout << fmt::format("\n  {}: {} designs (indices {} to {})\n", var.name, grouped(space.variant_size(v)),
                             grouped(space.variant_offset(v)), grouped(space.variant_offset(v + 1) - 1));
    for (const auto& a : var.axes) {
      std::string values;
      for (std::size_t i = 0; i < a.values.size(); ++i) values += (i ? ", " : "") + a.values[i];
      std::cout << fmt::format("    {:<20} {:>3}  {}\n", a.name, a.values.size(), values);
    }
  }
  // The parallel mappings the kernel evaluates: the mapping axis's values, or the fixed [workload] mapping.
  const std::vector<deck::Mapping> mappings = deck::deck_mappings(deck);
  std::cout << (deck.space.mapping.empty() ? "\nWorkload mapping (fixed by [workload]):\n"
                                           : "\nWorkload mappings (the mapping axis):\n");
  for (const deck::Mapping& m : mappings)
    std::cout << fmt::format("  {:<20} TP {} on {}, PP {} on {}, DP {} on {}, EP {} on {}\n", m.name, m.tensor_parallel,
                             m.tensor_tier, m.pipeline_parallel, m.pipeline_tier, m.data_parallel, m.data_tier,
                             m.expert_parallel, m.expert_tier);
  const deck::Workload& w = deck.workload;
  if (w.kind == "inference") {
    // How the serving engine picks its batch, and what bounds it before any design is evaluated.
    std::cout << fmt::format("\nServing: batch_policy {}, at most {} sequences per pipeline stage", w.batch_policy,
                             w.micro_batch_sequences);
    if (w.iteration_token_budget > 0)
      std::cout << fmt::format("; a budget of {} tokens per iteration sustains at most {} (batch x (1 + {} / {}) < "
                               "budget), its prompts queue for the room it leaves",
                               w.iteration_token_budget, w.budget_sustained_batch(), w.sequence_length, w.output_tokens);
    std::cout << "\n";
  }
  std::cout << "\nSearch: " << plan.method;
  if (plan.method == "exhaustive")
    std::cout << " over every design, " << grouped(plan.chunks) << " chunk(s) of " << deck.search.chunk_size;
  else
    std::cout << ", population " << deck.search.nsga2_population << " x " << deck.search.nsga2_generations
              << " generations (seed " << deck.search.seed << ")";
  std::cout << "\nEvaluations: " << grouped(plan.evaluations) << "\nStore: " << deck.output.store
            << " (at most " << grouped(plan.max_points_stored) << " rows in /points)\n";

  const double per_point = measure_seconds_per_point(deck, space);
  const double workers = static_cast<double>(opt.ranks) * static_cast<double>(opt.threads);
  const double kernel_s = per_point * static_cast<double>(plan.evaluations) / workers;
  if (plan.method == "nsga2") {
    // NSGA-II's own work (pagmo's sorting, growing as the population squared) runs on every rank in full.
    const double per_generation = search::measure_generation_overhead_s(
        space, static_cast<int>(deck.objectives.size()), search::nsga2_settings(deck));
    std::cout << fmt::format(
        "Run time estimate on {} rank(s) x {} thread(s): {} of search — the evaluation kernel at a measured {:.3g} ns "
        "per point on one thread of this machine, shared by the workers, and NSGA-II's own {} per generation, "
        "measured, paid by every rank in full (plus ~0.3 s of set-up and the output)\n",
        opt.ranks, opt.threads,
        seconds_text(kernel_s + per_generation * static_cast<double>(deck.search.nsga2_generations)), per_point * 1e9,
        seconds_text(per_generation));
    return ExitCode::ok;
  }
  std::cout << fmt::format(
      "Run time estimate on {} rank(s) x {} thread(s): {} of search — measured {:.3g} ns per point of the "
      "evaluation kernel on one thread of this machine (plus ~0.3 s of set-up and the output)\n",
      opt.ranks, opt.threads, seconds_text(kernel_s), per_point * 1e9);
  if (deck.values.text("search.thermal_verification") == "rounds")
    std::cout << fmt::format(
        "Thermal verification rounds: not in this estimate. Each round enumerates the space again ({} each) and "
        "solves the front's new packages, one PETSc solve per die kind present (at most 5) at {} cells a side, "
        "spread over the ranks; how many rounds and packages a space takes is not known before the run (measured "
        "cases: README, \"Fronts verified by the thermal solver\")\n",
        seconds_text(kernel_s), deck.values.integer("search.thermal_verification_cells"));
  return ExitCode::ok;
}

ExitCode sweep_list_command(const std::string& deck_path) {
  const deck::Deck deck = deck::load_deck(deck_path);
  const std::uint64_t n = deck::sweep_case_count(deck);
  if (n == 0) {
    std::cout << deck.path << ": no [sweep.values]; the deck is one case (chipdse run " << deck.path << ")\n";
    return ExitCode::ok;
  }
  std::cout << deck.path << ": " << n << " sweep case(s), mode " << deck.sweep_mode
            << "; run one with: chipdse run " << deck.path << " --case I\n";
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto overrides = deck::sweep_case(deck, i);
    // Each case is checked as the run would load it, so a case that breaks a range fails here, not on a node.
    (void)deck::load_deck(deck_path, overrides);
    std::cout << fmt::format("  case {:>4}:", i);
    for (const auto& o : overrides) std::cout << fmt::format("  {} = {:g}", o.path, o.value);
    std::cout << '\n';
  }
  return ExitCode::ok;
}

ExitCode schema_command(bool markdown) {
  if (markdown) {
    std::cout << deck::schema_markdown();
    return ExitCode::ok;
  }
  for (const auto& r : deck::deck_schema())
    std::cout << fmt::format("{:<36} {:<9} {}\n", r.key, r.unit.empty() ? "" : std::string(r.unit),
                             r.required ? "required" : std::string(r.default_toml));
  return ExitCode::ok;
}

}  // namespace chipdse::app

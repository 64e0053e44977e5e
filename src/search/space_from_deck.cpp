// The design space of a deck and the study-size checks (see space_from_deck.hpp).
#include "chipdse/search/space_from_deck.hpp"

#include "chipdse/search/hypervolume.hpp"

#include <sstream>
#include <stdexcept>

#include "chipdse/core/error.hpp"
#include "chipdse/core/suggest.hpp"

namespace chipdse::search {

namespace {

template <typename T>
Axis numeric_axis(std::string_view name, const std::vector<T>& values) {
  Axis a{std::string(name), {}};
  for (const T& v : values) a.values.push_back(number_text(static_cast<double>(v)));
  return a;
}

Axis name_axis(std::string_view name, const std::vector<std::string>& values) { return {std::string(name), values}; }

Variant make_variant(const std::string& partitioning, const deck::SpaceAxes& s) {
  const bool chiplets = partitioning != "monolithic";
  const bool io_die = partitioning == "chiplets_io" || partitioning == "chiplets_io_cache";
  const bool cache_die = partitioning == "chiplets_io_cache";
  Variant v{partitioning, {}};
  if (chiplets) v.axes.push_back(numeric_axis(axis::chiplet_count, s.chiplet_count));
  v.axes.push_back(name_axis(axis::compute_node, s.compute_node));
  if (io_die) v.axes.push_back(name_axis(axis::io_node, s.io_node));
  if (cache_die) v.axes.push_back(name_axis(axis::cache_node, s.cache_node));
  v.axes.push_back(name_axis(axis::packaging, s.packaging));
  if (chiplets) {
    v.axes.push_back(name_axis(axis::d2d, s.d2d));
    v.axes.push_back(numeric_axis(axis::d2d_bandwidth_tbps, s.d2d_bandwidth_tbps));
  }
  v.axes.push_back(name_axis(axis::hbm, s.hbm));
  v.axes.push_back(numeric_axis(axis::hbm_stacks, s.hbm_stacks));
  v.axes.push_back(name_axis(axis::scale_up_link, s.scale_up_link));
  v.axes.push_back(name_axis(axis::scale_out_link, s.scale_out_link));
  v.axes.push_back(numeric_axis(axis::clock_ghz, s.clock_ghz));
  // As with the mapping: without space.sram_mb there is no axis and the space is what it was before it existed.
  if (!s.sram_mb.empty()) v.axes.push_back(numeric_axis(axis::sram_mb, s.sram_mb));
  // Every variant maps the workload the same ways; without [[space.mapping]] there is no axis, and the space (its
  // size, order and /space) is what it was before mappings existed.
  if (!s.mapping.empty()) {
    Axis m{std::string(axis::mapping), {}};
    for (const deck::Mapping& x : s.mapping) m.values.push_back(x.name);
    v.axes.push_back(std::move(m));
  }
  return v;
}

}  // namespace

DesignSpace design_space_from_deck(const deck::Deck& deck) {
  std::vector<Variant> variants;
  for (const auto& p : deck.space.partitioning) variants.push_back(make_variant(p, deck.space));
  try {
    return DesignSpace(std::move(variants));
  } catch (const std::overflow_error& e) {
    throw InputError(deck.values.where("space.partitioning"), "space", "the design space is too large to index",
                     e.what(), "at most 2^64 designs: narrow the axes of [space]");
  } catch (const std::invalid_argument& e) {
    // The deck checks (non-empty, distinct values) make this unreachable; report it as a deck error anyway.
    throw InputError(deck.values.where("space.partitioning"), "space", e.what());
  }
}

StudyPlan plan_study(const deck::Deck& deck, const DesignSpace& space) {
  StudyPlan p;
  p.designs = space.size();
  const auto max_exhaustive = static_cast<std::uint64_t>(deck.search.max_exhaustive_points);
  p.method = deck.search.method;
  if (p.method == "auto") p.method = p.designs <= max_exhaustive ? "exhaustive" : "nsga2";
  if (p.method == "exhaustive" && p.designs > max_exhaustive)
    throw InputError(deck.values.where("search.method"), "search.method",
                     "exhaustive search of " + std::to_string(p.designs) + " designs exceeds search.max_exhaustive_points = " +
                         std::to_string(max_exhaustive),
                     "\"exhaustive\"", "\"nsga2\" or \"auto\", a narrower [space], or a larger search.max_exhaustive_points");
  if (p.method == "nsga2" && p.designs < 2)
    throw InputError(deck.values.where("search.method"), "search.method", "NSGA-II needs two designs or more to choose from; [space] has one",
                     "\"nsga2\"", "\"exhaustive\" or \"auto\", or more values in [space]");
  if (p.method == "nsga2" && deck.values.text("search.thermal_verification") == "rounds")
    throw InputError(deck.values.where("search.thermal_verification"), "search.thermal_verification",
                     "verification rounds re-enumerate the space, which an NSGA-II search of " + std::to_string(p.designs) +
                         " designs does not",
                     "\"rounds\"", "\"off\", or an exhaustive search (a narrower [space] or a larger search.max_exhaustive_points)");
  hypervolume_box(deck);  // its keys are checked with the plan, so that `check` reports them
  const auto chunk = static_cast<std::uint64_t>(deck.search.chunk_size);
  if (p.method == "exhaustive") {
    p.evaluations = p.designs;
    p.chunks = p.designs / chunk + (p.designs % chunk != 0);
  } else {
    p.evaluations = static_cast<std::uint64_t>(deck.search.nsga2_population) *
                    static_cast<std::uint64_t>(deck.search.nsga2_generations + 1);
  }
  const std::string& store = deck.output.store;
  if (store == "front")
    p.max_points_stored = p.evaluations;  // a front can in principle hold every point; it is never refused
  else if (store == "sample")
    p.max_points_stored = std::min<std::uint64_t>(static_cast<std::uint64_t>(deck.output.sample_points), p.evaluations);
  else
    p.max_points_stored = p.evaluations;  // "feasible" is bounded only by every evaluated point
  const auto cap = static_cast<std::uint64_t>(deck.output.max_points);
  if (store != "front" && p.max_points_stored > cap)
    throw InputError(deck.values.where("output.store"), "output.store",
                     "could write " + std::to_string(p.max_points_stored) + " points, more than output.max_points = " +
                         std::to_string(cap),
                     "\"" + store + "\"", "\"front\", \"sample\" with a smaller output.sample_points, or a larger output.max_points");
  return p;
}

Nsga2Settings nsga2_settings(const deck::Deck& deck) {
  Nsga2Settings s;
  s.population = static_cast<std::uint32_t>(deck.search.nsga2_population);
  s.generations = static_cast<std::uint32_t>(deck.search.nsga2_generations);
  s.seed = static_cast<std::uint64_t>(deck.search.seed);
  return s;
}

}  // namespace chipdse::search

// NSGA-II over the design space with pagmo2 (see nsga2_search.hpp).
#include "chipdse/search/nsga2_search.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "chipdse/core/error.hpp"
#include "chipdse/search/genome.hpp"

namespace chipdse::search {

namespace {

/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): turns (seed, stream) into well-spread seeds.
std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// pagmo's problem: integer genes within their sizes, k objectives. Fitness is only ever asked for in batches, through
/// BatchFitness; a single call would mean pagmo evaluated outside the batch (and, under MPI, on one rank alone).
struct GeneProblem {
  std::vector<double> lower, upper;
  std::size_t objectives = 2;
  pagmo::vector_double fitness(const pagmo::vector_double&) const {
    throw std::logic_error("NSGA-II asked for a single fitness outside a batch");
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const { return {lower, upper}; }
  pagmo::vector_double::size_type get_nobj() const { return objectives; }
  pagmo::vector_double::size_type get_nix() const { return lower.size(); }
};

/// pagmo's batch fitness evaluator: the whole offspring of a generation in one call to the search's evaluator.
struct BatchFitness {
  std::function<pagmo::vector_double(const pagmo::vector_double&)> fitness_of;
  pagmo::vector_double operator()(const pagmo::problem&, const pagmo::vector_double& genes) const {
    return fitness_of(genes);
  }
};

}  // namespace

struct Nsga2Search::Impl {
  Genome genome;
  int k;
  Nsga2Settings settings;
  BatchEvaluate evaluate;
  double mutation_probability;
  pagmo::problem problem;
  std::optional<pagmo::population> population;
  Nsga2State state;
  std::unordered_set<std::uint64_t> seen;  // the distinct designs evaluated (state.seen is filled on demand)
  bool state_current = false;

  Impl(const DesignSpace& s, int objectives, const Nsga2Settings& st, BatchEvaluate ev)
      : genome(s), k(objectives), settings(st), evaluate(std::move(ev)),
        mutation_probability(st.mutation_probability > 0.0 ? st.mutation_probability
                                                            : 1.0 / static_cast<double>(genome.genes())),
        problem(make_problem(genome, objectives)) {
    state.archive = ParetoArchive(objectives);
  }

  static pagmo::problem make_problem(const Genome& g, int objectives) {
    GeneProblem p;
    for (std::size_t i = 0; i < g.genes(); ++i) {
      p.lower.push_back(0.0);
      p.upper.push_back(static_cast<double>(g.size(i) - 1));
    }
    p.objectives = static_cast<std::size_t>(objectives);
    return pagmo::problem{p};
  }

  /// Evaluates designs given as concatenated gene vectors; records them; returns NSGA-II's fitness for each.
  pagmo::vector_double fitness_of(const pagmo::vector_double& genes) {
    const std::size_t n = genes.size() / genome.genes();
    std::vector<std::uint64_t> indices(n);
    for (std::size_t i = 0; i < n; ++i) indices[i] = genome.index(genes.data() + i * genome.genes());
    std::vector<double> obj(n * static_cast<std::size_t>(k));
    std::vector<std::uint32_t> infeasible(n);
    evaluate(indices, obj.data(), infeasible.data());
    pagmo::vector_double fitness(n * static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < n; ++i) {
      const bool is_new = seen.insert(indices[i]).second;
      const std::uint32_t mask = infeasible[i];
      if (is_new) {
        ++state.counts.evaluated;
        if (mask == 0) ++state.counts.feasible;
        for (std::uint32_t m = mask; m != 0; m &= m - 1) ++state.counts.by_reason[static_cast<std::size_t>(__builtin_ctz(m))];
        if (mask == 0) state.feasible.push_back(indices[i]);
      }
      double* f = fitness.data() + i * static_cast<std::size_t>(k);
      if (mask == 0) {
        std::copy_n(obj.data() + i * static_cast<std::size_t>(k), k, f);
        if (is_new) state.archive.add(indices[i], f);
      } else {
        std::fill_n(f, k, kInfeasiblePenalty * static_cast<double>(__builtin_popcount(mask)));
      }
    }
    state.evaluations += n;
    state_current = false;
    return fitness;
  }
};


Nsga2Search::Nsga2Search(const DesignSpace& space, int objectives, const Nsga2Settings& settings,
                         BatchEvaluate evaluate) {
  if (settings.population < 8 || settings.population % 4 != 0)
    throw Error("NSGA-II population " + std::to_string(settings.population) + " must be a multiple of 4, at least 8");
  if (settings.generations < 1) throw Error("NSGA-II needs at least one generation");
  if (space.size() < 2) throw Error("NSGA-II needs a space of two designs or more");
  m = std::make_unique<Impl>(space, objectives, settings, std::move(evaluate));
}

Nsga2Search::~Nsga2Search() = default;

void Nsga2Search::start() {
  const std::size_t g = m->genome.genes();
  std::mt19937_64 rng(splitmix64(m->settings.seed));
  pagmo::vector_double genes(m->settings.population * g);
  for (std::size_t i = 0; i < genes.size(); ++i) {
    // Uniform over 0 .. size - 1 by multiply-shift (exact arithmetic, the same on every platform; the bias,
    // size / 2^64, is nil for sizes this small).
    const auto size = static_cast<unsigned __int128>(m->genome.size(i % g));
    genes[i] = static_cast<double>(static_cast<std::uint64_t>((static_cast<unsigned __int128>(rng()) * size) >> 64));
  }
  const pagmo::vector_double fitness = m->fitness_of(genes);
  m->population.emplace(m->problem);
  const auto k = static_cast<std::size_t>(m->k);
  for (std::size_t i = 0; i < m->settings.population; ++i)
    m->population->push_back(pagmo::vector_double(genes.begin() + i * g, genes.begin() + (i + 1) * g),
                             pagmo::vector_double(fitness.begin() + i * k, fitness.begin() + (i + 1) * k));
  m->state.generation = 0;
}

void Nsga2Search::resume(Nsga2State state) {
  const std::size_t g = m->genome.genes();
  const auto k = static_cast<std::size_t>(m->k);
  const std::size_t n = m->settings.population;
  if (state.population.size() != n || state.genes.size() != n * g || state.fitness.size() != n * k ||
      state.archive.objective_count() != m->k || state.generation > m->settings.generations)
    throw Error("the NSGA-II state does not fit this search (population " + std::to_string(state.population.size()) +
                " of " + std::to_string(n) + ", generation " + std::to_string(state.generation) + " of " +
                std::to_string(m->settings.generations) + ")");
  for (std::size_t i = 0; i < n; ++i)
    if (m->genome.index(state.genes.data() + i * g) != state.population[i])
      throw Error("the NSGA-II state's design " + std::to_string(i) + " does not match its genes");
  m->population.emplace(m->problem);
  for (std::size_t i = 0; i < n; ++i)
    m->population->push_back(pagmo::vector_double(state.genes.begin() + i * g, state.genes.begin() + (i + 1) * g),
                             pagmo::vector_double(state.fitness.begin() + i * k, state.fitness.begin() + (i + 1) * k));
  m->seen = std::unordered_set<std::uint64_t>(state.seen.begin(), state.seen.end());
  m->state = std::move(state);
  m->state_current = false;
}

void Nsga2Search::step() {
  CHIPDSE_CHECK(m->population && !done(), "NSGA-II step without a population or after the last generation");
  const std::uint32_t next = m->state.generation + 1;
  // One generation per call, each drawing from its own seed (pagmo takes 32 bits): a run continued from a
  // checkpoint after generation g draws exactly what the uninterrupted run drew.
  const auto seed = static_cast<unsigned>(splitmix64(m->settings.seed ^ splitmix64(next)) & 0xffffffffULL);
  pagmo::nsga2 algorithm(1u, m->settings.crossover_probability, m->settings.crossover_distribution,
                         m->mutation_probability, m->settings.mutation_distribution, seed);
  Impl* impl = m.get();
  algorithm.set_bfe(pagmo::bfe{BatchFitness{[impl](const pagmo::vector_double& genes) { return impl->fitness_of(genes); }}});
  m->population = algorithm.evolve(std::move(*m->population));
  m->state.generation = next;
  m->state_current = false;
}

std::uint32_t Nsga2Search::generation() const noexcept { return m->state.generation; }
bool Nsga2Search::done() const noexcept { return m->state.generation >= m->settings.generations; }
std::size_t Nsga2Search::genes() const noexcept { return m->genome.genes(); }
double Nsga2Search::mutation_probability() const noexcept { return m->mutation_probability; }
std::uint64_t Nsga2Search::distinct() const noexcept { return m->seen.size(); }
std::size_t Nsga2Search::front_size() {
  m->state.archive.finalize();
  return m->state.archive.size();
}

const Nsga2State& Nsga2Search::state() {
  if (m->state_current) return m->state;
  Nsga2State& s = m->state;
  s.population.clear();
  s.genes.clear();
  s.fitness.clear();
  if (m->population) {
    for (const auto& x : m->population->get_x()) {
      s.population.push_back(m->genome.index(x.data()));
      s.genes.insert(s.genes.end(), x.begin(), x.end());
    }
    for (const auto& f : m->population->get_f()) s.fitness.insert(s.fitness.end(), f.begin(), f.end());
  }
  s.seen.assign(m->seen.begin(), m->seen.end());
  std::sort(s.seen.begin(), s.seen.end());
  std::sort(s.feasible.begin(), s.feasible.end());
  s.archive.finalize();
  m->state_current = true;
  return s;
}

double measure_generation_overhead_s(const DesignSpace& space, int objectives, const Nsga2Settings& settings) {
  // Objectives spread like a front's (uniform, then each design's own mix), so the sorting has many fronts to find.
  auto synthetic = [objectives](const std::vector<std::uint64_t>& indices, double* obj, std::uint32_t* infeasible) {
    for (std::size_t i = 0; i < indices.size(); ++i) {
      std::uint64_t h = splitmix64(indices[i]);
      for (int j = 0; j < objectives; ++j, h = splitmix64(h))
        obj[i * static_cast<std::size_t>(objectives) + static_cast<std::size_t>(j)] =
            static_cast<double>(h >> 11) * 0x1.0p-53;
      infeasible[i] = 0;
    }
  };
  constexpr std::uint32_t kTimed = 3;
  Nsga2Settings s = settings;
  s.generations = kTimed;
  Nsga2Search search(space, objectives, s, synthetic);
  search.start();
  const auto t0 = std::chrono::steady_clock::now();
  while (!search.done()) search.step();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / kTimed;
}

}  // namespace chipdse::search

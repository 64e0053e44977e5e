// Tests of search/genome and search/nsga2_search on a synthetic space with an analytic evaluator: the gene encoding
// reaches every design and inverts exactly; the search's counts, feasible list and archive are what an independent
// brute force over the designs it saw gives; it repeats bit for bit, and a search resumed from a generation's state
// is the search that was never stopped.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/search/genome.hpp"
#include "chipdse/search/nsga2_search.hpp"

using namespace chipdse::search;

namespace {

// Variant "a": x (5 values), y (1 value), z (3 values); variant "b": x (3 values), w (4 values). 15 + 12 = 27 designs.
DesignSpace toy_space() {
  return DesignSpace({Variant{"a", {Axis{"x", {"0", "1", "2", "3", "4"}}, Axis{"y", {"only"}}, Axis{"z", {"0", "1", "2"}}}},
                      Variant{"b", {Axis{"x", {"0", "1", "2"}}, Axis{"w", {"0", "1", "2", "3"}}}}});
}

// Two objectives in conflict along x, z and w add cost; designs whose index is a multiple of 5 are infeasible (one
// reason, bit 2) and multiples of 10 have a second one (bit 5).
struct Toy {
  explicit Toy(const DesignSpace* s) : space(s) {}
  const DesignSpace* space;
  int batches = 0;
  std::vector<std::size_t> batch_sizes;
  void operator()(const std::vector<std::uint64_t>& indices, double* obj, std::uint32_t* infeasible) {
    ++batches;
    batch_sizes.push_back(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
      const DesignPoint p = space->decode(indices[i]);
      const double x = p.value[0];
      const double extra = p.variant == 0 ? p.value[2] : 0.5 * p.value[1];
      obj[2 * i] = x + extra;
      obj[2 * i + 1] = (p.variant == 0 ? 4.0 : 2.5) - x + extra;
      infeasible[i] = (indices[i] % 5 == 0 ? 1u << 2 : 0u) | (indices[i] % 10 == 0 ? 1u << 5 : 0u);
    }
  }
};

}  // namespace

TEST_CASE("Genome: one gene per choice with two or more values, exact inverse, every design reached", "[search][nsga2]") {
  const DesignSpace space = toy_space();
  const Genome g(space);
  REQUIRE(g.genes() == 4);  // variant, x, z, w (y has one value)
  CHECK(g.name(0) == "variant");
  CHECK(g.size(0) == 2);
  CHECK(g.name(1) == "x");
  CHECK(g.size(1) == 5);  // the larger of 5 and 3
  CHECK(g.name(2) == "z");
  CHECK(g.name(3) == "w");
  for (std::uint64_t i = 0; i < space.size(); ++i) CHECK(g.index(g.genes_of(i).data()) == i);
  std::set<std::uint64_t> reached;
  for (int v = 0; v < 2; ++v)
    for (int x = 0; x < 5; ++x)
      for (int z = 0; z < 3; ++z)
        for (int w = 0; w < 4; ++w) {
          const double genes[4] = {double(v), double(x), double(z), double(w)};
          reached.insert(g.index(genes));
        }
  CHECK(reached.size() == space.size());
  // Variant b's x has 3 values over the gene's 5: floor(x * 3 / 5) keeps neighbours together.
  const double b_x4[4] = {1, 4, 0, 0};
  CHECK(space.decode(g.index(b_x4)).value[0] == 2);
  const double bad[4] = {0, 5, 0, 0};
  CHECK_THROWS_AS(g.index(bad), chipdse::Error);
  const double half[4] = {0, 1.5, 0, 0};
  CHECK_THROWS_AS(g.index(half), chipdse::Error);
}

TEST_CASE("Nsga2Search: counts, feasible designs and archive equal a brute force over what it saw", "[search][nsga2]") {
  const DesignSpace space = toy_space();
  Toy toy{&space};
  Nsga2Settings s;
  s.population = 8;
  s.generations = 12;
  s.seed = 42;
  Nsga2Search search(space, 2, s, std::ref(toy));
  search.start();
  while (!search.done()) search.step();
  const Nsga2State& st = search.state();
  CHECK(st.generation == 12);
  CHECK(st.evaluations == 8u * 13u);
  CHECK(toy.batches == 13);
  CHECK(std::all_of(toy.batch_sizes.begin(), toy.batch_sizes.end(), [](std::size_t n) { return n == 8; }));
  CHECK(search.mutation_probability() == Approx(0.25));  // 1 / genes

  // Brute force over the distinct designs seen.
  REQUIRE(std::is_sorted(st.seen.begin(), st.seen.end()));
  std::vector<std::uint64_t> feasible;
  std::uint64_t reason2 = 0, reason5 = 0;
  for (std::uint64_t i : st.seen) {
    if (i % 5 != 0) feasible.push_back(i);
    reason2 += i % 5 == 0;
    reason5 += i % 10 == 0;
  }
  CHECK(st.counts.evaluated == st.seen.size());
  CHECK(st.counts.feasible == feasible.size());
  CHECK(st.counts.by_reason[2] == reason2);
  CHECK(st.counts.by_reason[5] == reason5);
  CHECK(st.feasible == feasible);
  std::vector<std::uint64_t> front;
  std::vector<double> o(2), q(2);
  std::uint32_t m = 0;
  for (std::uint64_t i : feasible) {
    toy({i}, o.data(), &m);
    bool removed = false;
    for (std::uint64_t j : feasible) {
      toy({j}, q.data(), &m);
      if (q[0] <= o[0] && q[1] <= o[1] && (q != o || j < i)) removed = true;
    }
    if (!removed) front.push_back(i);
  }
  const auto got = st.archive.indices();
  CHECK(std::vector<std::uint64_t>(got.begin(), got.end()) == front);
  // The population's fitness: objectives when feasible, the penalty times the number of reasons otherwise.
  for (std::size_t i = 0; i < st.population.size(); ++i) {
    const std::uint64_t d = st.population[i];
    const double expect = d % 10 == 0 ? 2 * kInfeasiblePenalty : kInfeasiblePenalty;
    if (d % 5 == 0) CHECK(st.fitness[2 * i] == expect);
  }
}

TEST_CASE("Nsga2Search repeats bit for bit, and a resumed search is the one never stopped", "[search][nsga2]") {
  const DesignSpace space = toy_space();
  Nsga2Settings s;
  s.population = 12;
  s.generations = 10;
  s.seed = 20261123;
  Toy t1{&space}, t2{&space}, t3{&space};
  Nsga2Search straight(space, 2, s, std::ref(t1));
  straight.start();
  while (!straight.done()) straight.step();

  Nsga2Search first(space, 2, s, std::ref(t2));
  first.start();
  for (int g = 0; g < 4; ++g) first.step();
  const Nsga2State saved = first.state();
  Nsga2Search resumed(space, 2, s, std::ref(t3));
  resumed.resume(saved);
  CHECK(resumed.generation() == 4);
  while (!resumed.done()) resumed.step();

  const Nsga2State& a = straight.state();
  const Nsga2State& b = resumed.state();
  CHECK(a.generation == b.generation);
  CHECK(a.population == b.population);
  CHECK(a.genes == b.genes);
  CHECK(a.fitness == b.fitness);
  CHECK(a.evaluations == b.evaluations);
  CHECK(a.counts == b.counts);
  CHECK(a.seen == b.seen);
  CHECK(a.feasible == b.feasible);
  CHECK(std::vector<std::uint64_t>(a.archive.indices().begin(), a.archive.indices().end()) ==
        std::vector<std::uint64_t>(b.archive.indices().begin(), b.archive.indices().end()));

  // Another seed draws another initial population.
  s.seed = 1;
  Toy t4{&space};
  Nsga2Search other(space, 2, s, std::ref(t4));
  other.start();
  CHECK(other.state().population != [&] {
    Toy t5{&space};
    s.seed = 20261123;
    Nsga2Search again(space, 2, s, std::ref(t5));
    again.start();
    return again.state().population;
  }());
}

TEST_CASE("Nsga2Search refuses a population pagmo cannot pair, no generations, and a state of another search",
          "[search][nsga2]") {
  const DesignSpace space = toy_space();
  Toy toy{&space};
  Nsga2Settings s;
  s.population = 10;
  CHECK_THROWS_AS(Nsga2Search(space, 2, s, std::ref(toy)), chipdse::Error);
  s.population = 4;
  CHECK_THROWS_AS(Nsga2Search(space, 2, s, std::ref(toy)), chipdse::Error);
  s.population = 8;
  s.generations = 0;
  CHECK_THROWS_AS(Nsga2Search(space, 2, s, std::ref(toy)), chipdse::Error);
  s.generations = 3;
  Nsga2Search a(space, 2, s, std::ref(toy));
  a.start();
  Nsga2State st = a.state();
  st.population.pop_back();
  Nsga2Search b(space, 2, s, std::ref(toy));
  CHECK_THROWS_AS(b.resume(st), chipdse::Error);
  st = a.state();
  st.population[0] = (st.population[0] + 1) % space.size();  // no longer what its genes read as
  CHECK_THROWS_AS(b.resume(st), chipdse::Error);
}

// MPI tests of the exhaustive search machinery (issue #6), run under mpiexec -n 1 and -n 2: the chunk scheduler and
// the archive tree merge on a synthetic kernel whose front is known analytically, the row redistribution, the OpenMP
// chunk evaluator's independence of threads and splits, and the whole search against a serial evaluation.
#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>
#include <sstream>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/parallel/chunk_scheduler.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/parallel/result_merge.hpp"
#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "mpi_fixture.hpp"

using namespace chipdse;
using chipdse::testing::env;

namespace {

/// Synthetic kernel: design i is the lattice point x = digits of (i mod M^k) in base M (k digits), objectives
/// (x_0, ..., x_{k-2}, T - (x_0 + ... + x_{k-2}) + x_{k-1}). Analytic front: exactly the points with x_{k-1} = 0
/// (M^(k-1) of them), and since every vector appears twice (i and i + M^k), the copies with i < M^k.
struct Lattice {
  int k;
  std::uint64_t m;
  std::uint64_t cells() const {
    std::uint64_t c = 1;
    for (int j = 0; j < k; ++j) c *= m;
    return c;
  }
  void objectives(std::uint64_t i, double* obj) const {
    std::uint64_t r = i % cells();
    for (int j = k - 1; j >= 0; --j) {  // digit k-1 is the least significant
      obj[j] = static_cast<double>(r % m);
      r /= m;
    }
    double sum = 0.0;
    for (int j = 0; j < k - 1; ++j) sum += obj[j];
    obj[k - 1] += static_cast<double>(static_cast<std::uint64_t>(k) * m) - sum;
  }
  std::vector<std::uint64_t> front() const {
    std::vector<std::uint64_t> f;
    for (std::uint64_t i = 0; i < cells(); ++i)
      if (i % m == 0) f.push_back(i);
    return f;
  }
};

std::filesystem::path small_deck() {
  return std::filesystem::path(CHIPDSE_SOURCE_DIR) / "tests" / "cli" / "decks" / "search_small_base.toml";
}

}  // namespace

TEST_CASE("the chunk scheduler and the tree merge give the analytic front of a synthetic kernel", "[mpi][search]") {
  for (const Lattice lat : {Lattice{4, 6}, Lattice{6, 4}}) {
    const std::uint64_t n = 2 * lat.cells();
    for (std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{1000}}) {
      CAPTURE(lat.k, lat.m, chunk);
      search::ParetoArchive local(lat.k, 64);  // a small buffer: the filter runs many times on the way
      std::vector<int> seen(n, 0);
      double obj[6];
      parallel::distribute_chunks(
          MPI_COMM_WORLD, parallel::ChunkPlan{n, chunk}, 3,
          [&](const parallel::WorkPiece& p) {
            for (std::uint64_t i = p.begin; i < p.end; ++i) {
              lat.objectives(i, obj);
              local.add(i, obj);
              ++seen[i];
            }
          },
          {});
      std::vector<int> total(n, 0);
      MPI_Allreduce(seen.data(), total.data(), static_cast<int>(n), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
      CHECK(std::all_of(total.begin(), total.end(), [](int c) { return c == 1; }));  // every index exactly once

      const search::ParetoArchive front = parallel::merge_archives_to_root(MPI_COMM_WORLD, local);
      std::vector<std::uint64_t> mine;
      if (env().is_root()) {
        const auto idx = front.indices();
        mine.assign(idx.begin(), idx.end());
      }
      const std::vector<std::uint64_t> all = parallel::broadcast_indices(MPI_COMM_WORLD, mine);
      CHECK(all.size() >= 100);
      CHECK(all == lat.front());
    }
  }
}

TEST_CASE("stored indices are redistributed into contiguous blocks in index order", "[mpi][search]") {
  const std::uint64_t n = 5000;
  for (std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{13}, std::uint64_t{4096}}) {
    CAPTURE(chunk);
    std::vector<parallel::ChunkCount> counts;
    std::vector<std::uint64_t> stored;
    const parallel::ChunkPlan plan{n, chunk};
    parallel::distribute_chunks(
        MPI_COMM_WORLD, plan, 5,
        [&](const parallel::WorkPiece& p) {
          if (counts.empty() || counts.back().chunk != p.chunk) counts.push_back({p.chunk, 0});
          for (std::uint64_t i = p.begin; i < p.end; ++i)
            if (i % 3 == 0 || i % 7 == 0) {
              stored.push_back(i);
              ++counts.back().count;
            }
        },
        {});
    const search::RowBlock block = parallel::redistribute_rows(MPI_COMM_WORLD, counts, stored, plan.chunks());
    std::vector<std::uint64_t> want;
    for (std::uint64_t i = 0; i < n; ++i)
      if (i % 3 == 0 || i % 7 == 0) want.push_back(i);
    const search::RowBlock expected = search::block_of_list(want, env().size(), env().rank());
    CHECK(block.total_rows == want.size());
    CHECK(block.first_row == expected.first_row);
    CHECK(block.indices == expected.indices);
  }
}

TEST_CASE("the chunk evaluator's results do not depend on threads or on how ranges are split", "[mpi][search]") {
  const deck::Deck deck = deck::load_deck(small_deck());
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);
  const auto objectives = search::objective_indices(deck.objectives);

  search::ChunkEvaluator one(decoder, params, objectives, 1);
  std::vector<std::uint64_t> feasible_one;
  one.evaluate(0, space.size(), &feasible_one);

  search::ChunkEvaluator two(decoder, params, objectives, 2);
  std::vector<std::uint64_t> feasible_two;
  for (std::uint64_t b = 0; b < space.size(); b += 37) two.evaluate(b, std::min(space.size(), b + 37), &feasible_two);

  CHECK(one.total_counts() == two.total_counts());
  CHECK(one.total_counts().evaluated == space.size());
  CHECK(feasible_one == feasible_two);
  CHECK(feasible_one.size() == one.total_counts().feasible);
  const search::ParetoArchive a = one.front(), b = two.front();
  REQUIRE(a.size() == b.size());
  CHECK(a.size() > 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a.index(i) == b.index(i));
    CHECK(std::equal(a.objectives(i).begin(), a.objectives(i).end(), b.objectives(i).begin()));
  }
}

TEST_CASE("the parallel exhaustive search equals a serial evaluation", "[mpi][search]") {
  const deck::Deck deck = deck::load_deck(small_deck());
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);
  const auto objectives = search::objective_indices(deck.objectives);

  search::ChunkEvaluator serial(decoder, params, objectives, 1);
  std::vector<std::uint64_t> feasible;
  serial.evaluate(0, space.size(), &feasible);
  const auto front_archive = serial.front();
  const std::vector<std::uint64_t> front(front_archive.indices().begin(), front_archive.indices().end());

  for (std::uint64_t chunk : {std::uint64_t{50}, std::uint64_t{4096}}) {
    CAPTURE(chunk);
    search::ChunkEvaluator evaluator(decoder, params, objectives, 2);
    parallel::SearchSettings settings;
    settings.chunk_size = chunk;
    settings.store = search::StoreMode::feasible;
    settings.progress = false;
    std::ostringstream sink;
    const parallel::SearchResult r =
        parallel::exhaustive_search(MPI_COMM_WORLD, evaluator, space.size(), settings, sink);
    CHECK(r.counts == serial.total_counts());
    CHECK(r.front == front);
    CHECK(r.chunks == (space.size() + chunk - 1) / chunk);
    const search::RowBlock want = search::block_of_list(feasible, env().size(), env().rank());
    CHECK(r.points.first_row == want.first_row);
    CHECK(r.points.indices == want.indices);
    CHECK(r.pareto.indices == search::block_of_list(front, env().size(), env().rank()).indices);
  }
}

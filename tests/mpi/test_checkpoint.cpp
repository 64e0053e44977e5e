// MPI tests of checkpoint/restart (issue #7), run under mpiexec -n 1 and -n 2: the chunk scheduler's rounds (pauses,
// stops, resumed chunks skipped), the collective snapshot, the checkpoint file (round trip, .prev, damage detected,
// fallback, another deck refused), and whole searches stopped and resumed from each of their checkpoints against one
// uninterrupted search, with store = "feasible".
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "chipdse/deck/deck.hpp"
#include "chipdse/io/checkpoint_file.hpp"
#include "chipdse/io/run_identity.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/parallel/checkpoint_gather.hpp"
#include "chipdse/parallel/chunk_scheduler.hpp"
#include "chipdse/parallel/exhaustive_search.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "mpi_fixture.hpp"

using namespace chipdse;
using chipdse::testing::env;

namespace {

std::filesystem::path small_deck() {
  return std::filesystem::path(CHIPDSE_SOURCE_DIR) / "tests" / "cli" / "decks" / "search_small_base.toml";
}

/// Every index of [0, n) evaluated by the ranks, summed over them (collective).
std::vector<int> total_seen(const std::vector<int>& seen) {
  std::vector<int> total(seen.size(), 0);
  MPI_Allreduce(seen.data(), total.data(), static_cast<int>(seen.size()), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

}  // namespace

TEST_CASE("rounds with pauses, a stop and resumed chunks evaluate every other chunk exactly once", "[mpi][checkpoint]") {
  const parallel::ChunkPlan plan{1000, 7};  // 143 chunks, the last one short
  std::vector<int> seen(plan.designs, 0);
  auto work = [&](const parallel::WorkPiece& p) {
    for (std::uint64_t i = p.begin; i < p.end; ++i) ++seen[i];
  };
  // Chunks 0, 5, 10, ... are done already (a checkpoint): never handed out.
  std::vector<bool> done(plan.chunks(), false);
  for (std::uint64_t c = 0; c < plan.chunks(); c += 5) done[c] = true;
  parallel::ChunkScheduler scheduler(MPI_COMM_WORLD, plan, done);
  std::uint64_t rounds = 0, last_pending = scheduler.pending();
  // Rank 0 pauses every 10 chunks handed out; the last rank asks to stop after 10 pieces (25 when alone).
  int pieces = 0;
  auto pause = [&] { return last_pending - scheduler.pending() >= 10; };
  auto stop = [&] { return env().rank() == env().size() - 1 && pieces >= (env().size() == 1 ? 25 : 10); };
  auto counted = [&](const parallel::WorkPiece& p) {
    ++pieces;
    work(p);
  };
  parallel::ChunkScheduler::RoundEnd end;
  do {
    end = scheduler.run_round(3, counted, {}, pause, stop);
    ++rounds;
    last_pending = scheduler.pending();
  } while (!end.complete && !end.stop);
  CHECK(end.stop);
  CHECK_FALSE(end.complete);
  CHECK(rounds > 1);
  // The stop left chunks pending; a new object over the same done flags plus what was evaluated finishes them.
  std::vector<int> after_stop = total_seen(seen);
  std::vector<bool> done2 = done;
  for (std::uint64_t c = 0; c < plan.chunks(); ++c) {
    const bool any = after_stop[plan.begin(c)] > 0;
    for (std::uint64_t i = plan.begin(c); i < plan.end(c); ++i) CHECK(after_stop[i] == (any ? 1 : 0));  // whole chunks
    if (any) {
      CHECK_FALSE(done[c]);
      done2[c] = true;
    }
  }
  parallel::ChunkScheduler rest(MPI_COMM_WORLD, plan, done2);
  const auto end2 = rest.run_round(3, work, {});
  CHECK(end2.complete);
  const std::vector<int> total = total_seen(seen);
  for (std::uint64_t c = 0; c < plan.chunks(); ++c)
    for (std::uint64_t i = plan.begin(c); i < plan.end(c); ++i) CHECK(total[i] == (done[c] ? 0 : 1));
}

TEST_CASE("the checkpoint file round-trips, keeps the previous one and detects damage", "[mpi][checkpoint]") {
  if (!env().is_root()) return;
  const auto dir = std::filesystem::temp_directory_path() / ("chipdse_test_ckpt_" + std::to_string(env().size()));
  std::filesystem::create_directories(dir);
  const auto out = dir / "run.h5";
  io::remove_checkpoints(out);
  io::Checkpoint c;
  c.header.identity = "a = 1\nb = \"x\"\n";
  c.header.designs = 100;
  c.header.chunk_size = 30;  // 4 chunks: 30, 30, 30, 10
  c.header.objectives = 2;
  c.header.feasible_stored = true;
  c.done.archive = search::ParetoArchive(2);
  const double a[2] = {1.0, 2.0}, b[2] = {2.0, 1.0}, d[2] = {3.0, 3.0};
  c.done.archive.add(3, a);
  c.done.archive.add(95, b);
  c.done.archive.add(4, d);
  c.done.archive.finalize();
  search::ChunkCounts c0{0, {}}, c3{3, {}};
  c0.counts.evaluated = 30;
  c0.counts.feasible = 2;
  c0.counts.by_reason[4] = 28;
  c3.counts.evaluated = 10;
  c3.counts.feasible = 1;
  c3.counts.by_reason[0] = 9;
  c3.counts.by_reason[31] = 2;
  c.done.chunks = {c0, c3};
  c.done.feasible = {3, 4, 95};

  const std::uint64_t bytes = io::write_checkpoint(out, c);
  CHECK(bytes == std::filesystem::file_size(io::checkpoint_path(out)));
  const io::Checkpoint back = io::read_checkpoint(io::checkpoint_path(out));
  CHECK(back.header.identity == c.header.identity);
  CHECK(back.done.chunks == c.done.chunks);
  CHECK(back.done.feasible == c.done.feasible);
  CHECK(back.done.archive.serialize() == c.done.archive.serialize());

  // A second checkpoint: the first becomes .prev.
  io::Checkpoint c2 = c;
  search::ChunkCounts c1{1, {}};
  c1.counts.evaluated = 30;
  c2.done.chunks = {c0, c1, c3};
  io::write_checkpoint(out, c2);
  CHECK(io::read_checkpoint(io::previous_checkpoint_path(out)).done.chunks == c.done.chunks);
  CHECK(io::read_checkpoint(io::checkpoint_path(out)).done.chunks == c2.done.chunks);

  std::ostringstream log;
  CHECK(io::load_checkpoint_for_resume(out, c.header, log)->checkpoint.done.chunks.size() == 3);
  // Damage: a flipped byte, then a truncation; each is detected and the previous checkpoint used.
  const auto file = io::checkpoint_path(out);
  const std::string good = [&] {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }();
  for (std::size_t pos : {std::size_t{5}, std::size_t{100}, good.size() / 2, good.size() - 3}) {
    std::string bad = good;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bad;
    CHECK_THROWS_AS(io::read_checkpoint(file), io::CheckpointError);
  }
  std::ofstream(file, std::ios::binary | std::ios::trunc) << good.substr(0, good.size() - 1);
  CHECK_THROWS_WITH(io::read_checkpoint(file), Catch::Contains("truncated"));
  const auto fallback = io::load_checkpoint_for_resume(out, c.header, log);
  REQUIRE(fallback);
  CHECK(fallback->file == io::previous_checkpoint_path(out));
  CHECK(fallback->checkpoint.done.chunks == c.done.chunks);
  CHECK_THAT(log.str(), Catch::Contains("unusable") && Catch::Contains("using the previous checkpoint"));

  // Another deck: refused naming the key; both damaged: refused; none: fresh.
  io::CheckpointHeader other = c.header;
  other.identity = "a = 2\nb = \"x\"\n";
  CHECK_THROWS_WITH(io::load_checkpoint_for_resume(out, other, log), Catch::Contains("a: 1 in the checkpoint, 2 now"));
  std::ofstream(io::previous_checkpoint_path(out), std::ios::binary | std::ios::trunc) << "junk";
  CHECK_THROWS_WITH(io::load_checkpoint_for_resume(out, c.header, log), Catch::Contains("no usable checkpoint"));
  io::remove_checkpoints(out);
  CHECK_FALSE(io::load_checkpoint_for_resume(out, c.header, log));
  std::filesystem::remove_all(dir);
}

TEST_CASE("an NSGA-II checkpoint round-trips its state, detects damage, and is not an exhaustive run's",
          "[mpi][checkpoint][nsga2]") {
  if (!env().is_root()) return;
  const auto dir = std::filesystem::temp_directory_path() / ("chipdse_test_ckpt_nsga2_" + std::to_string(env().size()));
  std::filesystem::create_directories(dir);
  const auto out = dir / "run.h5";
  io::remove_checkpoints(out);
  io::Checkpoint c;
  c.header.identity = "search.method = \"nsga2\"\n";
  c.header.designs = 100;
  c.header.chunk_size = 100;  // NSGA-II: one chunk of every design, none completed
  c.header.objectives = 2;
  c.header.nsga2 = true;
  search::Nsga2State s;
  s.generation = 7;
  s.population = {3, 95, 41, 3};
  s.genes = {0, 1, 2, 3, 4, 5, 6, 0.0};  // two genes each; the file does not interpret them
  s.fitness = {1.0, 2.0, 2.0, 1.0, 1e30, 1e30, 1.0, 2.0};
  s.evaluations = 32;
  s.seen = {3, 4, 41, 95};
  s.feasible = {3, 4, 95};
  s.counts.evaluated = 4;
  s.counts.feasible = 3;
  s.counts.by_reason[6] = 1;
  s.archive = search::ParetoArchive(2);
  const double a[2] = {1.0, 2.0}, b[2] = {2.0, 1.0}, d[2] = {3.0, 3.0};
  s.archive.add(3, a);
  s.archive.add(95, b);
  s.archive.add(4, d);
  s.archive.finalize();
  c.nsga2 = s;
  io::write_checkpoint(out, c);
  const io::Checkpoint back = io::read_checkpoint(io::checkpoint_path(out));
  REQUIRE(back.nsga2);
  CHECK(back.header.nsga2);
  CHECK(back.done.chunks.empty());
  CHECK(back.nsga2->generation == 7);
  CHECK(back.nsga2->population == s.population);
  CHECK(back.nsga2->genes == s.genes);
  CHECK(back.nsga2->fitness == s.fitness);
  CHECK(back.nsga2->evaluations == 32);
  CHECK(back.nsga2->seen == s.seen);
  CHECK(back.nsga2->feasible == s.feasible);
  CHECK(back.nsga2->counts == s.counts);
  CHECK(back.nsga2->archive.serialize() == s.archive.serialize());
  CHECK(io::checkpoint_from_bytes(io::checkpoint_bytes(c)).nsga2->seen == s.seen);

  // Damage anywhere is detected; so are counts that do not match the designs (a consistent file of a wrong state).
  const std::string good = io::checkpoint_bytes(c);
  for (std::size_t pos : {std::size_t{5}, good.size() / 2, good.size() - 40}) {
    std::string bad = good;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    CHECK_THROWS_AS(io::checkpoint_from_bytes(bad), io::CheckpointError);
  }
  io::Checkpoint wrong = c;
  wrong.nsga2->counts.feasible = 2;
  CHECK_THROWS_WITH(io::checkpoint_from_bytes(io::checkpoint_bytes(wrong)), Catch::Contains("counts"));
  wrong = c;
  wrong.nsga2->feasible = {3, 4};  // 95, on the archive, missing
  wrong.nsga2->counts.feasible = 2;
  CHECK_THROWS_WITH(io::checkpoint_from_bytes(io::checkpoint_bytes(wrong)), Catch::Contains("not evaluated"));

  // An exhaustive run with the same identity does not take it, nor an NSGA-II run an exhaustive checkpoint.
  std::ostringstream log;
  io::CheckpointHeader exhaustive = c.header;
  exhaustive.nsga2 = false;
  CHECK_THROWS_WITH(io::load_checkpoint_for_resume(out, exhaustive, log), Catch::Contains("the search plan"));
  CHECK(io::load_checkpoint_for_resume(out, c.header, log)->checkpoint.nsga2->generation == 7);
  io::remove_checkpoints(out);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a checkpoint of verification rounds round-trips the round and the solved packages, detects an inconsistent "
          "section, and is not a run's without rounds",
          "[mpi][checkpoint][verification]") {
  if (!env().is_root()) return;
  const auto dir = std::filesystem::temp_directory_path() / ("chipdse_test_ckpt_rounds_" + std::to_string(env().size()));
  std::filesystem::create_directories(dir);
  const auto out = dir / "run.h5";
  io::remove_checkpoints(out);
  io::Checkpoint c;
  c.header.identity = "search.thermal_verification = \"rounds\"\n";
  c.header.designs = 40;
  c.header.chunk_size = 10;
  c.header.objectives = 2;
  c.header.verification = true;
  c.done.archive = search::ParetoArchive(2);
  c.done.archive.finalize();  // round 3 just begun: no chunk of its enumeration done
  io::VerificationState v;
  v.round = 3;
  for (const std::uint64_t key : {std::uint64_t{0x9a}, std::uint64_t{0x17}, std::uint64_t{0x2f}}) {
    model::SolvedThermal t;
    t.ambient_c = 35.0;
    t.rise_k_per_w = {0.1, 0.0, 0.0, 0.02, 0.0, 0.05 * static_cast<double>(key % 7), 0.0, 0.0, 0.04, 0.01};
    t.iterations = 80;
    REQUIRE(v.solved.insert(key, t));
  }
  v.stats.mode = "rounds";
  v.stats.cells_xy = 32;
  v.stats.front_size_by_round = {16, 9};
  v.stats.unsolved_by_round = {2, 1};
  v.stats.geometries_solved = 3;
  v.stats.thermal_solves = 12;
  v.stats.solve_iterations = 960;
  v.stats.solve_s = 3.5;
  c.verification = v;
  io::write_checkpoint(out, c);
  const io::Checkpoint back = io::read_checkpoint(io::checkpoint_path(out));
  REQUIRE(back.verification);
  CHECK(back.header.verification);
  CHECK(back.verification->round == 3);
  CHECK(back.verification->solved.keys() == v.solved.keys());
  for (std::size_t i = 0; i < v.solved.size(); ++i) {
    CHECK(back.verification->solved.at(i).rise_k_per_w == v.solved.at(i).rise_k_per_w);
    CHECK(back.verification->solved.at(i).ambient_c == 35.0);
  }
  CHECK(back.verification->stats.front_size_by_round == v.stats.front_size_by_round);
  CHECK(back.verification->stats.unsolved_by_round == v.stats.unsolved_by_round);
  CHECK(back.verification->stats.thermal_solves == 12);
  CHECK(back.verification->stats.solve_s == 3.5);
  CHECK(back.verification->stats.cells_xy == 32);

  // A consistent file of an inconsistent section: a record that does not match the round, or the packages.
  io::Checkpoint wrong = c;
  wrong.verification->round = 4;
  CHECK_THROWS_WITH(io::checkpoint_from_bytes(io::checkpoint_bytes(wrong)), Catch::Contains("rounds before round 4"));
  wrong = c;
  wrong.verification->stats.geometries_solved = 2;
  CHECK_THROWS_WITH(io::checkpoint_from_bytes(io::checkpoint_bytes(wrong)), Catch::Contains("does not match its packages"));
  // A run without rounds (same identity) does not take it.
  std::ostringstream log;
  io::CheckpointHeader plain = c.header;
  plain.verification = false;
  CHECK_THROWS_WITH(io::load_checkpoint_for_resume(out, plain, log), Catch::Contains("the search plan"));
  CHECK(io::load_checkpoint_for_resume(out, c.header, log)->checkpoint.verification->round == 3);
  io::remove_checkpoints(out);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a search stopped or resumed from any of its checkpoints equals an uninterrupted one", "[mpi][checkpoint]") {
  const deck::Deck deck = deck::load_deck(small_deck());
  const search::DesignSpace space = search::design_space_from_deck(deck);
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);
  const auto objectives = search::objective_indices(deck.objectives);
  parallel::SearchSettings settings;
  settings.chunk_size = 50;  // 66 chunks
  settings.store = search::StoreMode::feasible;
  settings.progress = false;
  std::ostringstream sink;

  search::ChunkEvaluator plain_eval(decoder, params, objectives, 2);
  const parallel::SearchResult plain = parallel::exhaustive_search(MPI_COMM_WORLD, plain_eval, space.size(), settings, sink);

  // Checkpoints every 7 chunks, kept in memory (rank 0).
  std::vector<search::CompletedChunks> saved;
  settings.checkpoint.interval_chunks = 7;
  settings.checkpoint.write = [&](const search::CompletedChunks& done, const parallel::CheckpointEvent& ev) {
    CHECK(ev.completed == done.chunks.size());
    saved.push_back(done);
    return true;
  };
  if (!env().is_root()) settings.checkpoint.write = nullptr;
  search::ChunkEvaluator ck_eval(decoder, params, objectives, 1);
  const parallel::SearchResult with = parallel::exhaustive_search(MPI_COMM_WORLD, ck_eval, space.size(), settings, sink);
  CHECK(with.counts == plain.counts);
  CHECK(with.front == plain.front);
  CHECK(with.points.indices == plain.points.indices);
  CHECK(with.checkpoints >= 5);
  std::uint64_t count = saved.size();
  MPI_Bcast(&count, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);

  // Resume from every checkpoint: the same result, the checkpoint's chunks skipped.
  for (std::uint64_t k = 0; k < count; ++k) {
    CAPTURE(k);
    parallel::SearchSettings resumed = settings;
    resumed.checkpoint.write = nullptr;
    resumed.checkpoint.resume = env().is_root() ? &saved[k] : nullptr;
    search::ChunkEvaluator ev(decoder, params, objectives, 2);
    const parallel::SearchResult r = parallel::exhaustive_search(MPI_COMM_WORLD, ev, space.size(), resumed, sink);
    CHECK(r.chunks_resumed >= 7 * (k + 1));
    CHECK(r.chunks_resumed + r.chunks_evaluated == r.chunks);
    CHECK(r.counts == plain.counts);
    CHECK(r.front == plain.front);
    CHECK(r.points.first_row == plain.points.first_row);
    CHECK(r.points.indices == plain.points.indices);
  }

  // A stop: the search returns after a checkpoint of whole chunks, and resuming that one finishes the job.
  saved.clear();
  int polls = 0;
  parallel::SearchSettings stopping = settings;
  stopping.checkpoint.interval_chunks = 0;
  stopping.checkpoint.stop = [&] { return ++polls > 30; };
  search::ChunkEvaluator stop_eval(decoder, params, objectives, 1);
  const parallel::SearchResult stopped =
      parallel::exhaustive_search(MPI_COMM_WORLD, stop_eval, space.size(), stopping, sink);
  REQUIRE(stopped.stopped);
  CHECK_FALSE(stopped.checkpoint_failed);
  CHECK(stopped.chunks_evaluated > 0);
  CHECK(stopped.chunks_evaluated < stopped.chunks);
  if (env().is_root()) {
    REQUIRE(saved.size() == 1);
    CHECK(saved[0].chunks.size() == stopped.chunks_evaluated);
  }
  parallel::SearchSettings finish = settings;
  finish.checkpoint.write = nullptr;
  finish.checkpoint.resume = env().is_root() ? &saved[0] : nullptr;
  search::ChunkEvaluator finish_eval(decoder, params, objectives, 2);
  const parallel::SearchResult done = parallel::exhaustive_search(MPI_COMM_WORLD, finish_eval, space.size(), finish, sink);
  CHECK(done.chunks_resumed == stopped.chunks_evaluated);
  CHECK(done.counts == plain.counts);
  CHECK(done.front == plain.front);
  CHECK(done.points.indices == plain.points.indices);
}

TEST_CASE("the run identity names what differs", "[checkpoint]") {
  const deck::Deck a = deck::load_deck(small_deck());
  const std::string id = io::run_identity(a);
  CHECK_THAT(id, Catch::Contains("search.chunk_size = 4096\n") && Catch::Contains("chipdse.build = "));
  CHECK_THAT(id, !Catch::Contains("checkpoint_interval"));
  const deck::Deck b = deck::load_deck(small_deck(), {deck::Override{"process_node.N5.defect_density_per_cm2", 0.2,
                                                                     SourceLocation{"test"}, "overrides"}});
  const auto diff = io::identity_differences(id, io::run_identity(b));
  REQUIRE(diff.size() == 1);
  CHECK_THAT(diff[0], Catch::StartsWith("tech.process_node.N5.defect_density_per_cm2: "));
}

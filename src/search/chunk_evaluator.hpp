// chipdse/search/chunk_evaluator.hpp — the exhaustive search's inner loop (DESIGN.md §4): a range of design indices
// evaluated by the rank's OpenMP threads into per-thread Pareto archives, exact counts and, when /points needs them,
// the feasible indices. Must not include MPI, PETSc, HDF5 or toml++ (the parallel layer hands out the ranges).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/pareto_archive.hpp"

namespace chipdse::search {

/// Exact integer counts over a set of evaluated points. Sums are order-independent, so any split over ranks,
/// threads and chunks gives the same totals.
struct EvaluationCounts {
  /// One slot per bit of model::Metrics::infeasible (32-bit mask), used or not.
  static constexpr std::size_t kReasonSlots = 32;

  std::uint64_t evaluated = 0;
  std::uint64_t feasible = 0;
  /// by_reason[b]: points whose infeasible mask has bit b set (a point counts once under each of its reasons).
  std::array<std::uint64_t, kReasonSlots> by_reason{};

  std::uint64_t infeasible() const noexcept { return evaluated - feasible; }
  EvaluationCounts& operator+=(const EvaluationCounts& o) noexcept;
  friend bool operator==(const EvaluationCounts&, const EvaluationCounts&) = default;
};

/// One completed chunk's counts. Checkpoints keep them per chunk, so that a resumed run adds every chunk exactly
/// once whatever was evaluated where.
struct ChunkCounts {
  std::uint64_t chunk = 0;
  EvaluationCounts counts;
  friend bool operator==(const ChunkCounts&, const ChunkCounts&) = default;
};

/// What a set of completed chunks contributes to a search: a checkpoint's content (written by io, resumed by the
/// parallel search). Everything is a function of the set of chunks alone, never of who evaluated them.
struct CompletedChunks {
  std::vector<ChunkCounts> chunks;        ///< ascending chunk numbers, each once
  ParetoArchive archive{2};               ///< finalized: the exact front of these chunks' feasible points
  std::vector<std::uint64_t> feasible;    ///< output.store = "feasible" only: their feasible indices, ascending
                                          ///< (chunk c contributes chunks[i].counts.feasible of them); else empty

  /// The sum of the chunks' counts.
  EvaluationCounts total() const noexcept {
    EvaluationCounts t;
    for (const ChunkCounts& c : chunks) t += c.counts;
    return t;
  }
};

/// The deck's objective names (objectives.list) as indices into model::kObjectives, in the deck's order.
/// @throws Error naming the objective when a name is unknown or the count is outside 2..6 (deck checks make both
///         unreachable for a loaded deck).
std::vector<std::size_t> objective_indices(const std::vector<std::string>& names);

/// Evaluates ranges of the design space with a fixed team of OpenMP threads. Each thread owns one archive for
/// the object's whole life (no per-chunk archive to build and merge); front() merges them. The archive's result
/// does not depend on which thread saw which point, so threads never change a result.
///
/// Not thread-safe itself: call it from one thread (the rank's main thread), outside any OpenMP region.
class ChunkEvaluator {
 public:
  /// @param decoder, params  must outlive the evaluator (read-only, shared by the threads)
  /// @param objectives       indices into model::kObjectives (2..6), e.g. from objective_indices()
  /// @param threads          OpenMP threads per call (>= 1), e.g. omp_get_max_threads()
  /// @throws Error if the objective count is outside 2..6, an index is out of range, or threads < 1.
  ChunkEvaluator(const ChoiceDecoder& decoder, const model::KernelParams& params, std::vector<std::size_t> objectives,
                 int threads);

  int threads() const noexcept { return m_threads; }

  /// Verification rounds (model/solved_thermal.hpp): points whose geometry `solved` holds are evaluated at their
  /// settled point on it (model::evaluate_verified). Null (the default): the kernel alone. Must outlive the evaluator
  /// and stay unchanged while evaluate() runs.
  void set_solved(const model::SolvedGeometries* solved) noexcept { m_solved = solved; }
  int objective_count() const noexcept { return static_cast<int>(m_objectives.size()); }

  /// Evaluates every index of [begin, end) (end <= space size): feasible points go into the thread archives with
  /// their objectives minimised (model::minimised), every point into the counts.
  /// @param feasible_out  when not null, receives the range's feasible indices appended in ascending order.
  /// @returns the range's counts (also added to total_counts()).
  /// @throws Error if an objective value is NaN (the kernel never returns one; a NaN would break dominance).
  EvaluationCounts evaluate(std::uint64_t begin, std::uint64_t end, std::vector<std::uint64_t>* feasible_out = nullptr);

  /// Everything evaluate() counted so far.
  const EvaluationCounts& total_counts() const noexcept { return m_total; }

  /// The exact non-dominated set of every feasible point evaluated so far (finalized, sorted by index).
  ParetoArchive front() const;

 private:
  const ChoiceDecoder* m_decoder;
  const model::KernelParams* m_params;
  const model::SolvedGeometries* m_solved = nullptr;
  std::vector<std::size_t> m_objectives;
  int m_threads;
  EvaluationCounts m_total;
  /// What one thread writes, on its own cache lines: adjacent archives or vectors would share a line whose
  /// header every add() writes, and the threads would invalidate each other's caches on every feasible point.
  struct alignas(64) ThreadSlot {
    explicit ThreadSlot(int objectives) : archive(objectives) {}
    ParetoArchive archive;               ///< for the object's life
    std::vector<std::uint64_t> feasible; ///< scratch of one evaluate() call
    EvaluationCounts counts;             ///< scratch of one evaluate() call
  };
  std::vector<ThreadSlot> m_slots;  // one per thread
};

}  // namespace chipdse::search

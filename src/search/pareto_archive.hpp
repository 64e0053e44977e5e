// chipdse/search/pareto_archive.hpp — the exhaustive search's non-dominated archive: (index, objectives) only.
// Must not include MPI, PETSc, HDF5 or toml++ (it is plain C++; the parallel layer moves its bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace chipdse::search {

/// The non-dominated set of (design index, objective vector) entries, all objectives MINIMISED (the caller
/// negates maximised ones). Full result rows are recomputed from the indices at output (DESIGN.md §4).
///
/// Semantics. An entry q is removed when another entry p has p_j <= q_j for every objective j and either
/// p != q (so p is strictly better in one) or p == q with a lower index: equal objective vectors keep the
/// lowest index, and an entry added twice (same index, same vector) is kept once. After finalize() the
/// archive holds exactly that set of everything added or merged, sorted by ascending index. The set is a
/// function of the entries alone, so the result is bit-identical whatever the order of add() calls and
/// however the entries were split over archives and merged (rank, thread and chunk invariance).
/// -0.0 is stored as +0.0 so that "equal vectors" and "equal bits" coincide. Infinities are allowed.
/// One index is expected to carry one vector; if it carries two different ones, both are treated as
/// separate entries (still deterministic: ties in index are ordered by objective vector).
///
/// Algorithm. add() and merge() append to a flat buffer (structure of arrays: one index array, one
/// row-major objective array; no per-entry allocation). A filter turns everything held into the exact
/// non-dominated set: sort by (objectives lexicographically, index), a total order in which every entry
/// comes after all entries that remove it, then sweep in that order keeping an entry unless an already
/// kept entry is <= it in objectives 2..k (objective 1 is settled by the order; an entry removed by a
/// removed entry is removed by whatever removed that one). For 2 objectives the test is a running
/// minimum. For 3..6 it is a dominance query on a k-d tree built once over all entries in objectives
/// 2..k, in which an entry becomes visible when kept and each node knows the bounding box of its kept
/// entries: a subtree is skipped when its lower corner is not <= the query, accepted at once when its
/// upper corner is. The last few accepting corners are tried first, so runs of entries removed by the
/// same few (most of a chunk's entries) cost no tree walk.
/// Cost of filtering m entries: O(m log m) for the sort and the tree, plus m queries, each visiting
/// O(log m) nodes in practice (about 23 in 4 and 45 in 6 objectives for m = 10^6 mutually non-dominated
/// points, fewer when most are dominated) and O(m^(1-1/(k-1))) in the worst case of a k-d range query;
/// about 130 bytes per entry of temporary memory at 6 objectives. A filter runs when the unfiltered
/// entries exceed max(buffer_points, the last filtered set), so add() costs amortised O(one query +
/// log m) and an archive holds at most about twice its front plus buffer_points. merge() + finalize()
/// refilters the union (the filter is idempotent). Timings: bench/pareto_archive.cpp (10^6 points, one
/// core: ~0.5 s with a small front, ~0.7 s (4 objectives) and ~1.3 s (6) with a front of 10^5, ~1.2 s
/// and ~2.3 s when every point is non-dominated).
///
/// Thread safety: const members may be called concurrently; mutation needs exclusive access (one archive
/// per thread or chunk, merged afterwards).
class ParetoArchive {
 public:
  static constexpr int kMinObjectives = 2;
  static constexpr int kMaxObjectives = 6;
  /// Default for buffer_points: ~3.7 MB of buffered entries at 6 objectives.
  static constexpr std::size_t kDefaultBufferPoints = std::size_t{1} << 16;

  /// An empty (finalized) archive.
  /// @param objectives    objectives per entry, 2..6, fixed for the archive's life.
  /// @param buffer_points entries buffered before an automatic filter (>= 1); larger trades memory for
  ///                      fewer filters. It does not change any result.
  /// @throws Error if objectives is outside 2..6 or buffer_points is 0.
  explicit ParetoArchive(int objectives, std::size_t buffer_points = kDefaultBufferPoints);

  int objective_count() const noexcept { return m_k; }

  /// Buffers one entry; may run the filter (amortised, see the class comment).
  /// @param obj objective_count() values, all minimised.
  /// @throws Error if a value is NaN (the kernel never produces NaN; a NaN would make dominance
  ///         non-transitive and the result order-dependent).
  void add(std::uint64_t index, const double* obj);

  /// Adds every entry of `other` (same objective count), finalized or not; other is unchanged.
  /// Merging an archive with itself changes nothing.
  /// @throws Error if the objective counts differ.
  void merge(const ParetoArchive& other);

  /// Makes the archive the exact non-dominated set of everything added or merged, sorted by index.
  /// A no-op when already finalized.
  void finalize();

  /// True when the entries are exactly the non-dominated set sorted by index (after finalize(), and
  /// for a new or cleared archive); add() and merge() make it false.
  bool finalized() const noexcept { return m_filtered == m_index.size(); }

  /// Entries held: the front size when finalized(), else an upper bound on it.
  std::size_t size() const noexcept { return m_index.size(); }
  bool empty() const noexcept { return m_index.empty(); }

  /// Removes every entry; keeps the objective count and buffer size.
  void clear() noexcept;

  /// The i-th entry's index and objectives. @pre finalized() and i < size() (not checked: hot path).
  std::uint64_t index(std::size_t i) const noexcept { return m_index[i]; }
  std::span<const double> objectives(std::size_t i) const noexcept {
    return {m_obj.data() + i * static_cast<std::size_t>(m_k), static_cast<std::size_t>(m_k)};
  }

  /// All indices, ascending; and all objectives, row-major (size() x objective_count()).
  /// @throws Error unless finalized() (an unfiltered buffer is not a front).
  std::span<const std::uint64_t> indices() const;
  std::span<const double> objective_data() const;

  /// The archive as bytes, for MPI transfer and checkpoints; finalized or not, the state is kept exactly.
  /// Layout (native byte order, which the header records): 8-byte magic "CDSPARCH", u32 format version
  /// (1), u32 byte-order mark 0x01020304, u32 objective count, u32 reserved (0), u64 entry count,
  /// u64 count of the leading entries that form the last filtered set, then the u64 indices, then the
  /// f64 objectives row-major.
  std::vector<std::byte> serialize() const;

  /// The inverse of serialize(): deserialize(a.serialize()) holds the same entries, bit for bit, in the
  /// same order and the same finalized() state. The result gets buffer_points.
  /// @throws Error naming the problem if the bytes are not exactly one archive of this format (size,
  ///         magic, version, byte order, objective count, NaN, or a filtered prefix not sorted by index).
  static ParetoArchive deserialize(std::span<const std::byte> bytes,
                                   std::size_t buffer_points = kDefaultBufferPoints);

 private:
  void filter();  // everything held -> the exact non-dominated set, sorted by (index, objectives)
  void filter_if_full();

  int m_k;
  std::size_t m_buffer_points;
  std::vector<std::uint64_t> m_index;
  std::vector<double> m_obj;    // row-major, m_index.size() * m_k
  std::size_t m_filtered = 0;   // entries [0, m_filtered) are the last filter's output (sorted by index)
};

}  // namespace chipdse::search

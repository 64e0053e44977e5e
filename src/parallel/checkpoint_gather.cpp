// The collective snapshot of a checkpoint (see checkpoint_gather.hpp).
#include "chipdse/parallel/checkpoint_gather.hpp"

#include <algorithm>
#include <climits>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/result_merge.hpp"

namespace chipdse::parallel {

namespace {

// A chunk record on the wire: chunk, evaluated, feasible, one count per reason slot.
constexpr std::size_t kRecordWords = 3 + search::EvaluationCounts::kReasonSlots;

int as_count(std::size_t n, const char* what) {
  CHIPDSE_CHECK(n <= static_cast<std::size_t>(INT_MAX), what << ": " << n << " does not fit an MPI count");
  return static_cast<int>(n);
}

/// Every rank's `mine` concatenated in rank order on rank 0 (empty elsewhere).
std::vector<std::uint64_t> gather_words(MPI_Comm comm, const std::vector<std::uint64_t>& mine, const char* what) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const int len = as_count(mine.size(), what);
  std::vector<int> lens(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks));
  MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, comm);
  std::size_t total = 0;
  if (rank == 0)
    for (int p = 0; p < ranks; ++p) {
      displs[static_cast<std::size_t>(p)] = as_count(total, what);
      total += static_cast<std::size_t>(lens[static_cast<std::size_t>(p)]);
    }
  std::vector<std::uint64_t> all(total);
  MPI_Gatherv(mine.data(), len, MPI_UINT64_T, all.data(), lens.data(), displs.data(), MPI_UINT64_T, 0, comm);
  return all;
}

}  // namespace

void gather_completed(MPI_Comm comm, std::span<const search::ChunkCounts> new_chunks,
                      std::span<const std::uint64_t> new_feasible, const search::ParetoArchive& archive,
                      search::CompletedChunks* ledger) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::vector<std::uint64_t> words;
  words.reserve(new_chunks.size() * kRecordWords);
  for (const search::ChunkCounts& c : new_chunks) {
    words.insert(words.end(), {c.chunk, c.counts.evaluated, c.counts.feasible});
    words.insert(words.end(), c.counts.by_reason.begin(), c.counts.by_reason.end());
  }
  const std::vector<std::uint64_t> all_words = gather_words(comm, words, "chunk records");
  const std::vector<std::uint64_t> all_feasible =
      gather_words(comm, std::vector<std::uint64_t>(new_feasible.begin(), new_feasible.end()), "feasible indices");
  search::ParetoArchive merged = merge_archives_to_root(comm, archive);
  if (rank != 0) return;
  CHIPDSE_CHECK(ledger != nullptr, "rank 0 needs a ledger");

  // New records in chunk order, then merged with the ledger's (both ascending, disjoint).
  std::vector<search::ChunkCounts> fresh(all_words.size() / kRecordWords);
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    const std::uint64_t* w = all_words.data() + i * kRecordWords;
    fresh[i].chunk = w[0];
    fresh[i].counts.evaluated = w[1];
    fresh[i].counts.feasible = w[2];
    std::copy(w + 3, w + kRecordWords, fresh[i].counts.by_reason.begin());
  }
  auto by_chunk = [](const search::ChunkCounts& a, const search::ChunkCounts& b) { return a.chunk < b.chunk; };
  std::sort(fresh.begin(), fresh.end(), by_chunk);
  const std::size_t old_size = ledger->chunks.size();
  ledger->chunks.insert(ledger->chunks.end(), fresh.begin(), fresh.end());
  std::inplace_merge(ledger->chunks.begin(), ledger->chunks.begin() + static_cast<std::ptrdiff_t>(old_size),
                     ledger->chunks.end(), by_chunk);
  const auto dup = std::adjacent_find(ledger->chunks.begin(), ledger->chunks.end(),
                                      [](const auto& a, const auto& b) { return a.chunk == b.chunk; });
  CHIPDSE_CHECK(dup == ledger->chunks.end(), "chunk " << dup->chunk << " completed twice");

  // Feasible indices: ascending within each rank's part, and indices of distinct chunks never collide.
  std::vector<std::uint64_t> feasible = all_feasible;
  std::sort(feasible.begin(), feasible.end());
  const std::size_t old_feasible = ledger->feasible.size();
  ledger->feasible.insert(ledger->feasible.end(), feasible.begin(), feasible.end());
  std::inplace_merge(ledger->feasible.begin(), ledger->feasible.begin() + static_cast<std::ptrdiff_t>(old_feasible),
                     ledger->feasible.end());

  ledger->archive.merge(merged);
  ledger->archive.finalize();
}

}  // namespace chipdse::parallel

// The ranks' partial results brought together (see result_merge.hpp).
#include "chipdse/parallel/result_merge.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <numeric>

#include "chipdse/core/error.hpp"

namespace chipdse::parallel {

namespace {

constexpr int kTagSize = 11;
constexpr int kTagBytes = 12;
// MPI counts are int: large buffers travel in pieces of at most 1 GiB.
constexpr std::size_t kPiece = std::size_t{1} << 30;

void send_bytes(MPI_Comm comm, int dest, const std::vector<std::byte>& bytes) {
  std::uint64_t n = bytes.size();
  MPI_Send(&n, 1, MPI_UINT64_T, dest, kTagSize, comm);
  for (std::size_t off = 0; off < bytes.size(); off += kPiece) {
    const auto len = static_cast<int>(std::min(kPiece, bytes.size() - off));
    MPI_Send(bytes.data() + off, len, MPI_BYTE, dest, kTagBytes, comm);
  }
}

std::vector<std::byte> recv_bytes(MPI_Comm comm, int source) {
  std::uint64_t n = 0;
  MPI_Recv(&n, 1, MPI_UINT64_T, source, kTagSize, comm, MPI_STATUS_IGNORE);
  std::vector<std::byte> bytes(n);
  for (std::size_t off = 0; off < bytes.size(); off += kPiece) {
    const auto len = static_cast<int>(std::min(kPiece, bytes.size() - off));
    MPI_Recv(bytes.data() + off, len, MPI_BYTE, source, kTagBytes, comm, MPI_STATUS_IGNORE);
  }
  return bytes;
}

int as_int(std::uint64_t n, const char* what) {
  CHIPDSE_CHECK(n <= static_cast<std::uint64_t>(INT_MAX), what << ": " << n << " does not fit an MPI count");
  return static_cast<int>(n);
}

}  // namespace

search::ParetoArchive merge_archives_to_root(MPI_Comm comm, const search::ParetoArchive& local) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  search::ParetoArchive acc(local.objective_count());
  acc.merge(local);
  for (int step = 1; step < ranks; step *= 2) {
    if (rank % (2 * step) == step) {  // hand everything to the partner and leave the tree
      acc.finalize();  // the smaller set travels
      send_bytes(comm, rank - step, acc.serialize());
      return search::ParetoArchive(local.objective_count());
    }
    if (rank % (2 * step) == 0 && rank + step < ranks) {
      const std::vector<std::byte> bytes = recv_bytes(comm, rank + step);
      acc.merge(search::ParetoArchive::deserialize(bytes));
      acc.finalize();
    }
  }
  acc.finalize();
  return acc;
}

search::EvaluationCounts sum_counts(MPI_Comm comm, const search::EvaluationCounts& local) {
  constexpr std::size_t n = 2 + search::EvaluationCounts::kReasonSlots;
  std::uint64_t in[n], out[n];
  in[0] = local.evaluated;
  in[1] = local.feasible;
  std::copy(local.by_reason.begin(), local.by_reason.end(), in + 2);
  MPI_Allreduce(in, out, static_cast<int>(n), MPI_UINT64_T, MPI_SUM, comm);
  search::EvaluationCounts c;
  c.evaluated = out[0];
  c.feasible = out[1];
  std::copy(out + 2, out + n, c.by_reason.begin());
  return c;
}

std::vector<std::uint64_t> broadcast_indices(MPI_Comm comm, const std::vector<std::uint64_t>& indices) {
  std::uint64_t n = indices.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm);
  std::vector<std::uint64_t> out(n);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) out = indices;
  constexpr std::size_t piece = kPiece / sizeof(std::uint64_t);
  for (std::size_t off = 0; off < out.size(); off += piece)
    MPI_Bcast(out.data() + off, static_cast<int>(std::min(piece, out.size() - off)), MPI_UINT64_T, 0, comm);
  return out;
}

search::RowBlock redistribute_rows(MPI_Comm comm, std::span<const ChunkCount> chunks,
                                   std::span<const std::uint64_t> indices, std::uint64_t chunk_count) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);

  // Every rank learns every non-empty chunk's count (empty chunks shift no offset and are not sent).
  std::vector<std::uint64_t> mine;
  for (const ChunkCount& c : chunks) {
    CHIPDSE_CHECK(c.chunk < chunk_count, "chunk " << c.chunk << " of " << chunk_count);
    if (c.count > 0) mine.insert(mine.end(), {c.chunk, c.count});
  }
  const int my_len = as_int(mine.size(), "chunk records");
  std::vector<int> lens(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks));
  MPI_Allgather(&my_len, 1, MPI_INT, lens.data(), 1, MPI_INT, comm);
  std::uint64_t all_len = 0;
  for (int p = 0; p < ranks; ++p) {
    displs[static_cast<std::size_t>(p)] = as_int(all_len, "chunk records");
    all_len += static_cast<std::uint64_t>(lens[static_cast<std::size_t>(p)]);
  }
  std::vector<std::uint64_t> all(all_len);
  MPI_Allgatherv(mine.data(), my_len, MPI_UINT64_T, all.data(), lens.data(), displs.data(), MPI_UINT64_T, comm);

  // Exclusive scan of the counts in chunk order: the first row of each chunk.
  std::vector<ChunkCount> records(all_len / 2);
  for (std::size_t i = 0; i < records.size(); ++i) records[i] = {all[2 * i], all[2 * i + 1]};
  std::sort(records.begin(), records.end(), [](const ChunkCount& a, const ChunkCount& b) { return a.chunk < b.chunk; });
  std::vector<std::uint64_t> first_row(records.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    first_row[i] = total;
    total += records[i].count;
  }

  // Where this rank's indices go: its chunks ascend, so their rows ascend and so do the destination ranks.
  std::vector<std::uint64_t> boundary(static_cast<std::size_t>(ranks) + 1);
  for (int p = 0; p <= ranks; ++p) boundary[static_cast<std::size_t>(p)] = search::block_begin(total, ranks, p);
  std::vector<std::uint64_t> send_count(static_cast<std::size_t>(ranks), 0);
  std::uint64_t sent = 0;
  for (const ChunkCount& c : chunks) {
    if (c.count == 0) continue;
    const auto it = std::lower_bound(records.begin(), records.end(), c.chunk,
                                     [](const ChunkCount& r, std::uint64_t chunk) { return r.chunk < chunk; });
    CHIPDSE_CHECK(it != records.end() && it->chunk == c.chunk, "chunk " << c.chunk << " missing after the gather");
    std::uint64_t row = first_row[static_cast<std::size_t>(it - records.begin())];
    const std::uint64_t end = row + c.count;
    while (row < end) {
      const auto p = static_cast<std::size_t>(std::upper_bound(boundary.begin(), boundary.end(), row) -
                                              boundary.begin() - 1);
      const std::uint64_t take = std::min(end, boundary[p + 1]) - row;
      send_count[p] += take;
      row += take;
    }
    sent += c.count;
  }
  CHIPDSE_CHECK(sent == indices.size(), "chunk counts sum to " << sent << " but " << indices.size() << " indices");

  std::vector<int> scount(static_cast<std::size_t>(ranks)), sdispl(static_cast<std::size_t>(ranks)),
      rcount(static_cast<std::size_t>(ranks)), rdispl(static_cast<std::size_t>(ranks));
  std::uint64_t off = 0;
  for (int p = 0; p < ranks; ++p) {
    scount[static_cast<std::size_t>(p)] = as_int(send_count[static_cast<std::size_t>(p)], "rows to send");
    sdispl[static_cast<std::size_t>(p)] = as_int(off, "rows to send");
    off += send_count[static_cast<std::size_t>(p)];
  }
  MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm);
  std::uint64_t received = 0;
  for (int p = 0; p < ranks; ++p) {
    rdispl[static_cast<std::size_t>(p)] = as_int(received, "rows to receive");
    received += static_cast<std::uint64_t>(rcount[static_cast<std::size_t>(p)]);
  }
  search::RowBlock block;
  block.total_rows = total;
  block.first_row = boundary[static_cast<std::size_t>(rank)];
  block.indices.resize(received);
  MPI_Alltoallv(indices.data(), scount.data(), sdispl.data(), MPI_UINT64_T, block.indices.data(), rcount.data(),
                rdispl.data(), MPI_UINT64_T, comm);
  // Pieces from different ranks interleave in row order; the indices are distinct and rows follow index order.
  std::sort(block.indices.begin(), block.indices.end());
  CHIPDSE_CHECK(block.indices.size() == boundary[static_cast<std::size_t>(rank) + 1] - block.first_row,
                "received " << block.indices.size() << " rows for a block of "
                            << boundary[static_cast<std::size_t>(rank) + 1] - block.first_row);
  return block;
}

}  // namespace chipdse::parallel

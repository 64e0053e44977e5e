// The packages of a front solved over MPI ranks (see verification_rounds.hpp).
#include "chipdse/parallel/verification_rounds.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/thermal/operating_point.hpp"

namespace chipdse::parallel {

std::vector<UnsolvedGeometry> unsolved_geometries(std::span<const std::uint64_t> front,
                                                  const search::ChoiceDecoder& decoder,
                                                  const model::KernelParams& params,
                                                  const model::SolvedGeometries& solved, int threads) {
  std::vector<std::uint64_t> keys(front.size());
  const auto n = static_cast<std::int64_t>(front.size());
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads)) if (n > 64)
  for (std::int64_t i = 0; i < n; ++i)
    keys[static_cast<std::size_t>(i)] = model::evaluate(decoder.choice(front[static_cast<std::size_t>(i)]), params).geometry_key;
  std::vector<UnsolvedGeometry> out;
  for (std::size_t i = 0; i < front.size(); ++i) {
    const std::uint64_t key = keys[i];
    if (key == 0 || solved.find(key) != nullptr) continue;  // key 0: no placement (never on a front)
    if (std::any_of(out.begin(), out.end(), [&](const UnsolvedGeometry& u) { return u.key == key; })) continue;
    out.push_back({key, front[i]});  // the front ascends, so the first design seen is the lowest
  }
  return out;
}

SolveReport solve_geometries(MPI_Comm comm, std::span<const UnsolvedGeometry> unsolved, const search::ChoiceDecoder& decoder,
                             const model::KernelParams& params, const thermal::PackageStack& stack, int cells_xy,
                             model::SolvedGeometries& solved) {
  const auto start = std::chrono::steady_clock::now();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  SolveReport report;
  model::SolvedGeometries own;  // this rank's solves
  int failed = 0;
  std::string message;
  try {
    for (std::size_t i = static_cast<std::size_t>(rank); i < unsolved.size(); i += static_cast<std::size_t>(size)) {
      model::EvaluationDetail detail;
      (void)model::evaluate(decoder.choice(unsolved[i].design), params, &detail);
      CHIPDSE_CHECK(detail.geometry.key == unsolved[i].key, "design " << unsolved[i].design << " places geometry "
                                                                  << detail.geometry.key << ", not " << unsolved[i].key);
      own.insert(unsolved[i].key, thermal::solve_logic_response(detail.geometry, stack, cells_xy));
    }
  } catch (const std::exception& e) {
    failed = 1;
    message = std::string("the thermal solve of a front design's package failed: ") + e.what();
  }
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm);
  if (any) throw Error(failed ? message : std::string("a thermal solve failed on another rank"));

  // Every rank's responses to every rank, in rank order.
  std::string mine;
  own.serialize(mine);
  const int my_bytes = static_cast<int>(mine.size());
  std::vector<int> bytes(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  MPI_Allgather(&my_bytes, 1, MPI_INT, bytes.data(), 1, MPI_INT, comm);
  long long total = 0;
  for (int r = 0; r < size; ++r) {
    offsets[static_cast<std::size_t>(r)] = static_cast<int>(total);
    total += bytes[static_cast<std::size_t>(r)];
  }
  CHIPDSE_CHECK(total < (1LL << 31), "the solved packages' responses (" << total << " bytes) exceed one exchange");
  std::vector<char> all(static_cast<std::size_t>(total));
  MPI_Allgatherv(mine.data(), my_bytes, MPI_BYTE, all.data(), bytes.data(), offsets.data(), MPI_BYTE, comm);

  for (int r = 0; r < size; ++r) {
    std::string_view part(all.data() + offsets[static_cast<std::size_t>(r)], static_cast<std::size_t>(bytes[static_cast<std::size_t>(r)]));
    const model::SolvedGeometries theirs = model::SolvedGeometries::deserialize(part);
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const model::SolvedThermal& t = theirs.at(i);
      report.sources += static_cast<std::uint64_t>(t.solves);
      report.iterations += static_cast<std::uint64_t>(t.iterations);
      if (solved.insert(theirs.keys()[i], t)) ++report.solved;
    }
  }
  report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace chipdse::parallel

// chipdse/parallel/progress.hpp — the search's progress line on rank 0 (DESIGN.md §4): points done, rate, ETA and the
// front so far, at a fixed interval and once at the end. No MPI: the scheduler feeds it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace chipdse::parallel {

class Progress {
 public:
  /// @param total      points the search evaluates
  /// @param enabled    false: prints nothing (--quiet, or not rank 0)
  /// @param interval_s seconds between lines (> 0)
  /// @param out        where lines go (not owned)
  Progress(std::uint64_t total, bool enabled, double interval_s, std::ostream& out);

  /// Prints a line if the interval has passed since the last one. `front_so_far` is called only then (it may be
  /// costly); it returns the size of the front of the points rank 0 has seen, a hint while the search runs.
  void tick(std::uint64_t done, const std::function<std::size_t()>& front_so_far);

  /// The closing line: every point done, the exact front size, the search's wall time and rate.
  void finish(std::uint64_t done, std::size_t front);

  /// "1,234,567"
  static std::string grouped(std::uint64_t n);

 private:
  using clock = std::chrono::steady_clock;
  std::uint64_t m_total;
  bool m_enabled;
  double m_interval_s;
  std::ostream* m_out;
  clock::time_point m_start;
  clock::time_point m_last;
};

}  // namespace chipdse::parallel

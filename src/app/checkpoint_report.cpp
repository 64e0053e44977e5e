// `chipdse run`'s checkpoint writes and their report line (see checkpoint_report.hpp).
#include "checkpoint_report.hpp"

#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "chipdse/core/error.hpp"

namespace chipdse::app {

bool write_and_report_checkpoint(const std::filesystem::path& out, const io::Checkpoint& ckpt, std::uint64_t number,
                                 const std::string& progress, const std::string& after_bytes, bool say_it) {
  const auto t = std::chrono::steady_clock::now();
  std::uint64_t bytes = 0;
  try {
    bytes = io::write_checkpoint(out, ckpt);
  } catch (const Error& e) {
    // One write per message: stdout and stderr often share a pipe (mpiexec, Slurm, ctest).
    std::cerr << fmt::format("chipdse run: warning: checkpoint {} not written: {}\n", number, e.what()) << std::flush;
    return false;
  }
  if (say_it)
    std::cout << fmt::format("chipdse run: checkpoint {}: {}, {} bytes{}, written in {:.3f} s -> {}\n", number,
                             progress, bytes, after_bytes,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(),
                             io::checkpoint_path(out).string())
              << std::flush;
  return true;
}

}  // namespace chipdse::app

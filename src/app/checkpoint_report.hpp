// checkpoint_report.hpp — `chipdse run` writes a checkpoint (io::write_checkpoint) and says so, the same way for the
// exhaustive search and NSGA-II.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "chipdse/io/checkpoint_file.hpp"

namespace chipdse::app {

/// Writes `ckpt` as `out`'s checkpoint. On success, when `say_it`, prints
/// "chipdse run: checkpoint N: <progress>, B bytes<after_bytes>, written in T s -> <path>" and returns true; when the
/// write fails, warns on stderr naming the checkpoint and the reason and returns false (the search goes on).
bool write_and_report_checkpoint(const std::filesystem::path& out, const io::Checkpoint& ckpt, std::uint64_t number,
                                 const std::string& progress, const std::string& after_bytes, bool say_it);

}  // namespace chipdse::app

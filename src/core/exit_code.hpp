// chipdse/core/exit_code.hpp — the exit codes of the chipdse command (DESIGN.md §4).
// Must not include anything beyond the standard library.
#pragma once

namespace chipdse {

/// Process exit codes; scripts and job files rely on these values.
enum class ExitCode : int {
  ok = 0,                        ///< done
  failure = 1,                   ///< any other error, including a capability that does not exist yet
  bad_input = 2,                 ///< bad deck, bad option, bad value: the message names what and where
  stopped_after_checkpoint = 3,  ///< stopped cleanly after a checkpoint; rerun with --resume
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace chipdse

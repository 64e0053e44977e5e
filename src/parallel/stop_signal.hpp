// chipdse/parallel/stop_signal.hpp — the stop request of a checkpointed run (DESIGN.md §4): SIGTERM, SIGUSR1 and SIGINT
// only set a flag; the search polls it at chunk boundaries, and rank 0 decides when the ranks stop (see
// exhaustive_search.hpp). No MPI here: a signal handler may call nothing but async-signal-safe functions.
#pragma once

namespace chipdse::parallel {

/// Installs the handlers (sigaction with SA_RESTART, so system calls in flight continue). Idempotent. A second
/// SIGINT while a stop is pending restores the default action and re-raises it: an impatient Ctrl-C still kills.
void install_stop_handlers();

/// True once one of the signals arrived in this process (a lock-free atomic read).
bool stop_requested() noexcept;

/// The first signal's name ("SIGTERM", "SIGUSR1", "SIGINT"), or "" when none arrived.
const char* stop_signal_name() noexcept;

/// Sets the flag as if a signal had arrived (tests, and a stop decided by another rank). `signal` 0: "request".
void request_stop(int signal = 0) noexcept;

}  // namespace chipdse::parallel

// The stop request of a checkpointed run (see stop_signal.hpp).
#include "chipdse/parallel/stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace chipdse::parallel {

namespace {

// Written by the handler, read by the search: lock-free, so the handler never takes a lock (checked below).
std::atomic<int> g_signal{-1};  // -1: no stop; 0: requested without a signal; else the signal number
static_assert(std::atomic<int>::is_always_lock_free, "the stop flag must be lock-free in a signal handler");

extern "C" void on_stop_signal(int sig) {
  int none = -1;
  if (!g_signal.compare_exchange_strong(none, sig) && sig == SIGINT) {
    // A second Ctrl-C: the user does not want to wait for the checkpoint.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGUSR1, SIGINT}) sigaction(sig, &sa, nullptr);
}

bool stop_requested() noexcept { return g_signal.load(std::memory_order_relaxed) >= 0; }

const char* stop_signal_name() noexcept {
  switch (g_signal.load(std::memory_order_relaxed)) {
    case -1: return "";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "request";
  }
}

void request_stop(int signal) noexcept {
  int none = -1;
  g_signal.compare_exchange_strong(none, signal);
}

}  // namespace chipdse::parallel

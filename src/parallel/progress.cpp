// The search's progress line (see progress.hpp).
#include "chipdse/parallel/progress.hpp"

#include <fmt/format.h>

#include <string>

namespace chipdse::parallel {

namespace {

std::string duration(double s) {
  const auto t = static_cast<long long>(s + 0.5);
  return fmt::format("{}:{:02d}:{:02d}", t / 3600, static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
}

}  // namespace

Progress::Progress(std::uint64_t total, bool enabled, double interval_s, std::ostream& out)
    : m_total(total), m_enabled(enabled), m_interval_s(interval_s), m_out(&out), m_start(clock::now()),
      m_last(m_start) {}

std::string Progress::grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void Progress::tick(std::uint64_t done, const std::function<std::size_t()>& front_so_far) {
  if (!m_enabled) return;
  const auto now = clock::now();
  if (std::chrono::duration<double>(now - m_last).count() < m_interval_s) return;
  m_last = now;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  const double rate = elapsed > 0.0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0.0 ? static_cast<double>(m_total - std::min(done, m_total)) / rate : 0.0;
  const double pct = m_total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(m_total) : 100.0;
  *m_out << fmt::format("chipdse run: {} / {} points ({:.1f} %), {:.3g} points/s, ETA {}, front so far (rank 0's "
                        "points) {}\n",
                        grouped(done), grouped(m_total), pct, rate, duration(eta),
                        front_so_far ? grouped(front_so_far()) : std::string("?"))
         << std::flush;
}

void Progress::finish(std::uint64_t done, std::size_t front) {
  if (!m_enabled) return;
  const double elapsed = std::chrono::duration<double>(clock::now() - m_start).count();
  const double rate = elapsed > 0.0 ? static_cast<double>(done) / elapsed : 0.0;
  *m_out << fmt::format("chipdse run: {} points evaluated in {:.2f} s ({:.3g} points/s); front: {} designs\n",
                        grouped(done), elapsed, rate, grouped(front))
         << std::flush;
}

}  // namespace chipdse::parallel

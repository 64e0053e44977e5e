// What a checkpoint keeps of the verification rounds (see verification_state.hpp).
#include "chipdse/io/verification_state.hpp"

#include <cmath>
#include <cstring>
#include <utility>

#include "chipdse/core/error.hpp"

namespace chipdse::io {

namespace {

class Out {
 public:
  template <typename T>
  void put(T v) { bytes(&v, sizeof v); }
  void bytes(const void* p, std::size_t n) { m_s.append(static_cast<const char*>(p), n); }
  std::string take() { return std::move(m_s); }

 private:
  std::string m_s;
};

class In {
 public:
  explicit In(std::string_view s) : m_s(s) {}
  template <typename T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  const char* take(std::size_t n) {
    if (n > m_s.size() - m_pos) throw Error("the verification section runs past its end");
    const char* p = m_s.data() + m_pos;
    m_pos += n;
    return p;
  }
  bool done() const noexcept { return m_pos == m_s.size(); }

 private:
  std::string_view m_s;
  std::size_t m_pos = 0;
};

}  // namespace

std::string verification_state_bytes(const VerificationState& s) {
  Out o;
  o.put<std::uint32_t>(s.round);
  o.put<std::uint32_t>(0);
  o.put<std::uint64_t>(s.solved.size());
  for (std::size_t i = 0; i < s.solved.size(); ++i) {
    const model::SolvedThermal& t = s.solved.at(i);
    o.put<std::uint64_t>(s.solved.keys()[i]);
    o.put<double>(t.ambient_c);
    o.put<std::uint64_t>(t.sources);
    o.put<std::uint64_t>(t.rows());
    o.put<std::uint32_t>(t.hbm_rows);
    o.put<std::uint32_t>(t.engine_rows);
    o.put<double>(t.solve_time_s);
    o.put<std::uint64_t>(static_cast<std::uint64_t>(t.iterations));
    o.bytes(t.rise_k_per_w.data(), t.rise_k_per_w.size() * sizeof(double));
  }
  const RunStats::Verification& v = s.stats;
  o.put<std::uint64_t>(v.front_size_by_round.size());
  for (unsigned long long x : v.front_size_by_round) o.put<std::uint64_t>(x);
  for (unsigned long long x : v.unsolved_by_round) o.put<std::uint64_t>(x);
  o.put<std::uint64_t>(v.geometries_solved);
  o.put<std::uint64_t>(v.thermal_solves);
  o.put<std::uint64_t>(v.solve_iterations);
  o.put<double>(v.solve_s);
  o.put<std::uint64_t>(v.cells_xy);
  return o.take();
}

VerificationState verification_state_from_bytes(std::string_view bytes) {
  In in(bytes);
  VerificationState s;
  s.round = in.get<std::uint32_t>();
  in.get<std::uint32_t>();
  const auto packages = in.get<std::uint64_t>();
  if (s.round < 1 || packages > bytes.size()) throw Error("the verification section's round or package count is wrong");
  std::uint64_t last_key = 0;
  for (std::uint64_t i = 0; i < packages; ++i) {
    model::SolvedThermal t;
    const auto key = in.get<std::uint64_t>();
    t.ambient_c = in.get<double>();
    const auto columns = in.get<std::uint64_t>();
    const auto rows = in.get<std::uint64_t>();
    t.hbm_rows = in.get<std::uint32_t>();
    t.engine_rows = in.get<std::uint32_t>();
    t.solve_time_s = in.get<double>();
    t.iterations = static_cast<int>(in.get<std::uint64_t>());
    if (key == 0 || (i > 0 && key <= last_key) || columns != model::SolvedThermal::kKinds || rows == 0 ||
        rows > bytes.size() / sizeof(double) || std::uint64_t{t.hbm_rows} + t.engine_rows > rows ||
        !std::isfinite(t.ambient_c))
      throw Error("solved package " + std::to_string(i) + " is out of order or of the wrong shape");
    t.sources = static_cast<std::uint32_t>(columns);
    t.rise_k_per_w.resize(rows * columns);
    std::memcpy(t.rise_k_per_w.data(), in.take(rows * columns * sizeof(double)), rows * columns * sizeof(double));
    for (double x : t.rise_k_per_w)
      if (!std::isfinite(x) || x < 0.0) throw Error("solved package " + std::to_string(i) + " has a rise that is not finite and >= 0");
    s.solved.insert(key, std::move(t));
    last_key = key;
  }
  RunStats::Verification& v = s.stats;
  v.mode = "rounds";
  const auto recorded = in.get<std::uint64_t>();
  if (recorded + 1 != s.round) throw Error("the verification section records " + std::to_string(recorded) +
                                           " rounds before round " + std::to_string(s.round));
  for (std::uint64_t i = 0; i < recorded; ++i) v.front_size_by_round.push_back(in.get<std::uint64_t>());
  for (std::uint64_t i = 0; i < recorded; ++i) v.unsolved_by_round.push_back(in.get<std::uint64_t>());
  v.geometries_solved = in.get<std::uint64_t>();
  v.thermal_solves = in.get<std::uint64_t>();
  v.solve_iterations = in.get<std::uint64_t>();
  v.solve_s = in.get<double>();
  v.cells_xy = in.get<std::uint64_t>();
  if (v.geometries_solved != packages) throw Error("the verification section's record does not match its packages");
  if (!in.done()) throw Error("unexpected bytes after the verification section");
  return s;
}

}  // namespace chipdse::io

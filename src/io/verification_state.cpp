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
  std::string_view rest() const noexcept { return m_s.substr(m_pos); }
  std::size_t remaining() const noexcept { return m_s.size() - m_pos; }
  void skip(std::size_t n) { take(n); }

 private:
  std::string_view m_s;
  std::size_t m_pos = 0;
};

}  // namespace

std::string verification_state_bytes(const VerificationState& s) {
  Out o;
  o.put<std::uint32_t>(s.round);
  o.put<std::uint32_t>(0);
  std::string packages;
  s.solved.serialize(packages);
  o.bytes(packages.data(), packages.size());
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
  if (s.round < 1) throw Error("the verification section's round is 0");
  std::string_view rest = in.rest();
  s.solved = model::SolvedGeometries::deserialize(rest);
  in.skip(in.remaining() - rest.size());
  const std::uint64_t packages = s.solved.size();
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

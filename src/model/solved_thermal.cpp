// A design at its package's solved temperatures (see solved_thermal.hpp).
#include "chipdse/model/solved_thermal.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "chipdse/core/error.hpp"

#include "chipdse/model/thermal_bound.hpp"

namespace chipdse::model {

std::array<double, SolvedThermal::kKinds> kind_power_w(const Geometry& g, const double* rect_power_w) noexcept {
  std::array<double, SolvedThermal::kKinds> p{};
  for (std::size_t i = 0; i < g.rect_count && i < kMaxPlacedRects; ++i)
    p[static_cast<std::size_t>(g.rects[i].kind)] = rect_power_w[i];
  return p;
}

namespace {

// The product's largest row of [begin, end), or 0 for an empty range.
double largest(const SolvedThermal& s, std::size_t begin, std::size_t end, const double* kind_power_w) noexcept {
  const std::size_t ns = s.sources;
  double peak = 0.0;
  for (std::size_t r = begin; r < end; ++r) {
    const double* row = s.rise_k_per_w.data() + r * ns;
    double t = 0.0;
    for (std::size_t j = 0; j < ns; ++j) t += row[j] * kind_power_w[j];
    peak = std::max(peak, t);
  }
  return peak;
}

}  // namespace

void drop_dominated_rows(SolvedThermal& s) {
  const std::size_t ns = s.sources, nr = s.rows();
  if (ns == 0) return;
  const auto row = [&](std::size_t r) { return s.rise_k_per_w.data() + r * ns; };
  const std::size_t logic_end = s.logic_rows(), hbm_end = logic_end + s.hbm_rows;
  const auto group = [&](std::size_t r) { return r < logic_end ? 0 : r < hbm_end ? 1 : 2; };
  // Row a is dropped when some row b of its group has b >= a in every column (b != a, or equal with b first).
  std::vector<char> keep(nr, 1);
  for (std::size_t a = 0; a < nr; ++a) {
    for (std::size_t b = 0; b < nr && keep[a]; ++b) {
      if (group(b) != group(a)) continue;
      if (b == a || !keep[b]) continue;
      bool ge = true, gt = false;
      for (std::size_t j = 0; j < ns && ge; ++j) {
        ge = row(b)[j] >= row(a)[j];
        gt = gt || row(b)[j] > row(a)[j];
      }
      if (ge && (gt || b < a)) keep[a] = 0;
    }
  }
  std::vector<double> kept;
  std::uint32_t hbm = 0, engines = 0;
  for (std::size_t r = 0; r < nr; ++r)
    if (keep[r]) {
      kept.insert(kept.end(), row(r), row(r) + ns);
      hbm += group(r) == 1;
      engines += group(r) == 2;
    }
  s.rise_k_per_w = std::move(kept);
  s.hbm_rows = hbm;
  s.engine_rows = engines;
}

double peak_c(const SolvedThermal& s, bool hbm, const double* kind_power_w) noexcept {
  const std::size_t begin = s.logic_rows() + (hbm ? 0 : s.hbm_rows);
  const std::size_t end = begin + (hbm ? s.hbm_rows : s.engine_rows);
  return begin == end ? 0.0 : s.ambient_c + largest(s, begin, end, kind_power_w);
}

double hottest_logic_c(const SolvedThermal& s, const double* kind_power_w) noexcept {
  return s.ambient_c + largest(s, 0, s.logic_rows(), kind_power_w);
}

SettledPoint settle_on_solved(const DesignChoice& c, const KernelParams& k, const Geometry& g,
                              const SolvedThermal& s) noexcept {
  SettledPoint p;
  double t = s.ambient_c;
  const double engine_w = cpo_engine_power_w(c, k);
  for (p.steps = 1; p.steps <= kMaxSettleSteps; ++p.steps) {
    p.metrics = evaluate_at_junction(c, k, t);
    const auto q = rect_power_w(g, p.metrics.power, engine_w);
    p.kind_power_w = kind_power_w(g, q.data());
    p.leakage_tj_c = t;
    p.tj_c = hottest_logic_c(s, p.kind_power_w.data());
    if (std::abs(p.tj_c - t) <= kSettleToleranceK) {
      p.converged = true;
      return p;
    }
    t = p.tj_c;
  }
  p.steps = kMaxSettleSteps;
  return p;
}

const SolvedThermal* SolvedGeometries::find(std::uint64_t key) const noexcept {
  const auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key);
  if (it == m_keys.end() || *it != key) return nullptr;
  return &m_solved[static_cast<std::size_t>(it - m_keys.begin())];
}

bool SolvedGeometries::insert(std::uint64_t key, SolvedThermal s) {
  const auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key);
  if (it != m_keys.end() && *it == key) return false;
  const auto at = it - m_keys.begin();
  m_keys.insert(it, key);
  m_solved.insert(m_solved.begin() + at, std::move(s));
  return true;
}

namespace {

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

const char* take(std::string_view& in, std::size_t n) {
  if (n > in.size()) throw Error("solved packages: the bytes end early");
  const char* p = in.data();
  in.remove_prefix(n);
  return p;
}

template <typename T>
T get(std::string_view& in) {
  T v;
  std::memcpy(&v, take(in, sizeof v), sizeof v);
  return v;
}

}  // namespace

void SolvedGeometries::serialize(std::string& out) const {
  put<std::uint64_t>(out, m_keys.size());
  for (std::size_t i = 0; i < m_keys.size(); ++i) {
    const SolvedThermal& t = m_solved[i];
    put<std::uint64_t>(out, m_keys[i]);
    put<double>(out, t.ambient_c);
    put<std::uint64_t>(out, t.sources);
    put<std::uint64_t>(out, t.rows());
    put<std::uint32_t>(out, t.hbm_rows);
    put<std::uint32_t>(out, t.engine_rows);
    put<std::uint64_t>(out, static_cast<std::uint64_t>(t.iterations));
    put<std::uint64_t>(out, static_cast<std::uint64_t>(t.solves));
    out.append(reinterpret_cast<const char*>(t.rise_k_per_w.data()), t.rise_k_per_w.size() * sizeof(double));
  }
}

SolvedGeometries SolvedGeometries::deserialize(std::string_view& in) {
  SolvedGeometries out;
  const auto n = get<std::uint64_t>(in);
  if (n > in.size()) throw Error("solved packages: a count of " + std::to_string(n) + " in " + std::to_string(in.size()) + " bytes");
  for (std::uint64_t i = 0; i < n; ++i) {
    SolvedThermal t;
    const auto key = get<std::uint64_t>(in);
    t.ambient_c = get<double>(in);
    const auto columns = get<std::uint64_t>(in);
    const auto rows = get<std::uint64_t>(in);
    t.hbm_rows = get<std::uint32_t>(in);
    t.engine_rows = get<std::uint32_t>(in);
    t.iterations = static_cast<int>(get<std::uint64_t>(in));
    t.solves = static_cast<int>(get<std::uint64_t>(in));
    if (key == 0 || (!out.m_keys.empty() && key <= out.m_keys.back()) || columns != SolvedThermal::kKinds ||
        rows == 0 || rows > in.size() / (columns * sizeof(double)) || std::uint64_t{t.hbm_rows} + t.engine_rows > rows ||
        !std::isfinite(t.ambient_c))
      throw Error("solved package " + std::to_string(i) + " is out of key order or of the wrong shape");
    t.sources = static_cast<std::uint32_t>(columns);
    t.rise_k_per_w.resize(rows * columns);
    std::memcpy(t.rise_k_per_w.data(), take(in, rows * columns * sizeof(double)), rows * columns * sizeof(double));
    for (const double x : t.rise_k_per_w)
      if (!std::isfinite(x) || x < 0.0)
        throw Error("solved package " + std::to_string(i) + " has a rise that is not finite and >= 0");
    out.m_keys.push_back(key);
    out.m_solved.push_back(std::move(t));
  }
  return out;
}

Metrics evaluate_verified(const DesignChoice& c, const KernelParams& k, const SolvedGeometries* solved,
                          EvaluationDetail* detail) noexcept {
  const Metrics kernel = evaluate(c, k, detail);
  if (solved == nullptr || solved->empty()) return kernel;
  const SolvedThermal* s = kernel.geometry_key != 0 ? solved->find(kernel.geometry_key) : nullptr;
  // A point whose geometry failed to place (key 0) has no solve: it keeps the kernel's evaluation (it is infeasible by
  // its geometry anyway).
  if (s == nullptr || s->sources != SolvedThermal::kKinds) return kernel;
  // Only a point of a solved package pays for its placement's detail (the hot loop's other points do not).
  EvaluationDetail local;
  EvaluationDetail& d = detail != nullptr ? *detail : local;
  if (detail == nullptr) (void)evaluate(c, k, &d);
  const SettledPoint p = settle_on_solved(c, k, d.geometry, *s);
  Metrics m = p.metrics;
  m.tj_solved_c = p.tj_c;
  m.hbm_solved_c = peak_c(*s, true, p.kind_power_w.data());
  m.optical_engine_solved_c = peak_c(*s, false, p.kind_power_w.data());
  if (!p.converged) m.infeasible |= infeasible::thermal_runaway;
  if (k.thermal_bound.tj_max_c > 0.0 && p.tj_c > k.thermal_bound.tj_max_c) m.infeasible |= infeasible::solved_tj_over_max;
  return m;
}

}  // namespace chipdse::model

// Tests of search/pareto_archive: analytic fronts, an independent brute-force filter, order/split/merge
// invariance, the lowest-index rule, serialisation, and the preconditions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/search/pareto_archive.hpp"

using chipdse::search::ParetoArchive;

namespace {

struct Entry {
  std::uint64_t index;
  std::vector<double> obj;
};

// Own uniform mappings: std::uniform_*_distribution differ across standard libraries.
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) { return rng() % n; }
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

template <class T>
void shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(rng, i)]);
}

/// Independent reference: O(n^2) straight from the definition (duplicate entries collapse first).
std::vector<Entry> brute_force(std::vector<Entry> in) {
  std::sort(in.begin(), in.end(), [](const Entry& a, const Entry& b) {
    return a.index != b.index ? a.index < b.index : a.obj < b.obj;
  });
  in.erase(std::unique(in.begin(), in.end(),
                       [](const Entry& a, const Entry& b) { return a.index == b.index && a.obj == b.obj; }),
           in.end());
  std::vector<Entry> out;
  for (const Entry& q : in) {
    bool removed = false;
    for (const Entry& p : in) {
      if (&p == &q) continue;
      bool le = true, lt = false;
      for (std::size_t j = 0; j < q.obj.size(); ++j) {
        le = le && p.obj[j] <= q.obj[j];
        lt = lt || p.obj[j] < q.obj[j];
      }
      if (le && (lt || p.index < q.index)) removed = true;
    }
    if (!removed) out.push_back(q);
  }
  return out;  // already sorted by (index, objectives)
}

std::vector<Entry> contents(const ParetoArchive& a) {
  std::vector<Entry> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto o = a.objectives(i);
    out.push_back({a.index(i), std::vector<double>(o.begin(), o.end())});
  }
  return out;
}

bool same_bits(const ParetoArchive& a, const ParetoArchive& b) {
  const auto ia = a.indices(), ib = b.indices();
  const auto oa = a.objective_data(), ob = b.objective_data();
  return ia.size() == ib.size() && oa.size() == ob.size() &&
         std::memcmp(ia.data(), ib.data(), ia.size_bytes()) == 0 &&
         std::memcmp(oa.data(), ob.data(), oa.size_bytes()) == 0;
}

ParetoArchive archive_of(const std::vector<Entry>& in, int k,
                         std::size_t buffer = ParetoArchive::kDefaultBufferPoints) {
  ParetoArchive a(k, buffer);
  for (const Entry& e : in) a.add(e.index, e.obj.data());
  a.finalize();
  return a;
}

/// Every vector of k non-negative integers summing to s: the linear front sum(x) = s, exact in doubles
/// (two distinct points of equal sum are never <= one another).
void simplex_front(int k, int s, std::vector<std::vector<double>>& out) {
  std::vector<double> x(k);
  std::function<void(int, int)> rec = [&](int j, int left) {
    if (j == k - 1) {
      x[j] = left;
      out.push_back(x);
      return;
    }
    for (int v = 0; v <= left; ++v) {
      x[j] = v;
      rec(j + 1, left - v);
    }
  };
  rec(0, s);
}

/// Every vector of k positive integers whose product is c: the curved (hyperbolic) front prod(x) = c, exact.
void product_front(int k, int c, std::vector<std::vector<double>>& out) {
  std::vector<double> x(k);
  std::function<void(int, int)> rec = [&](int j, int left) {
    if (j == k - 1) {
      x[j] = left;
      out.push_back(x);
      return;
    }
    for (int d = 1; d <= left; ++d)
      if (left % d == 0) {
        x[j] = d;
        rec(j + 1, left / d);
      }
  };
  rec(0, c);
}

/// Front points get indices 3i+1; each also spawns dominated points (index 3i or 3i+2 and beyond) made by
/// adding a non-negative offset with at least one positive component. Returns the shuffled entries.
std::vector<Entry> with_dominated(const std::vector<std::vector<double>>& front, std::mt19937_64& rng,
                                  std::set<std::uint64_t>& front_indices) {
  std::vector<Entry> all;
  const std::uint64_t n = front.size();
  for (std::uint64_t i = 0; i < n; ++i) {
    all.push_back({3 * i + 1, front[i]});
    front_indices.insert(3 * i + 1);
    for (int d = 0; d < 2; ++d) {
      std::vector<double> x = front[i];
      const std::size_t must = below(rng, x.size());
      for (std::size_t j = 0; j < x.size(); ++j)
        x[j] += (j == must ? 0.25 + static_cast<double>(below(rng, 3)) : 0.5 * static_cast<double>(below(rng, 2)));
      all.push_back({d == 0 ? 3 * i : 3 * n + 3 * i + 2, x});
    }
  }
  shuffle(all, rng);
  return all;
}

}  // namespace

TEST_CASE("Analytic fronts: the archive returns exactly the front indices in 4 and 6 objectives",
          "[search][pareto]") {
  struct Front {
    int k;
    bool simplex;
    int param;
  };
  for (const Front f : {Front{4, true, 12}, Front{6, true, 6}, Front{4, false, 720}, Front{6, false, 420}}) {
    CAPTURE(f.k, f.simplex, f.param);
    std::vector<std::vector<double>> front;
    if (f.simplex) simplex_front(f.k, f.param, front);
    else product_front(f.k, f.param, front);
    REQUIRE(front.size() >= 100);
    std::mt19937_64 rng(1234 + f.k + f.param);
    std::set<std::uint64_t> expected;
    const std::vector<Entry> all = with_dominated(front, rng, expected);
    for (const std::size_t buffer : {std::size_t{7}, ParetoArchive::kDefaultBufferPoints}) {
      const ParetoArchive a = archive_of(all, f.k, buffer);
      const auto idx = a.indices();
      CHECK(std::vector<std::uint64_t>(idx.begin(), idx.end()) ==
            std::vector<std::uint64_t>(expected.begin(), expected.end()));
      for (std::size_t i = 0; i < a.size(); ++i) {  // the objectives are the front point's, bit for bit
        const auto o = a.objectives(i);
        CHECK(std::vector<double>(o.begin(), o.end()) == front[(a.index(i) - 1) / 3]);
      }
    }
  }
}

TEST_CASE("Random small sets with many ties agree with a brute-force filter in 2 to 6 objectives",
          "[search][pareto]") {
  std::mt19937_64 rng(20261123);
  for (int trial = 0; trial < 400; ++trial) {
    const int k = 2 + trial % 5;
    const std::size_t n = 1 + below(rng, 300);
    const std::uint64_t range = 2 + below(rng, 5);  // integer objectives in [0, range): ties are common
    std::vector<std::uint64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = 1000 + 7 * i;
    shuffle(ids, rng);
    std::vector<Entry> in;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> x(k);
      for (double& v : x) v = static_cast<double>(below(rng, range)) - 1.0;
      if (trial % 7 == 0) x[below(rng, k)] = below(rng, 2) ? std::numeric_limits<double>::infinity()
                                                            : -std::numeric_limits<double>::infinity();
      in.push_back({ids[i], x});
      if (below(rng, 10) == 0) {  // the same entry added again
        const Entry again = in[below(rng, in.size())];
        in.push_back(again);
      }
    }
    CAPTURE(trial, k, n, range);
    const std::vector<Entry> expected = brute_force(in);
    for (const std::size_t buffer : {std::size_t{1}, std::size_t{16}, ParetoArchive::kDefaultBufferPoints}) {
      const ParetoArchive a = archive_of(in, k, buffer);
      const std::vector<Entry> got = contents(a);
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].index == expected[i].index);
        CHECK(got[i].obj == expected[i].obj);
      }
    }
  }
}

TEST_CASE("Random chunks merged in a random tree give the single-archive result bit for bit",
          "[search][pareto]") {
  for (const int k : {2, 3, 4, 6}) {
    std::mt19937_64 rng(777 + k);
    std::vector<Entry> in;
    for (std::uint64_t i = 0; i < 6000; ++i) {
      std::vector<double> x(k);
      if (i % 3 == 0) {  // a curved front, quantised so that equal vectors occur
        double s = 0;
        for (double& v : x) {
          v = 0.05 + uniform01(rng);
          s += v * v;
        }
        for (double& v : x) v = std::round(v / std::sqrt(s) * 64.0) / 64.0;
      } else {
        for (double& v : x) v = 0.2 + uniform01(rng);
      }
      in.push_back({i * 11 % 6007, x});
    }
    const ParetoArchive reference = archive_of(in, k);
    CHECK(reference.size() > 10);
    for (int rep = 0; rep < 5; ++rep) {
      CAPTURE(k, rep);
      shuffle(in, rng);
      const std::size_t chunks = 1 + below(rng, 40);
      std::vector<std::size_t> cut = {0, in.size()};
      for (std::size_t c = 1; c < chunks; ++c) cut.push_back(below(rng, in.size() + 1));
      std::sort(cut.begin(), cut.end());
      std::vector<ParetoArchive> parts;
      for (std::size_t c = 0; c + 1 < cut.size(); ++c) {
        parts.emplace_back(k, 1 + below(rng, 200));  // small buffers: automatic filters run mid-chunk
        for (std::size_t i = cut[c]; i < cut[c + 1]; ++i) parts.back().add(in[i].index, in[i].obj.data());
        if (below(rng, 2)) parts.back().finalize();
      }
      while (parts.size() > 1) {  // merge two random archives, in a random direction
        const std::size_t a = below(rng, parts.size());
        std::size_t b = below(rng, parts.size() - 1);
        if (b >= a) ++b;
        parts[a].merge(parts[b]);
        if (below(rng, 2)) parts[a].finalize();
        parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(b));
      }
      parts[0].finalize();
      CHECK(same_bits(parts[0], reference));
    }
  }
}

TEST_CASE("Equal objective vectors keep the lowest index, and -0 equals +0", "[search][pareto]") {
  const double a[3] = {1, 2, 3}, b[3] = {3, 2, 1}, c[3] = {1, 2, 4};
  ParetoArchive arc(3);
  arc.add(50, a);
  arc.add(40, b);
  arc.add(10, c);  // dominated by a whatever its index
  arc.add(20, a);
  arc.add(90, b);
  arc.add(20, a);  // the same entry twice is kept once
  arc.finalize();
  REQUIRE(arc.size() == 2);
  CHECK(arc.index(0) == 20);
  CHECK(arc.index(1) == 40);

  ParetoArchive z(2);
  const double neg[2] = {-0.0, 1}, pos[2] = {0.0, 1};
  z.add(7, neg);
  z.add(3, pos);
  z.finalize();
  REQUIRE(z.size() == 1);
  CHECK(z.index(0) == 3);
  ParetoArchive z2(2);
  z2.add(3, neg);
  z2.finalize();
  CHECK_FALSE(std::signbit(z2.objectives(0)[0]));  // stored as +0: equal values have one bit pattern
}

TEST_CASE("Serialisation round trip is exact, finalized or not", "[search][pareto]") {
  std::mt19937_64 rng(42);
  for (const bool fin : {true, false}) {
    ParetoArchive a(5, 100);
    for (std::uint64_t i = 0; i < 1000; ++i) {
      double x[5];
      for (double& v : x) v = uniform01(rng);
      x[1] = 1.0 - x[0];
      a.add(i * 3, x);
    }
    if (fin) a.finalize();
    CAPTURE(fin);
    CHECK(a.finalized() == fin);
    const std::vector<std::byte> bytes = a.serialize();
    ParetoArchive b = ParetoArchive::deserialize(bytes);
    CHECK(b.finalized() == fin);
    CHECK(b.objective_count() == 5);
    CHECK(b.serialize() == bytes);
    a.finalize();
    b.finalize();
    CHECK(same_bits(a, b));
  }
  const ParetoArchive empty(4);
  const ParetoArchive e2 = ParetoArchive::deserialize(empty.serialize());
  CHECK((e2.empty() && e2.finalized() && e2.objective_count() == 4));
}

TEST_CASE("Bad input is refused: NaN, objective counts, mismatched merges, corrupt bytes", "[search][pareto]") {
  CHECK_THROWS_AS(ParetoArchive(1), chipdse::Error);
  CHECK_THROWS_AS(ParetoArchive(7), chipdse::Error);
  CHECK_THROWS_AS(ParetoArchive(3, 0), chipdse::Error);
  ParetoArchive a(3);
  const double nan[3] = {0, std::numeric_limits<double>::quiet_NaN(), 0};
  CHECK_THROWS_WITH(a.add(1, nan), Catch::Matchers::Contains("NaN"));
  CHECK(a.empty());
  ParetoArchive b(4);
  CHECK_THROWS_AS(a.merge(b), chipdse::Error);
  const double x[3] = {1, 2, 3};
  a.add(5, x);
  CHECK_THROWS_AS(a.indices(), chipdse::Error);  // not finalized
  a.merge(a);
  a.finalize();
  CHECK(a.size() == 1);

  const std::vector<std::byte> good = a.serialize();
  std::vector<std::byte> bad = good;
  bad.pop_back();
  CHECK_THROWS_WITH(ParetoArchive::deserialize(bad), Catch::Matchers::Contains("do not hold"));
  bad = good;
  bad[0] = std::byte{'X'};
  CHECK_THROWS_WITH(ParetoArchive::deserialize(bad), Catch::Matchers::Contains("magic"));
  bad = good;
  std::memcpy(bad.data() + bad.size() - 8, &nan[1], 8);
  CHECK_THROWS_WITH(ParetoArchive::deserialize(bad), Catch::Matchers::Contains("NaN"));
  CHECK_THROWS_AS(ParetoArchive::deserialize(std::vector<std::byte>(10)), chipdse::Error);
}

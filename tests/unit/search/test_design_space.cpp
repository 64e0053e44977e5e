// Tests of search/design_space: sum-of-products encoding, exact inverse, order, errors, no allocation in decode.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <random>
#include <set>
#include <tuple>

#include "chipdse/search/design_space.hpp"

using namespace chipdse::search;
using Catch::Matchers::Contains;

// ---- Counting global allocation functions (count only while g_counting is set; test 6). ----
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
void* volatile g_escape = nullptr;  // makes the positive control's allocation observable
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return ::operator new(n, tag); }
// noinline: once inlined, GCC 12 pairs std::free with the caller's operator new and warns
// (-Wmismatched-new-delete), although replacing both with malloc/free is the standard pattern.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

// ---- Helpers written independently of the code under test. ----

/// An axis called `name` with values name0, name1, ...
Axis axis(const std::string& name, std::size_t n) {
  Axis a{name, {}};
  for (std::size_t i = 0; i < n; ++i) a.values.push_back(name + std::to_string(i));
  return a;
}

/// A variant whose axes are called a0, a1, ... with the given sizes.
Variant variant(const std::string& name, const std::vector<std::size_t>& sizes) {
  Variant v{name, {}};
  for (std::size_t i = 0; i < sizes.size(); ++i) v.axes.push_back(axis("a" + std::to_string(i), sizes[i]));
  return v;
}

using Key = std::tuple<std::uint32_t, std::uint8_t, std::array<std::uint16_t, kMaxAxes>>;
Key key(const DesignPoint& p) { return {p.variant, p.axis_count, p.value}; }

/// Every design in enumeration order (variants in order, last axis fastest), by recursion.
void enumerate_axes(const Variant& v, std::size_t a, DesignPoint& p, std::vector<DesignPoint>& out) {
  if (a == v.axes.size()) {
    out.push_back(p);
    return;
  }
  for (std::size_t i = 0; i < v.axes[a].values.size(); ++i) {
    p.value[a] = static_cast<std::uint16_t>(i);
    enumerate_axes(v, a + 1, p, out);
  }
  p.value[a] = 0;
}
std::vector<DesignPoint> enumerate_all(const std::vector<Variant>& variants) {
  std::vector<DesignPoint> out;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    DesignPoint p;
    p.variant = static_cast<std::uint32_t>(v);
    p.axis_count = static_cast<std::uint8_t>(variants[v].axes.size());
    enumerate_axes(variants[v], 0, p, out);
  }
  return out;
}

/// Small spaces built by hand (sizes 1 .. a few thousand), including variants with no axes.
std::vector<std::vector<Variant>> small_spaces() {
  return {
      {variant("only", {1})},                                                                // 1
      {variant("a", {3, 2}), variant("none", {}), variant("c", {2, 5, 4})},                  // 6+1+40 = 47
      {variant("first", {}), variant("bits", std::vector<std::size_t>(11, 2)), variant("primes", {7, 11, 13}),
       variant("last", {})},                                                                 // 1+2048+1001+1 = 3051
      {variant("wide", std::vector<std::size_t>(kMaxAxes, 1)), variant("one", {1}),
       variant("mixed", {1, 4, 1, 3, 1})},                                                   // 1+1+12 = 14
  };
}

/// The exception's message if `f` throws E, else a text saying what happened instead.
template <class E, class F>
std::string thrown(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("WRONG EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

/// What constructing a space from `variants` throws (as for thrown()).
template <class E>
std::string refused(std::vector<Variant> variants) {
  return thrown<E>([&] { const DesignSpace space(std::move(variants)); });
}

}  // namespace

TEST_CASE("decode then encode is the identity and decoded points are distinct (small spaces)", "[search]") {
  for (const auto& variants : small_spaces()) {
    const DesignSpace space(variants);
    std::set<Key> seen;
    for (std::uint64_t i = 0; i < space.size(); ++i) {
      const DesignPoint p = space.decode(i);
      REQUIRE(p.variant < variants.size());
      REQUIRE(p.axis_count == variants[p.variant].axes.size());
      for (std::size_t a = 0; a < kMaxAxes; ++a) {
        if (a < p.axis_count) REQUIRE(p.value[a] < variants[p.variant].axes[a].values.size());
        else REQUIRE(p.value[a] == 0);
      }
      REQUIRE(space.encode(p) == i);
      seen.insert(key(p));
    }
    CHECK(seen.size() == space.size());
  }
}

TEST_CASE("size and order equal a brute-force enumeration (variants in order, last axis fastest)", "[search]") {
  const std::vector<std::uint64_t> expected_sizes = {1, 47, 3051, 14};  // the comments in small_spaces()
  const auto spaces = small_spaces();
  for (std::size_t s = 0; s < spaces.size(); ++s) {
    const DesignSpace space(spaces[s]);
    const std::vector<DesignPoint> all = enumerate_all(spaces[s]);
    REQUIRE(space.size() == all.size());
    CHECK(space.size() == expected_sizes[s]);
    for (std::uint64_t i = 0; i < all.size(); ++i) REQUIRE(space.decode(i) == all[i]);

    std::uint64_t offset = 0;
    REQUIRE(space.variant_count() == spaces[s].size());
    for (std::size_t v = 0; v < spaces[s].size(); ++v) {
      std::uint64_t product = 1;
      for (const Axis& a : spaces[s][v].axes) product *= a.values.size();
      CHECK(space.variant_offset(v) == offset);
      CHECK(space.variant_size(v) == product);
      CHECK(space.variant(v).name == spaces[s][v].name);
      offset += product;
    }
    CHECK(space.variant_offset(spaces[s].size()) == space.size());
  }
}

TEST_CASE("a variant with no axes is one design, with describe and axis_index", "[search]") {
  const DesignSpace space({variant("a", {3, 2}), variant("none", {}), variant("c", {2, 5, 4})});
  CHECK(space.variant_size(1) == 1);
  const DesignPoint none = space.decode(6);
  CHECK(none.variant == 1);
  CHECK(none.axis_count == 0);
  CHECK(space.describe(none) == "none");
  CHECK(space.describe(space.decode(0)) == "a: a0=a00, a1=a10");
  CHECK(space.describe(space.decode(5)) == "a: a0=a02, a1=a11");
  CHECK(space.describe(space.decode(7)) == "c: a0=a00, a1=a10, a2=a20");
  CHECK(space.describe(space.decode(46)) == "c: a0=a01, a1=a14, a2=a23");
  CHECK(space.describe(space.decode(7 + 1 * 20 + 2 * 4 + 3)) == "c: a0=a01, a1=a12, a2=a23");
  CHECK(space.axis_index(2, "a2") == 2);
  CHECK(space.axis_index(0, "a2") == DesignSpace::npos);
  CHECK(space.axis_index(1, "a0") == DesignSpace::npos);
  CHECK(space.variant_index("c") == 2);
  CHECK(space.variant_index("b") == DesignSpace::npos);
}

TEST_CASE("random indices of a space larger than 2^40 round-trip", "[search]") {
  // 8 variants x 12 axes x 10 values: 8e12 designs; within a variant the digits are the decimal digits.
  std::vector<Variant> variants;
  for (int v = 0; v < 8; ++v) variants.push_back(variant("v" + std::to_string(v), std::vector<std::size_t>(12, 10)));
  const DesignSpace space(variants);
  const std::uint64_t per_variant = 1'000'000'000'000ULL;
  REQUIRE(space.size() == 8 * per_variant);
  REQUIRE(space.size() > (std::uint64_t{1} << 40));

  std::mt19937_64 rng(20240601);
  std::uniform_int_distribution<std::uint64_t> pick(0, space.size() - 1);
  std::uint64_t mismatches = 0;
  for (int n = 0; n < 100'000; ++n) {
    const std::uint64_t i = pick(rng);
    const DesignPoint p = space.decode(i);
    if (space.encode(p) != i || p.variant != i / per_variant) ++mismatches;
    std::uint64_t rest = i % per_variant;  // decimal digits, last axis = least significant
    for (int a = 11; a >= 0; --a, rest /= 10)
      if (p.value[static_cast<std::size_t>(a)] != rest % 10) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(space.encode(space.decode(space.size() - 1)) == space.size() - 1);
  CHECK(space.decode(space.size() - 1).value[0] == 9);
}

TEST_CASE("a space just under 2^64 still round-trips at its edges", "[search]") {
  // 2^63 designs (axes 2^16 x 2^16 x 2^16 x 2^15) plus 2^62 (2^16 x 2^16 x 2^16 x 2^14).
  const DesignSpace space({variant("big", {65536, 65536, 65536, 32768}),
                           variant("half", {65536, 65536, 65536, 16384})});
  const std::uint64_t two63 = std::uint64_t{1} << 63;
  REQUIRE(space.size() == two63 + (two63 >> 1));
  for (const std::uint64_t i : {std::uint64_t{0}, two63 - 1, two63, space.size() - 1})
    CHECK(space.encode(space.decode(i)) == i);
  const DesignPoint last = space.decode(space.size() - 1);
  CHECK(last.variant == 1);
  CHECK(last.value[0] == 65535);
  CHECK(last.value[3] == 16383);
}

TEST_CASE("construction errors name the variant, axis or value", "[search]") {
  using E = std::invalid_argument;
  CHECK_THAT(refused<E>({}), Contains("no variants"));
  CHECK_THAT(refused<E>({variant("mono", {2}), Variant{"chip", {Axis{"io_node", {}}}}}),
             Contains("variant 'chip': axis 'io_node' has no values"));
  CHECK_THAT(refused<E>({Variant{"mono", {axis("node", 2), axis("node", 3)}}}),
             Contains("variant 'mono': axis 'node' appears twice"));
  CHECK_THAT(refused<E>({variant("wide", std::vector<std::size_t>(kMaxAxes + 1, 2))}),
             Contains("variant 'wide' has 17 axes (at most 16)"));
  CHECK_THAT(refused<E>({Variant{"mono", {Axis{"node", {"N5", "N3", "N5"}}}}}),
             Contains("variant 'mono': axis 'node': value 'N5' appears twice"));
  CHECK_THAT(refused<E>({variant("mono", {1}), variant("mono", {2})}), Contains("variant 'mono' appears twice"));
  CHECK_THAT(refused<E>({variant("", {1})}), Contains("variant #0 has an empty name"));
  CHECK_THAT(refused<E>({Variant{"mono", {Axis{"", {"x"}}}}}), Contains("variant 'mono': axis #0 has an empty name"));
  CHECK_THAT(refused<E>({Variant{"mono", {Axis{"node", {"N5", ""}}}}}),
             Contains("variant 'mono': axis 'node': value #1 is empty"));
  CHECK_THAT(refused<E>({variant("huge", {65537})}),
             Contains("variant 'huge': axis 'a0' has 65537 values (at most 65536)"));
}

TEST_CASE("sizes that overflow std::uint64_t are refused, naming the variant", "[search]") {
  using E = std::overflow_error;
  // One variant of 2^80 designs.
  CHECK_THAT(refused<E>({variant("ok", {2}), variant("huge", {65536, 65536, 65536, 65536, 65536})}),
             Contains("variant 'huge' has more designs than std::uint64_t can count"));
  // Two variants of 2^63 designs each: each fits, the sum (2^64) does not.
  CHECK_THAT(refused<E>({variant("p", {65536, 65536, 65536, 32768}), variant("q", {65536, 65536, 65536, 32768})}),
             Contains("total size overflows std::uint64_t at variant 'q'"));
}

TEST_CASE("encode and describe refuse invalid points, naming the axis", "[search]") {
  const DesignSpace space({Variant{"mono", {Axis{"node", {"N7", "N5"}}, Axis{"hbm", {"HBM3", "HBM3E", "HBM4"}}}},
                           Variant{"bare", {}}});
  DesignPoint p = space.decode(0);
  p.value[1] = 3;
  CHECK_THAT(thrown<std::out_of_range>([&] { (void)space.encode(p); }),
             Contains("variant 'mono': axis 'hbm' value index 3 out of range (3 values: HBM3, HBM3E, HBM4)"));
  CHECK_THAT(thrown<std::out_of_range>([&] { (void)space.describe(p); }), Contains("axis 'hbm'"));
  p = space.decode(0);
  p.axis_count = 1;
  CHECK_THAT(thrown<std::out_of_range>([&] { (void)space.encode(p); }), Contains("variant 'mono' has 2 axes"));
  p = space.decode(6);
  p.value[0] = 1;  // padding beyond a zero-axis variant
  CHECK_THAT(thrown<std::out_of_range>([&] { (void)space.encode(p); }), Contains("must be 0"));
  p.variant = 2;
  CHECK_THAT(thrown<std::out_of_range>([&] { (void)space.encode(p); }), Contains("variant index 2 out of range"));
}

TEST_CASE("find_point sets axes by name and names what is wrong", "[search]") {
  const DesignSpace space({Variant{"mono", {Axis{"node", {"N7", "N5"}}, Axis{"hbm", {"HBM3", "HBM3E", "HBM4"}}}},
                           Variant{"bare", {}}});
  const DesignPoint p = space.find_point("mono", {{"hbm", "HBM4"}, {"node", "N5"}});
  CHECK(space.encode(p) == 1 * 3 + 2);
  CHECK(space.describe(p) == "mono: node=N5, hbm=HBM4");
  CHECK(space.encode(space.find_point("bare", {})) == 6);
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("mono", {{"io_node", "N6"}}); }),
             Contains("variant 'mono' has no axis 'io_node' (valid axes: node, hbm)"));
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("mono", {{"node", "N4"}, {"hbm", "HBM3"}}); }),
             Contains("axis 'node' has no value 'N4' (valid values: N7, N5)"));
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("chiplet", {}); }),
             Contains("unknown variant 'chiplet' (valid variants: mono, bare)"));
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("mono", {{"node", "N7"}}); }),
             Contains("axes not set: hbm"));
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("mono", {{"node", "N7"}, {"node", "N5"}}); }),
             Contains("axis 'node' is set twice"));
  CHECK_THAT(thrown<std::invalid_argument>([&] { (void)space.find_point("bare", {{"node", "N7"}}); }),
             Contains("variant 'bare' has no axis 'node' (valid axes: none)"));
}

TEST_CASE("a DESIGN.md section 1 space: partitioning decides which node axes exist", "[search]") {
  const Axis compute{"compute_node", {"N7", "N5", "N3", "N2"}};
  const Axis io{"io_node", {"N12", "N7", "N6"}};
  const Axis cache{"cache_node", {"N7", "N5", "N3"}};
  const Axis packaging{"packaging", {"organic", "InFO", "CoWoS-S", "CoWoS-L"}};
  const Axis packaging_3d{"packaging", {"CoWoS-S", "CoWoS-L"}};  // the cache die is SoIC-bonded on top
  const Axis d2d{"d2d", {"UCIe-S", "UCIe-A"}};
  const Axis count{"chiplet_count", {"2", "4", "8", "16"}};
  const Axis hbm{"hbm", {"HBM3", "HBM3E", "HBM4"}};
  const Axis stacks{"hbm_stacks", {"4", "6", "8"}};
  const Axis link{"link", {"DSP", "LPO", "CPO", "copper"}};
  const Axis clock{"clock", {"low", "nominal", "high"}};
  std::vector<Variant> variants{{"monolithic", {compute, packaging, hbm, stacks, link, clock}}};
  for (const char* k : {"2", "4", "8", "16"})
    variants.push_back({std::string("chiplets_") + k, {compute, packaging, d2d, hbm, stacks, link, clock}});
  variants.push_back({"chiplets+io", {compute, io, count, packaging, d2d, hbm, stacks, link, clock}});
  variants.push_back({"chiplets+io+cache", {compute, io, cache, count, packaging_3d, d2d, hbm, stacks, link, clock}});
  const DesignSpace space(variants);

  // monolithic        4*4*3*3*4*3       =  1728
  // chiplets_k (x4)   4*4*2*3*3*4*3     =  3456 each, 13824 for the four
  // chiplets+io       4*3*4*4*2*3*3*4*3 = 41472
  // chiplets+io+cache 4*3*3*4*2*2*3*3*4*3 = 62208
  // total 1728 + 13824 + 41472 + 62208 = 119232
  CHECK(space.size() == 119232);
  CHECK(space.variant_size(0) == 1728);
  CHECK(space.variant_offset(5) == 1728 + 13824);

  CHECK(space.describe(space.decode(0)) ==
        "monolithic: compute_node=N7, packaging=organic, hbm=HBM3, hbm_stacks=4, link=DSP, clock=low");
  CHECK(space.describe(space.decode(space.size() - 1)) ==
        "chiplets+io+cache: compute_node=N2, io_node=N6, cache_node=N3, chiplet_count=16, packaging=CoWoS-L, "
        "d2d=UCIe-A, hbm=HBM4, hbm_stacks=8, link=copper, clock=high");

  std::uint64_t monolithic = 0, with_io = 0, with_cache = 0;
  for (std::uint64_t i = 0; i < space.size(); ++i) {
    const DesignPoint p = space.decode(i);
    const std::string text = space.describe(p);
    const bool has_io = space.axis_index(p.variant, "io_node") != DesignSpace::npos;
    const bool has_cache = space.axis_index(p.variant, "cache_node") != DesignSpace::npos;
    if (space.variant(p.variant).name == "monolithic") {
      ++monolithic;
      REQUIRE_FALSE(has_io);
      REQUIRE(text.find("io_node") == std::string::npos);
    }
    with_io += has_io;
    with_cache += has_cache;
    REQUIRE((!has_cache || has_io));
    REQUIRE(space.encode(p) == i);
  }
  CHECK(monolithic == 1728);
  CHECK(with_io == 41472 + 62208);
  CHECK(with_cache == 62208);

  const DesignPoint set = space.find_point(
      "chiplets+io", {{"compute_node", "N3"}, {"io_node", "N6"}, {"chiplet_count", "8"}, {"packaging", "CoWoS-L"},
                      {"d2d", "UCIe-A"}, {"hbm", "HBM3E"}, {"hbm_stacks", "8"}, {"link", "CPO"}, {"clock", "nominal"}});
  CHECK(space.decode(space.encode(set)) == set);
  CHECK(space.describe(set) ==
        "chiplets+io: compute_node=N3, io_node=N6, chiplet_count=8, packaging=CoWoS-L, d2d=UCIe-A, hbm=HBM3E, "
        "hbm_stacks=8, link=CPO, clock=nominal");
}

TEST_CASE("decode allocates nothing", "[search]") {
  // Positive control: the counter sees an allocation that escapes.
  g_allocations = 0;
  g_counting = true;
  g_escape = new int(7);
  g_counting = false;
  delete static_cast<int*>(g_escape);
  REQUIRE(g_allocations == 1);

  std::vector<Variant> variants;
  for (int v = 0; v < 8; ++v) variants.push_back(variant("v" + std::to_string(v), std::vector<std::size_t>(12, 10)));
  const DesignSpace space(variants);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> pick(0, space.size() - 1);
  std::uint64_t sink = 0;
  g_allocations = 0;
  g_counting = true;
  for (int n = 0; n < 10'000; ++n) {
    const DesignPoint p = space.decode(pick(rng));
    sink += p.value[11] + p.variant;
  }
  g_counting = false;
  CHECK(g_allocations == 0);
  CHECK(sink > 0);
}

// Properties of the cost kernel (model/die_cost, package_cost, nre): reductions to Chiplet Actuary, superlinear die
// cost, the W2W vs D2W inequality, bridge / HBM / escape terms, NRE scaling and reuse, finiteness over a grid, and no
// heap allocation in the per-point path (global operator new is replaced below and counts while a flag is set).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <new>

#include "alloc_counter.hpp"
#include "chipdse/model/actuary_params.hpp"
#include "chipdse/model/die_cost.hpp"
#include "chipdse/model/nre.hpp"
#include "chipdse/model/package_cost.hpp"
#include "chipdse/model/wafer.hpp"
#include "chipdse/model/yield.hpp"
#include "chipdse/tech/tech_loader.hpp"

namespace chipdse::test {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace chipdse::test
using chipdse::test::g_allocations;
using chipdse::test::g_counting;

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
// The nothrow forms too, so every allocation and release goes through the same pair (malloc/free): otherwise a
// sanitizer build pairs its own nothrow new with this delete and reports a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace chipdse::model;

namespace {

// Chiplet Actuary's shipped parameters, from inputs/tech/chiplet_actuary_2022.toml.
const ActuaryParameters& actuary() {
  static const ActuaryParameters a = actuary_parameters_from_tech(chipdse::tech::load_tech_database(
      std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "chiplet_actuary_2022.toml"));
  return a;
}

DieSpec actuary_spec(int node_nm, double area_mm2, double d0_override = -1.0) {
  const ActuaryParameters& a = actuary();
  const ActuaryNode* n = a.node(node_nm);
  DieSpec s;
  s.wafer_cost_usd = n->wafer_cost_usd;
  s.dies_per_wafer = dies_per_wafer_actuary(area_mm2, a.wafer.diameter_mm, a.wafer.edge_loss_mm, a.wafer.scribe_mm);
  s.yield = yield_negative_binomial(area_mm2, d0_override >= 0.0 ? d0_override : n->d0_per_cm2, a.die_alpha);
  return s;
}

PackageSpec chiplets(PackageKind kind, const DieCost& c, double area_mm2, int count, int kinds = 1) {
  PackageSpec p;
  p.kind = kind;
  for (int k = 0; k < kinds; ++k) p.dies[p.die_kind_count++] = PlacedDie{c, area_mm2, count};
  return p;
}

double item_sum(const ReBreakdown& r) {
  return r.raw_chips_usd + r.defect_chips_usd + r.raw_package_usd + r.defect_package_usd + r.wasted_chips_usd +
         r.test_chips_usd + r.hbm_usd;
}

// A CoWoS-L-like bridge package for the tests: illustrative values, not sourced data.
PackagingParams with_bridge() {
  PackagingParams p = actuary().packaging;
  p.bridge.carrier_area_scale = 1.2;
  p.bridge.carrier_usd_per_mm2 = 0.02;
  p.bridge.carrier_defects = DefectModel{YieldModel::negative_binomial, 0.05, 3.0, 10, 1.0};
  DieSpec b = actuary_spec(55, 40.0);
  b.test = KgdTest{0.95, 0.5};
  p.bridge.bridge = die_cost(b);
  p.bridge.bridges_per_edge = 2;
  p.bridge.bridge_embed_yield = 0.995;
  p.bridge.chip_bond_yield = 0.98;
  p.bridge.ubump_usd_per_mm2 = 0.01;
  p.bridge.substrate_area_scale = 4.0;
  p.bridge.substrate_attach_yield = 0.99;
  return p;
}

constexpr PackageKind kKinds[] = {PackageKind::organic_mcm, PackageKind::fanout_chip_last,
                                  PackageKind::fanout_chip_first, PackageKind::silicon_interposer, PackageKind::bridge};

}  // namespace

TEST_CASE("die_cost with a perfect free test is die_cost_actuary bit for bit", "[model][cost]") {
  for (const auto& node : actuary().nodes)
    for (double a = 1.0; a <= 2000.0; a *= 1.1) {
      const DieSpec s = actuary_spec(node.node_nm, a);
      const DieCost x = die_cost(s), y = die_cost_actuary(s);
      INFO(node.node_nm << " nm, " << a << " mm2");
      CHECK(x.raw_usd == y.raw_usd);
      CHECK(x.defect_usd == y.defect_usd);
      CHECK(x.shipped_usd == y.shipped_usd);
      CHECK(x.test_usd == 0.0);
      CHECK(x.pass_yield == y.pass_yield);
      CHECK(x.quality == 1.0);
    }
}

TEST_CASE("KGD test: coverage trades scrap for escapes, the itemisation adds up", "[model][cost]") {
  DieSpec s = actuary_spec(3, 400.0);
  double last_shipped = 0.0, last_quality = 0.0;
  for (double c = 0.0; c <= 1.0; c += 0.125) {
    s.test = KgdTest{c, 2.0};
    const DieCost d = die_cost(s);
    INFO("coverage " << c);
    CHECK(d.shipped_usd == Approx(d.raw_usd + d.defect_usd + d.test_usd).epsilon(1e-14));
    CHECK(d.pass_yield >= d.true_yield);
    CHECK(d.quality <= 1.0);
    CHECK(d.quality == Approx(d.true_yield / (1.0 - (1.0 - d.true_yield) * c)).epsilon(1e-14));
    CHECK(d.shipped_usd > last_shipped);  // more rejects, more cost per shipped die
    CHECK(d.quality > last_quality);      // and fewer escapes
    last_shipped = d.shipped_usd, last_quality = d.quality;
    if (c == 0.0) CHECK(d.shipped_usd == d.raw_usd + 2.0);  // nothing rejected: raw + test
  }
}

TEST_CASE("cost per good die grows faster than area at every Actuary node", "[model][cost]") {
  // cost(2A) / cost(A) > 2 holds from ~16 mm² up (Actuary closed form): below it the fixed 0.2 mm scribe lane is a
  // large share of the die and the ratio dips to ~1.76 at 0.5 mm². Checked for A = 20..1000 mm² (2A up to 2000).
  for (const auto& node : actuary().nodes)
    for (double a = 20.0; a <= 1000.0; a += 10.0) {
      const double r = die_cost(actuary_spec(node.node_nm, 2.0 * a)).shipped_usd /
                       die_cost(actuary_spec(node.node_nm, a)).shipped_usd;
      INFO(node.node_nm << " nm, A = " << a << " mm2: cost(2A)/cost(A) = " << r);
      CHECK(r > 2.0);
    }
}

TEST_CASE("3D stacks: W2W >= D2W with equal bond yields and free tests, equal only if all dies yield 1", "[model][cost][3d]") {
  StackSpec s;
  s.bond_yield = 0.96;
  s.layer_count = 3;
  for (const double y0 : {1.0, 0.9, 0.6})
    for (const double y1 : {1.0, 0.8, 0.5})
      for (const double y2 : {1.0, 0.95}) {
        s.layers = {DieSpec{10000.0, 200.0, y0, {}}, DieSpec{8000.0, 200.0, y1, {}}, DieSpec{5000.0, 200.0, y2, {}}};
        s.flow = BondFlow::wafer_to_wafer;
        const DieCost w2w = stack_cost_3d(s);
        s.flow = BondFlow::die_to_wafer;
        const DieCost d2w = stack_cost_3d(s);
        const bool all_good = y0 == 1.0 && y1 == 1.0 && y2 == 1.0;
        INFO("yields " << y0 << " " << y1 << " " << y2 << ": W2W " << w2w.shipped_usd << ", D2W " << d2w.shipped_usd);
        if (all_good)
          CHECK(w2w.shipped_usd == Approx(d2w.shipped_usd).epsilon(1e-14));
        else
          CHECK(w2w.shipped_usd > d2w.shipped_usd);
        // D2W by hand: sum of KGD costs over the bond yield y^2.
        const double kgd = 10000.0 / 200.0 / y0 + 8000.0 / 200.0 / y1 + 5000.0 / 200.0 / y2;
        CHECK(d2w.shipped_usd == Approx(kgd / (0.96 * 0.96)).epsilon(1e-14));
        CHECK(w2w.shipped_usd == Approx((50.0 + 40.0 + 25.0) / (y0 * y1 * y2 * 0.96 * 0.96)).epsilon(1e-14));
      }
  // Well-yielding dies, and W2W's better bond yield (3D-Carbon: hybrid W2W 0.97 vs D2W 0.95): W2W is cheaper.
  s.layers = {DieSpec{10000.0, 200.0, 0.99, {}}, DieSpec{8000.0, 200.0, 0.99, {}}, DieSpec{5000.0, 200.0, 0.99, {}}};
  s.flow = BondFlow::wafer_to_wafer;
  s.bond_yield = 0.97;
  const double w2w = stack_cost_3d(s).shipped_usd;
  s.flow = BondFlow::die_to_wafer;
  s.bond_yield = 0.95;
  CHECK(w2w < stack_cost_3d(s).shipped_usd);
  // W2W shares one die grid: the larger die's dies per wafer prices every layer.
  s.flow = BondFlow::wafer_to_wafer;
  s.layers[1].dies_per_wafer = 100.0;
  CHECK(stack_cost_3d(s).raw_usd == Approx(10000.0 / 100 + 8000.0 / 100 + 5000.0 / 100).epsilon(1e-14));
  // A one-layer D2W stack is its die when the stack test rejects nothing (coverage 0, free)...
  s.flow = BondFlow::die_to_wafer;
  s.layer_count = 1;
  s.layers[0].test = KgdTest{0.9, 1.0};
  s.stack_test = KgdTest{0.0, 0.0};
  const DieCost die = die_cost(s.layers[0]);
  CHECK(stack_cost_3d(s).shipped_usd == die.shipped_usd);
  CHECK(stack_cost_3d(s).quality == die.quality);
  // ... and a perfect stack test then scraps exactly the die test's escapes: cost / Q, quality 1.
  s.stack_test = KgdTest{1.0, 0.0};
  CHECK(stack_cost_3d(s).shipped_usd == Approx(die.shipped_usd / die.quality).epsilon(1e-14));
  CHECK(stack_cost_3d(s).quality == 1.0);
}

TEST_CASE("micro-bumps: corrected mode pays per die, compat once per kind", "[model][cost]") {
  const DieCost c = die_cost(actuary_spec(5, 220.0));
  for (const PackageKind k : {PackageKind::fanout_chip_last, PackageKind::silicon_interposer}) {
    const PackageCost four = package_cost(chiplets(k, c, 220.0, 4), actuary().packaging);
    const PackageCost distinct = package_cost(chiplets(k, c, 220.0, 1, 4), actuary().packaging);
    CHECK(four.re.raw_chips_usd == Approx(distinct.re.raw_chips_usd).epsilon(1e-14));
    const PackageCost tool = package_cost(chiplets(k, c, 220.0, 4), actuary().packaging, actuary_compat());
    CHECK(four.re.raw_chips_usd - tool.re.raw_chips_usd == Approx(3 * 220.0 * 0.01).epsilon(1e-12));
  }
}

TEST_CASE("every flow itemises to its total, and escapes and HBM scale the wasted term", "[model][cost]") {
  const PackagingParams params = with_bridge();
  DieSpec s = actuary_spec(5, 220.0);
  for (const PackageKind k : kKinds) {
    PackageSpec p = chiplets(k, die_cost(s), 220.0, 4);
    p.d2d_edges = 4;
    const PackageCost base = package_cost(p, params);
    INFO("kind " << static_cast<int>(k));
    CHECK(base.re.total_re_usd == Approx(item_sum(base.re)).epsilon(1e-15));
    // HBM: bought in, bonded like a die, lost with the dies: wasted = (dies + HBM) (1/y - 1) with y over 6 parts.
    PackageSpec h = p;
    h.hbm_count = 2;
    h.hbm_price_usd = 250.0;
    h.hbm_area_mm2 = 110.0;
    const PackageCost with_hbm = package_cost(h, params);
    CHECK(with_hbm.component_count == 6);
    CHECK(with_hbm.re.hbm_usd == 500.0);
    CHECK(with_hbm.re.wasted_chips_usd ==
          Approx((with_hbm.re.raw_chips_usd + with_hbm.re.defect_chips_usd + 500.0) *
                 (1.0 / with_hbm.assembly_yield - 1.0)).epsilon(1e-14));
    CHECK(with_hbm.assembly_yield < base.assembly_yield);
    // Escapes (coverage < 1) lower the assembly yield by prod Q and raise the scrap.
    DieSpec leaky = s;
    leaky.test = KgdTest{0.8, 0.0};
    const DieCost lc = die_cost(leaky);
    PackageSpec e = p;
    e.dies[0].cost = lc;
    const PackageCost esc = package_cost(e, params);
    CHECK(esc.assembly_yield == Approx(base.assembly_yield * std::pow(lc.quality, 4)).epsilon(1e-14));
    CHECK(esc.assembly_yield < base.assembly_yield);
    CHECK(esc.re.wasted_chips_usd == Approx((esc.re.raw_chips_usd + esc.re.defect_chips_usd) *
                                            (1.0 / esc.assembly_yield - 1.0)).epsilon(1e-14));
  }
}

TEST_CASE("bridge package: hand-computed flow, and monotone in bridges and their yield", "[model][cost][bridge]") {
  PackagingParams params = with_bridge();
  const DieCost c = die_cost(actuary_spec(5, 220.0));
  PackageSpec p = chiplets(PackageKind::bridge, c, 220.0, 4);
  p.d2d_edges = 4;  // a 2 x 2 array
  const PackageCost r = package_cost(p, params);
  const BridgeParams& b = params.bridge;
  const double a_car = 1.2 * 880.0, a_sub = 4.0 * a_car;
  const double carrier = a_car * 0.02 + 8.0 * b.bridge.shipped_usd, substrate = a_sub * 0.005;
  const double y1 = yield_negative_binomial(a_car, 0.05, 3.0) * std::pow(0.995, 8) * std::pow(b.bridge.quality, 8);
  const double y2 = std::pow(0.98, 4), y3 = 0.99;
  const double chips = 4.0 * (c.raw_usd + 220.0 * 0.01) + 4.0 * c.defect_usd;
  CHECK(r.bridge_count == 8);
  CHECK(r.interposer_yield == Approx(y1).epsilon(1e-14));
  CHECK(r.re.raw_package_usd == Approx(carrier + substrate).epsilon(1e-14));
  CHECK(r.re.defect_package_usd ==
        Approx(carrier * (1.0 / (y1 * y2 * y3) - 1.0) + substrate * (1.0 / y3 - 1.0)).epsilon(1e-13));
  CHECK(r.re.wasted_chips_usd == Approx(chips * (1.0 / (y2 * y3) - 1.0)).epsilon(1e-13));
  double last = 0.0;
  for (int per_edge = 0; per_edge <= 4; ++per_edge) {
    params.bridge.bridges_per_edge = per_edge;
    const double total = package_cost(p, params).re.total_re_usd;
    CHECK(total > last);
    last = total;
  }
  params.bridge.bridges_per_edge = 2;
  params.bridge.bridge_embed_yield = 0.9;
  CHECK(package_cost(p, params).re.total_re_usd > r.re.total_re_usd);
}

TEST_CASE("a stitched interposer pays the stitch yield per extra reticle field", "[model][cost]") {
  PackagingParams params = actuary().packaging;
  params.silicon.reticle_area_mm2 = 858.0;
  params.silicon.stitch_yield = 0.9;
  const DieCost c = die_cost(actuary_spec(5, 220.0));
  const PackageCost plain = package_cost(chiplets(PackageKind::silicon_interposer, c, 220.0, 4), actuary().packaging);
  const PackageCost stitched = package_cost(chiplets(PackageKind::silicon_interposer, c, 220.0, 4), params);
  CHECK(stitched.interposer_yield == Approx(plain.interposer_yield * 0.9).epsilon(1e-15));  // 968 mm²: 2 fields
}

TEST_CASE("NRE per unit is exactly proportional to 1/volume and reuse recovers every design once", "[model][nre]") {
  const NreParams& n = actuary().nre;
  std::array<ProductNre, 2> family{};
  family[0].volume_units = 300000.0;
  family[0].add({1, NreKind::module, module_nre_usd(200.0, 5.42e8, n), 4.0});
  family[0].add({2, NreKind::chip, chip_nre_usd(220.0, 5.42e8, n), 4.0});
  family[0].add({3, NreKind::d2d, d2d_nre_usd(5.42e8, n), 4.0});
  family[0].add({10, NreKind::package, 2.6e7, 1.0});
  family[1].volume_units = 700000.0;
  family[1].add({2, NreKind::chip, chip_nre_usd(220.0, 5.42e8, n), 2.0});  // the same chiplet, twice
  family[1].add({1, NreKind::module, module_nre_usd(200.0, 5.42e8, n), 2.0});
  family[1].add({3, NreKind::d2d, d2d_nre_usd(5.42e8, n), 2.0});
  family[1].add({11, NreKind::package, 2.6e7, 1.0});  // same area as product 0's package, its own design
  const NreResult r0 = amortise_nre(family, 0), r1 = amortise_nre(family, 1);
  const double designs = module_nre_usd(200.0, 5.42e8, n) + chip_nre_usd(220.0, 5.42e8, n) + d2d_nre_usd(5.42e8, n);
  CHECK(r0.total_usd == Approx(designs + 2.6e7).epsilon(1e-15));
  // Every design is paid exactly once by the family (Actuary shares equal-area package NRE instead: see report).
  CHECK(r0.per_unit_usd * 3e5 + r1.per_unit_usd * 7e5 == Approx(designs + 2 * 2.6e7).epsilon(1e-14));
  for (const double k : {2.0, 4.0, 1024.0}) {  // powers of two: bit for bit
    auto scaled = family;
    for (auto& p : scaled) p.volume_units *= k;
    CHECK(amortise_nre(scaled, 0).per_unit_usd == r0.per_unit_usd / k);
    CHECK(amortise_nre(scaled, 1).per_unit_usd == r1.per_unit_usd / k);
  }
  auto tripled = family;
  for (auto& p : tripled) p.volume_units *= 3.0;
  CHECK(amortise_nre(tripled, 0).per_unit_usd == Approx(r0.per_unit_usd / 3.0).epsilon(1e-15));
  // A design listed twice in one product is still designed once.
  ProductNre twice = family[0];
  twice.add({2, NreKind::chip, chip_nre_usd(220.0, 5.42e8, n), 1.0});
  const NreResult rt = amortise_nre(std::span(&twice, 1), 0);
  CHECK(rt.chip_usd == Approx(chip_nre_usd(220.0, 5.42e8, n)).epsilon(1e-15));
  CHECK(rt.per_unit_usd == Approx(r0.total_usd / 3e5).epsilon(1e-14));
}

TEST_CASE("no NaN or infinity over a grid of areas, defect densities, counts and flows", "[model][cost]") {
  const PackagingParams params = with_bridge();
  long evaluated = 0;
  for (const double a : {1.0, 10.0, 50.0, 200.0, 800.0, 1200.0, 2000.0})
    for (const double d0 : {0.0, 0.05, 0.2, 0.5, 1.0})
      for (const int count : {1, 2, 4, 8, 16})
        for (const PackageKind k : kKinds)
          for (const CostCompat compat : {CostCompat{}, actuary_compat()}) {
            DieSpec s = actuary_spec(3, a, d0);
            s.test = KgdTest{0.9, 1.0};
            PackageSpec p = chiplets(k, die_cost(s), a, count);
            p.d2d_edges = count - 1;
            const PackageCost r = package_cost(p, params, compat);
            const double nre = package_nre_usd(k, r, actuary().nre, params.organic, compat);
            INFO("area " << a << ", D0 " << d0 << ", count " << count << ", kind " << static_cast<int>(k));
            CHECK(std::isfinite(r.re.total_re_usd));
            CHECK(r.re.total_re_usd > 0.0);
            CHECK(std::isfinite(nre));
            CHECK(r.assembly_yield > 0.0);
            ++evaluated;
          }
  CHECK(evaluated == 7 * 5 * 5 * 5 * 2);
}

TEST_CASE("the per-point cost path allocates nothing (10^4 evaluations of a 4-chiplet package)", "[model][alloc]") {
  const PackagingParams params = with_bridge();
  const ActuaryParameters& a = actuary();
  std::array<ProductNre, 1> family{};
  double sink = 0.0;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 10000; ++i) {
    const double area = 150.0 + 0.01 * i;
    DieSpec s;
    s.wafer_cost_usd = a.nodes[1].wafer_cost_usd;
    s.dies_per_wafer = dies_per_wafer(a.wafer, std::sqrt(area), std::sqrt(area));
    s.yield = die_yield(DefectModel{YieldModel::negative_binomial, 0.11, 10.0, 10, 1.0}, area);
    s.test = KgdTest{0.99, 0.5};
    PackageSpec p = chiplets(kKinds[i % 5], die_cost(s), area, 4);
    p.d2d_edges = 4;
    p.hbm_count = 4;
    p.hbm_price_usd = 300.0;
    const PackageCost r = package_cost(p, params);
    family[0] = ProductNre{};
    family[0].volume_units = 5e5;
    family[0].add({1, NreKind::chip, chip_nre_usd(area, 5.42e8, a.nre), 4.0});
    family[0].add({2, NreKind::package, package_nre_usd(p.kind, r, a.nre, params.organic), 1.0});
    sink += total_per_unit_usd(r, amortise_nre(family, 0));
    if (i % 1000 == 0) sink += static_cast<double>(dies_per_wafer_grid(std::sqrt(area), std::sqrt(area), 299.8, 0.13));
  }
  g_counting = false;
  CHECK(g_allocations.load() == 0);
  CHECK(std::isfinite(sink));
}

TEST_CASE("timing of one package-cost evaluation (informational)", "[model][timing]") {
  const PackagingParams params = with_bridge();
  const DieCost c = die_cost(actuary_spec(5, 220.0));
  constexpr int kReps = 1000000;
  double sink = 0.0;
  for (const PackageKind k : kKinds) {
    PackageSpec p = chiplets(k, c, 220.0, 4);
    p.d2d_edges = 4;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kReps; ++i) {
      p.dies[0].area_mm2 = 220.0 + 1e-9 * i;  // defeat hoisting
      sink += package_cost(p, params).re.total_re_usd;
    }
    const auto t1 = std::chrono::steady_clock::now();
    std::cout << "[model timing] package_cost kind " << static_cast<int>(k) << " (4 chiplets): "
              << std::chrono::duration<double, std::nano>(t1 - t0).count() / kReps << " ns\n";
  }
  // The whole per-point chain: Actuary DPW + NB yield + KGD die cost + package + package NRE.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kReps; ++i) {
    const double area = 220.0 + 1e-9 * i;
    const PackageCost r = package_cost(chiplets(PackageKind::silicon_interposer, die_cost(actuary_spec(5, area)), area, 4),
                                       params);
    sink += r.re.total_re_usd + package_nre_usd(PackageKind::silicon_interposer, r, actuary().nre, params.organic);
  }
  const auto t1 = std::chrono::steady_clock::now();
  std::cout << "[model timing] die + package + NRE chain (SI, 4 chiplets): "
            << std::chrono::duration<double, std::nano>(t1 - t0).count() / kReps << " ns\n";
  CHECK(std::isfinite(sink));
}

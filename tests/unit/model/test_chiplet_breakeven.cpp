// Issue #4 property: "on organic MCM at each node N7-N2 there is a die area above which 2 and 4 chiplets stay
// cheaper than monolithic (find it, and check it holds at every larger area up to the reticle)".
//
// Set-up, all numbers from the shipped technology database (via the default deck's resolved KernelParams):
// a monolithic die of area A against k identical chiplets of A/k plus one UCIe-S PHY each for the smallest
// provisioned D2D bandwidth of the default space (2 Tbps per direction), at the same node, on an organic
// laminate (Chiplet Actuary's OS flow with its layer-count tiers), real KGD test, dies per wafer counted on the
// wafer grid for the shape rule's die. Compared: the recurring (manufacturing) cost per package; NRE is left out
// because it favours the smaller chiplet design at any volume, so the RE comparison is the stricter one.
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

const KernelParams& params() { return test::default_params(); }

double package_re_usd(const KernelParams& p, ProcessNode node, int k, double logic_area_mm2) {
  constexpr double kD2dTbpsBidir = 2.0 * 2.0;  // 2 Tbps per direction, the default space's smallest
  const double area = logic_area_mm2 / k + (k > 1 ? d2d_phy_area_mm2(p.area, node, D2dKind::ucie_s, kD2dTbpsBidir) : 0.0);
  const DieShape shape = die_shape(area, p.area);
  const NodeCostParams& n = p.node[static_cast<std::size_t>(node)];
  DieSpec spec;
  spec.wafer_cost_usd = n.wafer_cost_usd;
  spec.dies_per_wafer = dies_per_wafer(p.wafer, shape.width_mm, shape.height_mm);
  spec.yield = die_yield(n.defects, area);
  spec.test = p.die_test;
  PackageSpec pkg;
  pkg.kind = PackageKind::organic_mcm;
  pkg.dies[0] = PlacedDie{die_cost(spec), area, k};
  pkg.die_kind_count = 1;
  return package_cost(pkg, p.packaging[static_cast<std::size_t>(Packaging::organic_mcm)].cost).re.total_re_usd;
}

}  // namespace

TEST_CASE("2 and 4 chiplets beat one die above a break-even area A*, at every larger area up to the reticle",
          "[model][cost][breakeven]") {
  const KernelParams& p = params();
  const double reticle = p.area.reticle_area_mm2;
  constexpr double kStep = 0.5;  // mm²: the scan resolution of A*
  for (ProcessNode node : {ProcessNode::n7, ProcessNode::n5, ProcessNode::n3, ProcessNode::n2}) {
    for (int k : {2, 4}) {
      INFO(kProcessNodeNames[static_cast<std::size_t>(node)] << ", " << k << " chiplets");
      // A* = the smallest scanned area from which chiplets are cheaper at every larger scanned area.
      double a_star = -1.0;
      for (double a = 20.0; a <= reticle; a += kStep) {
        const bool cheaper = package_re_usd(p, node, k, a) < package_re_usd(p, node, 1, a);
        if (!cheaper) a_star = -1.0;
        else if (a_star < 0.0) a_star = a;
      }
      REQUIRE(a_star > 0.0);  // chiplets win at the reticle and stay ahead from A* on
      CHECK(a_star < reticle);
      const double at_reticle = package_re_usd(p, node, k, reticle) / package_re_usd(p, node, 1, reticle);
      CHECK(at_reticle < 1.0);
      std::cout << "[breakeven] organic MCM " << kProcessNodeNames[static_cast<std::size_t>(node)] << ", " << k
                << " chiplets: cheaper than one die above A* = " << a_star << " mm2; cost ratio at the reticle "
                << at_reticle << '\n';
    }
  }
}

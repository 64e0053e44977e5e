// chipdse/model/die_cost.cpp — die and 3D-stack cost; equations and sources in die_cost.hpp.
#include "chipdse/model/die_cost.hpp"

#include <algorithm>

#include "chipdse/model/yield.hpp"

namespace chipdse::model {

namespace {

// Applies a test of coverage c and cost t to parts that cost `input_usd` each (raw part, before test), of true
// yield y: CATCH's self cost (layer cost + test cost) / Yt and quality Ytrue / Yt (cost_models.md §2.2).
// `raw_usd` is the part of input_usd reported as raw (the rest of the input is carried into defect).
DieCost tested(double input_usd, double raw_usd, double carried_test_usd, double y, const KgdTest& test) noexcept {
  DieCost c;
  c.true_yield = y;
  c.pass_yield = y + (1.0 - y) * (1.0 - test.coverage);  // = 1 - (1 - Y) c; exactly Y when c = 1
  c.raw_usd = raw_usd;
  c.test_usd = (carried_test_usd + test.cost_usd_per_part) / c.pass_yield;
  c.shipped_usd = input_usd / c.pass_yield + test.cost_usd_per_part / c.pass_yield;
  c.defect_usd = c.shipped_usd - c.raw_usd - c.test_usd;
  c.quality = y / c.pass_yield;
  return c;
}

}  // namespace

DieCost die_cost_actuary(const DieSpec& spec) noexcept {
  DieCost c;
  c.raw_usd = spec.wafer_cost_usd / spec.dies_per_wafer;
  c.shipped_usd = c.raw_usd / spec.yield;
  c.defect_usd = c.shipped_usd - c.raw_usd;  // chip.py cost_defect = cost_KGD - cost_raw_die
  c.true_yield = spec.yield;
  c.pass_yield = spec.yield;
  return c;
}

DieCost die_cost(const DieSpec& spec) noexcept {
  const double raw = spec.wafer_cost_usd / spec.dies_per_wafer;
  DieCost c;
  c.true_yield = spec.yield;
  c.pass_yield = spec.yield + (1.0 - spec.yield) * (1.0 - spec.test.coverage);
  c.raw_usd = raw;
  // Written as in die_cost_actuary (raw / Yt, then defect = shipped - raw) so c = 1, t = 0 reproduces it exactly:
  // the test terms are then + 0.0, and Y / Y == 1 exactly.
  c.test_usd = spec.test.cost_usd_per_part / c.pass_yield;
  c.shipped_usd = raw / c.pass_yield + c.test_usd;
  c.defect_usd = raw / c.pass_yield - raw;
  c.quality = spec.yield / c.pass_yield;
  return c;
}

DieCost stack_cost_3d(const StackSpec& stack) noexcept {
  const std::size_t n = std::min(stack.layer_count, kMaxStackLayers);
  const int bonds = n > 0 ? static_cast<int>(n) - 1 : 0;
  const double bonding_usd = stack.bond_cost_usd * static_cast<double>(bonds);
  const double bond_yield = yield_repeated(stack.bond_yield, bonds);

  double input_usd = bonding_usd;  // what one stack costs before the stack test
  double raw_usd = bonding_usd;
  double layer_test_usd = 0.0;
  double good = bond_yield;  // probability the bonded stack is good
  if (stack.flow == BondFlow::wafer_to_wafer) {
    // One die grid for all wafers: the largest die sets it (the smallest dies per wafer).
    double dpw = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      dpw = i == 0 ? stack.layers[i].dies_per_wafer : std::min(dpw, stack.layers[i].dies_per_wafer);
    for (std::size_t i = 0; i < n; ++i) {
      const double r = stack.layers[i].wafer_cost_usd / dpw;
      input_usd += r;
      raw_usd += r;
      good *= stack.layers[i].yield;  // unscreened: every layer's defects reach the stack
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const DieCost d = die_cost(stack.layers[i]);
      input_usd += d.shipped_usd;
      raw_usd += d.raw_usd;
      layer_test_usd += d.test_usd;
      good *= d.quality;  // only escapes of the layer tests reach the stack
    }
  }
  return tested(input_usd, raw_usd, layer_test_usd, good, stack.stack_test);
}

}  // namespace chipdse::model

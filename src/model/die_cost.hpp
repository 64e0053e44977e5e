// chipdse/model/die_cost.hpp — cost of a known-good die (perfect or real KGD test) and of a 3D hybrid-bonded stack.
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Sources: ../shared/reference/cost_models.md §1.2 (Chiplet Actuary raw / KGD / defect cost), §2.2 (CATCH test yield
// Yt = 1 - (1 - Y) c, quality Q = Y / Yt, cost / Yt), §5 (3D-Carbon W2W vs D2W bonding yield logic).
// All functions are pure, thread-safe and noexcept. Preconditions (checked by the caller before the hot loop):
// wafer cost >= 0, dies per wafer > 0, yields in (0, 1], coverage in [0, 1], test cost >= 0.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "chipdse/model/cost_types.hpp"

namespace chipdse::model {

/// One kind of die as manufactured: the inputs of its cost per known-good die.
struct DieSpec {
  double wafer_cost_usd = 0.0;   ///< processed wafer price (tech database, per node)
  double dies_per_wafer = 1.0;   ///< gross dies per wafer (wafer.hpp; a formula or a cached geometric count)
  double yield = 1.0;            ///< true die yield (yield.hpp), in (0, 1]
  KgdTest test;                  ///< known-good-die test; default {1, 0} = Actuary's perfect free test
};

/// Chiplet Actuary die cost (chip.py cost_raw_die / cost_KGD / cost_defect): raw = W / N, KGD = raw / Y,
/// defect = KGD - raw, perfect free test (quality 1). `spec.test` is ignored.
DieCost die_cost_actuary(const DieSpec& spec) noexcept;

/// Die cost with a real KGD test (CATCH, cost_models.md §2.2): a die is tested at cost t; a fraction
/// Yt = Y + (1 - Y)(1 - c) passes; cost per passing die = (raw + t) / Yt; escapes Q = Y / Yt < 1 reach assembly.
/// Yt is written Y + (1 - Y)(1 - c) (= 1 - (1 - Y) c) so that c = 1, t = 0 gives Yt == Y bit for bit: the result
/// then equals die_cost_actuary() exactly (a property test asserts it).
DieCost die_cost(const DieSpec& spec) noexcept;

/// Layers in one 3D stack (base die, cache die, ...).
inline constexpr std::size_t kMaxStackLayers = 4;

/// 3D hybrid-bonding flow (cost_models.md §5, 3D-Carbon).
enum class BondFlow : std::uint8_t {
  wafer_to_wafer,  ///< W2W: whole wafers bonded, no KGD screening of the layers
  die_to_wafer,    ///< D2W: every layer is a tested known-good die before bonding
};

/// A vertical stack of layers joined by (layer_count - 1) hybrid bonds, tested as a whole afterwards.
struct StackSpec {
  BondFlow flow = BondFlow::die_to_wafer;
  std::array<DieSpec, kMaxStackLayers> layers{};  ///< layer 0 = base die
  std::size_t layer_count = 0;                    ///< 1..kMaxStackLayers
  double bond_yield = 1.0;                        ///< per bonded interface (3D-Carbon: hybrid W2W 0.97, D2W 0.95)
  double bond_cost_usd = 0.0;                     ///< process cost per bonded interface, per stack
  KgdTest stack_test;                             ///< test of the finished stack (known-good stack)
};

/// Cost of one shipped known-good stack, to be placed in a package like a die (PlacedDie in package_cost.hpp).
///  - W2W: all wafers share one die grid, so every layer is priced at the smallest dies_per_wafer of the stack;
///    layer tests are not applied (nothing is screened before bonding); the stack is good with probability
///    prod(Y_i) * y_b^(L-1).
///  - D2W: each layer is a known-good die from die_cost() (its own test, coverage, escapes Q_i); the stack is good
///    with probability prod(Q_i) * y_b^(L-1).
/// Then the stack test: cost per passing stack = (inputs + bonding + t) / Yt_stack, quality Q = Y_stack / Yt_stack.
/// Inequality (property-tested): with equal bond yields, equal dies_per_wafer, perfect free tests,
///   W2W = sum(r_i) / (prod_j Y_j y^m) >= sum(r_i / Y_i) / y^m = D2W, because prod_j Y_j <= Y_i for every i;
/// term by term, so with all r_i > 0 equality holds iff every layer yields 1: one bad layer scraps the good layers
/// bonded to it. W2W can still win when its bond yield is higher (3D-Carbon 0.97 vs 0.95) and the dies yield well,
/// or when D2W pays for die tests.
DieCost stack_cost_3d(const StackSpec& stack) noexcept;

}  // namespace chipdse::model

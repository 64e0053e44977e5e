// chipdse/model/nre.hpp — non-recurring engineering cost (module / chip / D2D / package), amortised over volume and
// reuse. Chiplet Actuary's own parameter set is data (inputs/tech/chiplet_actuary_2022.toml, actuary_params.hpp).
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Sources: ../shared/reference/cost_models.md §1.2 (NRE split and package NRE, spec.py / module.py / chip.py /
// package.py of Chiplet Actuary @ 2c91fb9), §1.3 (parameter.ini), §1.5 and §8 (the NRE deviations), §7.7 (reuse).
// All functions are pure, thread-safe and noexcept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "chipdse/model/cost_types.hpp"
#include "chipdse/model/package_cost.hpp"

namespace chipdse::model {

/// NRE model parameters (Actuary parameter.ini [NRE], [OS], [FO], spec.py).
struct NreParams {
  double module_fraction = 0.0;          ///< share of a node's 300 mm² chip NRE that scales with module area (0.5)
  double chip_fraction = 0.0;            ///< share that scales with chip area (0.3); the rest (0.2) is fixed
  double reference_chip_area_mm2 = 0.0;  ///< area the node NRE is quoted for (300 mm²)
  double d2d_equivalent_area_mm2 = 0.0;  ///< a D2D interface is designed like a module of this area (20 mm²)
  double organic_usd_per_mm2 = 0.0;      ///< organic package NRE per mm², times the layer factor (3000 $/mm²)
  double organic_fixed_usd = 0.0;        ///< organic package fixed NRE (3e5 $)
  double fanout_reference_usd = 0.0;     ///< FO NRE (1.5e7 $); per mm² = fanout_fraction * it / reference area
  double fanout_fraction = 0.0;          ///< 0.5
  double interposer_node_nre_usd = 0.0;  ///< NRE of the node Si interposers are made in (55 nm: 2.8e7 $)
  double interposer_nre_scale = 0.0;     ///< Si interposer = scale * that node's chip factors (1.2)
  double bridge_carrier_usd_per_mm2 = 0.0;  ///< bridge package: carrier NRE per mm² (chipdse; no Actuary value)
  double bridge_fixed_usd = 0.0;            ///< bridge package: fixed NRE (chipdse; no Actuary value)
};

/// Module (IP block) design NRE: module_fraction * node_nre / reference_area * area (module.py Module.NRE).
double module_nre_usd(double area_mm2, double node_nre_usd, const NreParams& p) noexcept;

/// Chip integration NRE: chip_fraction * node_nre / reference_area * area + (1 - module - chip) * node_nre
/// (masks and first tape-out; chip.py Chip.NRE with spec.py's factors).
double chip_nre_usd(double chip_area_mm2, double node_nre_usd, const NreParams& p) noexcept;

/// D2D interface NRE, paid once per node: module factor * d2d_equivalent_area (module.py D2D.NRE).
double d2d_nre_usd(double node_nre_usd, const NreParams& p) noexcept;

/// Package design NRE from the evaluated package (areas and layer factor), package.py OS.NRE / Advanced.NRE:
///  - organic_mcm: area * organic_usd_per_mm2 * layer factor + organic_fixed;
///  - fan-out: interposer area * f + fixed, f = fanout_fraction * fanout_reference / reference area, fixed =
///    fanout_fraction * fanout_reference (compat.fo_fixed_nre_per_mm2_slip: fixed = f, the tool's 25 k$);
///  - silicon: interposer area * scale * chip factor(55 nm) + scale * fixed part(55 nm);
///  - bridge: carrier area * bridge_carrier_usd_per_mm2 + bridge_fixed (bridge die designs are chip NRE items);
///  - plus, for every non-organic kind, the substrate: package area * organic_usd_per_mm2 + organic_fixed
///    (compat.substrate_nre_uses_re_rate: package area * organic.usd_per_mm2, the tool's RE rate, issue #3).
double package_nre_usd(PackageKind kind, const PackageCost& package, const NreParams& p, const OrganicParams& organic,
                       CostCompat compat = {}) noexcept;

enum class NreKind : std::uint8_t { module, chip, d2d, package };

/// One design a product uses. Designs are identified by design_id across a product family: the same id in several
/// products, or several times in one product, is designed (and paid) once. Ids must be unique across kinds.
struct NreItem {
  std::int32_t design_id = -1;
  NreKind kind = NreKind::module;
  double nre_usd = 0.0;        ///< one-off cost of the design
  double uses_per_unit = 1.0;  ///< instances per unit of the product (chips: die count; modules: count in those dies)
};

inline constexpr std::size_t kMaxNreItems = 32;

/// The designs one product uses, and its production volume.
struct ProductNre {
  std::array<NreItem, kMaxNreItems> items{};
  std::size_t item_count = 0;
  double volume_units = 0.0;  ///< > 0

  /// Appends an item; false (and nothing added) when full.
  bool add(const NreItem& item) noexcept {
    if (item_count >= items.size()) return false;
    items[item_count++] = item;
    return true;
  }
};

/// NRE of one product of a family.
struct NreResult {
  double module_usd = 0.0;     ///< one-off NRE of the distinct module designs the product uses
  double chip_usd = 0.0;
  double d2d_usd = 0.0;
  double package_usd = 0.0;
  double total_usd = 0.0;      ///< sum of the four
  double per_unit_usd = 0.0;   ///< the product's amortised share per unit
};

/// Amortises NRE over a product family (Actuary utils.system_total_apporitioned_NRE_cost, with ids for identity):
/// design d's NRE is shared by every unit that uses it, in proportion to its uses:
///   per_unit(p) = sum_d NRE_d * uses_p(d) / (sum_q uses_q(d) * V_q).
/// A single product therefore pays sum_d NRE_d / V_p: exactly proportional to 1 / volume.
/// @param product index of the product in `family` (< family.size()).
NreResult amortise_nre(std::span<const ProductNre> family, std::size_t product) noexcept;

/// Total cost per unit: RE + amortised NRE.
inline double total_per_unit_usd(const PackageCost& package, const NreResult& nre) noexcept {
  return package.re.total_re_usd + nre.per_unit_usd;
}

}  // namespace chipdse::model

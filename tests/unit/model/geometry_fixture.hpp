// geometry_fixture.hpp — placement rules, inputs and the full invariant check shared by the geometry tests
// (test_geometry.cpp, test_geometry_hbm.cpp).
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "chipdse/model/geometry.hpp"

namespace chipdse::test_geometry {

using namespace chipdse::model;

inline constexpr double kTol = 1e-9;  // mm: floating-point slack of the placement sums

// Spacing and limits as in inputs/tech/packaging.toml and process_node.common (copied here: test_model does not link
// the tech loader). Carrier rules from packaging.<kind>; substrate rules from packaging.organic_mcm.
inline GeometryRules rules_for(Carrier c) {
  GeometryRules r;
  const bool organic_surface = c == Carrier::organic_substrate || c == Carrier::bridge_substrate;
  r.die_gap_mm = organic_surface ? 1.0 : 0.1;  // CATCH organic 1.000, silicon 0.100
  r.die_hbm_gap_mm = organic_surface ? 1.0 : 0.1;
  r.interposer_edge_mm = organic_surface ? 0.0 : 0.1;
  r.substrate_gap_mm = 1.0;   // packaging.organic_mcm.die_gap_mm
  r.substrate_edge_mm = 2.0;  // packaging.organic_mcm.substrate_edge_clearance_mm
  r.reticle_width_mm = 26.0;
  r.reticle_length_mm = 33.0;
  r.reticle_area_mm2 = 858.0;
  r.max_package_area_mm2 = 10000.0;  // packaging.organic_mcm.max_package_area_mm2
  r.hbm_max_reach_mm = 6.0;          // packaging.common.hbm_max_interconnect_mm
  r.substrate_area_scale = 4.0;
  switch (c) {
    case Carrier::silicon_interposer:
      r.max_interposer_area_mm2 = 2700.0;
      r.max_interposer_reticles = 3.3;
      r.interposer_area_scale = 1.1;
      break;
    case Carrier::bridge_interposer:
      r.max_interposer_reticles = 3.5;  // 2025
      r.interposer_area_scale = 1.1;
      break;
    case Carrier::rdl_interposer:
      r.interposer_area_scale = 1.2;
      break;
    default:
      break;
  }
  return r;
}

inline const Carrier kCarriers[] = {Carrier::organic_substrate, Carrier::rdl_interposer, Carrier::silicon_interposer,
                             Carrier::bridge_interposer, Carrier::bridge_substrate};

inline GeometryInput chiplets(Carrier c, int k, double w, double h) {
  GeometryInput in;
  in.carrier = c;
  in.compute_count = k;
  in.compute = DieFootprint{w, h};
  return in;
}

inline bool on_carrier(const PlacedRect& r) { return r.kind != RectKind::optical_engine; }
inline bool is_die(const PlacedRect& r) { return r.kind == RectKind::compute || r.kind == RectKind::io; }

// Required gap between two layer-0 rectangles under the rules.
inline double required_gap(const PlacedRect& a, const PlacedRect& b, const GeometryRules& r) {
  if (!on_carrier(a) || !on_carrier(b)) return r.substrate_gap_mm;
  if (is_die(a) && is_die(b)) return r.die_gap_mm;
  if (a.kind == RectKind::hbm && b.kind == RectKind::hbm) return r.die_gap_mm;
  return r.die_hbm_gap_mm;
}

inline bool inside(const PlacedRect& r, const Outline& o, double clearance) {
  return r.x_mm >= o.x_mm + clearance - kTol && r.y_mm >= o.y_mm + clearance - kTol &&
         r.x_mm + r.w_mm <= o.x_mm + o.w_mm - clearance + kTol && r.y_mm + r.h_mm <= o.y_mm + o.h_mm - clearance + kTol;
}

// Every invariant of a placement, each one a CHECK: counts, containment with clearance, stacked layers, pairwise
// no-overlap and minimum gaps, interposer inside the substrate and engines off it.
inline void check_placement(const GeometryInput& in, const GeometryRules& r, const Geometry& g) {
  const std::size_t expected = static_cast<std::size_t>(in.compute_count) * (in.cache_on_compute ? 2u : 1u) +
                               (in.has_io_die ? 1u : 0u) + static_cast<std::size_t>(in.hbm_count) +
                               static_cast<std::size_t>(in.optical_engine_count);
  REQUIRE(g.rect_count == expected);
  CHECK(g.substrate.x_mm == 0.0);
  CHECK(g.substrate.y_mm == 0.0);
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const PlacedRect& a = g.rects[i];
    INFO("rect " << i << " kind " << int(a.kind) << " at (" << a.x_mm << ", " << a.y_mm << ") " << a.w_mm << " x "
                 << a.h_mm);
    CHECK(a.w_mm > 0.0);
    CHECK(a.h_mm > 0.0);
    // containment with clearance
    if (on_carrier(a) && has_interposer(in.carrier)) {
      CHECK(inside(a, g.interposer, r.interposer_edge_mm));
    } else {
      CHECK(inside(a, g.substrate, r.substrate_edge_mm));
    }
    if (a.kind == RectKind::cache) {  // exactly on its compute die, one layer up
      const PlacedRect& c = g.rects[a.index];
      CHECK(c.kind == RectKind::compute);
      CHECK(a.layer == 1);
      CHECK((a.x_mm == c.x_mm && a.y_mm == c.y_mm && a.w_mm == c.w_mm && a.h_mm == c.h_mm));
      continue;
    }
    CHECK(a.layer == 0);
    // pairwise: no overlap, and at least the required gap between any two layer-0 rectangles
    for (std::size_t j = i + 1; j < g.rect_count; ++j) {
      const PlacedRect& b = g.rects[j];
      if (b.layer != 0) continue;
      INFO("vs rect " << j << " kind " << int(b.kind) << " at (" << b.x_mm << ", " << b.y_mm << ") " << b.w_mm << " x "
                      << b.h_mm);
      const double ox = std::min(a.x_mm + a.w_mm, b.x_mm + b.w_mm) - std::max(a.x_mm, b.x_mm);
      const double oy = std::min(a.y_mm + a.h_mm, b.y_mm + b.h_mm) - std::max(a.y_mm, b.y_mm);
      CHECK(!(ox > 0.0 && oy > 0.0));
      // Chebyshev separation (the gap across the nearer axis) must be at least the rule
      const double sep = std::max(-ox, -oy);
      CHECK(sep >= required_gap(a, b, r) - kTol);
    }
  }
  if (has_interposer(in.carrier)) {
    PlacedRect ip;
    ip.x_mm = g.interposer.x_mm;
    ip.y_mm = g.interposer.y_mm;
    ip.w_mm = g.interposer.w_mm;
    ip.h_mm = g.interposer.h_mm;
    CHECK(inside(ip, g.substrate, r.substrate_edge_mm));
    for (std::size_t i = 0; i < g.rect_count; ++i)  // engines stay off the interposer, one substrate gap away
      if (!on_carrier(g.rects[i])) CHECK(edge_distance_mm(g.rects[i], ip) >= r.substrate_gap_mm - kTol);
  } else {
    CHECK(g.interposer_area_mm2 == 0.0);
  }
}


}  // namespace chipdse::test_geometry

// chipdse/thermal/case_from_geometry.cpp — model::Geometry + power map -> FvCase (see the header for the stack).
#include "chipdse/thermal/case_from_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/thermal/fv_mesh.hpp"

namespace chipdse::thermal {
namespace {

const char* const kSource = "case_from_geometry";

[[noreturn]] void bad(const std::string& key, const std::string& problem, const std::string& value,
                      const std::string& allowed) {
  throw InputError(SourceLocation{kSource}, key, problem, value, allowed);
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void check_positive(double v, const char* key) {
  if (!(std::isfinite(v) && v > 0)) bad(key, "must be a positive finite number", num(v), "> 0");
}
void check_non_negative(double v, const char* key) {
  if (!(std::isfinite(v) && v >= 0)) bad(key, "must be a non-negative finite number", num(v), ">= 0");
}
void check_cells(int v, const char* key) {
  if (v < 1) bad(key, "cells through a layer must be >= 1", std::to_string(v), ">= 1");
}

void check_stack(const PackageStack& s) {
  check_positive(s.substrate_thickness_m, "substrate_thickness_m");
  check_positive(s.substrate_k_w_mk, "substrate_k_w_mk");
  check_positive(s.c4_thickness_m, "c4_thickness_m");
  check_positive(s.c4_k_w_mk, "c4_k_w_mk");
  check_positive(s.interposer_thickness_m, "interposer_thickness_m");
  check_positive(s.interposer_k_w_mk, "interposer_k_w_mk");
  check_positive(s.ubump_thickness_m, "ubump_thickness_m");
  check_positive(s.ubump_k_w_mk, "ubump_k_w_mk");
  check_positive(s.chip_thickness_m, "chip_thickness_m");
  check_positive(s.silicon_k_w_mk, "silicon_k_w_mk");
  check_positive(s.cache_thickness_m, "cache_thickness_m");
  check_positive(s.underfill_k_w_mk, "underfill_k_w_mk");
  check_positive(s.tim_thickness_m, "tim_thickness_m");
  check_positive(s.tim_k_w_mk, "tim_k_w_mk");
  check_non_negative(s.spreader_thickness_m, "spreader_thickness_m");
  check_positive(s.spreader_k_w_mk, "spreader_k_w_mk");
  check_non_negative(s.sink_thickness_m, "sink_thickness_m");
  check_positive(s.sink_k_w_mk, "sink_k_w_mk");
  if (!(std::isfinite(s.spreader_scale) && s.spreader_scale >= 1))
    bad("spreader_scale", "the spreader must cover the core", num(s.spreader_scale), ">= 1");
  if (!(std::isfinite(s.sink_scale) && s.sink_scale >= 1))
    bad("sink_scale", "the sink must cover the spreader", num(s.sink_scale), ">= 1");
  check_non_negative(s.htc_top_w_m2k, "htc_top_w_m2k");
  check_non_negative(s.htc_bottom_w_m2k, "htc_bottom_w_m2k");
  if (s.htc_top_w_m2k <= 0 && s.htc_bottom_w_m2k <= 0)
    bad("htc_top_w_m2k", "no convective boundary (both h are 0)", num(s.htc_top_w_m2k), "> 0 on top or bottom");
  check_positive(s.ambient_k, "ambient_k");
  check_cells(s.substrate_sub_cells, "substrate_sub_cells");
  check_cells(s.c4_sub_cells, "c4_sub_cells");
  check_cells(s.interposer_sub_cells, "interposer_sub_cells");
  check_cells(s.ubump_sub_cells, "ubump_sub_cells");
  check_cells(s.chip_sub_cells, "chip_sub_cells");
  check_cells(s.cache_sub_cells, "cache_sub_cells");
  check_cells(s.tim_sub_cells, "tim_sub_cells");
  check_cells(s.spreader_sub_cells, "spreader_sub_cells");
  check_cells(s.sink_sub_cells, "sink_sub_cells");
}

RectMm rect_of(const model::PlacedRect& r) { return {r.x_mm, r.y_mm, r.x_mm + r.w_mm, r.y_mm + r.h_mm}; }
RectMm rect_of(const model::Outline& o) { return {o.x_mm, o.y_mm, o.x_mm + o.w_mm, o.y_mm + o.h_mm}; }

/// `r` scaled by `f` about its centre.
RectMm scaled(const RectMm& r, double f) {
  const double cx = 0.5 * (r.x0 + r.x1), cy = 0.5 * (r.y0 + r.y1);
  const double hw = 0.5 * f * (r.x1 - r.x0), hh = 0.5 * f * (r.y1 - r.y0);
  return {cx - hw, cy - hh, cx + hw, cy + hh};
}

}  // namespace

std::string rect_block_name(const model::PlacedRect& r) {
  switch (r.kind) {
    case model::RectKind::compute: return "compute" + std::to_string(r.index);
    case model::RectKind::io: return r.index == 0 ? std::string("io") : "io" + std::to_string(r.index);
    case model::RectKind::cache: return "cache" + std::to_string(r.index);
    case model::RectKind::hbm: return "hbm" + std::to_string(r.index);
    case model::RectKind::optical_engine: return "optical" + std::to_string(r.index);
  }
  return "rect";
}

namespace {

/// Graded starting grid along one axis: lines at every footprint edge; an interval gets density 4 inside the
/// core, 2 inside the spreader, 1 elsewhere (cells per unit length x 8, so rounding is negligible for remesh's
/// proportional redistribution).
std::vector<AxisSegment> graded_axis(std::vector<double> edges, double core0, double core1, double spr0,
                                     double spr1) {
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end(), [](double a, double b) { return std::abs(a - b) < 1e-12; }),
              edges.end());
  std::vector<AxisSegment> out;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double lo = edges[i], hi = edges[i + 1], mid = 0.5 * (lo + hi);
    const double density = (mid > core0 && mid < core1) ? 4.0 : (mid > spr0 && mid < spr1) ? 2.0 : 1.0;
    const int cells = std::max(1, static_cast<int>(std::lround(8.0 * density * (hi - lo))));
    out.push_back({lo, hi, cells});
  }
  return out;
}

}  // namespace

FvCase case_from_geometry(const model::Geometry& g, std::span<const double> rect_power_w, const PackageStack& s,
                          int cells_xy) {
  check_stack(s);
  if (g.rect_count == 0 || g.rect_count > model::kMaxPlacedRects)
    bad("geometry.rect_count", "the geometry has no placed rectangles", std::to_string(g.rect_count),
        "1.." + std::to_string(model::kMaxPlacedRects));
  if (rect_power_w.size() != g.rect_count)
    bad("rect_power_w", "one power per placed rectangle is needed", std::to_string(rect_power_w.size()) + " values",
        std::to_string(g.rect_count));
  for (std::size_t i = 0; i < rect_power_w.size(); ++i)
    if (!(std::isfinite(rect_power_w[i]) && rect_power_w[i] >= 0))
      bad("rect_power_w[" + std::to_string(i) + "]", "power must be finite and >= 0", num(rect_power_w[i]),
          ">= 0 W");
  if (!(g.substrate.w_mm > 0 && g.substrate.h_mm > 0))
    bad("geometry.substrate", "the geometry has no substrate outline", num(g.substrate.w_mm) + " x " +
        num(g.substrate.h_mm), "> 0 mm");
  const bool interposer = model::has_interposer(g.carrier);
  if (interposer && !(g.interposer.w_mm > 0 && g.interposer.h_mm > 0))
    bad("geometry.interposer", "the carrier has an interposer but the outline is empty",
        num(g.interposer.w_mm) + " x " + num(g.interposer.h_mm), "> 0 mm");

  // Core outline: the interposer, or the bounding box of the dies and stacks on the organic substrate.
  RectMm core{};
  bool any_die = false, any_cache = false;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const auto& r = g.rects[i];
    if (r.kind == model::RectKind::cache || r.layer == 1) any_cache = true;
    if (r.kind == model::RectKind::optical_engine || r.layer != 0) continue;
    const RectMm q = rect_of(r);
    core = any_die ? RectMm{std::min(core.x0, q.x0), std::min(core.y0, q.y0), std::max(core.x1, q.x1),
                            std::max(core.y1, q.y1)}
                   : q;
    any_die = true;
  }
  if (interposer) core = rect_of(g.interposer);
  if (!any_die && !interposer)
    bad("geometry.rects", "no die on the carrier (only optical engines or stacked dies)", "", "a layer-0 die");

  // Optical engines sit on the substrate beside the carrier, under the same lid: with engines, every layer between
  // the substrate and the spreader spans the lidded outline (core and engines), the space around the carrier filled
  // (underfill k: a stated assumption, the region is molded or gap-filled in CPO packages; Broadcom's Bailly and
  // NVIDIA's Spectrum-X / Quantum-X photonics switches put the engines under the switch's lid or cold plate), and
  // each engine is a silicon die (PIC on EIC) from the substrate to the TIM with its power in the chip layer, level
  // with the carrier's dies: its heat reaches the sink through the lid, as theirs does.
  RectMm lidded = core;
  bool any_engine = false;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    if (g.rects[i].kind != model::RectKind::optical_engine) continue;
    const RectMm q = rect_of(g.rects[i]);
    lidded = {std::min(lidded.x0, q.x0), std::min(lidded.y0, q.y0), std::max(lidded.x1, q.x1),
              std::max(lidded.y1, q.y1)};
    any_engine = true;
  }

  FvCase c;
  c.source = kSource;
  c.ambient_k = s.ambient_k;
  c.htc_top_w_m2k = s.htc_top_w_m2k;
  c.htc_bottom_w_m2k = s.htc_bottom_w_m2k;

  const auto add_layer = [&](const char* name, double t, int sub, double k, const RectMm& fp) {
    c.layers.push_back(Layer{name, t, sub, k, fp, 0});
    return c.layers.size() - 1;
  };
  // A layer between the substrate and the TIM: over the core with its own k (`k`, the filler where it is
  // underfill); with engines, over the lidded outline with the filler around the carrier (a "<layer>.carrier" block
  // keeps `k` over the core when that differs from the filler).
  const auto add_lidded_layer = [&](const char* name, double t, int sub, double k) {
    if (!any_engine) return add_layer(name, t, sub, k, core);
    const std::size_t l = add_layer(name, t, sub, s.underfill_k_w_mk, lidded);
    if (k != s.underfill_k_w_mk) c.blocks.push_back(Block{std::string(name) + ".carrier", l, core, k, 0.0, 0});
    return l;
  };
  const auto add_block = [&](std::string name, std::size_t layer, const RectMm& r, double k, double p) {
    c.blocks.push_back(Block{std::move(name), layer, r, k, p, 0});
  };

  add_layer("substrate", s.substrate_thickness_m, s.substrate_sub_cells, s.substrate_k_w_mk, rect_of(g.substrate));

  const auto bump_blocks = [&](std::size_t layer, double k, const char* suffix) {
    for (std::size_t i = 0; i < g.rect_count; ++i) {
      const auto& r = g.rects[i];
      if (r.kind == model::RectKind::optical_engine || r.layer != 0) continue;
      add_block(rect_block_name(r) + suffix, layer, rect_of(r), k, 0.0);
    }
  };
  std::vector<std::size_t> engine_layers;  // the layers an engine's body rises through
  if (interposer) {
    engine_layers.push_back(add_lidded_layer("c4", s.c4_thickness_m, s.c4_sub_cells, s.c4_k_w_mk));
    engine_layers.push_back(
        add_lidded_layer("interposer", s.interposer_thickness_m, s.interposer_sub_cells, s.interposer_k_w_mk));
    const std::size_t l_ubump = add_lidded_layer("ubump", s.ubump_thickness_m, s.ubump_sub_cells, s.underfill_k_w_mk);
    bump_blocks(l_ubump, s.ubump_k_w_mk, ".ubump");
    engine_layers.push_back(l_ubump);
  } else {
    const std::size_t l_c4 = add_lidded_layer("c4", s.c4_thickness_m, s.c4_sub_cells, s.underfill_k_w_mk);
    bump_blocks(l_c4, s.c4_k_w_mk, ".c4");
    engine_layers.push_back(l_c4);
  }

  const std::size_t l_chip = add_lidded_layer("chip", s.chip_thickness_m, s.chip_sub_cells, s.underfill_k_w_mk);
  // An engine is a die on the substrate: its power in the chip layer, as the carrier's dies', its body below it.
  for (std::size_t i = 0; i < g.rect_count; ++i)
    if (g.rects[i].kind == model::RectKind::optical_engine)
      add_block(rect_block_name(g.rects[i]), l_chip, rect_of(g.rects[i]), s.silicon_k_w_mk, rect_power_w[i]);
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const auto& r = g.rects[i];
    if (r.kind == model::RectKind::optical_engine || r.layer != 0) continue;
    add_block(rect_block_name(r), l_chip, rect_of(r), s.silicon_k_w_mk, rect_power_w[i]);
  }
  if (any_cache) {
    const std::size_t l_cache = add_lidded_layer("cache", s.cache_thickness_m, s.cache_sub_cells, s.underfill_k_w_mk);
    engine_layers.push_back(l_cache);
    std::vector<RectMm> upper;
    for (std::size_t i = 0; i < g.rect_count; ++i) {
      const auto& r = g.rects[i];
      if (r.layer != 1) continue;
      add_block(rect_block_name(r), l_cache, rect_of(r), s.silicon_k_w_mk, rect_power_w[i]);
      upper.push_back(rect_of(r));
    }
    // Layer-0 dies with nothing stacked on them continue as silicon (HBM is taller; a shim levels the rest).
    for (std::size_t i = 0; i < g.rect_count; ++i) {
      const auto& r = g.rects[i];
      if (r.kind == model::RectKind::optical_engine || r.layer != 0) continue;
      const RectMm q = rect_of(r);
      const bool covered = std::any_of(upper.begin(), upper.end(), [&](const RectMm& u) {
        return u.x0 < q.x1 && q.x0 < u.x1 && u.y0 < q.y1 && q.y0 < u.y1;
      });
      if (!covered) add_block(rect_block_name(r) + ".upper", l_cache, q, s.silicon_k_w_mk, 0.0);
    }
  }
  // The engines' bodies: silicon from the substrate to the chip layer and on to the TIM (the cache layer's height),
  // one zero-power block per engine and layer.
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    if (g.rects[i].kind != model::RectKind::optical_engine) continue;
    for (const std::size_t l : engine_layers)
      add_block(rect_block_name(g.rects[i]) + "." + c.layers[l].name, l, rect_of(g.rects[i]), s.silicon_k_w_mk, 0.0);
  }
  add_layer("tim", s.tim_thickness_m, s.tim_sub_cells, s.tim_k_w_mk, lidded);
  RectMm spreader = lidded, outer = lidded;
  if (s.spreader_thickness_m > 0) {
    // The spreader (lid) is spreader_scale x the core, and covers the engines too.
    const RectMm sc = scaled(core, s.spreader_scale);
    spreader = {std::min(sc.x0, lidded.x0), std::min(sc.y0, lidded.y0), std::max(sc.x1, lidded.x1),
                std::max(sc.y1, lidded.y1)};
    outer = spreader;
    add_layer("spreader", s.spreader_thickness_m, s.spreader_sub_cells, s.spreader_k_w_mk, spreader);
  }
  if (s.sink_thickness_m > 0) {
    outer = scaled(spreader, s.sink_scale);
    add_layer("sink", s.sink_thickness_m, s.sink_sub_cells, s.sink_k_w_mk, outer);
  }

  // Starting grid: every footprint edge (block edges are added by remesh), graded core > spreader > rest.
  std::vector<double> ex, ey;
  for (const auto& l : c.layers) {
    ex.insert(ex.end(), {l.footprint.x0, l.footprint.x1});
    ey.insert(ey.end(), {l.footprint.y0, l.footprint.y1});
  }
  c.x = graded_axis(ex, core.x0, core.x1, spreader.x0, spreader.x1);
  c.y = graded_axis(ey, core.y0, core.y1, spreader.y0, spreader.y1);

  // Every block must lie in its layer's footprint (dies on the interposer, engines in the lidded outline).
  for (const auto& b : c.blocks) {
    const RectMm& fp = c.layers[b.layer].footprint;
    constexpr double eps = 1e-9;
    if (b.rect.x0 < fp.x0 - eps || b.rect.y0 < fp.y0 - eps || b.rect.x1 > fp.x1 + eps || b.rect.y1 > fp.y1 + eps)
      bad("geometry.rects", "rectangle '" + b.name + "' lies outside the footprint of layer '" + c.layers[b.layer].name + "'",
          num(b.rect.x0) + " " + num(b.rect.y0) + " " + num(b.rect.x1) + " " + num(b.rect.y1),
          "inside " + num(fp.x0) + " " + num(fp.y0) + " " + num(fp.x1) + " " + num(fp.y1));
  }
  // A package with more die edges than cells_xy can put a grid line on (many chiplets, HBM stacks and engines) gets
  // twice the fewest that can, so that each die and gap between edges keeps about two cells: a deterministic function
  // of the placement, never a failed solve.
  const int fewest = fewest_cells_xy(c);
  const int cells = cells_xy >= fewest ? cells_xy : 2 * fewest;
  return remesh(c, cells, cells);
}

}  // namespace chipdse::thermal

// MPI tests of the thermal layer (issue #8), run under mpiexec -n 1 and -n 2. Every rank solves every case on
// PETSC_COMM_SELF (a Solver never spans ranks), and the results must agree bit for bit across ranks.
// Expectations come from outside the code under test: the analytic 1-D formulas of
// shared/reference/thermal.md §3, the reference tables of shared/validation/thermal/README.md (decks copied to
// tests/data/thermal/, see its README), conservation of energy and the algebra of the discrete operator
// (symmetry, row sums), never from this code's own output.
#include <catch2/catch.hpp>
#include <petscsys.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "same_on_all_ranks.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/thermal/fv_case.hpp"
#include "chipdse/thermal/fv_mesh.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "mpi_fixture.hpp"

using namespace chipdse;
using namespace chipdse::thermal;
using Catch::Matchers::Contains;
using chipdse::testing::env;

namespace {

const std::filesystem::path data_dir = std::filesystem::path(CHIPDSE_SOURCE_DIR) / "tests" / "data" / "thermal";

FvCase load(const std::string& relative) { return read_fv_case(data_dir / relative); }

/// True when `v` is bit-identical on every rank.
const CaseResult::Named& named(const std::vector<CaseResult::Named>& v, const std::string& name) {
  for (const auto& n : v)
    if (n.name == name) return n;
  FAIL("no block or layer named " << name);
  return v.front();
}

// ---- A1D, from the layer table of shared/validation/thermal/README.md (not from the deck) ----
constexpr double a1d_area = 0.020 * 0.020;  // m^2
constexpr double a1d_power = 200, a1d_ambient = 318.15;
constexpr double r_die = 150e-6 / (100 * a1d_area), r_tim = 20e-6 / (4 * a1d_area), r_spr = 1e-3 / (400 * a1d_area),
                 r_sink = 6.9e-3 / (400 * a1d_area), r_conv = 1 / (25000 * a1d_area);

void check_rel(double actual, double expected, double rel, const std::string& what) {
  INFO(what << ": expected " << expected << " K, actual " << actual << " K, relative error "
            << std::abs(actual - expected) / std::abs(expected));
  CHECK(std::abs(actual - expected) <= rel * std::abs(expected));
}

void check_abs(double actual, double expected, double tol, const std::string& what) {
  INFO(what << ": expected " << expected << " K +- " << tol << ", actual " << actual << " K, error "
            << actual - expected << " K");
  CHECK(std::abs(actual - expected) <= tol);
}

}  // namespace

// ------------------------------------------------------------------------------------------- the .fv reader

TEST_CASE("the .fv reader reads case A1D as written", "[thermal][fv]") {
  const FvCase c = load("case_a1d_pure_1d/case_a1d.fv");
  CHECK(c.ambient_k == 318.15);
  CHECK(c.htc_top_w_m2k == 25000);
  CHECK(c.htc_bottom_w_m2k == 0);
  REQUIRE(c.x.size() == 1);
  CHECK(c.x[0].lo_mm == 0);
  CHECK(c.x[0].hi_mm == 20);
  CHECK(c.x[0].cells == 16);
  REQUIRE(c.layers.size() == 4);
  CHECK(c.layers[0].name == "die");
  CHECK(c.layers[0].thickness_m == 0.00015);
  CHECK(c.layers[3].name == "sink");
  CHECK(c.layers[3].k_w_mk == 400);
  CHECK(c.layers[3].line == 11);
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].name == "die");
  CHECK(c.blocks[0].layer == 0);
  CHECK(c.blocks[0].k_w_mk == -1);
  CHECK(c.total_power_w() == 200);
  const FvCase back = parse_fv_case(to_fv_text(c), "round trip");
  CHECK(back.layers[2].footprint.x1 == c.layers[2].footprint.x1);
  CHECK(back.blocks[0].power_w == c.blocks[0].power_w);
  CHECK(back.y.size() == c.y.size());
}

TEST_CASE("the .fv reader names file, line, column, key, value and what is allowed", "[thermal][fv]") {
  const std::string head = "ambient 318.15\nhtc_top 25000\nxseg 0 20 4\nyseg 0 20 4\n";
  const std::string die = "layer die 0.00015 1 100 0 0 20 20\n";
  const auto expect = [](const std::string& text, std::vector<std::string> parts) {
    try {
      parse_fv_case(text, "deck.fv");
      FAIL("no error for:\n" << text);
    } catch (const InputError& e) {
      CHECK(e.exit_code() == ExitCode::bad_input);
      for (const auto& p : parts) CHECK_THAT(std::string(e.what()), Contains(p));
    }
  };
  expect(head + "layr die 0.00015 1 100 0 0 20 20\n", {"deck.fv:5:1", "unknown keyword", "got layr", "did you mean 'layer'"});
  expect(head + "layer die 0.00015 1 100 0 0 20\n", {"deck.fv:5:1", "key 'layer'", "expected 8 values", "got 7 values",
                                                     "layer <name> <t_m> <nsub>"});
  expect(head + "layer die 0.00O15 1 100 0 0 20 20\n", {"deck.fv:5:11", "key 'layer.t'", "not a finite number",
                                                        "got 0.00O15", "allowed: a thickness in m, > 0"});
  expect(head + "layer die 0.00015 1 -100 0 0 20 20\n", {"deck.fv:5:21", "key 'layer.k'", "out of range", "got -100"});
  expect(head + "layer die 0.00015 0 100 0 0 20 20\n", {"key 'layer.nsub'", "got 0", "[1, 10000]"});
  expect(head + "layer die nan 1 100 0 0 20 20\n", {"key 'layer.t'", "not a finite number", "got nan"});
  expect(head + "xseg 21 30 4\n", {"deck.fv:5:6", "key 'xseg.lo'", "does not start where the previous one ends",
                                   "got 21", "allowed: 20"});
  expect(head + "xseg 20 10 4\n", {"key 'xseg.hi'", "segment end not after its start"});
  expect(head + die + die, {"deck.fv:6:7", "key 'layer.name'", "given twice (first on line 5)"});
  expect(head + die + "rect dei hot 0 0 5 5 -1 10\n", {"deck.fv:6:6", "key 'rect.layer'", "unknown layer", "got dei",
                                                       "did you mean 'die'"});
  expect(head + die + "rect die hot 0 0 5 5 0 10\n", {"key 'rect.k'", "out of range", "or -1"});
  expect(head + die + "rect die hot 0 0 5 5 -1 -3\n", {"key 'rect.power'", "got -3", ">= 0"});
  expect(head + die + "rect die hot 10 10 25 15 -1 10\n", {"deck.fv:6", "key 'rect'", "not inside the footprint",
                                                           "inside (0, 0)-(20, 20) mm"});
  expect(head + "layer die 0.00015 1 100 0 0 30 20\n", {"deck.fv:5", "outside the grid"});
  expect(head + "ambient 300\n" + die, {"deck.fv:5:1", "key 'ambient'", "given twice (first on line 1)"});
  expect("htc_top 25000\nxseg 0 20 4\nyseg 0 20 4\n" + die, {"deck.fv: key 'ambient': missing", "ambient <K>"});
  expect("ambient 318.15\nhtc_top 0\nxseg 0 20 4\nyseg 0 20 4\n" + die, {"no convective boundary", "htc_bot > 0"});
  expect("ambient 318.15\nhtc_top 1\nyseg 0 20 4\n" + die, {"key 'xseg'", "missing"});
  expect(head, {"key 'layer'", "missing"});

  try {
    read_fv_case(data_dir / "no_such_case.fv");
    FAIL("no error for a missing file");
  } catch (const InputError& e) {
    CHECK(e.exit_code() == ExitCode::bad_input);
    CHECK_THAT(std::string(e.what()), Contains("no_such_case.fv") && Contains("cannot open"));
  }
}

TEST_CASE("meshing rejects blocks without cells and cells without a path to the sink", "[thermal][fv]") {
  const std::string head = "ambient 318.15\nhtc_top 25000\nxseg 0 20 4\nyseg 0 20 4\n";
  // A 0.5 mm block in 5 mm cells holds no cell centre.
  const FvCase tiny = parse_fv_case(head + "layer die 0.00015 1 100 0 0 20 20\nrect die hot 1 1 1.5 1.5 -1 5\n", "t.fv");
  CHECK_THROWS_WITH(build_mesh(tiny), Contains("t.fv:6") && Contains("block 'hot' contains no active cell centre"));
  // Layer 0 sits under nothing: its cells cannot reach the top Robin face.
  const FvCase island = parse_fv_case(
      head + "layer under 0.001 1 1 0 0 5 20\nlayer top 0.001 1 100 10 0 20 20\n", "i.fv");
  CHECK_THROWS_WITH(build_mesh(island), Contains("i.fv:5") && Contains("no conduction path") &&
                                            Contains("layer 'under'"));
  // Power on cells outside the footprint (footprint edge not on a grid line).
  const FvCase off = parse_fv_case(
      head + "layer die 0.00015 1 100 0 0 20 20\nlayer src 0.00001 1 100 0 0 12 20\nrect src hot 6 0 12 20 -1 5\n",
      "o.fv");
  CHECK_THROWS_WITH(build_mesh(off), Contains("o.fv:7") && Contains("falls on inactive cells"));
}

// ------------------------------------------------------------------------------------------- discretisation

TEST_CASE("the conductance matrix is a symmetric M-matrix whose row sums are the Robin conductances",
          "[thermal][mesh]") {
  const FvCase c = load("case_b_2p5d_4chiplets/case_b.fv");
  const FvMesh m = build_mesh(c);
  CHECK(m.nx == 128);
  CHECK(m.ny == 128);
  CHECK(m.nz == 8);
  // README: 50,176 unknowns (6 layers of 64 x 64 over the interposer, spreader 96 x 96, sink 128 x 128).
  CHECK(m.unknowns() == 50176);
  std::size_t asym = 0, positive_off = 0, bad_rowsum = 0;
  for (std::size_t r = 0; r < m.unknowns(); ++r) {
    double sum = 0, scale = 0;
    for (auto e = m.row_begin[r]; e < m.row_begin[r + 1]; ++e) {
      sum += m.val[e];
      scale += std::abs(m.val[e]);
      const auto cc = static_cast<std::size_t>(m.col[e]);
      if (cc != r && m.val[e] >= 0) ++positive_off;
      bool found = false;
      for (auto f = m.row_begin[cc]; f < m.row_begin[cc + 1]; ++f)
        if (static_cast<std::size_t>(m.col[f]) == r) found = (m.val[f] == m.val[e]);
      if (!found) ++asym;
    }
    if (std::abs(sum - m.robin_w_k[r]) > 1e-12 * scale) ++bad_rowsum;
  }
  CHECK(asym == 0);
  CHECK(positive_off == 0);
  CHECK(bad_rowsum == 0);
  // The Robin conductance of a top cell, from the README formula G = A / (dz/(2k) + 1/h).
  const std::size_t top = m.unknown_of_cell[(static_cast<std::size_t>(m.nz) - 1) * m.nx * m.ny];  // corner cell
  const double a = 2e-3 * 2e-3;  // the sink's outer cells are 2 mm wide
  CHECK(m.robin_w_k[top] == Approx(a / (0.0069 / (2 * 400) + 1 / 2777.7778)).epsilon(1e-12));
  // Block power lands where it should.
  const auto q = power_vector(m, c);
  double total = 0;
  for (const double v : q) total += v;
  CHECK(total == Approx(300).epsilon(1e-12));
}

TEST_CASE("remeshing puts a grid line on every footprint and block edge", "[thermal][mesh]") {
  const FvCase b = load("case_b_2p5d_4chiplets/case_b.fv");
  for (const int n : {32, 64, 128, 256}) {
    const FvCase r = remesh(b, n, n, 1);
    const FvMesh m = build_mesh(r);
    CHECK(m.nx == n);
    CHECK(m.ny == n);
    for (const double edge : {-48.0, -16.0, 0.0, 4.0, 14.0, 18.0, 28.0, 32.0, 48.0, 80.0})
      CHECK(std::find(m.x_mm.begin(), m.x_mm.end(), edge) != m.x_mm.end());
    // Uniform cells under the dies: 10 mm chiplets get n/128*20 cells across.
    CHECK(m.block_cells[4].size() == static_cast<std::size_t>(n * n * 400 / (128 * 128)));
  }
  const FvCase same = remesh(b, 128, 128, 2);
  CHECK(same.layers[0].sub_cells == 2);
  CHECK(build_mesh(same).unknowns() == 2 * 50176);
  const FvCase a = load("case_a_single_die/case_a.fv");
  const FvMesh ma = build_mesh(remesh(a, 32, 32, 1));
  CHECK(ma.nx == 32);  // 4 + 2 + 20 + 2 + 4: 1 mm cells over the die
  CHECK(ma.block_cells[0].size() == 400);
  CHECK_THROWS_WITH(remesh(b, 8, 8, 1), Contains("too few cells to put a grid line on every edge"));
}

// ------------------------------------------------------------------------------------------- validation

TEST_CASE("A1D equals the analytic 1-D formula to 1e-6 relative", "[thermal][validation]") {
  // Node values of the conduction-only layers lie on the exact linear profile; the hottest cell of the
  // volumetric power layer equals the continuum maximum at the adiabatic face, for any number of sub-cells
  // (thermal.md §3; README A1D: 350.900, TIM 349.275, spreader 347.400, sink 342.463 K).
  const double t_face_die = a1d_ambient + a1d_power * (r_conv + r_sink + r_spr + r_tim);
  const double die_max = t_face_die + a1d_power * r_die / 2;
  CHECK(die_max == Approx(350.900).margin(5e-4));
  const FvCase base = load("case_a1d_pure_1d/case_a1d.fv");
  for (const int nsub : {1, 2, 3, 5}) {
    FvCase c = base;
    for (auto& l : c.layers) l.sub_cells = nsub;
    const CaseResult r = solve_case(c);
    const std::string tag = "nsub " + std::to_string(nsub) + ": ";
    check_rel(named(r.layers, "die").t.max_k, die_max, 1e-6, tag + "die max");
    check_rel(named(r.blocks, "die").t.max_k, die_max, 1e-6, tag + "die block max");
    // Layer j's sub-cell centres at fractions (i + 1/2)/n of its resistance above the layer's top face.
    const auto linear = [&](double r_above, double r_layer, double frac) {
      return a1d_ambient + a1d_power * (r_conv + r_above + r_layer * frac);
    };
    const double lo = 0.5 / nsub, hi = 1 - 0.5 / nsub;
    check_rel(named(r.layers, "tim").t.max_k, linear(r_spr + r_sink, r_tim, hi), 1e-6, tag + "tim max");
    check_rel(named(r.layers, "tim").t.min_k, linear(r_spr + r_sink, r_tim, lo), 1e-6, tag + "tim min");
    check_rel(named(r.layers, "spreader").t.max_k, linear(r_sink, r_spr, hi), 1e-6, tag + "spreader max");
    check_rel(named(r.layers, "spreader").t.avg_k, linear(r_sink, r_spr, 0.5), 1e-6, tag + "spreader avg");
    check_rel(named(r.layers, "sink").t.min_k, linear(0, r_sink, lo), 1e-6, tag + "sink min");
    check_rel(named(r.layers, "sink").t.max_k, linear(0, r_sink, hi), 1e-6, tag + "sink max");
    CHECK(std::abs(r.solution.heat_out_w - a1d_power) <= 1e-6 * a1d_power);
    CHECK(test::same_on_all_ranks(named(r.layers, "die").t.max_k));
  }
  const CaseResult r = solve_case(base);  // README's own (rounded) cell values for the deck as written
  check_abs(named(r.layers, "tim").t.avg_k, 349.275, 5e-4, "tim");
  check_abs(named(r.layers, "spreader").t.avg_k, 347.400, 5e-4, "spreader");
  check_abs(named(r.layers, "sink").t.avg_k, 342.463, 1e-3, "sink");
}

TEST_CASE("two convective paths in parallel: T_src = T_amb + P (R_top || R_bot)", "[thermal][validation]") {
  // thermal.md §3 variant: a bottom Robin face (h_b) under a board layer, and a thin source plane (10 nm, its
  // own resistance 2.5e-7 K/W moves T by 5e-5 K, below the tolerance) between the board and the A1D die.
  FvCase c = load("case_a1d_pure_1d/case_a1d.fv");
  const double h_b = 2000, t_board = 1e-3, k_board = 1;
  c.htc_bottom_w_m2k = h_b;
  Layer board{"board", t_board, 2, k_board, {0, 0, 20, 20}, 0};
  Layer src{"src", 1e-8, 1, 100, {0, 0, 20, 20}, 0};
  c.layers.insert(c.layers.begin(), {board, src});
  c.blocks = {Block{"plane", 1, {0, 0, 20, 20}, -1, a1d_power, 0}};
  const double r_top = r_die + r_tim + r_spr + r_sink + r_conv;
  const double r_bot = t_board / (k_board * a1d_area) + 1 / (h_b * a1d_area);
  const double t_src = a1d_ambient + a1d_power * (r_top * r_bot / (r_top + r_bot));
  const CaseResult r = solve_case(c);
  check_rel(named(r.blocks, "plane").t.max_k, t_src, 1e-6, "source plane");
  check_rel(named(r.blocks, "plane").t.min_k, t_src, 1e-6, "source plane (uniform)");
  CHECK(std::abs(r.solution.heat_out_w - a1d_power) <= 1e-6 * a1d_power);
}

TEST_CASE("conservation: heat leaving the Robin faces equals the power injected", "[thermal][validation]") {
  for (const char* deck : {"case_a_single_die/case_a.fv", "case_b_2p5d_4chiplets/case_b.fv"}) {
    INFO(deck);
    const FvCase c = load(deck);
    const FvMesh m = build_mesh(c);
    Solver solver(m);
    const auto q = power_vector(m, c);
    const Solution s = solver.solve(q);
    // Heat out computed here from the geometry: top-layer cells, G = A/(dz/(2k) + 1/h), k of the sink layer.
    double out = 0;
    const std::size_t plane = static_cast<std::size_t>(m.nx) * m.ny, top_z = m.nz - 1;
    const double k_top = c.layers.back().k_w_mk, dz = m.dz_m[top_z];
    for (int j = 0; j < m.ny; ++j)
      for (int i = 0; i < m.nx; ++i) {
        const auto u = m.unknown_of_cell[top_z * plane + j * m.nx + i];
        if (u < 0) continue;
        const double a = (m.x_mm[i + 1] - m.x_mm[i]) * (m.y_mm[j + 1] - m.y_mm[j]) * 1e-6;
        out += a / (dz / (2 * k_top) + 1 / c.htc_top_w_m2k) * s.theta_k[u];
      }
    // The residual r = q - G theta, computed here; sum(r) = P - heat out, so |P - out| <= sqrt(N) ||r||_2.
    double r2 = 0;
    for (std::size_t row = 0; row < m.unknowns(); ++row) {
      double gt = 0;
      for (auto e = m.row_begin[row]; e < m.row_begin[row + 1]; ++e) gt += m.val[e] * s.theta_k[m.col[e]];
      r2 += (q[row] - gt) * (q[row] - gt);
    }
    const double p = c.total_power_w(), imbalance = std::abs(out - p);
    INFO("power " << p << " W, heat out " << out << " W, imbalance " << imbalance << " W, ||r|| " << std::sqrt(r2)
                  << " W, iterations " << s.iterations);
    CHECK(imbalance <= std::sqrt(static_cast<double>(m.unknowns()) * r2) + 1e-9 * p);
    CHECK(imbalance <= 1e-6 * p);
    CHECK(std::abs(s.heat_out_w - out) <= 1e-9 * p);
    CHECK(s.power_in_w == Approx(p).epsilon(1e-12));
    CHECK(test::same_on_all_ranks(out));
  }
}

namespace {
struct Row {
  const char* block;
  double max_k, avg_k;
};
void check_rows(const CaseResult& r, const std::vector<Row>& rows, double tol, const std::string& what) {
  for (const auto& row : rows) {
    const auto& b = named(r.blocks, row.block);
    check_abs(b.t.max_k, row.max_k, tol, what + " " + row.block + " max");
    if (row.avg_k > 0) check_abs(b.t.avg_k, row.avg_k, tol, what + " " + row.block + " avg");
    CHECK(test::same_on_all_ranks(b.t.max_k));
    CHECK(test::same_on_all_ranks(b.t.avg_k));
  }
}
}  // namespace

TEST_CASE("case A matches fvtherm at each deck's discretisation and the converged reference", "[thermal][validation]") {
  // README case A table (die layer): Tmax / Tavg / Tmin; tolerance +-0.05 K at matching discretisation.
  const CaseResult a = solve_case(load("case_a_single_die/case_a.fv"));
  check_rows(a, {{"die", 354.680, 351.932}}, 0.05, "case_a.fv");
  check_abs(named(a.blocks, "die").t.min_k, 346.877, 0.05, "case_a.fv die min");
  check_abs(named(a.layers, "tim").t.max_k, 353.062, 0.05, "case_a.fv tim max");
  check_abs(named(a.layers, "tim").t.avg_k, 350.307, 0.05, "case_a.fv tim avg");
  check_abs(named(a.layers, "spreader").t.max_k, 351.196, 0.05, "case_a.fv spreader max");
  check_abs(named(a.layers, "spreader").t.avg_k, 346.242, 0.05, "case_a.fv spreader avg");
  check_abs(named(a.layers, "sink").t.max_k, 346.844, 0.05, "case_a.fv sink max");
  check_abs(named(a.layers, "sink").t.avg_k, 341.129, 0.05, "case_a.fv sink avg");
  const CaseResult z = solve_case(load("case_a_single_die/case_a_zref.fv"));
  check_rows(z, {{"die", 353.729, 351.088}}, 0.05, "case_a_zref.fv");
  check_abs(named(z.blocks, "die").t.min_k, 346.356, 0.05, "case_a_zref.fv die min");
  // Converged reference: die Tmax 353.75, Tavg 351.1, +-0.1 K.
  check_rows(z, {{"die", 353.75, 351.1}}, 0.1, "converged (case_a_zref.fv)");
  // Sanity band only: HotSpot 64 x 64 grid 351.38 / 349.23 K, +-3 K (it lumps the spreader/sink periphery).
  check_rows(z, {{"die", 351.38, 349.23}}, 3.0, "HotSpot sanity band");
}

TEST_CASE("case B matches fvtherm at each deck's discretisation and the converged reference", "[thermal][validation]") {
  // README case B table, chip layer, Tmax / Tavg per chiplet; +-0.05 K at matching discretisation.
  const CaseResult b = solve_case(load("case_b_2p5d_4chiplets/case_b.fv"));
  check_rows(b, {{"C0", 359.729, 356.149}, {"C1", 351.885, 349.060}, {"C2", 347.976, 345.360}, {"C3", 343.933, 341.350}},
             0.05, "case_b.fv");
  // Per-layer max / avg for case_b.fv ("for debugging" in the README).
  const std::vector<std::tuple<const char*, double, double>> layers = {
      {"substrate", 359.694, 342.644}, {"c4", 359.708, 342.644},   {"interposer", 359.712, 342.644},
      {"ubump", 359.718, 342.610},     {"chip", 359.729, 342.069}, {"tim", 355.906, 340.585},
      {"spreader", 351.496, 333.602},  {"sink", 342.767, 328.481}};
  for (const auto& [name, mx, av] : layers) {
    check_abs(named(b.layers, name).t.max_k, mx, 0.05, std::string("case_b.fv layer ") + name + " max");
    check_abs(named(b.layers, name).t.avg_k, av, 0.05, std::string("case_b.fv layer ") + name + " avg");
  }
  const CaseResult z = solve_case(load("case_b_2p5d_4chiplets/case_b_zref.fv"));
  check_rows(z, {{"C0", 357.461, 354.119}, {"C1", 350.545, 347.752}, {"C2", 347.120, 344.412}, {"C3", 343.550, 340.758}},
             0.05, "case_b_zref.fv");
  // Converged reference: C0 357.45 +- 0.1 K (C1 350.53, C2 347.11, C3 343.54).
  check_rows(z, {{"C0", 357.45, 0}, {"C1", 350.53, 0}, {"C2", 347.11, 0}, {"C3", 343.54, 0}}, 0.1,
             "converged (case_b_zref.fv)");
  const CaseResult h = solve_case(load("case_b_2p5d_4chiplets/case_b_hom.fv"));
  check_rows(h, {{"C0", 359.590, 355.489}, {"C1", 351.772, 348.616}, {"C2", 347.870, 345.024}, {"C3", 343.797, 341.124}},
             0.05, "case_b_hom.fv");
  const CaseResult hz = solve_case(load("case_b_2p5d_4chiplets/case_b_hom_zref.fv"));
  check_rows(hz, {{"C0", 357.351, 353.568}, {"C1", 350.436, 347.380}, {"C2", 347.007, 344.130}, {"C3", 343.404, 340.568}},
             0.05, "case_b_hom_zref.fv");
  // Sanity band only: HotSpot "hom" 64 x 64, +-7 K (lumped periphery of a 128 mm sink).
  check_rows(hz, {{"C0", 352.94, 350.12}, {"C1", 347.30, 344.76}, {"C2", 344.47, 341.94}, {"C3", 341.51, 338.82}}, 7.0,
             "HotSpot hom sanity band");
}

TEST_CASE("the finest decks (745k unknowns) match fvtherm", "[.][slow][thermal][validation]") {
  const CaseResult a = solve_case(load("case_a_single_die/case_a_zref_x2.fv"));
  check_rows(a, {{"die", 353.769, 351.128}}, 0.05, "case_a_zref_x2.fv");
  check_rows(a, {{"die", 353.75, 351.1}}, 0.1, "converged");
  const CaseResult b = solve_case(load("case_b_2p5d_4chiplets/case_b_zref_x2.fv"));
  check_rows(b, {{"C0", 357.446, 354.065}, {"C1", 350.533, 347.714}, {"C2", 347.112, 344.383}, {"C3", 343.543, 340.737}},
             0.05, "case_b_zref_x2.fv");
}

// ------------------------------------------------------------------------------------------- solver behaviour

TEST_CASE("solver failures are errors with the reason", "[thermal][solver]") {
  const FvCase c = load("case_a_single_die/case_a.fv");
  const FvMesh m = build_mesh(c);
  SolverSettings few;
  few.max_iterations = 2;
  Solver s(m, few);
  CHECK_THROWS_WITH(s.solve(power_vector(m, c)), Contains("did not converge") && Contains("DIVERGED_ITS") &&
                                                     Contains("after 2 iterations"));
  SolverSettings bad;
  bad.rtol = 2;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);  // expected PETSc errors: no traceback in the log
  CHECK_THROWS_WITH(Solver(m, bad), Contains("PETSc failed") && Contains("rtol 2") && Contains("must be in (0, 1)"));
  PetscPopErrorHandler();
  Solver ok(m);
  std::vector<double> negative(m.unknowns(), 0.0);
  negative[0] = -1;
  CHECK_THROWS_WITH(ok.solve(negative), Contains("must be finite and >= 0"));
  // Zero power: zero rise, no iterations needed.
  const Solution zero = ok.solve(std::vector<double>(m.unknowns(), 0.0));
  CHECK(zero.heat_out_w == 0);
}

TEST_CASE("PETSc options with the prefix chipdse_thermal_ reach the solver, others do not", "[thermal][solver]") {
  const FvCase c = load("case_a1d_pure_1d/case_a1d.fv");
  const FvMesh m = build_mesh(c);
  {
    Solver s(m);
    CHECK(s.ksp_type() == "cg");
    CHECK(s.pc_type() == "gamg");
  }
  REQUIRE(PetscOptionsSetValue(nullptr, "-chipdse_thermal_pc_type", "jacobi") == 0);
  REQUIRE(PetscOptionsSetValue(nullptr, "-pc_type", "none") == 0);
  {
    Solver s(m);
    CHECK(s.pc_type() == "jacobi");
    const Solution sol = s.solve(power_vector(m, c));
    const double die_max = a1d_ambient + a1d_power * (r_conv + r_sink + r_spr + r_tim + r_die / 2);
    check_rel(a1d_ambient + sol.theta_k[0], die_max, 1e-6, "CG + Jacobi on A1D");
  }
  REQUIRE(PetscOptionsSetValue(nullptr, "-chipdse_thermal_pc_type", "no_such_pc") == 0);
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  CHECK_THROWS_WITH(Solver(m), Contains("PETSc failed") && Contains("no_such_pc"));
  PetscPopErrorHandler();
  REQUIRE(PetscOptionsClearValue(nullptr, "-chipdse_thermal_pc_type") == 0);
  REQUIRE(PetscOptionsClearValue(nullptr, "-pc_type") == 0);
  {
    Solver s(m);
    CHECK(s.pc_type() == "gamg");
  }
  // A deck's [thermal.petsc] table: applied under the prefix, but never over an option already given.
  REQUIRE(PetscOptionsSetValue(nullptr, "-chipdse_thermal_ksp_type", "minres") == 0);  // "command line"
  set_petsc_options({{"pc_type", "icc"}, {"ksp_type", "gmres"}});
  {
    Solver s(m);
    CHECK(s.pc_type() == "icc");
    CHECK(s.ksp_type() == "minres");
  }
  REQUIRE(PetscOptionsClearValue(nullptr, "-chipdse_thermal_pc_type") == 0);
  REQUIRE(PetscOptionsClearValue(nullptr, "-chipdse_thermal_ksp_type") == 0);
  CHECK_THROWS_WITH(set_petsc_options({{"-ksp_rtol", "1"}}, "deck.toml [thermal.petsc]"),
                    Contains("deck.toml [thermal.petsc]: key '-ksp_rtol': not a PETSc option name"));
  Solver s(m);
  CHECK(s.pc_type() == "gamg");
  CHECK(s.ksp_type() == "cg");
}

TEST_CASE("influence matrix: one set-up, one solve per source, superposition and reciprocity",
          "[thermal][influence]") {
  const FvCase c = load("case_b_2p5d_4chiplets/case_b.fv");
  const FvMesh m = build_mesh(c);
  Solver solver(m);
  const std::vector<std::size_t> sources = {4, 5, 6, 7};  // C0..C3
  const InfluenceMatrix im = influence_matrix(solver, sources);
  REQUIRE(im.sources.size() == 4);
  CHECK(im.iterations > 0);
  // Superposition: the case's power map through the matrix equals a direct solve.
  const std::vector<double> p = {120, 80, 60, 40};
  const Solution direct = solver.solve(power_vector(m, c));
  for (std::size_t b = 0; b < c.blocks.size(); ++b) {
    const TemperatureStats via = im.block_stats(b, p), ref = block_stats(m, b, direct.theta_k);
    INFO(c.blocks[b].name);
    CHECK(std::abs(via.max_k - ref.max_k) <= 1e-5);
    CHECK(std::abs(via.avg_k - ref.avg_k) <= 1e-5);
    CHECK(std::abs(via.min_k - ref.min_k) <= 1e-5);
  }
  // Reciprocity of G^-1 (symmetric): the mean rise of chiplet i per watt in j equals that of j per watt in i
  // (power is uniform over each chiplet's cells, so the power-weighted mean is the plain mean).
  const auto mean_rise = [&](std::size_t at_block, std::size_t src_col) {
    double s = 0;
    for (const auto r : im.block_rows[at_block]) s += im.rise_k_per_w[r * sources.size() + src_col];
    return s / static_cast<double>(im.block_rows[at_block].size());
  };
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const double rij = mean_rise(sources[i], j), rji = mean_rise(sources[j], i);
      INFO("R(" << i << "," << j << ") = " << rij << " K/W, R(" << j << "," << i << ") = " << rji << " K/W");
      CHECK(std::abs(rij - rji) <= 1e-6 * std::max(rij, rji));
      CHECK(rij > 0);
    }
  CHECK(test::same_on_all_ranks(im.rise_k_per_w[0]));
  CHECK(test::same_on_all_ranks(im.rise_k_per_w.back()));
}

// Mesh-convergence study (hidden: run with `test_thermal "[convergence]"`, about a minute serially). Prints,
// per mesh, the error of the die peaks and means against the README's converged references; the numbers are
// recorded in tests/data/thermal/README.md. The only assertion is the converged ±0.1 K band on the finest mesh.
TEST_CASE("mesh convergence of cases A and B against the converged references", "[.][convergence][thermal]") {
  struct Ref {
    const char* block;
    double max_k, avg_k;  // README "converged reference" (avg: A 351.1; B from the finest fvtherm row)
  };
  const auto study = [](const char* name, const FvCase& c, const std::vector<Ref>& refs) {
    const CaseResult r = solve_case(c);
    if (env().is_root()) {
      std::printf("%-34s %8zu %3dx%-3d nz%-3d %3d its %6.2f s |", name, r.unknowns, r.nx, r.ny, r.nz,
                  r.solution.iterations, r.assembly_time_s + r.setup_time_s + r.solution.solve_time_s);
      for (const auto& ref : refs) {
        const auto& b = named(r.blocks, ref.block);
        std::printf(" %s %.3f (%+.3f) avg %.3f (%+.3f) |", ref.block, b.t.max_k, b.t.max_k - ref.max_k, b.t.avg_k,
                    b.t.avg_k - ref.avg_k);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
    return r;
  };
  const std::vector<Ref> ra = {{"die", 353.75, 351.1}};
  const std::vector<Ref> rb = {{"C0", 357.45, 354.065}, {"C1", 350.53, 347.714}, {"C2", 347.11, 344.383},
                               {"C3", 343.54, 340.737}};
  const FvCase a = load("case_a_single_die/case_a.fv"), az = load("case_a_single_die/case_a_zref.fv");
  const FvCase b = load("case_b_2p5d_4chiplets/case_b.fv"), bz = load("case_b_2p5d_4chiplets/case_b_zref.fv");
  for (const int n : {32, 64}) study(("A 1 cell/layer, remesh " + std::to_string(n)).c_str(), remesh(a, n, n, 1), ra);
  study("A case_a.fv (104, 1 cell/layer)", a, ra);
  for (const int n : {32, 64}) study(("A zref z-cells, remesh " + std::to_string(n)).c_str(), remesh(az, n, n, 1), ra);
  study("A case_a_zref.fv (104)", az, ra);
  study("A zref z-cells, remesh 208", remesh(az, 208, 208, 1), ra);
  study("A case_a_zref_x2.fv (208)", load("case_a_single_die/case_a_zref_x2.fv"), ra);
  for (const int n : {32, 64}) study(("B 1 cell/layer, remesh " + std::to_string(n)).c_str(), remesh(b, n, n, 1), rb);
  study("B case_b.fv (128, 1 cell/layer)", b, rb);
  for (const int n : {32, 64}) study(("B zref z-cells, remesh " + std::to_string(n)).c_str(), remesh(bz, n, n, 1), rb);
  study("B case_b_zref.fv (128)", bz, rb);
  const CaseResult fine = study("B case_b_zref_x2.fv (256)", load("case_b_2p5d_4chiplets/case_b_zref_x2.fv"), rb);
  check_rows(fine, {{"C0", 357.45, 0}, {"C1", 350.53, 0}, {"C2", 347.11, 0}, {"C3", 343.54, 0}}, 0.1, "finest B");
}

TEST_CASE("a deck's thermal.petsc table reaches the solver, below the command line", "[thermal][deck]") {
  // What cmd_run does with deck.thermal_petsc: set_petsc_options puts -chipdse_thermal_<key> into PETSc's
  // options database unless already set; every Solver created afterwards reads it through KSPSetFromOptions.
  const auto c = chipdse::thermal::read_fv_case(std::filesystem::path(CHIPDSE_SOURCE_DIR) /
                                                "tests/data/thermal/case_a1d_pure_1d/case_a1d.fv");
  const auto mesh = chipdse::thermal::build_mesh(c);
  chipdse::thermal::set_petsc_options({{"pc_type", "icc"}}, "[thermal.petsc]");
  {
    chipdse::thermal::Solver solver(mesh);
    CHECK(solver.pc_type() == "icc");
  }
  // An option already set (command line, PETSC_OPTIONS) wins over the deck.
  chipdse::thermal::set_petsc_options({{"pc_type", "jacobi"}}, "[thermal.petsc]");
  {
    chipdse::thermal::Solver solver(mesh);
    CHECK(solver.pc_type() == "icc");
  }
  PetscOptionsClearValue(nullptr, "-chipdse_thermal_pc_type");
  chipdse::thermal::Solver solver(mesh);
  CHECK(solver.pc_type() == "gamg");
}

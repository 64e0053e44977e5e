// PETSc solve of the finite-volume system (see fv_solver.hpp). Inside this file PETSc's discipline holds:
// functions that call PETSc return PetscErrorCode, open with PetscFunctionBeginUser, wrap every call in
// PetscCall and end with PetscFunctionReturn(0) (PETSc 3.18 has no PETSC_SUCCESS). The one boundary to C++
// exceptions is check_petsc(); solver reasons and non-physical results are turned into chipdse::Error by the
// C++ code around it. Everything here runs on PETSC_COMM_SELF and must not be called from OpenMP threads.
#include "chipdse/thermal/fv_solver.hpp"

#include "chipdse/core/suggest.hpp"

#include <petscksp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "chipdse/core/error.hpp"

namespace chipdse::thermal {

namespace {

constexpr const char* options_prefix = "chipdse_thermal_";

/// The error boundary: a nonzero PETSc code becomes chipdse::Error with PETSc's own message.
void check_petsc(PetscErrorCode ierr, const char* what) {
  if (!ierr) return;
  const char* generic = nullptr;
  char* specific = nullptr;
  PetscErrorMessage(ierr, &generic, &specific);
  std::string message = std::string("thermal solver: PETSc failed in ") + what + " (error " + std::to_string(ierr) + ")";
  if (generic) message += std::string(": ") + generic;
  if (specific && *specific) message += std::string(": ") + specific;
  throw Error(message, {"  PETSc options use the prefix -" + std::string(options_prefix) +
                        " (e.g. -chipdse_thermal_ksp_type, -chipdse_thermal_pc_type)"});
}

struct Events {
  PetscLogEvent assemble = 0, setup = 0, solve = 0;
};

/// The log event called `name`, registered on first use in this PETSc session.
PetscErrorCode get_event(const char* name, PetscLogEvent* e) {
  PetscFunctionBeginUser;
  *e = -1;
  PetscCall(PetscLogEventGetId(name, e));
  if (*e < 0) PetscCall(PetscLogEventRegister(name, KSP_CLASSID, e));
  PetscFunctionReturn(0);
}

/// Log events for -log_view: assembly, preconditioner set-up and solves are reported separately.
PetscErrorCode get_events(Events* ev) {
  PetscFunctionBeginUser;
  PetscCall(get_event("ChipdseThAssemble", &ev->assemble));
  PetscCall(get_event("ChipdseThSetUp", &ev->setup));
  PetscCall(get_event("ChipdseThSolve", &ev->solve));
  PetscFunctionReturn(0);
}

PetscErrorCode assemble(const FvMesh& mesh, Mat* a) {
  PetscFunctionBeginUser;
  const auto n = static_cast<PetscInt>(mesh.unknowns());
  std::vector<PetscInt> ia(mesh.row_begin.begin(), mesh.row_begin.end());
  std::vector<PetscInt> ja(mesh.col.begin(), mesh.col.end());
  PetscCall(MatCreate(PETSC_COMM_SELF, a));
  PetscCall(MatSetSizes(*a, n, n, n, n));
  PetscCall(MatSetType(*a, MATSEQAIJ));
  PetscCall(MatSetOptionsPrefix(*a, options_prefix));
  // Copies the exactly preallocated rows and assembles (the ex2.c rule: preallocation is crucial).
  PetscCall(MatSeqAIJSetPreallocationCSR(*a, ia.data(), ja.data(), mesh.val.data()));
  PetscCall(MatSetOption(*a, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(*a, MAT_SYMMETRY_ETERNAL, PETSC_TRUE));
  PetscCall(MatSetOption(*a, MAT_SPD, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode create_ksp(Mat a, const SolverSettings& s, KSP* ksp) {
  PetscFunctionBeginUser;
  PC pc;
  PetscCheck(s.rtol > 0 && s.rtol < 1 && s.atol_w > 0 && s.max_iterations >= 1, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "rtol %g must be in (0, 1), atol %g > 0, max_iterations %d >= 1", s.rtol,
             s.atol_w, s.max_iterations);
  PetscCall(KSPCreate(PETSC_COMM_SELF, ksp));
  PetscCall(KSPSetOperators(*ksp, a, a));
  PetscCall(KSPSetType(*ksp, KSPCG));
  PetscCall(KSPGetPC(*ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetTolerances(*ksp, s.rtol, s.atol_w, PETSC_DEFAULT, s.max_iterations));
  PetscCall(KSPSetOptionsPrefix(*ksp, options_prefix));
  PetscCall(KSPSetFromOptions(*ksp));
  // Tolerances are in watts only with the unpreconditioned norm; CG supports it. Another KSP keeps its own
  // default unless -chipdse_thermal_ksp_norm_type says otherwise.
  PetscBool is_cg = PETSC_FALSE, norm_given = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(*ksp), KSPCG, &is_cg));
  PetscCall(PetscOptionsHasName(nullptr, options_prefix, "-ksp_norm_type", &norm_given));
  if (is_cg && !norm_given) PetscCall(KSPSetNormType(*ksp, KSP_NORM_UNPRECONDITIONED));
  // Always from zero: results must not depend on what a rank solved before (DESIGN.md §3).
  PetscCall(KSPSetInitialGuessNonzero(*ksp, PETSC_FALSE));
  PetscCall(KSPSetUp(*ksp));
  PetscFunctionReturn(0);
}

struct RawSolve {
  PetscInt iterations = 0;
  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
  PetscReal residual = 0;
};

PetscErrorCode solve_raw(KSP ksp, Vec b, Vec x, const double* q, double* theta, std::size_t n, RawSolve* out) {
  PetscFunctionBeginUser;
  PetscScalar* pb = nullptr;
  PetscCall(VecGetArrayWrite(b, &pb));
  std::copy(q, q + n, pb);
  PetscCall(VecRestoreArrayWrite(b, &pb));
  PetscCall(VecZeroEntries(x));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetIterationNumber(ksp, &out->iterations));
  PetscCall(KSPGetConvergedReason(ksp, &out->reason));
  PetscCall(KSPGetResidualNorm(ksp, &out->residual));
  const PetscScalar* px = nullptr;
  PetscCall(VecGetArrayRead(x, &px));
  std::copy(px, px + n, theta);
  PetscCall(VecRestoreArrayRead(x, &px));
  PetscFunctionReturn(0);
}

PetscErrorCode type_names(KSP ksp, std::string* ksp_type, std::string* pc_type) {
  PetscFunctionBeginUser;
  KSPType kt = nullptr;
  PCType pt = nullptr;
  PC pc;
  PetscCall(KSPGetType(ksp, &kt));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &pt));
  *ksp_type = kt ? kt : "?";
  *pc_type = pt ? pt : "?";
  PetscFunctionReturn(0);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string num(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

}  // namespace

struct Solver::Impl {
  const FvMesh& mesh;
  SolverSettings settings;
  Events events;
  Mat a = nullptr;
  Vec b = nullptr, x = nullptr;
  KSP ksp = nullptr;
  std::string ksp_type, pc_type;
  double assembly_time_s = 0, setup_time_s = 0;

  explicit Impl(const FvMesh& m) : mesh(m) {}
  ~Impl() {  // destruction cannot throw; PETSc reports its own errors
    if (ksp) KSPDestroy(&ksp);
    if (x) VecDestroy(&x);
    if (b) VecDestroy(&b);
    if (a) MatDestroy(&a);
  }
};

Solver::Solver(const FvMesh& mesh, const SolverSettings& settings) : m_impl(std::make_unique<Impl>(mesh)) {
  CHIPDSE_CHECK(mesh.unknowns() > 0, "thermal solver: the mesh has no active cell");
  Impl& s = *m_impl;
  s.settings = settings;
  check_petsc(get_events(&s.events), "registering log events");
  auto t0 = std::chrono::steady_clock::now();
  check_petsc(PetscLogEventBegin(s.events.assemble, 0, 0, 0, 0), "logging");
  check_petsc(assemble(mesh, &s.a), "assembling the conductance matrix");
  check_petsc(MatCreateVecs(s.a, &s.x, &s.b), "creating vectors");
  check_petsc(PetscLogEventEnd(s.events.assemble, 0, 0, 0, 0), "logging");
  s.assembly_time_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  check_petsc(PetscLogEventBegin(s.events.setup, 0, 0, 0, 0), "logging");
  check_petsc(create_ksp(s.a, settings, &s.ksp), "setting up the solver (KSP/PC, -chipdse_thermal_ options)");
  check_petsc(PetscLogEventEnd(s.events.setup, 0, 0, 0, 0), "logging");
  s.setup_time_s = seconds_since(t0);
  check_petsc(type_names(s.ksp, &s.ksp_type, &s.pc_type), "querying the solver type");
}

Solver::~Solver() = default;

const FvMesh& Solver::mesh() const noexcept { return m_impl->mesh; }
const std::string& Solver::ksp_type() const noexcept { return m_impl->ksp_type; }
const std::string& Solver::pc_type() const noexcept { return m_impl->pc_type; }
double Solver::assembly_time_s() const noexcept { return m_impl->assembly_time_s; }
double Solver::setup_time_s() const noexcept { return m_impl->setup_time_s; }

Solution Solver::solve(std::span<const double> power_w) {
  Impl& s = *m_impl;
  const FvMesh& mesh = s.mesh;
  const std::size_t n = mesh.unknowns();
  CHIPDSE_CHECK(power_w.size() == n, "thermal solve: " << power_w.size() << " cell powers for " << n << " unknowns");
  Solution sol;
  for (const double p : power_w) {
    CHIPDSE_CHECK(std::isfinite(p) && p >= 0, "thermal solve: cell power " << p << " W must be finite and >= 0");
    sol.power_in_w += p;
  }
  sol.theta_k.assign(n, 0.0);
  RawSolve raw;
  const auto t0 = std::chrono::steady_clock::now();
  check_petsc(PetscLogEventBegin(s.events.solve, 0, 0, 0, 0), "logging");
  check_petsc(solve_raw(s.ksp, s.b, s.x, power_w.data(), sol.theta_k.data(), n, &raw), "KSPSolve");
  check_petsc(PetscLogEventEnd(s.events.solve, 0, 0, 0, 0), "logging");
  sol.solve_time_s = seconds_since(t0);
  sol.iterations = static_cast<int>(raw.iterations);
  sol.residual_norm_w = static_cast<double>(raw.residual);
  sol.converged_reason = KSPConvergedReasons[raw.reason];

  const std::string solver = s.ksp_type + " + " + s.pc_type;
  if (raw.reason < 0)
    throw Error("thermal solve did not converge: KSP " + sol.converged_reason + " after " +
                    std::to_string(sol.iterations) + " iterations (" + solver + ", residual " +
                    num(sol.residual_norm_w) + " W)",
                {"  try more iterations (-chipdse_thermal_ksp_max_it) or another preconditioner "
                 "(-chipdse_thermal_pc_type)"});
  double min_theta = 0, max_theta = 0;
  std::size_t where = 0;
  for (std::size_t u = 0; u < n; ++u) {
    const double t = sol.theta_k[u];
    if (!std::isfinite(t))
      throw Error("thermal solve gave a non-physical result: non-finite temperature (KSP " + sol.converged_reason +
                  ", " + solver + ")");
    if (t < min_theta) min_theta = t, where = u;
    max_theta = std::max(max_theta, t);
    sol.heat_out_w += mesh.robin_w_k[u] * t;
  }
  if (min_theta < -(1e-6 * max_theta + 1e-9)) {
    const std::int64_t plane = static_cast<std::int64_t>(mesh.nx) * mesh.ny, cell = mesh.cell_of_unknown[where];
    throw Error("thermal solve gave a non-physical result: " + num(-min_theta) + " K below ambient at layer " +
                std::to_string(mesh.z_layer[cell / plane]) + ", cell (" + std::to_string(cell % mesh.nx) + ", " +
                std::to_string((cell % plane) / mesh.nx) + ") with non-negative power (KSP " +
                sol.converged_reason + " after " + std::to_string(sol.iterations) + " iterations, " + solver + ")");
  }
  const double imbalance = std::abs(sol.heat_out_w - sol.power_in_w);
  if (imbalance > 1e-3 * sol.power_in_w + 1e-12)
    throw Error("thermal solve gave a non-physical result: heat out " + num(sol.heat_out_w) + " W differs from " +
                "power in " + num(sol.power_in_w) + " W (KSP " + sol.converged_reason + ", residual " +
                num(sol.residual_norm_w) + " W, " + solver + ")",
                {"  tighten -chipdse_thermal_ksp_rtol"});
  return sol;
}

namespace {
PetscErrorCode set_if_unset(const std::string& name, const std::string& value, PetscBool* was_set) {
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(nullptr, nullptr, name.c_str(), was_set));
  if (!*was_set) PetscCall(PetscOptionsSetValue(nullptr, name.c_str(), value.empty() ? nullptr : value.c_str()));
  PetscFunctionReturn(0);
}
}  // namespace

void set_petsc_options(const std::vector<std::pair<std::string, std::string>>& options, const std::string& where) {
  for (const auto& [key, value] : options) {
    const bool ok = is_identifier(key);
    if (!ok)
      throw InputError(SourceLocation{where}, key, "not a PETSc option name", key,
                       "letters, digits and '_' without dash or prefix, e.g. ksp_rtol");
    PetscBool was_set = PETSC_FALSE;
    check_petsc(set_if_unset("-" + std::string(options_prefix) + key, value, &was_set), "setting a PETSc option");
  }
}

std::vector<double> InfluenceMatrix::rise_k(std::span<const double> power_w) const {
  const std::size_t ns = sources.size();
  CHIPDSE_CHECK(power_w.size() == ns, "influence matrix: " << power_w.size() << " powers for " << ns << " sources");
  std::vector<double> out(rows.size(), 0.0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double t = 0;
    for (std::size_t s = 0; s < ns; ++s) t += rise_k_per_w[r * ns + s] * power_w[s];
    out[r] = t;
  }
  return out;
}

TemperatureStats InfluenceMatrix::block_stats(std::size_t block, std::span<const double> power_w) const {
  CHIPDSE_CHECK(block < block_rows.size(), "influence matrix: block " << block << " out of range");
  const std::size_t ns = sources.size();
  CHIPDSE_CHECK(power_w.size() == ns, "influence matrix: " << power_w.size() << " powers for " << ns << " sources");
  TemperatureAccumulator acc;
  for (const std::int32_t r : block_rows[block]) {
    double t = ambient_k;
    for (std::size_t s = 0; s < ns; ++s) t += rise_k_per_w[r * ns + s] * power_w[s];
    acc.add(t);
  }
  return acc.result();
}

InfluenceMatrix influence_matrix(Solver& solver, std::span<const std::size_t> source_blocks) {
  const FvMesh& mesh = solver.mesh();
  const std::size_t nb = mesh.block_cells.size(), ns = source_blocks.size();
  InfluenceMatrix im;
  im.ambient_k = mesh.ambient_k;
  im.sources.assign(source_blocks.begin(), source_blocks.end());
  for (const std::size_t s : im.sources)
    CHIPDSE_CHECK(s < nb, "influence matrix: source block " << s << " out of range (" << nb << " blocks)");
  std::vector<std::int32_t> position(mesh.unknowns(), -1);
  for (const auto& cells : mesh.block_cells)
    for (const std::int32_t u : cells) position[u] = 0;
  for (std::size_t u = 0; u < mesh.unknowns(); ++u)
    if (position[u] == 0) {
      position[u] = static_cast<std::int32_t>(im.rows.size());
      im.rows.push_back(static_cast<std::int32_t>(u));
    }
  for (const auto& cells : mesh.block_cells) {
    im.block_rows.emplace_back();
    for (const std::int32_t u : cells) im.block_rows.back().push_back(position[u]);
  }
  im.rise_k_per_w.assign(im.rows.size() * ns, 0.0);
  std::vector<double> unit(nb, 0.0);
  for (std::size_t s = 0; s < ns; ++s) {
    std::fill(unit.begin(), unit.end(), 0.0);
    unit[im.sources[s]] = 1.0;
    const Solution sol = solver.solve(power_vector(mesh, unit));
    im.iterations += sol.iterations;
    im.solve_time_s += sol.solve_time_s;
    for (std::size_t r = 0; r < im.rows.size(); ++r) im.rise_k_per_w[r * ns + s] = sol.theta_k[im.rows[r]];
  }
  return im;
}

CaseResult solve_case(const FvCase& c, const SolverSettings& settings) {
  CaseResult res;
  auto t0 = std::chrono::steady_clock::now();
  const FvMesh mesh = build_mesh(c);
  res.mesh_time_s = seconds_since(t0);
  Solver solver(mesh, settings);
  res.solution = solver.solve(power_vector(mesh, c));
  res.unknowns = mesh.unknowns();
  res.nx = mesh.nx, res.ny = mesh.ny, res.nz = mesh.nz;
  res.ksp_type = solver.ksp_type();
  res.pc_type = solver.pc_type();
  res.assembly_time_s = solver.assembly_time_s();
  res.setup_time_s = solver.setup_time_s();
  for (std::size_t b = 0; b < c.blocks.size(); ++b)
    res.blocks.push_back({c.blocks[b].name, c.layers[c.blocks[b].layer].name, c.blocks[b].power_w,
                          block_stats(mesh, b, res.solution.theta_k)});
  for (std::size_t l = 0; l < c.layers.size(); ++l) {
    double p = 0;
    for (const auto& b : c.blocks)
      if (b.layer == l) p += b.power_w;
    res.layers.push_back({c.layers[l].name, c.layers[l].name, p, layer_stats(mesh, l, res.solution.theta_k)});
  }
  return res;
}

}  // namespace chipdse::thermal

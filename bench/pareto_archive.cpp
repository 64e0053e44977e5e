// pareto_archive: time the exhaustive search's non-dominated archive (issue #6 acceptance): filtering 10^6
// points on a known front shape (every point non-dominated), 10^6 points of which ~10^5 are non-dominated,
// and uniform random points, in 2..6 objectives, on one core. A benchmark program, not a test.
//
// Usage: pareto_archive [--n N] [--repeat R] [--objectives 4,6]
//   --n           points per case (default 1000000)
//   --repeat      repetitions per case; the minimum and the median are reported (default 3)
//   --objectives  objective counts to run (default 2,3,4,5,6)
// Cases, all points generated from a fixed seed (std::mt19937_64):
//   sphere     n points on sum(x_i^2) = 1, x >= 0 (|gaussian| normalised): all on the front
//   mixed      n/10 sphere points, the rest a sphere point plus a positive offset in every objective
//   cube       n uniform points in [0,1)^k: a small front (~(ln n)^(k-1)/(k-1)!)
// Modes: "once" adds everything to an archive whose buffer holds all n, then finalize() (one filter);
// "stream" adds with the default buffer (automatic filters) then finalize(); "merge" builds 16 chunk
// archives and merges them pairwise in a tree. The three modes must give the same archive bit for bit
// (checked; exit 1 otherwise). Wall and CPU seconds are both printed: on a shared machine the CPU time
// is the steadier figure. Provenance is printed with the results.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "chipdse/core/build_info.hpp"
#include "chipdse/search/pareto_archive.hpp"

using chipdse::search::ParetoArchive;

namespace {

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

double abs_gaussian(std::mt19937_64& rng) {  // Box-Muller; only the magnitude is used
  const double u = 1.0 - uniform01(rng), v = uniform01(rng);
  return std::fabs(std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v));
}

void sphere_point(std::mt19937_64& rng, int k, double* x) {
  double s = 0;
  for (int j = 0; j < k; ++j) {
    x[j] = abs_gaussian(rng) + 1e-300;
    s += x[j] * x[j];
  }
  const double r = std::sqrt(s);
  for (int j = 0; j < k; ++j) x[j] /= r;
}

/// Row-major n x k objectives for a case.
std::vector<double> make_points(const std::string& shape, int k, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> obj(n * k);
  const std::size_t front = shape == "mixed" ? std::max<std::size_t>(1, n / 10) : n;
  for (std::size_t i = 0; i < n; ++i) {
    double* x = &obj[i * k];
    if (shape == "cube") {
      for (int j = 0; j < k; ++j) x[j] = uniform01(rng);
    } else if (i < front) {
      sphere_point(rng, k, x);
    } else {  // dominated by construction: an earlier front point plus a positive offset
      const std::size_t base = static_cast<std::size_t>(rng() % front);
      for (int j = 0; j < k; ++j) x[j] = obj[base * k + j] + 1e-3 + 0.2 * uniform01(rng);
    }
  }
  // Shuffle the rows so the archive sees no helpful order.
  std::vector<double> tmp(k);
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::memcpy(tmp.data(), &obj[(i - 1) * k], k * sizeof(double));
    std::memcpy(&obj[(i - 1) * k], &obj[j * k], k * sizeof(double));
    std::memcpy(&obj[j * k], tmp.data(), k * sizeof(double));
  }
  return obj;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Run {
  double wall_s, cpu_s;
  ParetoArchive front;
};

/// One timed run.
Run run(const std::string& mode, int k, const std::vector<double>& obj, std::size_t n) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  auto done = [&](ParetoArchive a) {
    return Run{seconds_since(t0), static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC, std::move(a)};
  };
  if (mode == "merge") {
    constexpr std::size_t chunks = 16;
    std::vector<ParetoArchive> a;
    for (std::size_t c = 0; c < chunks; ++c) {
      a.emplace_back(k);
      for (std::size_t i = c * n / chunks; i < (c + 1) * n / chunks; ++i) a.back().add(i, &obj[i * k]);
      a.back().finalize();
    }
    for (std::size_t step = 1; step < chunks; step *= 2)
      for (std::size_t c = 0; c + step < chunks; c += 2 * step) {
        a[c].merge(a[c + step]);
        a[c].finalize();
      }
    return done(std::move(a[0]));
  }
  ParetoArchive a(k, mode == "once" ? n + 1 : ParetoArchive::kDefaultBufferPoints);
  for (std::size_t i = 0; i < n; ++i) a.add(i, &obj[i * k]);
  a.finalize();
  return done(std::move(a));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 1000000;
  int repeat = 3;
  std::vector<int> ks = {2, 3, 4, 5, 6};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--n" && i + 1 < argc) n = std::max<std::size_t>(1, std::strtoull(argv[++i], nullptr, 10));
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--objectives" && i + 1 < argc) {
      ks.clear();
      std::stringstream ss(argv[++i]);
      for (std::string t; std::getline(ss, t, ',');) ks.push_back(std::stoi(t));
    } else {
      std::fprintf(stderr, "pareto_archive: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  const auto& bi = chipdse::build_info();
  std::printf("pareto_archive: chipdse %s (%s), %s, %s, 1 thread, %s\n", bi.version, bi.git_revision,
              bi.build_type, bi.compiler, chipdse::utc_timestamp().c_str());
  std::printf("  %-7s %3s %-7s %9s %9s %11s %11s %10s\n", "shape", "k", "mode", "points", "front", "wall_min_s",
              "wall_med_s", "cpu_min_s");
  bool consistent = true;
  for (const int k : ks) {
    if (k < ParetoArchive::kMinObjectives || k > ParetoArchive::kMaxObjectives) continue;
    for (const std::string shape : {"sphere", "mixed", "cube"}) {
      const std::vector<double> obj = make_points(shape, k, n, 0x5EED0000u + static_cast<std::uint64_t>(k));
      std::vector<std::byte> first;
      for (const std::string mode : {"once", "stream", "merge"}) {
        std::vector<double> wall, cpu;
        std::size_t front = 0;
        for (int r = 0; r < repeat; ++r) {
          const Run x = run(mode, k, obj, n);
          wall.push_back(x.wall_s);
          cpu.push_back(x.cpu_s);
          front = x.front.size();
          std::vector<std::byte> bytes = x.front.serialize();
          if (first.empty()) first = std::move(bytes);
          else if (bytes != first) consistent = false;
        }
        std::sort(wall.begin(), wall.end());
        std::sort(cpu.begin(), cpu.end());
        std::printf("  %-7s %3d %-7s %9zu %9zu %11.3f %11.3f %10.3f\n", shape.c_str(), k, mode.c_str(), n, front,
                    wall.front(), wall[wall.size() / 2], cpu.front());
        std::fflush(stdout);
      }
    }
  }
  if (!consistent) {
    std::printf("pareto_archive: FAILED: the modes gave different archives\n");
    return 1;
  }
  return 0;
}

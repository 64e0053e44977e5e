// Independent checks against published chiplet cost figures that are not among the cases of cost_cases.json, run on
// the Chiplet Actuary model with its shipped parameters (inputs/tech/chiplet_actuary_2022.toml). Published anchors
// are charts and rounded press readings, so each check states the source, the inputs assumed and the tolerance the
// source's precision allows (cost_models.md §6: use them as plausibility bands, not exact targets).
#include "cost_case_support.hpp"

using namespace cost_validation;

TEST_CASE("published ISSCC 2021 yield illustration: doubling the die area (independent check)", "[validation][published]") {
  // cost_models.md §6: ISSCC 2021 F5.5 (Kannan et al.): 395 -> 362 good dies (8% loss) for a die; 192 -> 162 good
  // (16% loss) when the die area doubles. Infer the defect count D0*A from the first pair with the Actuary NB model
  // (alpha 10) and predict the second pair's good dies. Tolerance: the published numbers are integers, so each is
  // known to +-0.5; the prediction must reach 162 +- 0.5 for some inputs within that rounding (the interval spans
  // about +-1.1% around the central prediction; the model's own spread over alpha = 1..inf is 161.3-162.4).
  constexpr double kGross1 = 395, kGood1 = 362, kGross2 = 192, kGood2 = 162, kAlpha = 10.0;
  auto predict = [&](double good1, double gross1, double gross2) {
    // Y1 = (1 + x/alpha)^-alpha  =>  x = alpha (Y1^(-1/alpha) - 1); the doubled die has 2x defects on average.
    const double x = kAlpha * (std::pow(good1 / gross1, -1.0 / kAlpha) - 1.0);
    return gross2 * yield_negative_binomial(2.0 * x * kMm2PerCm2, 1.0, kAlpha);  // A = 2x cm², D0 = 1 /cm²
  };
  double lo = 1e300, hi = -1e300;
  for (const double g1 : {kGood1 - 0.5, kGood1 + 0.5})
    for (const double t1 : {kGross1 - 0.5, kGross1 + 0.5})
      for (const double t2 : {kGross2 - 0.5, kGross2 + 0.5}) {
        lo = std::min(lo, predict(g1, t1, t2));
        hi = std::max(hi, predict(g1, t1, t2));
      }
  const double central = predict(kGood1, kGross1, kGross2);
  std::cout << "[cost validation] ISSCC 2021: predicted good dies " << central << " (rounding interval " << lo << " - "
            << hi << "), published " << kGood2 << ", relative error " << rel_err(kGood2, central) << '\n';
  CHECK(lo <= kGood2 + 0.5);
  CHECK(hi >= kGood2 - 0.5);
  CHECK(rel_err(kGood2, central) < (hi - lo) / 2.0 / central);
}

TEST_CASE("published AMD Ryzen 3000 (Matisse): chiplet vs monolithic 7 nm die cost (independent check)",
          "[validation][published]") {
  // Source: AMD's ISSCC 2020 keynote slides on Ryzen 3000 "Matisse" die cost, 7 nm CCDs + a 12 nm client IO die vs a
  // hypothetical monolithic 7 nm die with the same cores and IO, as read off the bar chart by the press (the slide
  // prints no numbers):
  //  - TechPowerUp 2020-02-27, "AMD Gives Itself Massive Cost-cutting Headroom with the Chiplet Design" (via Guru3D):
  //    8 cores monolithic "roughly 50% more" than 1 CCD + IOD; 16 cores monolithic "125% more" than 2 CCD + IOD;
  //    the 1-CCD MCM "about 40% less" than the 2-CCD MCM;
  //  - Notebookcheck 2020 ("AMD says chiplet design can cut costs by more than half"): 16 cores "more than double",
  //    8 cores chiplets "reduce the cost by approximately 25%" (monolithic 1.33x).
  // Tolerance: the two readings of the 8-core bar differ by 12% (1.5 vs 1.33), so the chart is not known better than
  // that: 15% around 1.5 covers both. "About 40% less" is rounded to 10%: the ratio lies in [0.55, 0.65].
  // Inputs assumed (die areas: CCD 74 mm², TSMC N7; cIOD 125 mm², GF 12LP, 2.09e9 transistors, widely reported):
  //  - Actuary's own model of a Zen 2 CCD, from case actuary_amd_epyc_64core: 67 mm² of cores + 7 mm² of D2D, and
  //    7 mm² of D2D per CCD link on the IO die (56 mm² for 8 links), so the cIOD holds 125 - 2 x 7 = 111 mm² of IO;
  //  - the monolithic die = n x 67 mm² + 111 mm² at 7 nm (Actuary scales no area across nodes; IO barely shrinks);
  //  - the cIOD priced at Actuary's 14 nm row (Actuary has no 12 nm; 12LP is a 14 nm-class process);
  //  - compared as die cost (KGD = raw + defect, perfect test, closed-form DPW) like AMD's chiplet cost charts (and
  //    the Naples case); substrate and assembly are not in the ratio.
  const ActuaryParameters& p = toml_parameters();
  const std::string s = find_case("actuary_amd_epyc_64core").at("inputs").at("system");
  const double ccx_mm2 = number_after(s, R"((\d+) mm2 CCX)"), ccd_d2d_mm2 = number_after(s, R"(CCX \+ (\d+) mm2 D2D)");
  const double iod_d2d_per_link_mm2 = number_after(s, R"(IO \+ (\d+) mm2 D2D)") / number_after(s, R"((\d+) x CCD)");
  const int ccd_node = static_cast<int>(number_after(s, R"(CCD \((\d+)nm)"));
  constexpr int kIodNodeNm = 14;
  constexpr double kCiodMm2 = 125.0, kCcdMm2 = 74.0;
  constexpr double kPublishedMono8 = 1.5, kPublishedMono16 = 2.25, kPublishedMcm1OverMcm2 = 0.6;
  constexpr double kChartTolerance = 0.15;
  REQUIRE(ccx_mm2 + ccd_d2d_mm2 == kCcdMm2);  // Actuary's CCD is the real 74 mm² die

  auto kgd = [&](const ActuaryParameters& q, int node, double mm2) {
    return actuary_die(q, node, mm2, 1).cost.shipped_usd;
  };
  auto mcm = [&](const ActuaryParameters& q, int ccds) {
    return ccds * kgd(q, ccd_node, kCcdMm2) + kgd(q, kIodNodeNm, kCiodMm2);
  };
  auto mono = [&](const ActuaryParameters& q, int ccds) {
    return kgd(q, ccd_node, ccds * ccx_mm2 + kCiodMm2 - 2.0 * iod_d2d_per_link_mm2);
  };
  const double mono8 = mono(p, 1) / mcm(p, 1), mono16 = mono(p, 2) / mcm(p, 2), mcm1_2 = mcm(p, 1) / mcm(p, 2);

  // The 7 nm defect density that would make the 16-core bar come out as published (bisection on D0 alone).
  double lo = node_of(p, ccd_node).d0_per_cm2, hi = 2.0;
  ActuaryParameters q = p;
  auto with_d0 = [&](double d0) {
    for (auto& n : q.nodes)
      if (n.node_nm == ccd_node) n.d0_per_cm2 = d0;
    return q;
  };
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    const ActuaryParameters m = with_d0(mid);
    (mono(m, 2) / mcm(m, 2) < kPublishedMono16 ? lo : hi) = mid;
  }
  const ActuaryParameters implied = with_d0(lo);
  std::cout << "[cost validation] Matisse: monolithic / chiplets die cost, 8 cores " << mono8 << " (published "
            << kPublishedMono8 << ", relative error " << rel_err(kPublishedMono8, mono8) << "), 16 cores " << mono16
            << " (published " << kPublishedMono16 << ", relative error " << rel_err(kPublishedMono16, mono16)
            << "); 1-CCD / 2-CCD MCM " << mcm1_2 << " (published about " << kPublishedMcm1OverMcm2 << ")\n"
            << "[cost validation] Matisse: the 16-core bar needs a 7 nm D0 of " << lo << " /cm2 (Actuary "
            << node_of(p, ccd_node).d0_per_cm2 << "), which would put the 8-core ratio at "
            << mono(implied, 1) / mcm(implied, 1) << '\n';

  CHECK(rel_err(kPublishedMono8, mono8) <= kChartTolerance);
  CHECK(mcm1_2 >= 0.55);
  CHECK(mcm1_2 <= 0.65);
  // Chiplets are cheaper at both core counts, as published.
  CHECK(mono8 > 1.0);
  CHECK(mono16 > 1.0);
  // Known gap, reported, not asserted: the model does not reproduce the 16-core bar (about 1.5 against 2.25) and
  // even has the trend backwards (the 16-core saving comes out smaller than the 8-core one). No single 7 nm D0 fits
  // both bars (the printout above), so AMD's estimate holds something this area-and-D0 model lacks (unpublished
  // monolithic die areas, early-ramp 7 nm yield, or harvesting/binning); it is a limit of the model, not a
  // parameter-set error. WARN keeps it visible in the test output without failing the suite.
  if (rel_err(kPublishedMono16, mono16) > kChartTolerance)
    WARN("Matisse 16 cores: model " << mono16 << " vs published " << kPublishedMono16
                                    << " (known gap of the Actuary model, see the comment above)");
}

#!/usr/bin/python3
"""inputs/examples/cpo_vs_pluggable.toml (issue #5 acceptance): the same package evaluated with each link technology
on both tiers shows the difference in power, cost and step time, and the differences point the way the
technology data says: optical I/O chiplet < CPO < LPO < pluggable DSP in always-on link power (pJ/bit) and CPO <
pluggable in optics cost; only pluggable DSP optics pay the DSP retimer's latency and only the optical I/O chiplet
skips the FEC decode (its step latency items add up, and the step times order accordingly); CPO and the optical I/O chiplet
put optical engines on the package; copper cannot span the scale-out tier. Where the link power goes: the pluggable
modules (DSP, LPO) and CPO's external laser are off the package, copper's and the optical I/O chiplet's link power is
all on it, and what the package draws plus what is off it is the system power."""

from example_check import arguments, evaluate, finish


def main():
    a = arguments()
    techs = ("pluggable_dsp", "lpo", "cpo", "copper", "optical_io_chiplet")
    r = {t: evaluate(a.chipdse, a.deck, scale_up_link=t, scale_out_link=t) for t in techs}
    fails = []
    for t, j in r.items():
        m = j["metrics"]
        print(f"{t:18s} links {j['power_breakdown_w']['links']:7.2f} W  power {m['power_w']:8.2f} W  optics "
              f"{j['cost_breakdown_usd']['optics']:7.0f} USD  cost {m['cost_usd']:8.0f} USD  step {m['latency_s']:.6f} s  "
              f"optical engines {j['package']['optical_engines']}  infeasible {j['infeasible']}")
    links = {t: r[t]["power_breakdown_w"]["links"] for t in r}
    if not links["optical_io_chiplet"] < links["cpo"] < links["lpo"] < links["pluggable_dsp"]:
        fails.append(f"link power not optical I/O chiplet < CPO < LPO < pluggable: {links}")
    off = {t: r[t]["power_limit_w"]["links_off_package"] for t in r}
    if not (off["optical_io_chiplet"] == off["copper"] == 0 and 0 < off["cpo"] < off["lpo"] < off["pluggable_dsp"]
            and all(off[t] < links[t] for t in ("cpo", "lpo", "pluggable_dsp"))):
        fails.append(f"off-package link power not 0 (optical I/O chiplet, copper) < CPO laser < LPO < DSP modules: {off}")
    for t in r:
        package, total = r[t]["power_limit_w"]["package"], r[t]["metrics"]["power_w"]
        if abs(package + off[t] - total) > 1e-9 * total:
            fails.append(f"{t}: package {package} W + off-package {off[t]} W != system power {total} W")
    optics = {t: r[t]["cost_breakdown_usd"]["optics"] for t in r}
    if not optics["cpo"] < optics["pluggable_dsp"]:
        fails.append(f"optics cost not CPO < pluggable: {optics}")
    step = {t: r[t]["metrics"]["latency_s"] for t in r}
    if not step["optical_io_chiplet"] < step["cpo"] == step["lpo"] < step["pluggable_dsp"]:
        fails.append(f"step time: expected optical I/O chiplet (no FEC) < CPO = LPO < pluggable DSP (retimer): {step}")
    for t in r:
        for tier, lat in r[t]["collective_step_latency_ns"].items():
            items = lat["software"] + lat["switch"] + lat["time_of_flight"] + (lat["interfaces"] + lat["fec"] + lat["dsp_retimer"])
            if lat["link"] != t or abs(items - lat["total"]) > 1e-9 * lat["total"]:
                fails.append(f"{t} {tier}: step latency items do not add up to the total: {lat}")
            if (lat["dsp_retimer"] > 0) != (t == "pluggable_dsp") or (lat["fec"] == 0) != (t == "optical_io_chiplet"):
                fails.append(f"{t} {tier}: only pluggable DSP retimes and only the optical I/O chiplet has no FEC: {lat}")
    if (r["cpo"]["package"]["optical_engines"] < 1 or r["optical_io_chiplet"]["package"]["optical_engines"] < 1
            or r["pluggable_dsp"]["package"]["optical_engines"] != 0):
        fails.append("CPO and the optical I/O chiplet must put optical engines on the package, pluggables none")
    if "link_out_of_reach" not in r["copper"]["infeasible"]:
        fails.append("copper on the scale-out tier must be out of reach")
    if any(r[t]["infeasible"] for t in ("pluggable_dsp", "lpo", "cpo", "optical_io_chiplet")):
        fails.append("the optical variants of the example package must be feasible")
    finish(fails)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Median-of-3 summary table (markdown) from results.jsonl."""
import json, statistics, sys
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1] if len(sys.argv) > 1 else "results.jsonl")]
g = defaultdict(list)
for r in rows:
    g[(r["workload"], r["timing"], r["threads"])].append(r)
print("| workload | timing | threads | timesteps | neuron spikes (all layers) | synaptic events | wall s (median of n) | wall s (min–max) | syn. events/s (median) | timesteps/s | SANA-FE energy (J) | SANA-FE sim time (s) | peak RSS MB | RSS after empty chip MB | bytes/synapse excl. chip |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for k in sorted(g, key=lambda k: (k[0] != "784-1000-10", k[1] != "simple", k[2])):
    rs = g[k]; w = [r["wall_s"] for r in rs]; m = statistics.median(w)
    r = rs[0]
    assert all(x["synaptic_events"] == r["synaptic_events"] for x in rs)
    print(f"| {k[0]} | {k[1]} | {k[2]} | {r['timesteps']} | {r['neurons_fired']} | {r['synaptic_events']} | "
          f"{m:.3f} (n={len(w)}) | {min(w):.3f}–{max(w):.3f} | {r['synaptic_events']/m/1e6:.2f} M | "
          f"{r['timesteps']/m:,.0f} | {r['energy_J']:.3e} | {r['sim_time_s']:.3e} | "
          f"{statistics.median(x['peak_rss_end_mb'] for x in rs):.0f} | {statistics.median(x['rss_after_chip_mb'] for x in rs):.0f} | "
          f"{statistics.median(x['bytes_per_synapse_excl_chip'] for x in rs):.0f} |")

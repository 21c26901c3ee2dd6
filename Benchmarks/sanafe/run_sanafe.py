#!/usr/bin/env python3
"""Benchmark SANA-FE (pip package `sanafe`) on dense feed-forward SNNs
mapped onto its bundled Loihi architecture (sanafe/examples/loihi.yaml).

One invocation = build one network + run ONE timed simulation, printing a
single JSON line.  Run it several times (bench_all.sh) for repeats so that
every repeat starts from a fresh process (clean peak-RSS measurement).

Workloads
  784-1000-10 : 784 inputs -> 1000 LIF hidden -> 10 LIF outputs, dense.
  5-200-3     : 5 inputs   -> 200 LIF hidden  -> 3 LIF outputs, dense.

Input method: SANA-FE "input" soma model (loihi_inputs[i] units in
loihi.yaml) driven by an explicit per-timestep spike train
(model attribute "spikes": list[bool]).  The run is S samples x T timesteps.
In each sample window, a random subset of inputs (frac_active of them, 19 %
for 784 ~= 150 inputs; 100 % for the 5-input net) each emit exactly ONE spike
at a uniformly random timestep within the window (latency-coding-like).
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import sanafe


def rss_mb():
    # ru_maxrss is in KiB on Linux -> peak RSS so far
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cur_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


WORKLOADS = {
    # name: (n_in, n_hidden, n_out, frac_active_inputs, hidden_cores)
    "784-1000-10": (784, 1000, 10, 0.19, 4),
    "5-200-3": (5, 200, 3, 1.0, 1),
}


def build(args, arch):
    log = bool(args.activity)
    n_in, n_hid, n_out, frac, hidden_cores_default = WORKLOADS[args.workload]
    hidden_cores = args.hidden_cores or hidden_cores_default
    rng = np.random.default_rng(args.seed)

    # ---------------- weights ----------------
    # Gaussian random weights; the positive mean + std are scaled by fan-in
    # so that a sizeable fraction of hidden/output neurons fire.
    w1 = rng.normal(args.w1_mean, args.w1_std, size=(n_in, n_hid))
    w2 = rng.normal(args.w2_mean, args.w2_std, size=(n_hid, n_out))

    # ---------------- input spike trains ----------------
    S, T = args.samples, args.steps_per_sample
    spikes = np.zeros((n_in, S * T), dtype=bool)
    n_active = max(1, int(round(frac * n_in)))
    for s in range(S):
        active = rng.choice(n_in, size=n_active, replace=False)
        t = rng.integers(0, T, size=n_active)
        spikes[active, s * T + t] = True

    # ---------------- network ----------------
    net = sanafe.Network()
    g_in = net.create_neuron_group("in", n_in)
    g_hid = net.create_neuron_group("hidden", n_hid)
    g_out = net.create_neuron_group("out", n_out)

    lif = {"threshold": args.threshold, "leak_decay": args.leak_decay,
           "reset_mode": "hard", "reset": 0.0}
    tiles = arch.tiles
    cores = [c for t in tiles for c in t.cores]   # 32 tiles x 4 cores = 128

    # Inputs: one `loihi_inputs[i]` soma unit per input neuron, core 0.
    # (max_neurons_supported = 1024 per core; 784 <= 1024.)
    for i, n in enumerate(g_in):
        n.set_attributes(soma_hw_name=f"loihi_inputs[{i}]",
                         dendrite_hw_name="loihi_dendrites",
                         log_spikes=log, log_potential=False,
                         model_attributes={"spikes": spikes[i].tolist()})
        n.map_to_core(cores[0])

    per_core = -(-n_hid // hidden_cores)
    for i, n in enumerate(g_hid):
        n.set_attributes(soma_hw_name="loihi_lif",
                         dendrite_hw_name="loihi_dendrites",
                         default_synapse_hw_name="loihi_dense_synapse",
                         log_spikes=log, log_potential=False,
                         model_attributes=lif)
        n.map_to_core(cores[1 + i // per_core])

    out_core = 1 + hidden_cores
    for i, n in enumerate(g_out):
        n.set_attributes(soma_hw_name="loihi_lif",
                         dendrite_hw_name="loihi_dendrites",
                         default_synapse_hw_name="loihi_dense_synapse",
                         log_spikes=log, log_potential=False,
                         model_attributes=lif)
        n.map_to_core(cores[out_core])

    # Dense all-to-all: attribute list flattened src-major (src*n_dst + dst)
    g_in.connect_neurons_dense(g_hid, {"weight": w1.flatten().tolist()})
    g_hid.connect_neurons_dense(g_out, {"weight": w2.flatten().tolist()})

    info = dict(n_in=n_in, n_hidden=n_hid, n_out=n_out,
                synapses=n_in * n_hid + n_hid * n_out,
                input_spikes=int(spikes.sum()),
                active_inputs_per_sample=n_active,
                hidden_cores=hidden_cores, cores_used=out_core + 1)
    return net, info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", choices=WORKLOADS, default="784-1000-10")
    p.add_argument("--timing", default="detailed",
                   choices=["simple", "detailed"])
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--steps-per-sample", type=int, default=50)
    p.add_argument("--threads", type=int, default=0,
                   help="processing_threads (0 = SANA-FE auto-detect)")
    p.add_argument("--hidden-cores", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threshold", type=float, default=1.0)
    p.add_argument("--leak-decay", type=float, default=0.9)
    p.add_argument("--w1-mean", type=float, default=None)
    p.add_argument("--w1-std", type=float, default=None)
    p.add_argument("--w2-mean", type=float, default=None)
    p.add_argument("--w2-std", type=float, default=None)
    p.add_argument("--activity", action="store_true",
                   help="untimed diagnostic run: enable spike+perf traces, "
                        "report per-layer spike counts and hops")
    args = p.parse_args()

    defaults = {  # (w1_mean, w1_std, w2_mean, w2_std)
        "784-1000-10": (0.0, 0.15, 0.02, 0.08),
        "5-200-3": (0.2, 0.8, 0.02, 0.15),
    }[args.workload]
    for k, v in zip(["w1_mean", "w1_std", "w2_mean", "w2_std"], defaults):
        if getattr(args, k) is None:
            setattr(args, k, v)

    rss_base = cur_rss_mb()
    peak_base = rss_mb()

    t0 = time.perf_counter()
    arch = sanafe.load_arch(str(os.path.join(os.path.dirname(sanafe.__file__),
                                             "examples", "loihi.yaml")))
    chip = sanafe.SpikingChip(arch)
    rss_chip = cur_rss_mb()           # arch + empty chip (fixed overhead)
    net, info = build(args, arch)
    rss_net = cur_rss_mb()            # + Python-side Network object
    chip.load(net)
    t_build = time.perf_counter() - t0
    rss_loaded = cur_rss_mb()
    peak_loaded = rss_mb()

    timesteps = args.samples * args.steps_per_sample
    kw = {}
    if args.activity:
        kw = dict(spike_trace=True, perf_trace=True)
    t1 = time.perf_counter()
    res = chip.sim(timesteps, timing_model=args.timing,
                   processing_threads=args.threads, scheduler_threads=0, **kw)
    wall = time.perf_counter() - t1
    peak_end = rss_mb()

    out = dict(workload=args.workload, timing=args.timing,
               threads=args.threads,
               omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "(unset)"),
               samples=args.samples,
               steps_per_sample=args.steps_per_sample, timesteps=timesteps,
               **info,
               neurons_fired=res["neurons_fired"],
               synaptic_events=res["spikes"],
               packets_sent=res["packets_sent"],
               neurons_updated=res["neurons_updated"],
               energy_J=res["energy"]["total"],
               energy=dict(res["energy"]),
               sim_time_s=res["sim_time"],
               wall_s=wall, build_s=t_build,
               syn_events_per_s=res["spikes"] / wall,
               rss_base_mb=rss_base, rss_after_chip_mb=rss_chip,
               rss_after_net_build_mb=rss_net, rss_after_load_mb=rss_loaded,
               peak_rss_base_mb=peak_base, peak_rss_after_load_mb=peak_loaded,
               peak_rss_end_mb=peak_end,
               bytes_per_synapse_total=(peak_end - rss_base) * 2**20 / info["synapses"],
               bytes_per_synapse_excl_chip=(peak_end - rss_chip) * 2**20 / info["synapses"],
               sanafe_version=__import__("importlib.metadata").metadata.version("sanafe"),
               weights=dict(w1_mean=args.w1_mean, w1_std=args.w1_std,
                            w2_mean=args.w2_mean, w2_std=args.w2_std,
                            threshold=args.threshold,
                            leak_decay=args.leak_decay))

    if args.activity:
        n_in, n_hid = info["n_in"], info["n_hidden"]
        layer_spikes = {"in": 0, "hidden": 0, "out": 0}
        hid_ever = np.zeros(n_hid, dtype=bool)
        hid_per_sample = []
        cur = set()
        for ts_idx, ts in enumerate(res["spike_trace"]):
            for nrn in ts:
                g = nrn.group_name
                layer_spikes[g] += 1
                if g == "hidden":
                    hid_ever[nrn.neuron_offset] = True
                    cur.add(nrn.neuron_offset)
            if (ts_idx + 1) % args.steps_per_sample == 0:
                hid_per_sample.append(len(cur))
                cur = set()
        perf = res["perf_trace"]
        out["layer_spikes"] = layer_spikes
        out["expected_syn_events"] = (layer_spikes["in"] * n_hid +
                                      layer_spikes["hidden"] * info["n_out"])
        out["hidden_fraction_ever_spiked"] = float(hid_ever.mean())
        out["mean_hidden_neurons_spiking_per_sample"] = float(np.mean(hid_per_sample))
        out["hidden_spikes_per_neuron_per_sample"] = layer_spikes["hidden"] / n_hid / args.samples
        out["total_hops"] = int(sum(perf["hops"]))
        out["perf_trace_keys"] = sorted(perf.keys())[:20]
    print(json.dumps(out))


if __name__ == "__main__":
    main()

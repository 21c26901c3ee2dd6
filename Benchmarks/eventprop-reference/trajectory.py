"""Runs the reference code's training loop from Neuromesh's initial weights in Neuromesh's sample
order, and compares the weights after each epoch with `neuromesh train --save` (T = 1 s: the
reference simulates until activity ends). As a control it also runs the reference against itself
with every initial weight perturbed by 1e-12 relative: training on Yin-Yang is chaotic, so
rounding alone makes runs drift apart after an epoch or two.

Usage: EVENTPROP_REFERENCE=DIR OMP_NUM_THREADS=1 python3 trajectory.py NEUROMESH_BINARY SEED EPOCHS
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from common import neuromesh_initial_weights, network_weights, paper_network, train_epoch_in_neuromesh_order

binary, seed, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def reference_run(initial, perturb):
    net = paper_network(seed, epochs)
    hidden, output = (w.copy() for w in initial)
    if perturb:
        hidden *= 1 + 1e-12 * np.random.default_rng(99).standard_normal(hidden.shape)
        output *= 1 + 1e-12 * np.random.default_rng(98).standard_normal(output.shape)
    net.hidden_layer.w_in[:] = hidden
    net.loss.w_in[:] = output
    net.reset_results()
    per_epoch = []
    for epoch in range(epochs):
        # Neuromesh decays the rate after every epoch (the reference's own loop skips epoch 0).
        train_epoch_in_neuromesh_order(net, seed, epoch, decay=True)
        per_epoch.append((net.hidden_layer.w_in.copy(), net.loss.w_in.copy(), net.test()[1]))
    return per_epoch


def gap(a, b):
    """Largest |Δw| of the two projections, as "in→hid / hid→out"."""
    d = [np.abs(x - y).max() for x, y in zip(a[:2], b[:2])]
    return f"{d[0]:.2g} / {d[1]:.2g}"


initial = neuromesh_initial_weights(binary, seed)
ours = []
with tempfile.TemporaryDirectory() as tmp:
    for e in range(1, epochs + 1):
        saved = os.path.join(tmp, f"e{e}.json")
        out = subprocess.run([binary, "train", "--dataset", "yinyang", "--epochs", str(e), "--seed", str(seed), "--duration-s", "1", "--save", saved, "--json"],
                             check=True, capture_output=True, text=True).stdout
        ours.append((*network_weights(saved), json.loads(out.strip().splitlines()[-1])["test_accuracy"]))
reference = reference_run(initial, perturb=False)
control = reference_run(initial, perturb=True)
for e in range(epochs):
    print(f"seed {seed} epoch {e + 1}: max |Δw| in→hid / hid→out — Neuromesh vs reference {gap(ours[e], reference[e])}, "
          f"reference vs perturbed reference {gap(reference[e], control[e])}; test accuracy {ours[e][2]:.3f} / {reference[e][2]:.3f} / {control[e][2]:.3f}")

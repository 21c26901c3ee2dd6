"""Trains the reference code for 100 epochs with its own learning-rate schedule, but with other
random streams than its own, and prints one JSON line per seed (the scores of `common.scores`):

  ours          Neuromesh's initial weights (`neuromesh init-network --sizes 5,200,3 --seed S`)
                and Neuromesh's sample order (`Trainer.order(epoch:)`)
  refinit       the reference's own initial weights, Neuromesh's sample order
  uncorrelated  NumPy initial weights from two differently seeded generators (the reference's
                own draws both layers from generators seeded alike), Neuromesh's sample order

Usage: EVENTPROP_REFERENCE=DIR OMP_NUM_THREADS=1 python3 streams.py NEUROMESH MODE SEED...
"""
import json
import sys

import numpy as np

from common import neuromesh_initial_weights, paper_network, scores, train_epoch_in_neuromesh_order

binary, mode = sys.argv[1], sys.argv[2]
assert mode in ("ours", "refinit", "uncorrelated"), mode
for seed in map(int, sys.argv[3:]):
    net = paper_network(seed, 100)
    if mode == "ours":
        net.hidden_layer.w_in[:], net.loss.w_in[:] = neuromesh_initial_weights(binary, seed)
    elif mode == "uncorrelated":
        net.hidden_layer.w_in[:] = np.random.default_rng(seed).normal(1.5, 0.78, (5, 200))
        net.loss.w_in[:] = np.random.default_rng(seed + 1000).normal(0.93, 0.1, (200, 3))
    net.reset_results()
    for epoch in range(100):
        # The reference's own schedule: the first decay after epoch 1.
        train_epoch_in_neuromesh_order(net, seed, epoch, decay=epoch > 0)
    _, _, first_spikes = net.test()
    print(json.dumps(dict(mode=mode, seed=seed, **scores(np.array(first_spikes), np.array(net.test_batch.labels)))), flush=True)

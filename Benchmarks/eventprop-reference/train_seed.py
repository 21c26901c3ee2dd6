"""Trains the reference code's Yin-Yang network with the paper's settings for one seed and
prints one JSON line: test accuracy after the last epoch under each rule of `common.scores`,
and seconds per epoch.

Usage: EVENTPROP_REFERENCE=DIR OMP_NUM_THREADS=1 python3 train_seed.py SEED [EPOCHS]
"""
import json
import sys
import time

import numpy as np

from common import paper_network, scores

seed = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
np.random.seed(seed)  # the sample order (the reference shuffles with NumPy's global generator)
net = paper_network(seed, epochs)
start = time.perf_counter()
net.train(test_results_every_epoch=False, valid_results_every_epoch=False, train_results_every_epoch=False)
seconds = time.perf_counter() - start
# The test split after the last epoch, scored under every rule.
_, reference_accuracy, first_spikes = net.test()
result = scores(np.array(first_spikes), np.array(net.test_batch.labels))
print(json.dumps(dict(seed=seed, epochs=epochs, reference_accuracy=reference_accuracy,
                      seconds_per_epoch=seconds / epochs, **result)))

"""Shared pieces: the reference network with the paper's Yin-Yang settings (eventprop.md §8),
and scoring of first-spike times."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.environ.get("EVENTPROP_REFERENCE", "reference"))
from eventprop.eventprop_cpp import SpikesVector  # noqa: E402
from eventprop.layer import GaussianDistribution, SpikeDataset  # noqa: E402
from eventprop.lif_layer import LIFLayerParameters  # noqa: E402
from eventprop.loss_layer import TTFSCrossEntropyLossParameters  # noqa: E402
from eventprop.optimizer import GradientDescentParameters  # noqa: E402
from eventprop.yinyang import YinYangTTFS  # noqa: E402


MASK = (1 << 64) - 1


def neuromesh_order(seed: int, epoch: int, n: int) -> list:
    """Neuromesh's sample order in `epoch` (`Trainer.order(epoch:)`): a Fisher–Yates shuffle driven
    by SplitMix64 seeded with seed + 0x9E3779B9·(epoch + 1)."""
    state = (seed + 0x9E3779B9 * (epoch + 1)) & MASK
    o = list(range(n))
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        j = (z ^ (z >> 31)) % (i + 1)
        o[i], o[j] = o[j], o[i]
    return o


def network_weights(path: str) -> tuple:
    """(in→hid, hid→out) of a neuromesh-network/1 file, as the reference's [pre][post] arrays
    (the file holds [post][pre])."""
    projections = json.load(open(path))["projections"]
    return tuple(np.array(p["weights"], dtype=np.float64).T.copy() for p in projections)


def neuromesh_initial_weights(binary: str, seed: int) -> tuple:
    """The initial weights `neuromesh train --seed SEED` starts from (`init-network --sizes
    5,200,3 --seed SEED`), as ``network_weights`` gives them."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "init.json")
        subprocess.run([binary, "init-network", "--sizes", "5,200,3", "--seed", str(seed), "--duration-s", "1", "--out", path],
                       check=True, capture_output=True)
        return network_weights(path)


def train_epoch_in_neuromesh_order(net, seed: int, epoch: int, decay: bool):
    """One epoch of the reference's training loop (minibatches of 32, an Adam step each) over
    the training split in Neuromesh's order, then the learning rate × 0.95 if `decay`."""
    samples, labels = list(net.train_batch.spikes), net.train_batch.labels
    o = neuromesh_order(seed, epoch, len(samples))
    data = SpikeDataset(SpikesVector([samples[i] for i in o]), labels[o])
    for b in range(0, len(samples), 32):
        net.forward_and_backward(data[b:b + 32])
        net.optimizer.step()
        net.optimizer.zero_grad()
    if decay:
        net.optimizer.parameters = net.optimizer.parameters._replace(lr=net.optimizer.parameters.lr * 0.95)


def paper_network(seed: int, epochs: int) -> YinYangTTFS:
    """5-200-3 LIF, τm 20 ms, τs 5 ms, ϑ 1; TTFS cross-entropy τ0 0.5 ms, τ1 6.4 ms, α 3e-3;
    init N(1.5, 0.78) in→hid and N(0.93, 0.1) hid→out; Adam lr 5e-3, batch 32, ×0.95 per epoch."""
    lif = dict(tau_mem=20e-3, tau_syn=5e-3, v_th=1, v_leak=0)
    return YinYangTTFS(
        gd_parameters=GradientDescentParameters(lr=5e-3, epochs=epochs, minibatch_size=32),
        loss_parameters=TTFSCrossEntropyLossParameters(
            alpha=0.003, tau0=0.0005, tau1=0.0064,
            lif_parameters=LIFLayerParameters(n=3, n_in=200, w_dist=GaussianDistribution(seed, 0.93, 0.1), **lif)),
        hidden_parameters=LIFLayerParameters(n=200, n_in=5, w_dist=GaussianDistribution(seed, 1.5, 0.78), **lif),
        lr_decay_gamma=0.95,
        lr_decay_step=1,
    )


def scores(first_spike_times: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy from first-spike times (NaN = silent), under three rules:
    strict (label neuron spikes, every other output strictly later or silent: Neuromesh's rule),
    the paper-era reference rule (label spikes, others no earlier: ties count as correct), and an
    earlier reference rule (others no earlier or silent, the label neuron may be silent)."""
    n = len(labels)
    t_label = first_spike_times[np.arange(n), labels]
    strict = paper = older = 0
    for i in range(n):
        others = np.delete(first_spike_times[i], labels[i])
        spiking = others[~np.isnan(others)]
        if not np.isnan(t_label[i]):
            strict += bool(np.all(spiking > t_label[i]))
            paper += bool(np.all(spiking >= t_label[i]))
            older += bool(np.all(spiking >= t_label[i]))
        else:
            older += len(spiking) == 0
    silent_label = int(np.isnan(t_label).sum())
    no_output_spike = int(np.all(np.isnan(first_spike_times), axis=1).sum())
    return dict(strict=strict / n, paper_era_rule=paper / n, older_rule=older / n,
                silent_label=silent_label, no_output_spike=no_output_spike, samples=n)

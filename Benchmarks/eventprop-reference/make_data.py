"""Writes the Yin-Yang splits, as `neuromesh dataset yinyang --csv` prints them, into the .npy
files the EventProp reference code's `yinyang.py` loads
(`<reference>/eventprop/yin_yang_data_set/publication_data/{split}_{samples,labels}.npy`).

Usage: python3 make_data.py NEUROMESH_BINARY REFERENCE_DIR
"""
import os
import subprocess
import sys

import numpy as np

binary, reference = sys.argv[1], sys.argv[2]
out = os.path.join(reference, "eventprop", "yin_yang_data_set", "publication_data")
os.makedirs(out, exist_ok=True)
for split in ["train", "validation", "test"]:
    text = subprocess.run([binary, "dataset", "yinyang", "--split", split, "--csv"], check=True, capture_output=True, text=True).stdout
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    samples = np.array([[float(v) for v in row[:4]] for row in rows], dtype=np.float64)
    labels = np.array([int(row[4]) for row in rows], dtype=np.int64)
    # The four features are x, y, 1 - x, 1 - y, exactly as in the published files.
    assert np.all(samples[:, 2] == 1 - samples[:, 0]) and np.all(samples[:, 3] == 1 - samples[:, 1])
    np.save(os.path.join(out, f"{split}_samples.npy"), samples)
    np.save(os.path.join(out, f"{split}_labels.npy"), labels)
    print(split, samples.shape, "class counts", np.bincount(labels).tolist())

#!/usr/bin/env python3
"""Peer timing for the association harness: what Rubin's ap_association does to find candidates.

Builds a scipy cKDTree on the object unit vectors and runs query_ball_point for every source with the chord of the
match radius, single-threaded (workers=1). Reads the catalogs the C# harness writes: little-endian int64 count, then
float64 ra[count], float64 dec[count] (degrees). Prints JSON: {"seconds": median of build+query over the runs,
"runs": [...], "pairs": number of (source, object) pairs found, "scipy": version}.

Usage: ckdtree_bench.py OBJECTS.bin SOURCES.bin RADIUS_ARCSEC [RUNS]
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.spatial import cKDTree


def load(path):
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(8), dtype="<i8")[0])
        ra = np.frombuffer(f.read(8 * n), dtype="<f8")
        dec = np.frombuffer(f.read(8 * n), dtype="<f8")
    ra, dec = np.radians(ra), np.radians(dec)
    cos_dec = np.cos(dec)
    return np.ascontiguousarray(np.stack([cos_dec * np.cos(ra), cos_dec * np.sin(ra), np.sin(dec)], axis=1))


def main():
    objects = load(sys.argv[1])
    sources = load(sys.argv[2])
    radius_arcsec = float(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    chord = 2.0 * np.sin(np.radians(radius_arcsec / 3600.0) / 2.0)
    times = []
    pairs = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        tree = cKDTree(objects)
        found = tree.query_ball_point(sources, r=chord, workers=1)
        t1 = time.perf_counter()
        times.append(t1 - t0)
        pairs = int(sum(len(c) for c in found))
        del tree, found
    print(json.dumps({"seconds": float(np.median(times)), "runs": times, "pairs": pairs, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()

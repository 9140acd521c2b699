#!/usr/bin/env python3
"""healpy side of the HEALPix benchmark.

generate: writes N seeded points uniform on the sphere as float64 little-endian, all RAs then all Decs.
bench:    loads the points (before timing), times healpy.ang2pix(2**29, ra, dec, nest=True, lonlat=True)
          (median of --runs after a warm-up, one thread), writes JSON and the ids for the identity check.
"""
import argparse
import json
import platform
import statistics
import time

import numpy as np


def generate(args):
    rng = np.random.default_rng(args.seed)
    ra = rng.uniform(0.0, 360.0, args.n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, args.n)))
    np.concatenate([ra, dec]).astype('<f8').tofile(args.out)


def bench(args):
    import healpy as hp

    data = np.fromfile(args.points, dtype='<f8')
    n = data.size // 2
    ra, dec = data[:n].copy(), data[n:].copy()
    nside = 2 ** 29
    ids = hp.ang2pix(nside, ra, dec, nest=True, lonlat=True)  # warm-up
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        ids = hp.ang2pix(nside, ra, dec, nest=True, lonlat=True)
        times.append(time.perf_counter() - t0)
    if args.ids:
        ids.astype('<i8').tofile(args.ids)
    result = {
        'points': n,
        'runs': args.runs,
        'seconds': times,
        'median_s': statistics.median(times),
        'throughput_mpoints_s': n / statistics.median(times) / 1e6,
        'healpy': hp.__version__,
        'numpy': np.__version__,
        'python': platform.python_version(),
    }
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)
    print(f"healpy {hp.__version__} ang2pix depth 29, {n:,} points: median {result['median_s']:.4f} s "
          f"({result['throughput_mpoints_s']:.1f} Mpoints/s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    g = sub.add_parser('generate')
    g.add_argument('--n', type=int, default=10_000_000)
    g.add_argument('--seed', type=int, default=20240601)
    g.add_argument('--out', required=True)
    b = sub.add_parser('bench')
    b.add_argument('--points', required=True)
    b.add_argument('--runs', type=int, default=7)
    b.add_argument('--out', required=True)
    b.add_argument('--ids')
    args = parser.parse_args()
    {'generate': generate, 'bench': bench}[args.command](args)


if __name__ == '__main__':
    main()

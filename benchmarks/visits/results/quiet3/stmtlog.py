#!/usr/bin/env python3
"""Sums a server log written with log_min_duration_statement = 0 by statement (first 90 characters): total ms, count, ms each."""
import collections, re, sys
tot = collections.Counter(); cnt = collections.Counter()
for l in open(sys.argv[1], errors='replace'):
    m = re.search(r'duration: ([0-9.]+) ms\s+(statement|execute [^:]*|parse [^:]*|bind [^:]*):\s*(.*)', l)
    if not m:
        continue
    key = m.group(2).split()[0] + ': ' + re.sub(r'\s+', ' ', m.group(3))[:90]
    tot[key] += float(m.group(1)); cnt[key] += 1
for k, v in tot.most_common(25):
    print(f"{v:9.0f} ms {cnt[k]:5d}x {v / cnt[k]:7.2f}  {k}")
print(f"{sum(tot.values()):9.0f} ms in all")

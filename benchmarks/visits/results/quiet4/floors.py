import csv, statistics, sys
# The floor probe's per-visit ratios (DiaPipe's preload / the server's COPY of the same rows, one detector a visit) of
# the bench visits runs given, each run on a line, then the median and count over all of them pooled.
pooled = []
for run in sys.argv[1:]:
    rows = list(csv.DictReader(open(run.rstrip('/') + '/visits.csv')))
    ratios = [float(r['floorReadSeconds']) / float(r['floorCopySeconds']) for r in rows]
    pooled += ratios
    print(run.rstrip('/').split('/')[-1], ' '.join(f'{x:.2f}' for x in ratios))
print(f'pooled: median {statistics.median(pooled):.3f} of {len(pooled)}, {sum(x <= 0.33 for x in pooled)} at or under 0.33')

import json,sys
# One row per `bench history-depth` run: read and write ms per detector-visit, readMicrosecondsPerRow, the one whole
# visit (8 clients) scaled to 189 detectors, settle seconds.
for f in sys.argv[1:]:
    p=json.load(open(f+'/history-depth.json'))['points'][0]
    print(f"| {f.rstrip('/').split('/')[-1]} | {1000*p['readSeconds']:.1f} | {1000*p['writeSeconds']:.1f} | {p['rows']['readMicrosecondsPerRow']:.2f} | {p['fullVisit']['per189Detectors']:.1f} | {p['settleSeconds']:.1f} |")

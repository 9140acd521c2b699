import json,sys
for f in sys.argv[1:]:
    d=json.load(open(f+'/visits.json'));c=d['cpuSeconds'];p=d['perDetectorVisit']
    fl=d['serverFloor']
    print(f"| {f.split('/')[-2]}/{f.split('/')[-1]} | {d['wallSeconds']['median']:.1f} | {d['wallSeconds']['medianPer189Detectors']:.1f} | {1000*p['readSeconds']['p50']:.0f} / {1000*p['writeSeconds']['p50']:.0f} / {1000*p['totalSeconds']['p50']:.0f} / {1000*p['totalSeconds']['p99']:,.0f} | {c['serverMedianPer189Detectors']:.1f} | {c['clientMedianPer189Detectors']:.1f} | {fl['readSecondsMedian']/fl['rowsMedian']*1e6:.2f} ({fl['readOverCopyMedian']:.2f}) | {d['peakRssBytes']/2**30:.2f} |")

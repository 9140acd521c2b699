import json, sys, os, statistics as st
rows=[]
for n in sys.argv[1:]:
    f=f'{n}/visits.json'
    if not os.path.exists(f): continue
    j=json.load(open(f))
    w=j['wallSeconds']; p=j['perDetectorVisit']; fl=j.get('serverFloor') or j.get('floor') or {}
    rr=j['rowsRead']; dv=j['detectorVisits']
    print(f"{n:16} visit med {w['median']:6.2f} min {w['min']:6.2f} max {w['max']:6.2f} per189 {w['medianPer189Detectors']:6.2f} | read p50 {p['readSeconds']['p50']*1000:5.0f} p99 {p['readSeconds']['p99']*1000:5.0f} | write p50 {p['writeSeconds']['p50']*1000:5.0f} p99 {p['writeSeconds']['p99']*1000:5.0f} | total p50 {p['totalSeconds']['p50']*1000:5.0f} p99 {p['totalSeconds']['p99']*1000:5.0f} ms | dv {dv} src/dv {rr['diaSources']/dv:7.0f} obj/dv {rr['diaObjects']/dv:6.0f} | floor read/copy {fl.get('readOverCopyMedian')} rows {fl.get('rowsMedian')} read {fl.get('readSecondsMedian')} copy {fl.get('copySecondsMedian')} | err {j['errors']} checks {j['checks']['passed']} rss {j['peakRssBytes']/1e9:.2f} cold {j['coldCache']}")

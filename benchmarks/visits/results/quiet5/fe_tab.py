# One row per FrontendHarness run (ab17): the AL convolution step of each detector-visit, its median, the subtract
# stage's CPU, the front end's total and the DiaSources found. Usage: fe_tab.py RUN_DIR...
import json,sys,statistics as st
for f in sys.argv[1:]:
    d=json.load(open(f+'/frontend.json'))
    al=[p['steps']['alConvolve'] for p in d['points']]
    sub=[p['cpuSeconds']['subtract'] for p in d['points']]
    tot=[p['totalWithoutSimulate'] for p in d['points']]
    dia=[p['diaSources'] for p in d['points']]
    print(f"{f.split('/')[-1]:12s} alConvolve {' '.join(f'{x:.3f}' for x in al)} median {st.median(al):.3f}  subtractCPU {st.median(sub):.2f} total {st.median(tot):.2f} dia {dia}")

"""pyvo as a TAP client: the same ADQL cone queries sync and async; prints the diaObjectIds of each as JSON.

usage: pyvo_cones.py TAP_URL RA,DEC,RADIUS [RA,DEC,RADIUS ...]
"""
import json
import sys

import pyvo


def main():
    service = pyvo.dal.TAPService(sys.argv[1])
    answers = []
    for cone in sys.argv[2:]:
        ra, dec, radius = (float(v) for v in cone.split(","))
        query = ("SELECT diaObjectId, ra, dec FROM DiaObjectLast "
                 f"WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra!r}, {dec!r}, {radius!r})) = 1")
        sync = service.search(query, maxrec=100000)
        asynchronous = service.run_async(query, maxrec=100000)
        answers.append({
            "cone": [ra, dec, radius],
            "sync": sorted(int(v) for v in sync.to_table()["diaObjectId"]),
            "async": sorted(int(v) for v in asynchronous.to_table()["diaObjectId"]),
        })
    print(json.dumps(answers))


if __name__ == "__main__":
    main()

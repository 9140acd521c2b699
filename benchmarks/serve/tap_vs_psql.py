"""Cone-search latency through apdb serve's TAP /sync against the same cones in psql, measured in one run.

TAP: one persistent HTTP connection (as pyvo or TOPCAT keep one), time from sending the POST to the last byte of the
VOTable. psql: one session as the reader role with \\timing (the server's work and the transfer to psql, without
connecting), and, as a second peer, one psql process per query (what a script that shells out to psql pays).
Prints a JSON object with medians and ratios; the cones are random within the demo sky, seeded.

usage: tap_vs_psql.py TAP_URL PSQL_ARGV_JSON [--cones 40] [--repeat 3] [--radius 0.05]
"""
import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import time
import urllib.parse


def cones(n, seed=42):
    rng = random.Random(seed)
    # The demo sky: 1 deg^2 around (60, -62).
    return [(60.0 + rng.uniform(-0.5, 0.5), -62.0 + rng.uniform(-0.5, 0.5)) for _ in range(n)]


def tap_times(tap_url, queries, repeat):
    url = urllib.parse.urlsplit(tap_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    times, rows = [], []
    for _ in range(repeat):
        for query in queries:
            body = urllib.parse.urlencode({"LANG": "ADQL", "REQUEST": "doQuery", "QUERY": query, "MAXREC": "100000"})
            start = time.perf_counter()
            connection.request("POST", url.path.rstrip("/") + "/sync", body, {"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            data = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise SystemExit(f"TAP {response.status}: {data[:300]!r}")
            rows.append(data.count(b"<TR>"))
    return times, rows


def psql_session_times(psql, queries, repeat):
    script = "\\timing on\n" + "".join(q + ";\n" for _ in range(repeat) for q in queries)
    out = subprocess.run(psql + ["-X", "-q", "-A", "-t", "-o", "/dev/null", "-v", "ON_ERROR_STOP=1"], input=script,
                         capture_output=True, text=True, check=True).stdout
    return [float(m) for m in re.findall(r"Time: ([0-9.]+) ms", out)]


def psql_process_times(psql, queries):
    times = []
    for query in queries:
        start = time.perf_counter()
        subprocess.run(psql + ["-X", "-q", "-A", "-t", "-o", "/dev/null", "-c", query], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tap_url")
    parser.add_argument("psql_argv", help="JSON list: the command that opens psql as the reader")
    parser.add_argument("--cones", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--radius", type=float, default=0.05)
    args = parser.parse_args()
    psql = json.loads(args.psql_argv)
    result = {"cones": args.cones, "repeat": args.repeat, "radiusDeg": args.radius, "tables": {}}
    for table, function in (("DiaObjectLast", "dia_objects_in_cone({ra!r}, {dec!r}, {r!r})"),
                            ("DiaSource", "dia_sources_in_cone({ra!r}, {dec!r}, {r!r}, 0, 1000000)")):
        centres = cones(args.cones)
        adql = [f"SELECT * FROM {table} WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra!r}, {dec!r}, {args.radius!r})) = 1"
                for ra, dec in centres]
        sql = ["SELECT * FROM " + function.format(ra=ra, dec=dec, r=args.radius) for ra, dec in centres]
        # Warm both paths once (plans, the pages of the table) before timing.
        tap_times(args.tap_url, adql[:5], 1)
        psql_session_times(psql, sql[:5], 1)
        tap, rows = tap_times(args.tap_url, adql, args.repeat)
        session = psql_session_times(psql, sql, args.repeat)
        process = psql_process_times(psql, sql)
        result["tables"][table] = {
            "medianRows": statistics.median(rows),
            "tapMedianMs": round(statistics.median(tap), 2),
            "psqlSessionMedianMs": round(statistics.median(session), 2),
            "psqlProcessMedianMs": round(statistics.median(process), 2),
            "tapOverPsqlSession": round(statistics.median(tap) / statistics.median(session), 2),
            "tapOverPsqlProcess": round(statistics.median(tap) / statistics.median(process), 2),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

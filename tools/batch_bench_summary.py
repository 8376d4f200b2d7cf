#!/usr/bin/python3
"""Summarise a detector_batch_bench JSON file (--benchmark_out=FILE --benchmark_out_format=json,
run with --benchmark_repetitions >= 2) as a Markdown table: per (threads, N) the median wall and
process-CPU time per image of N sequential batch-1 calls and of one batch-N call, and their ratio.

Usage: batch_bench_summary.py FILE.json
"""

import json
import re
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        data = json.load(f)
    med = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"BM_(Sequential|Batched)/n:(\d+)/threads:(\d+)", b["run_name"])
        if m:
            key = (int(m.group(3)), int(m.group(2)), m.group(1))
            med[key] = (1e3 * b["per_image"], 1e3 * b.get("cpu_per_image", float("nan")))
    if not med:
        print("no median aggregates in %s (use --benchmark_repetitions)" % sys.argv[1],
              file=sys.stderr)
        return 1
    print("| threads | N | sequential ms/img (CPU) | batch-N ms/img (CPU) | batch / sequential wall (CPU) |")
    print("|---|---|---|---|---|")
    for threads, n in sorted({(t, n) for t, n, _ in med}):
        s, b = med.get((threads, n, "Sequential")), med.get((threads, n, "Batched"))
        if not s or not b:
            continue
        print("| %d | %d | %.1f (%.1f) | %.1f (%.1f) | %.2f (%.2f) |" % (
            threads, n, s[0], s[1], b[0], b[1], b[0] / s[0], b[1] / s[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

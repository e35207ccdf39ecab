#!/usr/bin/env python3
"""Medians and ratios from a JMH JSON result: ./build bench -rf json -rff r.json && bench/summarize.py r.json

Each benchmark is paired with the baseline named in PAIRS (same class, same run); the ratio is
median(benchmark) / median(baseline). Medians over every measured iteration of every fork, because
this shared 2-core machine produces outliers (GC, neighbours) that drag the mean.
"""
import json, statistics, sys

PAIRS = {  # benchmark -> baselines it is compared with
    "EvalBenchmark.rtfsFib": ["EvalBenchmark.javaFib"],
    "EvalBenchmark.rtfsPipeline": ["EvalBenchmark.javaPipelineBoxed", "EvalBenchmark.javaPipelineStream"],
    "ReaderBenchmark.readAll": ["ReaderBenchmark.baselineScanChars"],
}

def main(path):
    medians, units = {}, {}
    for b in json.load(open(path)):
        name = ".".join(b["benchmark"].split(".")[-2:])
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        medians[name], units[name] = statistics.median(raw), b["primaryMetric"]["scoreUnit"]
        print(f"{name:40s} median {medians[name]:12.3f} {units[name]:6s} (min {min(raw):.3f}, max {max(raw):.3f}, n={len(raw)})")
    for bench, bases in PAIRS.items():
        for base in bases:
            if bench in medians and base in medians:
                print(f"{bench} / {base} = {medians[bench] / medians[base]:.1f}x")

if __name__ == "__main__":
    main(sys.argv[1])

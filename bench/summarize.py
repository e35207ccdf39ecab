#!/usr/bin/env python3
"""Medians and ratios from a JMH JSON result: ./build bench -rf json -rff r.json && bench/summarize.py r.json

Each benchmark is paired with the baseline named in PAIRS (same class, same run); the ratio is
median(benchmark) / median(baseline). Medians over every measured iteration of every fork, because
this shared 2-core machine produces outliers (GC, neighbours) that drag the mean. SampleTime results
are summarised from their histograms (p50, p99 of all sampled calls).
"""
import json, statistics, sys

PAIRS = {  # benchmark -> baselines it is compared with
    "EvalBenchmark.rtfsFib": ["EvalBenchmark.javaFib"],
    "EvalBenchmark.rtfsPipeline": ["EvalBenchmark.javaPipelineBoxed", "EvalBenchmark.javaPipelineStream"],
    "ReaderBenchmark.readAll": ["ReaderBenchmark.baselineScanChars"],
    "CallPathBenchmark.governedCall[sample]": ["CallPathBenchmark.directJavaCall[sample]"],
    "RegistryBenchmark.lookup": ["RegistryBenchmark.baselineHashMapGet"],
    "ChainAppendBenchmark.appendInMemory[thrpt]": ["ChainAppendBenchmark.baselineSha256OfEntry[thrpt]"],
    "VerifyBenchmark.verifyInMemory[thrpt]": ["VerifyBenchmark.baselineSha256PerEntry[thrpt]"],
    "VerifyBenchmark.verifySqlite[thrpt]": ["VerifyBenchmark.baselineSha256PerEntry[thrpt]"],
}
# HTTP capabilities: through Agora beside the raw JDK client, plain and bounded by a deadline as Agora bounds it.
for mode in ("sample", "thrpt"):
    for base in ("baselineRawHttpClient", "baselineRawHttpClientWithDeadline", "baselineRawHttpClientAndJson"):
        PAIRS.setdefault(f"HttpCapabilityBenchmark.viaAgora[{mode}]", []).append(f"HttpCapabilityBenchmark.{base}[{mode}]")
# The MCP gateway: every way through Agora beside the SDK client straight to the upstream (and raw HTTP).
for mode in ("sample", "thrpt"):
    for via in ("viaAgora", "viaAgoraLocalTool", "viaAgoraSqlite", "baselineRawHttpToUpstream"):
        PAIRS[f"McpGatewayBenchmark.{via}[{mode}]"] = [f"McpGatewayBenchmark.baselineDirectToUpstream[{mode}]"]
# Parametrised pairs: each group-commit result beside the raw JDBC baseline for the same store.
for store in ("sqlite", "postgres"):
    for callers in ("1", "64", "1024"):
        PAIRS[f"DurableAppendBenchmark.groupCommit(callers={callers},store={store})[thrpt]"] = [
            f"RawJdbcInsertBenchmark.baselineRawJdbcBatchInsert(store={store})[thrpt]"]

def percentile(histogram, q):
    """histogram: [[value, count], ...] -> the value below which a fraction q of samples lie."""
    pairs = sorted((v, c) for v, c in histogram)
    total, seen = sum(c for _, c in pairs), 0
    for v, c in pairs:
        seen += c
        if seen >= q * total:
            return v
    return pairs[-1][0]

def main(path):
    medians = {}
    for b in json.load(open(path)):
        name = ".".join(b["benchmark"].split(".")[-2:])
        params = b.get("params")
        if params:
            name += "(" + ",".join(f"{k}={v}" for k, v in params.items()) + ")"
        metric, unit = b["primaryMetric"], b["primaryMetric"]["scoreUnit"]
        if b["mode"] == "sample":
            name += "[sample]"
            hist = [p for fork in metric["rawDataHistogram"] for it in fork for p in it]
            medians[name] = percentile(hist, 0.5)
            print(f"{name:55s} p50 {medians[name]:10.3f} {unit:6s} p99 {percentile(hist, 0.99):.3f}"
                  f" (n={sum(c for _, c in hist)})")
            continue
        if b["mode"] == "thrpt":
            name += "[thrpt]"
        raw = [x for fork in metric["rawData"] for x in fork]
        medians[name] = statistics.median(raw)
        print(f"{name:55s} median {medians[name]:12.3f} {unit:8s} (min {min(raw):.3f}, max {max(raw):.3f}, n={len(raw)})")
    for bench, bases in PAIRS.items():
        for base in bases:
            if bench in medians and base in medians:
                if bench.endswith("[thrpt]"):  # rates: how the benchmark's rate compares with the baseline's
                    print(f"{bench} runs at {medians[bench] / medians[base]:.2f}x the rate of {base}")
                else:
                    print(f"{bench} / {base} = {medians[bench] / medians[base]:.1f}x"
                          f" (difference {medians[bench] - medians[base]:.3f})")

if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Where the CPU samples of a JFR recording are: bench/jfr-summary.py recording.jfr [top-N]

Reads jdk.ExecutionSample events (`jfr print --json`), then prints (1) the share of samples whose
stack contains a frame of each library group (a sample counts once per group, so the shares add up
to more than 100 %), and (2) the top frames (the method running when sampled).
"""
import collections, json, os, subprocess, sys

GROUPS = [  # (name, prefixes of the frame's class)
    ("Agora (dev.agora)", ("dev.agora.",)),
    ("MCP Java SDK (io.modelcontextprotocol)", ("io.modelcontextprotocol.",)),
    ("Reactor (reactor.)", ("reactor.",)),
    ("Jackson", ("com.fasterxml.jackson.", "tools.jackson.")),
    ("Jetty / Javalin", ("org.eclipse.jetty.", "io.javalin.")),
    ("JDK HTTP client (jdk.internal.net.http)", ("jdk.internal.net.http.",)),
    ("SQLite JDBC / HikariCP", ("org.sqlite.", "com.zaxxer.")),
    ("JSON Schema validation", ("com.networknt.",)),
]

def main():
    path = sys.argv[1]
    top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jfr")
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "128", "--events", "jdk.ExecutionSample", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    groups, tops = collections.Counter(), collections.Counter()
    for e in events:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        classes = [f["method"]["type"]["name"].replace("/", ".") for f in frames]
        for name, prefixes in GROUPS:
            if any(c.startswith(prefixes) for c in classes):
                groups[name] += 1
        if frames:
            m = frames[0]["method"]
            tops[m["type"]["name"].replace("/", ".") + "." + m["name"]] += 1
    n = len(events)
    print(f"{n} execution samples")
    for name, _ in GROUPS:
        print(f"  {100.0 * groups[name] / max(n, 1):5.1f} %  in a stack with {name}")
    print("top frames:")
    for m, c in tops.most_common(top_n):
        print(f"  {100.0 * c / max(n, 1):5.1f} %  {m}")

main()

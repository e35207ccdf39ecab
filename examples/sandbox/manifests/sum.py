# Reads {"xs": [...]} on stdin, answers {"sum": n} on stdout: a process capability (docs/SECURITY.md,
# "Process sandbox"). In warm mode it answers one line per request line.
import json
import sys

for line in sys.stdin:
    if line.strip():
        print(json.dumps({"sum": sum(json.loads(line)["xs"])}), flush=True)

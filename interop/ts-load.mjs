// Load through Agora with the official TypeScript SDK client (issue 13's interop checks).
//   node ts-load.mjs stdio '<command as JSON array>' <sessions> <calls per session>
//   node ts-load.mjs http <url> <api key or ""> <sessions> <calls per session>
// Opens the sessions, then makes every call at once (Promise.all over all sessions) — each an
// echo of its own message through mcp.everything.echo — and prints
// {"sessions", "calls", "ok", "wrong": [first few], "failed": [first few], "ms"} as JSON; the exit
// code is 0 only when every answer is the echo of its own message.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [mode, target, ...rest] = process.argv.slice(2);
const key = mode === "http" ? rest.shift() : "";
const sessions = Number(rest[0] ?? 1);
const perSession = Number(rest[1] ?? 1000);

function transport() {
  if (mode === "http") {
    const headers = key ? { Authorization: `Bearer ${key}` } : {};
    return new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers } });
  }
  const [command, ...args] = JSON.parse(target);
  return new StdioClientTransport({ command, args, stderr: "inherit" });
}

const clients = [];
for (let s = 0; s < sessions; s++) {
  const client = new Client({ name: `agora-load-${s}`, version: "1.0.0" });
  await client.connect(transport());
  clients.push(client);
}
const started = performance.now();
const outcomes = await Promise.all(
  clients.flatMap((client, s) =>
    Array.from({ length: perSession }, (_, i) => {
      const message = `m-${s}-${i}`;
      return client
        .callTool({ name: "mcp.everything.echo", arguments: { message } }, undefined, {
          timeout: 120_000,
        })
        .then(
          (r) => {
            const text = (r.content ?? []).map((c) => c.text).join(" ");
            return r.isError !== true && text === `Echo: ${message}` ? null : { message, text };
          },
          (e) => ({ message, failed: String(e) }),
        );
    }),
  ),
);
const ms = performance.now() - started;
const wrong = outcomes.filter((o) => o && !o.failed);
const failed = outcomes.filter((o) => o && o.failed);
console.log(
  JSON.stringify({
    sessions,
    calls: outcomes.length,
    ok: outcomes.filter((o) => o === null).length,
    wrong: wrong.slice(0, 5),
    failed: failed.slice(0, 5),
    ms: Math.round(ms),
  }),
);
await Promise.all(clients.map((c) => c.close()));
process.exit(wrong.length + failed.length === 0 ? 0 : 1);

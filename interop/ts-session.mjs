// One MCP session of the official TypeScript SDK client across a node's loss, for ClusterIT.
//   node ts-session.mjs <url> <tool> <calls per round>
// Opens one 2025-11-25 session through <url> (a load balancer in front of several Agora nodes),
// calls <tool> with {"input": n} <calls per round> times, prints one JSON line
// {"round": 1, "session": id, "texts": [...]}, then waits for a line on stdin (the test kills a
// node meanwhile), does the same again on the same session object and prints
// {"round": 2, "session": id, "texts": [...], "errors": [...]}: the session id the client holds
// then, and every error its transport reported.
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, tool, perRound] = process.argv.slice(2);
const errors = [];
const transport = new StreamableHTTPClientTransport(new URL(url));
const client = new Client({ name: "agora-cluster-ts", version: "1.0.0" });
client.onerror = (e) => errors.push(String(e?.message ?? e));
await client.connect(transport);

async function round(n) {
  const texts = [];
  for (let i = 0; i < Number(perRound); i++) {
    const r = await client.callTool({ name: tool, arguments: { input: n * 1000 + i } });
    texts.push((r.content ?? []).filter((x) => x.type === "text").map((x) => x.text).join(" "));
  }
  return texts;
}

console.log(JSON.stringify({ round: 1, session: transport.sessionId, texts: await round(1) }));
const lines = createInterface({ input: process.stdin });
for await (const _ of lines) {
  break;
}
const texts = await round(2);
console.log(JSON.stringify({ round: 2, session: transport.sessionId, texts, errors }));
await client.close();
process.exit(0);

// A third-party MCP client for Agora's interop tests: the official TypeScript SDK.
//   node ts-client.mjs http <url> <api key or ""> '<calls as JSON>'
//   node ts-client.mjs stdio '<command as JSON array>' '<calls as JSON>'
// Connects, lists the tools, makes the calls ([{"name": "...", "arguments": {...}}, ...]) and prints
// {"server": ..., "tools": [names], "calls": [{"name", "isError", "text", "structured"}]} as JSON.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [mode, target, third, fourth] = process.argv.slice(2);
let transport, calls;
if (mode === "http") {
  const headers = third ? { Authorization: `Bearer ${third}` } : {};
  transport = new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers } });
  calls = JSON.parse(fourth ?? "[]");
} else {
  const [command, ...args] = JSON.parse(target);
  transport = new StdioClientTransport({ command, args, stderr: "inherit" });
  calls = JSON.parse(third ?? "[]");
}
const client = new Client({ name: "agora-interop-ts", version: "1.0.0" });
await client.connect(transport);
const tools = (await client.listTools()).tools.map((t) => t.name);
const results = [];
for (const c of calls) {
  const r = await client.callTool({ name: c.name, arguments: c.arguments ?? {} });
  results.push({
    name: c.name,
    isError: r.isError === true,
    text: (r.content ?? []).filter((x) => x.type === "text").map((x) => x.text).join(" "),
    structured: r.structuredContent ?? null,
  });
}
console.log(JSON.stringify({ server: client.getServerVersion(), tools, calls: results }));
await client.close();

// The bridge, A2A to MCP: the official TypeScript MCP SDK client using an A2A agent's skills
// through Agora's /mcp (issue 16).
//   node mcp-bridge.mjs <mcp url> <source name>
// against `agora serve` with an a2a source of that name in front of agent.mjs. Prints one JSON
// object {check: {ok, ...details} | {error}}:
//   tools    tools/list: the agent's skills are tools a2a.<source>.<skill>
//   reply    a skill the agent answers with a Message: its text and data as the tool's result
//   stream   a streamed task with an onprogress handler: each status the task went through is a
//            progress notification, and the result carries the artifact
//   cancel   a task that never ends, aborted at its first progress notification (the SDK sends
//            notifications/cancelled): the call ends as aborted, and Agora cancels the remote task
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, source] = process.argv.slice(2);
const client = new Client({ name: "agora-a2a-bridge-ts", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));

const tool = (skill) => `a2a.${source}.${skill}`;
const content = (r) => (r.content ?? []).map((c) => c.text ?? "").join(" ");
const out = {};
async function check(name, body) {
  try {
    out[name] = await body();
  } catch (e) {
    out[name] = { error: String(e?.message ?? e) };
  }
}

await check("tools", async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).filter((n) => n.startsWith(`a2a.${source}.`));
  return { ok: names.length > 0, names };
});

await check("reply", async () => {
  const r = await client.callTool({ name: tool("reply"), arguments: { text: "from MCP", data: { n: 1 } } });
  return { ok: r.isError !== true, result: r.structuredContent ?? null, text: content(r) };
});

await check("stream", async () => {
  const seen = [];
  const r = await client.callTool(
    { name: tool("stream"), arguments: { text: "sum", data: { xs: [1, 2, 3] } } },
    undefined,
    { onprogress: (p) => seen.push(p), timeout: 60_000 },
  );
  return { ok: r.isError !== true, progress: seen, result: r.structuredContent ?? null, text: content(r) };
});

await check("cancel", async () => {
  const abort = new AbortController();
  const seen = [];
  try {
    const r = await client.callTool(
      { name: tool("forever"), arguments: { text: "wait" } },
      undefined,
      {
        signal: abort.signal,
        timeout: 60_000,
        onprogress: (p) => {
          seen.push(p);
          abort.abort("the test cancels the call");
        },
      },
    );
    return { ok: false, progress: seen, text: content(r), isError: r.isError === true };
  } catch (e) {
    return { ok: abort.signal.aborted, progress: seen, error: String(e?.message ?? e) };
  }
});

console.log(JSON.stringify(out));
process.stdin.resume();
await new Promise((resolve) => process.stdin.on("end", resolve));
await client.close();

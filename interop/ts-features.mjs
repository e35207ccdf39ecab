// The whole protocol through Agora, with the official TypeScript SDK client (issue 13):
//   node ts-features.mjs http <url> <api key or "">
//   node ts-features.mjs stdio '<command as JSON array>'
// against Agora in front of server-everything (source name "everything"). The client declares
// sampling and elicitation and answers them itself. Each check runs on its own and prints what
// happened; the output is one JSON object {check: {ok, ...details} | {error}}.
//   progress   trigger-long-running-operation with an onprogress handler: the notifications seen
//   cancel     the same with an AbortSignal, aborted at its first progress notification (the SDK
//              sends notifications/cancelled): the call must end as aborted, promptly
//   sampling   trigger-sampling-request: answered by this client's sampling/createMessage handler
//   elicit     trigger-elicitation-request: answered by this client's elicitation/create handler
//   resources  resources/list, then resources/read of a listed resource
//   prompts    prompts/list, then prompts/get of the simple prompt
//   subscribe  resources/subscribe to a listed resource, then toggle-subscriber-updates (which makes
//              server-everything send notifications/resources/updated at once): the update must
//              reach this client, within 15 s; then toggled off and unsubscribed
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [mode, target, key] = process.argv.slice(2);
const transport =
  mode === "http"
    ? new StreamableHTTPClientTransport(new URL(target), {
        requestInit: { headers: key ? { Authorization: `Bearer ${key}` } : {} },
      })
    : (() => {
        const [command, ...args] = JSON.parse(target);
        return new StdioClientTransport({ command, args, stderr: "inherit" });
      })();

const client = new Client(
  { name: "agora-features-ts", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} } } },
);
const asked = { sampling: [], elicitation: [] };
client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  asked.sampling.push(request.params);
  return {
    role: "assistant",
    content: { type: "text", text: "sampled by the downstream client" },
    model: "agora-test-model",
    stopReason: "endTurn",
  };
});
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  asked.elicitation.push(request.params);
  return { action: "accept", content: { name: "Ada Lovelace" } };
});
await client.connect(transport);

const tool = (name) => `mcp.everything.${name}`;
const text = (r) => (r.content ?? []).map((c) => c.text ?? "").join(" ");
const out = {};
async function check(name, body) {
  try {
    out[name] = await body();
  } catch (e) {
    out[name] = { error: String(e?.message ?? e) };
  }
}

await check("progress", async () => {
  const seen = [];
  const r = await client.callTool(
    { name: tool("trigger-long-running-operation"), arguments: { duration: 2, steps: 4 } },
    undefined,
    { onprogress: (p) => seen.push(p), timeout: 60_000 },
  );
  return { ok: r.isError !== true && seen.length > 0, progress: seen, text: text(r) };
});

await check("cancel", async () => {
  const abort = new AbortController();
  let progressed = 0;
  const started = performance.now();
  try {
    const r = await client.callTool(
      { name: tool("trigger-long-running-operation"), arguments: { duration: 30, steps: 30 } },
      undefined,
      {
        signal: abort.signal,
        timeout: 60_000,
        onprogress: () => {
          progressed++;
          abort.abort("the test cancels the call");
        },
      },
    );
    return { ok: false, progressed, text: text(r), isError: r.isError === true };
  } catch (e) {
    return {
      ok: abort.signal.aborted,
      progressed,
      error: String(e?.message ?? e),
      ms: Math.round(performance.now() - started),
    };
  }
});

await check("sampling", async () => {
  const r = await client.callTool({
    name: tool("trigger-sampling-request"),
    arguments: { prompt: "a haiku about gateways", maxTokens: 20 },
  });
  return {
    ok: r.isError !== true && text(r).includes("sampled by the downstream client"),
    asked: asked.sampling.length,
    text: text(r),
  };
});

await check("elicitation", async () => {
  const r = await client.callTool({ name: tool("trigger-elicitation-request"), arguments: {} });
  return {
    ok: r.isError !== true && text(r).includes("Ada Lovelace"),
    asked: asked.elicitation.length,
    text: text(r),
  };
});

await check("resources", async () => {
  const listed = (await client.listResources()).resources;
  const first = listed[0];
  const read = first ? await client.readResource({ uri: first.uri }) : null;
  return {
    ok: listed.length > 0 && (read?.contents ?? []).length > 0,
    listed: listed.length,
    uri: first?.uri ?? null,
    contents: (read?.contents ?? []).map((c) => ({ uri: c.uri, size: (c.text ?? c.blob ?? "").length })),
  };
});

await check("prompts", async () => {
  const listed = (await client.listPrompts()).prompts;
  const simple = listed.find((p) => p.name.endsWith("simple-prompt"));
  const got = simple ? await client.getPrompt({ name: simple.name, arguments: {} }) : null;
  return {
    ok: !!simple && (got?.messages ?? []).length > 0,
    listed: listed.map((p) => p.name),
    messages: (got?.messages ?? []).map((m) => m.content?.text ?? m.content?.type),
  };
});

await check("subscribe", async () => {
  const uri = (await client.listResources()).resources[0]?.uri;
  let timer;
  const updated = new Promise((resolve) => {
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri));
    timer = setTimeout(() => resolve(null), 15000);
  });
  await client.subscribeResource({ uri });
  await client.callTool({ name: tool("toggle-subscriber-updates"), arguments: {} });
  const got = await updated;
  clearTimeout(timer);
  await client.callTool({ name: tool("toggle-subscriber-updates"), arguments: {} });
  await client.unsubscribeResource({ uri });
  return { ok: got === uri, uri, updated: got };
});

console.log(JSON.stringify(out));
await client.close();

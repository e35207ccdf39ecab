// A stdio MCP server that does what a test's scenario says, including what a real server must not:
// malformed JSON-RPC, wrong types, crashes mid-call, silence. Usage: node scripted-server.mjs <scenario.json>
//
// The scenario is {"init": <initialize result>, "replies": {<key>: <actions>}}. A request's key is
// "<method>:<name|uri|cursor>" when its params have one of those, else "<method>"; the first key present is used.
// <actions> is one action or a list of them, done in order; {"seq": [<actions>, …]} uses the n-th entry for the
// n-th request with that key (the last one from then on), counted across restarts of the server. Actions:
//   {"init": true}             answer initialize as usual
//   {"result": any}            answer with this result
//   {"error": {code, message}} answer with this JSON-RPC error
//   {"raw": "text"}            write this line as it is ("$ID" becomes the request's id)
//   {"stderr": "text"}         write a line to stderr ("$CWD" becomes the working directory); the one action
//                              done for a notification with a key, its "$PARAMS" becoming the params' JSON
//   {"notify": {method, params}} send a notification
//   {"progress": n}            send n notifications/progress (1/n … n/n) for the request's progress token
//   {"exit": code}             exit now
//   {"exitOnce": code}         exit the first time only for this key (a marker file next to the scenario remembers)
//   {"stayAlive": true}        keep running after stdin ends, ignoring SIGTERM
//   {"echo": true}             answer with the request's params as the text of a tool result and a prompt message
//   {"ask": {key: request}}    2026-07-28: answer input_required with these inputRequests (requestState "asked"),
//                              or, when the request carries inputResponses, echo it (resultType complete)
//   {"hang": true}             never answer
//   {"big": n}                 answer with a tool result whose text is n "x"s, the id last (as the TypeScript SDK writes)
//   {"bigRequest": n}          send a request of about n bytes to the client (its answer is written to stderr)
//   {"bigNotify": n}           send a notification of about n bytes
//   {"stopReading": true}      read no more of stdin, and stay alive (its pipe fills up)
// ping and unknown requests are answered ({} and -32601); initialize without a scenario entry gets "init".
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";

const file = process.argv[2];
const scenario = JSON.parse(readFileSync(file, "utf8"));
const replies = scenario.replies ?? {};
const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

function keyOf(msg) {
  const p = msg.params ?? {};
  for (const k of [p.name, p.uri, p.cursor]) {
    if (typeof k === "string" && replies[`${msg.method}:${k}`] !== undefined) return `${msg.method}:${k}`;
  }
  return msg.method;
}

function act(msg, a, key) {
  if ("init" in a) send({ jsonrpc: "2.0", id: msg.id, result: init(msg) });
  else if ("ask" in a && !msg.params?.inputResponses)
    send({ jsonrpc: "2.0", id: msg.id, result: { resultType: "input_required", requestState: "asked", inputRequests: a.ask } });
  else if ("ask" in a) {
    const text = JSON.stringify(msg.params);
    send({
      jsonrpc: "2.0",
      id: msg.id,
      result: {
        resultType: "complete",
        content: [{ type: "text", text }],
        contents: [{ uri: msg.params?.uri ?? "", text }],
        messages: [{ role: "user", content: { type: "text", text } }],
      },
    });
  } else if ("echo" in a) {
    const text = JSON.stringify(msg.params);
    send({
      jsonrpc: "2.0",
      id: msg.id,
      result: { content: [{ type: "text", text }], messages: [{ role: "user", content: { type: "text", text } }] },
    });
  } else if ("stayAlive" in a) {
    process.on("SIGTERM", () => {});
    setInterval(() => {}, 1000);
  } else if ("result" in a) send({ jsonrpc: "2.0", id: msg.id, result: a.result });
  else if ("error" in a) send({ jsonrpc: "2.0", id: msg.id, error: a.error });
  else if ("raw" in a) process.stdout.write(a.raw.replaceAll("$ID", JSON.stringify(msg.id)) + "\n");
  else if ("big" in a)
    process.stdout.write(
      `{"result":{"content":[{"type":"text","text":"${"x".repeat(a.big)}"}]},"jsonrpc":"2.0","id":${JSON.stringify(msg.id)}}\n`,
    );
  else if ("bigRequest" in a)
    send({ jsonrpc: "2.0", id: "from-server", method: "sampling/createMessage", params: { pad: "x".repeat(a.bigRequest) } });
  else if ("bigNotify" in a)
    send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "x".repeat(a.bigNotify) } });
  else if ("stderr" in a) process.stderr.write(a.stderr.replaceAll("$CWD", process.cwd()) + "\n");
  else if ("notify" in a) send({ jsonrpc: "2.0", ...a.notify });
  else if ("progress" in a)
    for (let i = 1; i <= a.progress; i++)
      send({
        jsonrpc: "2.0",
        method: "notifications/progress",
        params: { progressToken: msg.params?._meta?.progressToken, progress: i, total: a.progress, message: `step ${i}` },
      });
  else if ("exit" in a) process.exit(a.exit);
  else if ("stopReading" in a) {
    lines.close();
    process.stdin.pause();
    process.on("SIGTERM", () => {});
    setInterval(() => {}, 1000);
  }
  else if ("exitOnce" in a) {
    const marker = `${file}.exited-${encodeURIComponent(key)}`;
    if (!existsSync(marker)) {
      writeFileSync(marker, "");
      process.exit(a.exitOnce);
    }
  }
  // {"hang": true}: nothing
}

const init = (msg) => ({
  protocolVersion: msg.params?.protocolVersion ?? "2025-06-18",
  capabilities: { tools: { listChanged: true } },
  serverInfo: { name: "scripted", version: "1.2.3" },
  ...(scenario.init ?? {}),
});

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    process.stderr.write(`scripted: not JSON: ${line}\n`);
    return;
  }
  if (msg.method === undefined && msg.id !== undefined) {
    process.stderr.write(`scripted: answer to ${msg.id}: ${msg.error ? `error ${msg.error.code} ${msg.error.message}` : "ok"}\n`);
    return;
  }
  if (msg.method === undefined) return;
  if (msg.id === undefined) { // a notification: only a "stderr" action for its method is done
    for (const a of [replies[msg.method] ?? []].flat())
      if ("stderr" in a) process.stderr.write(a.stderr.replaceAll("$PARAMS", JSON.stringify(msg.params)) + "\n");
    return;
  }
  const key = keyOf(msg);
  let actions = replies[key];
  if (actions?.seq) {
    const counter = `${file}.count-${encodeURIComponent(key)}`; // kept across restarts
    const n = (existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 0) + 1;
    writeFileSync(counter, String(n));
    actions = actions.seq[Math.min(n, actions.seq.length) - 1];
  }
  if (actions === undefined) {
    if (msg.method === "initialize") send({ jsonrpc: "2.0", id: msg.id, result: init(msg) });
    else if (msg.method === "ping") send({ jsonrpc: "2.0", id: msg.id, result: {} });
    else send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: `no ${msg.method} here` } });
    return;
  }
  for (const a of Array.isArray(actions) ? actions : [actions]) act(msg, a, key);
});

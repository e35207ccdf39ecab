// A real A2A agent built with the official A2A JS SDK 0.3.14 (pure A2A 0.3: installed as the npm
// alias a2a-sdk-03), for the client side's interop tests (providers/a2a). Its card is a 0.3 card
// (url, preferredTransport, additionalInterfaces), served at the older /.well-known/agent.json
// only, as agents before agent-card.json did.
//
//   node agent03.mjs [port]      (0 or none: a free port; prints "port <n>" when listening)
//
// The skills are agent.mjs's, chosen by message.metadata.skillId (or the first word of the text):
//   reply    answers with a Message echoing the text and data it got
//   task     a Task completed at once with an artifact (a text part and a data part)
//   stream   a Task that goes working, sends an artifact, then completes
//   ask      input-required first; a second message on the same task completes it
//   forever  a Task that stays working until it is canceled
import express from 'express';
import { DefaultRequestHandler, InMemoryTaskStore } from 'a2a-sdk-03/server';
import { jsonRpcHandler, restHandler, agentCardHandler, UserBuilder } from 'a2a-sdk-03/server/express';

const port = Number(process.argv[2] ?? 0);

const text = (t) => ({ kind: 'text', text: t });
const data = (d) => ({ kind: 'data', data: d });
const agentMessage = (ctx, parts) => ({
  kind: 'message', messageId: crypto.randomUUID(), contextId: ctx.contextId, taskId: ctx.taskId, role: 'agent', parts,
});
const status = (ctx, state, message, final) => ({
  kind: 'status-update', taskId: ctx.taskId, contextId: ctx.contextId, final,
  status: { state, message, timestamp: new Date().toISOString() },
});
const task = (ctx, state) => ({
  kind: 'task', id: ctx.taskId, contextId: ctx.contextId, status: { state, timestamp: new Date().toISOString() },
  artifacts: [], history: [ctx.userMessage],
});
const artifact = (ctx, parts) => ({
  kind: 'artifact-update', taskId: ctx.taskId, contextId: ctx.contextId, append: false, lastChunk: true,
  artifact: { artifactId: crypto.randomUUID(), name: 'result', parts },
});

const waiting = new Map(); // task id -> what ends its wait
const executor = {
  async execute(ctx, bus) {
    const m = ctx.userMessage;
    const texts = m.parts.filter((p) => p.kind === 'text').map((p) => p.text);
    const datas = m.parts.filter((p) => p.kind === 'data').map((p) => p.data);
    const skill = m.metadata?.skillId ?? (texts[0] ?? '').split(' ')[0];
    if (skill === 'reply') {
      bus.publish(agentMessage(ctx, [text('echo: ' + texts.join(' ')), data({ got: datas[0] ?? null })]));
    } else if (skill === 'ask' && ctx.task) {
      bus.publish(task(ctx, 'working'));
      bus.publish(status(ctx, 'completed', agentMessage(ctx, [text('thanks: ' + texts.join(' '))]), true));
    } else if (skill === 'ask') {
      bus.publish(task(ctx, 'input-required'));
      bus.publish(status(ctx, 'input-required', agentMessage(ctx, [text('which one?')]), true));
    } else if (skill === 'forever') {
      bus.publish(task(ctx, 'working'));
      await new Promise((resolve) => waiting.set(ctx.taskId, resolve)); // until cancelTask
      waiting.delete(ctx.taskId);
      bus.publish(status(ctx, 'canceled', undefined, true));
    } else {
      bus.publish(task(ctx, 'working'));
      if (skill === 'stream') bus.publish(status(ctx, 'working', agentMessage(ctx, [text('working')]), false));
      bus.publish(artifact(ctx, [text('done: ' + texts.join(' ')), data({ sum: (datas[0]?.xs ?? []).reduce((a, b) => a + b, 0) })]));
      bus.publish(status(ctx, 'completed', undefined, true));
    }
    bus.finished();
  },
  async cancelTask(taskId, bus) {
    waiting.get(taskId)?.();
    console.log(`canceled ${taskId}`); // the tests wait for this line
  },
};

const app = express();
const server = app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const card = {
    name: 'interop-agent-03', description: 'A pure A2A 0.3 agent (JS SDK 0.3.14) for Agora tests',
    protocolVersion: '0.3.0', version: '1.0.0',
    url: `${base}/a2a/jsonrpc`, preferredTransport: 'JSONRPC',
    additionalInterfaces: [
      { url: `${base}/a2a/jsonrpc`, transport: 'JSONRPC' },
      { url: `${base}/a2a/rest`, transport: 'HTTP+JSON' },
    ],
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: ['text/plain', 'application/json'], defaultOutputModes: ['text/plain', 'application/json'],
    skills: ['reply', 'task', 'stream', 'ask', 'forever'].map((id) => ({
      id, name: id, description: `the ${id} skill`, tags: ['test'],
    })),
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
  const options = { requestHandler: handler, userBuilder: UserBuilder.noAuthentication };
  app.use('/.well-known/agent.json', agentCardHandler({ agentCardProvider: handler }));
  app.use('/a2a/jsonrpc', jsonRpcHandler(options));
  app.use('/a2a/rest', restHandler(options));
  console.log(`port ${server.address().port}`);
});

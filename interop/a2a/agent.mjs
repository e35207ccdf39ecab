// A real A2A agent built with the official A2A JS SDK (@a2a-js/sdk 1.3.0, with its 0.3
// compatibility layer on), for the client side's interop tests (providers/a2a).
//
//   node agent.mjs [port]        (0 or none: a free port; prints "port <n>" when listening)
//
// Skills, chosen by message.metadata.skillId (or the first word of the text):
//   reply    answers with a Message echoing the text and data it got
//   task     a Task completed at once with an artifact (a text part and a data part)
//   stream   a Task that goes working, sends an artifact, then completes
//   ask      input-required first; a second message on the same task completes it
//   forever  a Task that stays working until it is canceled
import express from 'express';
import { AGENT_CARD_PATH } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore, AgentEvent } from '@a2a-js/sdk/server';
import { jsonRpcHandler, restHandler, agentCardHandler, UserBuilder } from '@a2a-js/sdk/server/express';

const S = { WORKING: 2, COMPLETED: 3, CANCELED: 5, INPUT_REQUIRED: 6 };
const port = Number(process.argv[2] ?? 0);

const text = (t) => ({ content: { $case: 'text', value: t }, filename: '', mediaType: 'text/plain' });
const data = (d) => ({ content: { $case: 'data', value: d }, filename: '', mediaType: 'application/json' });
const agentMessage = (ctx, parts) => ({
  messageId: crypto.randomUUID(), contextId: ctx.contextId, taskId: ctx.taskId, role: 2, parts,
  metadata: undefined, extensions: [], referenceTaskIds: [],
});
const status = (ctx, state, message) => ({
  taskId: ctx.taskId, contextId: ctx.contextId,
  status: { state, message, timestamp: new Date().toISOString() }, metadata: undefined,
});
const task = (ctx, state) => ({
  id: ctx.taskId, contextId: ctx.contextId, status: { state, message: undefined, timestamp: new Date().toISOString() },
  artifacts: [], history: [ctx.userMessage], metadata: undefined,
});
const artifact = (ctx, parts) => ({
  taskId: ctx.taskId, contextId: ctx.contextId, append: false, lastChunk: true, metadata: undefined,
  artifact: { artifactId: crypto.randomUUID(), name: 'result', description: '', parts, metadata: undefined, extensions: [] },
});

const waiting = new Map(); // task id -> what ends its wait
const executor = {
  async execute(ctx, bus) {
    const m = ctx.userMessage;
    const texts = m.parts.filter((p) => p.content?.$case === 'text').map((p) => p.content.value);
    const datas = m.parts.filter((p) => p.content?.$case === 'data').map((p) => p.content.value);
    const skill = m.metadata?.skillId ?? (texts[0] ?? '').split(' ')[0];
    if (skill === 'reply') {
      bus.publish(AgentEvent.message(agentMessage(ctx, [text('echo: ' + texts.join(' ')), data({ got: datas[0] ?? null })])));
    } else if (skill === 'ask' && ctx.task) {
      bus.publish(AgentEvent.task(task(ctx, S.WORKING)));
      bus.publish(AgentEvent.statusUpdate(status(ctx, S.COMPLETED, agentMessage(ctx, [text('thanks: ' + texts.join(' '))]))));
    } else if (skill === 'ask') {
      bus.publish(AgentEvent.task(task(ctx, S.INPUT_REQUIRED)));
      bus.publish(AgentEvent.statusUpdate(status(ctx, S.INPUT_REQUIRED, agentMessage(ctx, [text('which one?')]))));
    } else if (skill === 'forever') {
      bus.publish(AgentEvent.task(task(ctx, S.WORKING)));
      await new Promise((resolve) => waiting.set(ctx.taskId, resolve)); // until cancelTask
      waiting.delete(ctx.taskId);
      bus.publish(AgentEvent.statusUpdate(status(ctx, S.CANCELED, undefined)));
    } else {
      bus.publish(AgentEvent.task(task(ctx, S.WORKING)));
      if (skill === 'stream') bus.publish(AgentEvent.statusUpdate(status(ctx, S.WORKING, agentMessage(ctx, [text('working')]))));
      bus.publish(AgentEvent.artifactUpdate(artifact(ctx, [text('done: ' + texts.join(' ')), data({ sum: (datas[0]?.xs ?? []).reduce((a, b) => a + b, 0) })])));
      bus.publish(AgentEvent.statusUpdate(status(ctx, S.COMPLETED, undefined)));
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
    name: 'interop-agent', description: 'A JS SDK agent for Agora tests', version: '1.0.0',
    supportedInterfaces: [
      { url: `${base}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
      { url: `${base}/a2a/rest`, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0', tenant: '' },
      { url: `${base}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', protocolVersion: '0.3', tenant: '' },
      { url: `${base}/a2a/rest`, protocolBinding: 'HTTP+JSON', protocolVersion: '0.3', tenant: '' },
    ],
    provider: undefined, documentationUrl: undefined, iconUrl: undefined,
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {}, securityRequirements: [], defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'], signatures: [],
    skills: ['reply', 'task', 'stream', 'ask', 'forever'].map((id) => ({
      id, name: id, description: `the ${id} skill`, tags: ['test'], examples: [], inputModes: [], outputModes: [], securityRequirements: [],
    })),
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
  const options = { requestHandler: handler, userBuilder: UserBuilder.noAuthentication, legacyCompat: { enabled: true } };
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use('/a2a/jsonrpc', jsonRpcHandler(options));
  app.use('/a2a/rest', restHandler(options));
  console.log(`port ${server.address().port}`);
});

// Drives an A2A agent (Agora's /a2a) with the official A2A JS SDK's client, as a third party would.
// Used by the Java interop tests (server: A2aInteropTest).
//
//   node agora-client.mjs <sdk: v1 | v03> <binding: JSONRPC | HTTP+JSON> <base URL> <API key>
//                         <skill> <arguments as JSON> <send | stream | cancel>
//
// v1 is @a2a-js/sdk 1.3.0 (protocol 1.0), v03 is @a2a-js/sdk 0.3.14 (protocol 0.3, installed as
// a2a-sdk-03). Prints one JSON line: what the client returned (send), every event (stream), or the
// task and the canceled task (cancel). Exits 1 with the error's message when the client throws.
const [sdk, binding, base, key, skill, args, mode] = process.argv.slice(2);
const { ClientFactory, ClientFactoryOptions } = await import(
  sdk === 'v1' ? '@a2a-js/sdk/client' : 'a2a-sdk-03/client'
);

// Every request carries the API key, however the SDK builds it.
const plainFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('X-API-Key', key);
  return plainFetch(input, { ...init, headers });
};

const factory = new ClientFactory(
  ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: [binding] }),
);
const client = await factory.createFromUrl(base);
const data = JSON.parse(args);
const message =
  sdk === 'v1'
    ? {
        messageId: crypto.randomUUID(),
        role: 1, // ROLE_USER
        parts: [{ content: { $case: 'data', value: data } }],
        metadata: { skillId: skill },
        contextId: '',
        taskId: '',
        extensions: [],
        referenceTaskIds: [],
      }
    : { kind: 'message', messageId: crypto.randomUUID(), role: 'user', parts: [{ kind: 'data', data }], metadata: { skillId: skill } };
const json = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? Number(x) : x));

try {
  if (mode === 'stream') {
    const events = [];
    for await (const e of client.sendMessageStream({ message })) events.push(e);
    console.log(json(events));
  } else if (mode === 'cancel') {
    const config = sdk === 'v1' ? { returnImmediately: true } : { blocking: false };
    const sent = await client.sendMessage({ message, configuration: config });
    const task = sent.task ?? sent.payload?.value ?? sent;
    const canceled = await client.cancelTask({ id: task.id });
    console.log(json([sent, canceled]));
  } else {
    console.log(json(await client.sendMessage({ message })));
  }
} catch (e) {
  console.error(e?.message ?? String(e));
  process.exit(1);
}

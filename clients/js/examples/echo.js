// echo.js: the smallest useful dslab process node, in JavaScript (Node.js).
// The same behaviour as clients/python/examples/echo.py:
// - Maelstrom echo: {type:'echo', echo:X} is answered {type:'echo_ok', echo:X}.
// - A key-value register for dslab's clients (read / write / cas), kept in the
//   durable store and synced before each acknowledgement, so a crash and
//   restart loses nothing acknowledged.
// - Every `ping` interval (default 100ms) it echoes to a random peer; with
//   `pingpong: true` (bench/process-echo.yaml) every echo_ok gets a new echo.
// Run: dslab run clients/js/examples/echo.yaml
'use strict';
const path = require('path');
const { Node, RPCError, ErrorCode, durationMs } = require(path.join(__dirname, '..', 'dslab_node.js'));

const node = new Node();
let kv = new Map();

function load() {
  kv = new Map(Object.entries(node.storeGet('kv', {})).map(([k, v]) => [Number(k), v]));
  node.describe(`keys=${kv.size}`);
  if (node.params.pingpong) {
    for (const peer of node.peers()) {
      for (let i = 0; i < (node.params.pingpong_width || 1); i++) node.send(peer, { type: 'echo', echo: i });
    }
  } else {
    node.setTimer('ping', durationMs(node.params.ping ?? '100ms'));
  }
}
node.onInit(load).onRestart(load);

function save() {
  node.storePut('kv', Object.fromEntries(kv));
  node.storeSync();
  node.describe(`keys=${kv.size}`);
}

node.timer('ping', () => {
  const peers = node.peers();
  if (peers.length) node.send(node.random.choice(peers), { type: 'echo', echo: node.monoNs });
  node.setTimer('ping', durationMs(node.params.ping ?? '100ms'));
});

node.handler('echo', (msg) => node.reply(msg, { type: 'echo_ok', echo: msg.body.echo }));
node.handler('echo_ok', (msg) => {
  if (node.params.pingpong) node.send(msg.src, { type: 'echo', echo: msg.body.echo + 1 });
});

node.handler('read', (msg) => {
  const { key } = msg.body;
  if (!kv.has(key)) throw new RPCError(ErrorCode.KEY_DOES_NOT_EXIST, 'never written');
  node.reply(msg, { type: 'read_ok', value: kv.get(key) });
});

node.handler('write', (msg) => {
  kv.set(msg.body.key, msg.body.value);
  save();
  node.reply(msg, { type: 'write_ok' });
});

node.handler('cas', (msg) => {
  const { key, from, to } = msg.body;
  if (kv.get(key) !== from) throw new RPCError(ErrorCode.PRECONDITION_FAILED, `expected ${from}`);
  kv.set(key, to);
  save();
  node.reply(msg, { type: 'cas_ok' });
});

node.onFinish(() => node.reportFinal(kv));

node.run();

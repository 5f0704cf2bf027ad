// dslab_node.js: write a dslab process node in JavaScript (Node.js, no npm
// packages). dslab starts one process per node and talks JSON Lines over
// stdin/stdout in lockstep (docs/PROCESS_NODES.md); this module hides the
// framing. Handlers run to completion while virtual time stands still, then
// the node's actions and the done marker go out in one write.
//
//   const { Node } = require('./dslab_node');
//   const node = new Node();
//   node.handler('echo', (msg) => node.reply(msg, { type: 'echo_ok', echo: msg.body.echo }));
//   node.run();
//
// I/O is synchronous (fs.readSync / fs.writeSync on fds 0 and 1), so a
// handler can call node.storeGet() and get the value at once. Log with
// node.log(...) (stderr): stdout is the protocol.
'use strict';
const fs = require('fs');

const ErrorCode = Object.freeze({
  TIMEOUT: 0, NOT_SUPPORTED: 10, TEMPORARILY_UNAVAILABLE: 11, MALFORMED_REQUEST: 12,
  CRASH: 13, ABORT: 14, KEY_DOES_NOT_EXIST: 20, KEY_ALREADY_EXISTS: 21, PRECONDITION_FAILED: 22,
});

const UNITS_MS = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60000 };

// A protocol parameter such as "150ms" or "2s" (or a number of ms) in ms.
function durationMs(value) {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)(ns|us|ms|s|m)\s*$/.exec(String(value));
  if (!m) throw new Error(`not a duration: ${JSON.stringify(value)} (expected e.g. 150ms, 2s)`);
  return Number(m[1]) * UNITS_MS[m[2]];
}

// Throw from a client-request handler to answer with a Maelstrom error.
class RPCError extends Error {
  constructor(code, text = '', retryAt = null) {
    super(text);
    this.code = code;
    this.text = text;
    this.retryAt = retryAt;
  }
}

// A small seeded PRNG (mulberry32 on the low 32 bits of dslab's seed): the
// node stays deterministic, unlike Math.random().
function makeRandom(seed) {
  let a = (seed >>> 0) ^ Math.floor(seed / 4294967296);
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next, // [0, 1)
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    choice: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

class Node {
  constructor() {
    this.nodeId = null;
    this.nodeIds = [];
    this.params = {};
    this.seed = 0;
    this.random = makeRandom(0); // reseeded from dslab at init/restart
    this.monoNs = 0; // this node's monotonic clock at the current event
    this.wallNs = 0; // its wall clock (may jump, may go backwards)
    this._handlers = new Map();
    this._timers = new Map();
    this._init = null;
    this._restart = null;
    this._finish = null;
    this._out = [];
    this._nextMsgId = 1;
    this._buf = Buffer.alloc(0);
    this._chunk = Buffer.alloc(1 << 16);
  }

  // --- registering handlers ----------------------------------------------
  handler(type, fn) { this._handlers.set(type, fn); return this; }
  timer(id, fn) { this._timers.set(id, fn); return this; }
  onInit(fn) { this._init = fn; return this; }
  // After a crash: a fresh process; only the durable store survived.
  // Without a restart handler, the init handler runs.
  onRestart(fn) { this._restart = fn; return this; }
  // At the end of the run: report final values here (reportFinal).
  onFinish(fn) { this._finish = fn; return this; }

  // --- actions -------------------------------------------------------------
  peers() { return this.nodeIds.filter((n) => n !== this.nodeId); }

  send(dest, body) {
    if (body.msg_id === undefined) body = { ...body, msg_id: this._nextMsgId++ };
    this._emit({ src: this.nodeId, dest, body });
  }

  reply(request, body) {
    this.send(request.src, { ...body, in_reply_to: request.body.msg_id ?? 0 });
  }

  error(request, code, text = '', retryAt = null) {
    const body = { type: 'error', code, text };
    if (retryAt !== null) body.retry_at = retryAt;
    this.reply(request, body);
  }

  // Fires once after delayMs of this node's local clock; the same id replaces.
  setTimer(id, delayMs) { this._emit({ action: 'set_timer', id, delay_ms: delayMs }); }
  cancelTimer(id) { this._emit({ action: 'cancel_timer', id }); }
  // Durable after storeSync(); value is any JSON value.
  storePut(key, value) { this._emit({ action: 'store_put', key, value }); }
  storeSync() { this._emit({ action: 'store_sync' }); }

  storeGet(key, dflt = null) {
    this._emit({ action: 'store_get', key });
    this._flush();
    const line = this._readLine();
    if (line === null) process.exit(0);
    const v = JSON.parse(line).value;
    return v === null || v === undefined ? dflt : v;
  }

  // A free note for people in the trace ('commit', 7, 'commit 7'). No
  // checker reads notes: report roles, terms and final values with
  // reportRole / reportTerm / reportFinal (the tags 'role', 'final-state'
  // and 'final' are refused here).
  annotate(tag, value = -1, text = '') { this._emit({ action: 'annotate', tag, value, text }); }

  // --- typed reports: what the checkers and the visualiser read ------------
  // This node now has role class `role` (one of Node.ROLES) in term (or
  // epoch) `term` (an integer >= 0; 0 when the protocol has none). Call it at
  // start and at every role change: one-leader-per-term and the visualiser
  // read it ('leader' and 'primary' lead their term). `text` is your own name
  // for the role ('pre-candidate'); default the class.
  reportRole(role, term, text = null) {
    const line = { action: 'report_role', role, term };
    if (text !== null) line.text = text;
    this._emit(line);
  }

  // This node moved to term (or 'epoch', 'ballot', ...) `term`.
  reportTerm(term, word = 'term') { this._emit({ action: 'report_term', term, word }); }

  // In the finish handler: announces keysCount final values, each then given
  // with reportFinalValue (distinct keys).
  reportFinalState(keysCount, text = '') {
    this._emit({ action: 'report_final_state', keys_count: keysCount, text });
  }

  reportFinalValue(key, value) { this._emit({ action: 'report_final_value', key, value }); }

  // In the finish handler: this node's final key -> value (a Map of
  // integers), for the final-state checkers (no-lost-acknowledged-writes,
  // convergence).
  reportFinal(values, text = '') {
    this.reportFinalState(values.size, text);
    const keys = [...values.keys()].sort((a, b) => a - b);
    for (const k of keys) this.reportFinalValue(k, values.get(k));
  }

  // One line the visualiser shows for this node ("leader t3").
  describe(text) { this._emit({ action: 'describe', text }); }
  log(...args) { process.stderr.write(`${this.nodeId}: ${args.join(' ')}\n`); }

  // --- the loop ------------------------------------------------------------
  _emit(obj) { this._out.push(JSON.stringify(obj)); }

  _flush() {
    if (this._out.length === 0) return;
    const data = Buffer.from(this._out.join('\n') + '\n');
    this._out = [];
    for (let off = 0; off < data.length;) {
      try {
        off += fs.writeSync(1, data, off, data.length - off);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
      }
    }
  }

  _readLine() {
    for (;;) {
      const nl = this._buf.indexOf(10);
      if (nl >= 0) {
        const line = this._buf.subarray(0, nl).toString();
        this._buf = this._buf.subarray(nl + 1);
        return line;
      }
      let n;
      try {
        n = fs.readSync(0, this._chunk, 0, this._chunk.length, null);
      } catch (e) {
        if (e.code === 'EAGAIN') continue;
        if (e.code === 'EOF') return null;
        throw e;
      }
      if (n === 0) return null;
      this._buf = this._buf.length ? Buffer.concat([this._buf, this._chunk.subarray(0, n)])
                                   : Buffer.from(this._chunk.subarray(0, n));
    }
  }

  _dispatch(msg) {
    const body = msg.body;
    const kind = body.type;
    if (msg.mono_ns !== undefined) this.monoNs = msg.mono_ns;
    if (msg.wall_ns !== undefined) this.wallNs = msg.wall_ns;
    if (msg.src === 'dslab' && ['init', 'restart', 'timer', 'finish'].includes(kind)) {
      if (kind === 'init' || kind === 'restart') {
        this.nodeId = body.node_id;
        this.nodeIds = body.node_ids;
        this.params = body.params || {};
        this.seed = body.seed || 0;
        this.random = makeRandom(this.seed);
        const fn = kind === 'restart' && this._restart ? this._restart : this._init;
        if (fn) fn();
      } else if (kind === 'timer') {
        const fn = this._timers.get(body.id);
        if (!fn) throw new Error(`no handler for timer ${JSON.stringify(body.id)}`);
        fn();
      } else if (this._finish) {
        this._finish();
      }
      return;
    }
    const fn = this._handlers.get(kind);
    try {
      if (!fn) {
        if (body.msg_id !== undefined && /^c\d+$/.test(msg.src)) {
          throw new RPCError(ErrorCode.NOT_SUPPORTED, `no handler for ${kind}`);
        }
        this.log(`no handler for message type ${kind}; ignored`);
        return;
      }
      fn(msg);
    } catch (e) {
      if (!(e instanceof RPCError)) throw e;
      this.error(msg, e.code, e.text, e.retryAt);
    }
  }

  run() {
    for (let line = this._readLine(); line !== null; line = this._readLine()) {
      this._dispatch(JSON.parse(line));
      this._out.push('{"action":"done"}');
      this._flush();
    }
  }
}

Node.ROLES = Object.freeze(['follower', 'candidate', 'leader', 'primary', 'backup',
  'coordinator', 'participant', 'other']);

module.exports = { Node, RPCError, ErrorCode, durationMs, makeRandom };

"""dslab_node.py: write a dslab process node in Python (standard library only).

dslab starts one process per node and talks JSON Lines over stdin/stdout in
lockstep (docs/PROCESS_NODES.md). This module hides the framing: register
handlers, call send/reply/set_timer/store_*/report_*/annotate from them,
and run().
Each handler runs to completion while virtual time stands still; the
library then writes the node's actions and the done marker in one write.

    from dslab_node import Node
    node = Node()

    @node.handler("echo")
    def echo(msg):
        node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})

    node.run()

Print debugging output with node.log(...) (stderr): stdout is the protocol.
"""
import json
import random
import sys

__all__ = ["Node", "RPCError", "duration_ms"]

# Maelstrom error codes (doc/protocol.md in jepsen-io/maelstrom).
TIMEOUT = 0
NOT_SUPPORTED = 10
TEMPORARILY_UNAVAILABLE = 11
MALFORMED_REQUEST = 12
CRASH = 13
ABORT = 14
KEY_DOES_NOT_EXIST = 20
KEY_ALREADY_EXISTS = 21
PRECONDITION_FAILED = 22

_UNITS_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def duration_ms(value):
    """A protocol parameter such as "150ms" or "2s" (or a number of ms) in ms."""
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    for unit in ("ns", "us", "ms", "s", "m"):
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * _UNITS_MS[unit]
    raise ValueError("not a duration: %r (expected e.g. 150ms, 2s)" % (value,))


class RPCError(Exception):
    """Raise from a client-request handler to answer with a Maelstrom error."""

    def __init__(self, code, text="", retry_at=None):
        super().__init__(text)
        self.code = code
        self.text = text
        self.retry_at = retry_at


class Node:
    def __init__(self):
        self.node_id = None
        self.node_ids = []
        self.params = {}
        self.seed = 0
        self.random = random.Random(0)  # reseeded from dslab at init/restart
        self.mono_ns = 0  # this node's monotonic clock at the current event
        self.wall_ns = 0  # its wall clock (may jump, may go backwards)
        self._handlers = {}
        self._timers = {}
        self._init = None
        self._restart = None
        self._finish = None
        self._out = []
        self._next_msg_id = 1
        self._in = sys.stdin.buffer
        self._stdout = sys.stdout.buffer

    # --- registering handlers ------------------------------------------
    def handler(self, msg_type):
        """Decorator: fn(msg) for messages whose body.type is msg_type."""
        def register(fn):
            self._handlers[msg_type] = fn
            return fn
        return register

    def timer(self, timer_id):
        """Decorator: fn() when the timer set with set_timer(timer_id, ...) fires."""
        def register(fn):
            self._timers[timer_id] = fn
            return fn
        return register

    def on_init(self, fn):
        self._init = fn
        return fn

    def on_restart(self, fn):
        """After a crash: a fresh process, only the durable store survived.
        Without a restart handler, the init handler runs."""
        self._restart = fn
        return fn

    def on_finish(self, fn):
        """At the end of the run (report final values here: report_final)."""
        self._finish = fn
        return fn

    # --- actions ---------------------------------------------------------
    def peers(self):
        return [n for n in self.node_ids if n != self.node_id]

    def send(self, dest, body):
        """Sends body (a dict with "type") to node dest; adds msg_id if absent."""
        if "msg_id" not in body:
            body = dict(body, msg_id=self._next_msg_id)
            self._next_msg_id += 1
        self._emit({"src": self.node_id, "dest": dest, "body": body})

    def reply(self, request, body):
        """Answers a message (node or client) with body; sets in_reply_to."""
        body = dict(body, in_reply_to=request["body"].get("msg_id", 0))
        self.send(request["src"], body)

    def error(self, request, code, text="", retry_at=None):
        body = {"type": "error", "code": code, "text": text}
        if retry_at is not None:
            body["retry_at"] = retry_at
        self.reply(request, body)

    def set_timer(self, timer_id, delay_ms):
        """Fires once after delay_ms of this node's local clock; same id replaces."""
        self._emit({"action": "set_timer", "id": timer_id, "delay_ms": delay_ms})

    def cancel_timer(self, timer_id):
        self._emit({"action": "cancel_timer", "id": timer_id})

    def store_put(self, key, value):
        """Durable after store_sync(); value is any JSON value."""
        self._emit({"action": "store_put", "key": key, "value": value})

    def store_get(self, key, default=None):
        self._emit({"action": "store_get", "key": key})
        self._flush()
        line = self._in.readline()
        if not line:
            sys.exit(0)
        answer = json.loads(line)
        value = answer.get("value")
        return default if value is None else value

    def store_sync(self):
        self._emit({"action": "store_sync"})

    def annotate(self, tag, value=-1, text=""):
        """A free note for people in the trace ("commit", 7, "commit 7").
        No checker reads notes: report roles, terms and final values with
        report_role / report_term / report_final (the tags "role",
        "final-state" and "final" are refused here)."""
        self._emit({"action": "annotate", "tag": tag, "value": value, "text": text})

    # --- typed reports: what the checkers and the visualiser read ----------
    ROLES = ("follower", "candidate", "leader", "primary", "backup",
             "coordinator", "participant", "other")

    def report_role(self, role, term, text=None):
        """This node now has role class `role` (one of ROLES) in term (or
        epoch) `term` (an int >= 0; 0 when the protocol has none). Call it
        at start and at every role change: one-leader-per-term and the
        visualiser read it ("leader" and "primary" lead their term). `text`
        is your own name for the role ("pre-candidate"); default the class."""
        line = {"action": "report_role", "role": role, "term": term}
        if text is not None:
            line["text"] = text
        self._emit(line)

    def report_term(self, term, word="term"):
        """This node moved to term (or "epoch", "ballot", ...) `term`."""
        self._emit({"action": "report_term", "term": term, "word": word})

    def report_final_state(self, keys_count, text=""):
        """In the finish handler: announces keys_count final values, each
        then given with report_final_value (distinct keys)."""
        self._emit({"action": "report_final_state", "keys_count": keys_count, "text": text})

    def report_final_value(self, key, value):
        self._emit({"action": "report_final_value", "key": key, "value": value})

    def report_final(self, values, text=""):
        """In the finish handler: this node's final key -> value (ints), for
        the final-state checkers (no-lost-acknowledged-writes, convergence)."""
        self.report_final_state(len(values), text)
        for key in sorted(values):
            self.report_final_value(key, values[key])

    def describe(self, text):
        """One line the visualiser shows for this node ("leader t3")."""
        self._emit({"action": "describe", "text": text})

    def log(self, *args):
        print("%s:" % self.node_id, *args, file=sys.stderr, flush=True)

    # --- the loop ----------------------------------------------------------
    def _emit(self, obj):
        self._out.append(json.dumps(obj, separators=(",", ":")))

    def _flush(self):
        if self._out:
            self._out.append("")
            self._stdout.write("\n".join(self._out).encode())
            self._out = []
        self._stdout.flush()

    def _dispatch(self, msg):
        body = msg["body"]
        kind = body.get("type")
        self.mono_ns = msg.get("mono_ns", self.mono_ns)
        self.wall_ns = msg.get("wall_ns", self.wall_ns)
        if msg["src"] == "dslab" and kind in ("init", "restart", "timer", "finish"):
            if kind in ("init", "restart"):
                self.node_id = body["node_id"]
                self.node_ids = body["node_ids"]
                self.params = body.get("params", {})
                self.seed = body.get("seed", 0)
                self.random = random.Random(self.seed)
                fn = self._restart if kind == "restart" and self._restart else self._init
                if fn:
                    fn()
            elif kind == "timer":
                fn = self._timers.get(body["id"])
                if fn is None:
                    raise KeyError("no handler for timer %r" % (body["id"],))
                fn()
            elif self._finish:
                self._finish()
            return
        fn = self._handlers.get(kind)
        try:
            if fn is None:
                if "msg_id" in body and msg["src"].startswith("c"):
                    raise RPCError(NOT_SUPPORTED, "no handler for %s" % kind)
                self.log("no handler for message type %r; ignored" % kind)
                return
            fn(msg)
        except RPCError as e:
            self.error(msg, e.code, e.text, e.retry_at)

    def run(self):
        for line in self._in:
            self._dispatch(json.loads(line))
            self._out.append('{"action":"done"}')
            self._flush()

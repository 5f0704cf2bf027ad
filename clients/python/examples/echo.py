"""echo.py: the smallest useful dslab process node, in Python.

- Maelstrom's echo: {"type":"echo","echo":X} is answered {"type":"echo_ok","echo":X}.
- A key-value register for dslab's clients (read / write / cas), kept in
  the durable store and synced before each acknowledgement, so a crash and
  restart loses nothing acknowledged.
- Every `ping` interval (a protocol parameter, default 100ms) it echoes to
  a random peer: timers and messages between nodes.
Run: dslab run clients/python/examples/echo.yaml
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dslab_node import Node, RPCError, KEY_DOES_NOT_EXIST, PRECONDITION_FAILED, duration_ms  # noqa: E402

node = Node()
kv = {}


def load():
    global kv
    kv = {int(k): v for k, v in node.store_get("kv", {}).items()}
    node.describe("keys=%d" % len(kv))
    if node.params.get("pingpong"):
        for peer in node.peers():
            for i in range(node.params.get("pingpong_width", 1)):
                node.send(peer, {"type": "echo", "echo": i})
    else:
        node.set_timer("ping", duration_ms(node.params.get("ping", "100ms")))


node.on_init(load)
node.on_restart(load)


def save():
    node.store_put("kv", {str(k): v for k, v in kv.items()})
    node.store_sync()
    node.describe("keys=%d" % len(kv))


@node.timer("ping")
def ping():
    peers = node.peers()
    if peers:
        node.send(node.random.choice(peers), {"type": "echo", "echo": node.mono_ns})
    node.set_timer("ping", duration_ms(node.params.get("ping", "100ms")))


@node.handler("echo")
def echo(msg):
    node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})


@node.handler("echo_ok")
def echo_ok(msg):
    # With `pingpong: true` (bench/process-echo.yaml) every answer is
    # answered with a new echo: a message-driven load for the benchmark.
    if node.params.get("pingpong"):
        node.send(msg["src"], {"type": "echo", "echo": msg["body"]["echo"] + 1})


@node.handler("read")
def read(msg):
    key = msg["body"]["key"]
    if key not in kv:
        raise RPCError(KEY_DOES_NOT_EXIST, "never written")
    node.reply(msg, {"type": "read_ok", "value": kv[key]})


@node.handler("write")
def write(msg):
    kv[msg["body"]["key"]] = msg["body"]["value"]
    save()
    node.reply(msg, {"type": "write_ok"})


@node.handler("cas")
def cas(msg):
    body = msg["body"]
    if kv.get(body["key"]) != body["from"]:
        raise RPCError(PRECONDITION_FAILED, "expected %r" % body["from"])
    kv[body["key"]] = body["to"]
    save()
    node.reply(msg, {"type": "cas_ok"})


@node.on_finish
def finish():
    node.report_final(kv)


node.run()

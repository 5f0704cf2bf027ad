"""broadcast.py: the Python reference of lab 2 (exercises/labs/broadcast),
the same design as broadcast.c: a client's message is made durable before
it is acknowledged and pushed to every peer; every 100ms anti-entropy sends
each peer up to 100 entries of this node's log from what the peer last
confirmed contiguously; what a node learns is durable before it confirms.
Graded by tests/e2e/labs_process.sh:
dslab grade labs/broadcast --process "python3 broadcast.py"."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("DSLAB_ROOT", "."), "clients", "python"))
from dslab_node import Node  # noqa: E402

BATCH = 100
node = Node()
log = []          # this node's messages, in the order it learned them
known = set()
confirmed = {}    # peer -> how much of our log it confirmed


def start():
    del log[:]
    known.clear()
    confirmed.clear()
    for v in node.store_get("log", []):
        if v not in known:
            log.append(v)
            known.add(v)
    node.set_timer("sync", 100)


node.on_init(start)
node.on_restart(start)


def learn(values):
    new = [v for v in values if v not in known]
    for v in new:
        log.append(v)
        known.add(v)
    if new:
        node.store_put("log", log)
        node.store_sync()
    return bool(new)


def push(peer, start_index):
    batch = log[start_index:start_index + BATCH]
    if batch:
        node.send(peer, {"type": "push", "from": start_index, "values": batch})


@node.handler("write")
def write(msg):
    if learn([msg["body"]["value"]]):
        for p in node.peers():
            push(p, len(log) - 1)
    node.reply(msg, {"type": "write_ok"})


@node.handler("push")
def on_push(msg):
    body = msg["body"]
    learn(body["values"])
    node.send(msg["src"], {"type": "ack", "from": body["from"], "count": len(body["values"])})


@node.handler("ack")
def on_ack(msg):
    body = msg["body"]
    upto = body["from"] + body["count"]
    have = confirmed.get(msg["src"], 0)
    if body["from"] <= have < upto <= len(log):
        confirmed[msg["src"]] = upto


@node.timer("sync")
def sync():
    for p in node.peers():
        push(p, confirmed.get(p, 0))
    node.set_timer("sync", 100)


@node.on_finish
def finish():
    node.report_final({v: v for v in log})


node.run()

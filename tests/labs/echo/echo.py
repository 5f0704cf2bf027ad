"""echo.py: the Python reference of lab 1 (exercises/labs/echo), the same
design as echo.c, through the process-node helper (clients/python/dslab_node.py):
echo answers a read of key K with K; unique-ids answers a read with
epoch << 40 | node << 32 | counter, the epoch bumped and synced at every
start. Graded by tests/e2e/labs_process.sh:
dslab grade labs/echo --process "python3 echo.py"."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("DSLAB_ROOT", "."), "clients", "python"))
from dslab_node import Node  # noqa: E402

node = Node()
state = {"epoch": 0, "counter": 0}


def start():
    state["epoch"] = int(node.store_get("epoch", 0)) + 1
    state["counter"] = 0
    node.store_put("epoch", state["epoch"])
    node.store_sync()  # durable before the first id of this epoch leaves
    node.annotate("epoch", state["epoch"], "epoch %d" % state["epoch"])


node.on_init(start)
node.on_restart(start)


@node.handler("read")
def read(msg):
    if node.params.get("service", "echo") == "echo":
        node.reply(msg, {"type": "read_ok", "value": msg["body"]["key"]})
        return
    index = node.node_ids.index(node.node_id)
    ident = (state["epoch"] << 40) | (index << 32) | state["counter"]
    state["counter"] += 1
    node.reply(msg, {"type": "read_ok", "value": ident})


node.run()

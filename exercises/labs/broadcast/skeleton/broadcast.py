"""broadcast.py: your lab 2 node in Python (README.md), through the
process-node helper clients/python/dslab_node.py. Fill in the TODOs.
Grade it: `dslab grade labs/broadcast --process "python3 broadcast.py"`.

A client's write {"type": "write", "key": _, "value": V} means "broadcast
V": once you answer {"type": "write_ok"}, V must reach every node. Peers
talk with messages you define: node.send(peer, {"type": "...", ...})."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("DSLAB_ROOT", "."), "clients", "python"))
from dslab_node import Node  # noqa: E402

node = Node()
messages = set()


@node.on_init
def start():
    # TODO: after a restart, what do you still have? (node.store_get)
    node.set_timer("tick", 100)  # every 100ms of this node's clock


@node.handler("write")
def write(msg):
    messages.add(msg["body"]["value"])
    # TODO: tell the others. Is one send enough?
    node.reply(msg, {"type": "write_ok"})


@node.timer("tick")
def tick():
    # TODO: anti-entropy: repair what was lost
    node.set_timer("tick", 100)


@node.on_finish
def finish():
    node.report_final({v: v for v in messages})  # what the broadcast check reads: keep it


node.run()

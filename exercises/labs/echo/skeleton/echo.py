"""echo.py: your lab 1 node in Python (README.md), through the process-node
helper clients/python/dslab_node.py. Fill in the TODOs. Grade it:
`dslab grade labs/echo --process "python3 echo.py"`.

A client's read of key K comes as {"type": "read", "key": K}; answer with
node.reply(msg, {"type": "read_ok", "value": ...}).
  service echo:       the value is K.
  service unique-ids: an id no node ever handed out before or will again,
                      through partitions, crashes and restarts that lose
                      unsynced writes (node.store_put + node.store_sync)."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("DSLAB_ROOT", "."), "clients", "python"))
from dslab_node import Node  # noqa: E402

node = Node()
counter = [0]


@node.on_init
def start():
    pass  # TODO (unique-ids): what must survive a crash?


@node.handler("read")
def read(msg):
    if node.params.get("service", "echo") == "echo":
        node.reply(msg, {"type": "read_ok", "value": 0})  # TODO: echo the key
        return
    counter[0] += 1  # TODO: unique across nodes and restarts
    node.reply(msg, {"type": "read_ok", "value": counter[0]})


node.run()

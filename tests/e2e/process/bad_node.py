"""bad_node.py: a process node that misbehaves on purpose (tests/e2e/process_errors.sh).

Its `mode` parameter picks the misbehaviour, done when the first message
from a peer arrives (every node pings every peer at init), except the
init_* modes. Raw protocol, no helper library: the point is the bytes.
"""
import json
import os
import signal
import subprocess
import sys
import time

out = sys.stdout
mode = None
me = None


def emit(obj):
    out.write(json.dumps(obj) + "\n")


def done():
    out.write('{"action":"done"}\n')
    out.flush()


for line in sys.stdin:
    msg = json.loads(line)
    body = msg["body"]
    if body["type"] == "init":
        mode = body["params"]["mode"]
        me = body["node_id"]
        print("hello from stderr", file=sys.stderr, flush=True)
        if mode == "init_exit":
            sys.exit(4)
        if mode == "grandchild":
            subprocess.Popen(["sleep", "300"])
        for peer in body["node_ids"]:
            if peer != me:
                emit({"src": me, "dest": peer, "body": {"type": "ping", "msg_id": 1}})
        done()
        continue
    if body["type"] == "finish" and mode.startswith("final_"):
        if mode == "final_short":  # announces 2 keys, gives 1
            emit({"action": "report_final_state", "keys_count": 2})
            emit({"action": "report_final_value", "key": 1, "value": 10})
        elif mode == "final_twice":  # the same key twice
            emit({"action": "report_final_state", "keys_count": 2})
            emit({"action": "report_final_value", "key": 1, "value": 10})
            emit({"action": "report_final_value", "key": 1, "value": 11})
        elif mode == "final_extra":  # more values than announced
            emit({"action": "report_final_state", "keys_count": 0})
            emit({"action": "report_final_value", "key": 1, "value": 10})
        elif mode == "final_second":  # two final states in one answer
            emit({"action": "report_final_state", "keys_count": 0})
            emit({"action": "report_final_state", "keys_count": 0})
        elif mode == "final_unannounced":  # a value without the state first
            emit({"action": "report_final_value", "key": 1, "value": 10})
        done()
        continue
    if body["type"] != "ping":
        done()
        continue
    if mode == "exit":
        sys.exit(3)
    elif mode == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "garbage":
        out.write("hello world\n")
    elif mode == "unknown":
        emit({"action": "sned", "dest": "n1"})
    elif mode == "types":
        emit({"action": "set_timer", "id": "x", "delay_ms": "soon"})
    elif mode == "extra_field":
        emit({"action": "set_timer", "id": "x", "delay": 5})
    elif mode == "oversize":
        out.write('{"action":"annotate","tag":"x","text":"' + "a" * (3 * 1024 * 1024) + '"}\n')
    elif mode in ("hang", "grandchild"):
        out.flush()
        time.sleep(300)
    elif mode == "baddest":
        emit({"action": "send", "dest": "n9", "body": {"type": "x"}})
    elif mode == "bigbody":
        emit({"action": "send", "dest": "n1", "body": {"type": "x", "pad": "p" * 2000}})
    elif mode == "badsrc":
        emit({"src": "n7", "dest": "n1", "body": {"type": "x"}})
    elif mode == "noreply_type":
        emit({"action": "send", "dest": "n1"})
    elif mode == "role_note":  # the old string convention: refused
        emit({"action": "annotate", "tag": "role", "value": 1, "text": "leader"})
    elif mode == "bad_role":
        emit({"action": "report_role", "role": "king", "term": 1})
    elif mode == "final_early":  # final values belong to the finish event
        emit({"action": "report_final_state", "keys_count": 0})
    elif mode == "two_done":  # both in one write, so dslab reads them together
        out.flush()
        os.write(1, b'{"action":"done"}\n{"action":"done"}\n')
        continue
    elif mode == "close_stdout":
        out.flush()
        os.close(1)
        time.sleep(300)
    done()

"""raft.py: a Raft skeleton as a dslab process node, in Python.

Working: leader election (randomized timeouts, RequestVote with the
up-to-date-log rule, votes and terms kept in the durable store and synced
before answering) and heartbeats (empty AppendEntries). The checker
one-leader-per-term and the visualiser read the typed role reports
(node.report_role: the role class and the term); the visualiser also shows
the describe() line. Run: dslab run clients/python/examples/raft.yaml

Left for you (search for TODO): log replication (AppendEntries with
entries, the consistency check, conflict truncation), the commit rule
(only entries of the current term are committed by counting, Raft paper
section 5.4.2, Figure 8), applying committed entries to a key-value
state machine, and answering clients from it.

Parameters: election_timeout_min / election_timeout_max / heartbeat
(durations, defaults 150ms / 300ms / 50ms).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dslab_node import Node, RPCError, TEMPORARILY_UNAVAILABLE, NOT_SUPPORTED, duration_ms  # noqa: E402

node = Node()
state = {}


def persist():
    """currentTerm and votedFor must be durable before we answer anyone."""
    node.store_put("term", state["term"])
    node.store_put("voted_for", state["voted_for"])
    node.store_sync()


def set_term(term):
    """The visualiser's term label reads the typed term report."""
    state["term"] = term
    node.report_term(term)


def become(role, leader=None):
    state["role"] = role
    state["leader"] = leader
    node.report_role(role, state["term"])
    node.describe("%s t%d" % (role, state["term"]))


def reset_election_timer():
    lo = duration_ms(node.params.get("election_timeout_min", "150ms"))
    hi = duration_ms(node.params.get("election_timeout_max", "300ms"))
    node.set_timer("election", node.random.uniform(lo, hi))


def start():
    set_term(node.store_get("term", 0))
    state["voted_for"] = node.store_get("voted_for", None)
    state["log"] = node.store_get("log", [])  # [{"term": t, "op": ...}, ...]
    state["votes"] = set()
    become("follower")
    reset_election_timer()


node.on_init(start)
node.on_restart(start)


def last_log():
    log = state["log"]
    return len(log), (log[-1]["term"] if log else 0)


def step_down(term):
    """A higher term seen anywhere: follow it."""
    set_term(term)
    state["voted_for"] = None
    persist()
    node.cancel_timer("heartbeat")
    become("follower")
    reset_election_timer()


@node.timer("election")
def election():
    set_term(state["term"] + 1)
    state["voted_for"] = node.node_id
    persist()
    state["votes"] = {node.node_id}
    become("candidate")
    index, term = last_log()
    for peer in node.peers():
        node.send(peer, {"type": "request_vote", "term": state["term"],
                         "last_log_index": index, "last_log_term": term})
    reset_election_timer()  # split vote: try again later


@node.handler("request_vote")
def request_vote(msg):
    body = msg["body"]
    if body["term"] > state["term"]:
        step_down(body["term"])
    index, term = last_log()
    up_to_date = (body["last_log_term"], body["last_log_index"]) >= (term, index)
    granted = (body["term"] == state["term"] and up_to_date
               and state["voted_for"] in (None, msg["src"]))
    if granted:
        state["voted_for"] = msg["src"]
        persist()
        reset_election_timer()
    node.reply(msg, {"type": "request_vote_ok", "term": state["term"], "granted": granted})


@node.handler("request_vote_ok")
def request_vote_ok(msg):
    body = msg["body"]
    if body["term"] > state["term"]:
        step_down(body["term"])
        return
    if state["role"] != "candidate" or body["term"] != state["term"] or not body["granted"]:
        return
    state["votes"].add(msg["src"])
    if len(state["votes"]) * 2 > len(node.node_ids):
        become("leader", node.node_id)
        node.cancel_timer("election")
        # TODO(replication): nextIndex[peer] = len(log) + 1, matchIndex[peer] = 0.
        heartbeat()


@node.timer("heartbeat")
def heartbeat():
    if state["role"] != "leader":
        return
    index, term = last_log()
    for peer in node.peers():
        # TODO(replication): send log entries from nextIndex[peer] with
        # prev_log_index/prev_log_term; empty for now (a heartbeat).
        node.send(peer, {"type": "append_entries", "term": state["term"],
                         "prev_log_index": index, "prev_log_term": term, "entries": [],
                         "leader_commit": 0})
    node.set_timer("heartbeat", duration_ms(node.params.get("heartbeat", "50ms")))


@node.handler("append_entries")
def append_entries(msg):
    body = msg["body"]
    if body["term"] > state["term"] or (body["term"] == state["term"] and state["role"] == "candidate"):
        step_down(body["term"])
    if body["term"] < state["term"]:
        node.reply(msg, {"type": "append_entries_ok", "term": state["term"], "success": False})
        return
    if state["leader"] != msg["src"]:
        become("follower", msg["src"])
    reset_election_timer()
    # TODO(replication): check prev_log_index/prev_log_term against the log,
    # truncate conflicting entries, append the new ones, store_put("log") +
    # store_sync() before answering, advance commit_index to
    # min(leader_commit, index of the last new entry).
    node.reply(msg, {"type": "append_entries_ok", "term": state["term"], "success": True})


@node.handler("append_entries_ok")
def append_entries_ok(msg):
    if msg["body"]["term"] > state["term"]:
        step_down(msg["body"]["term"])
    # TODO(replication): on success advance matchIndex/nextIndex; on failure
    # back nextIndex off and retry. Then the commit rule: the largest N with
    # a majority of matchIndex >= N AND log[N].term == current term.


def client_request(msg):
    if state["role"] != "leader":
        raise RPCError(TEMPORARILY_UNAVAILABLE, "not the leader", retry_at=state["leader"])
    # TODO(replication): append {"term": term, "op": body} to the log, and
    # answer the client once the entry is committed and applied.
    raise RPCError(NOT_SUPPORTED, "log replication is not written yet")


for kind in ("read", "write", "cas"):
    node.handler(kind)(client_request)

node.run()

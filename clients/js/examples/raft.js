// raft.js: a Raft skeleton as a dslab process node, in JavaScript (Node.js).
// The same as clients/python/examples/raft.py.
//
// Working: leader election (randomized timeouts, RequestVote with the
// up-to-date-log rule, term and vote kept in the durable store and synced
// before answering) and heartbeats (empty AppendEntries). The checker
// one-leader-per-term and the visualiser read the typed role reports
// (node.reportRole: the role class and the term).
// Run: dslab run clients/js/examples/raft.yaml
//
// Left for you (search for TODO): log replication (entries in
// AppendEntries, the consistency check, conflict truncation), the commit
// rule (only entries of the current term are committed by counting: Raft
// paper section 5.4.2, Figure 8), applying committed entries to a key-value
// state machine, and answering clients from it.
'use strict';
const path = require('path');
const { Node, RPCError, ErrorCode, durationMs } = require(path.join(__dirname, '..', 'dslab_node.js'));

const node = new Node();
const st = {};

function persist() { // currentTerm and votedFor must be durable before we answer anyone
  node.storePut('term', st.term);
  node.storePut('voted_for', st.votedFor);
  node.storeSync();
}

function setTerm(term) { // the visualiser's term label reads the typed term report
  st.term = term;
  node.reportTerm(term);
}

function become(role, leader = null) {
  st.role = role;
  st.leader = leader;
  node.reportRole(role, st.term);
  node.describe(`${role} t${st.term}`);
}

function resetElectionTimer() {
  const lo = durationMs(node.params.election_timeout_min ?? '150ms');
  const hi = durationMs(node.params.election_timeout_max ?? '300ms');
  node.setTimer('election', lo + node.random.next() * (hi - lo));
}

function start() {
  setTerm(node.storeGet('term', 0));
  st.votedFor = node.storeGet('voted_for', null);
  st.log = node.storeGet('log', []); // [{term, op}, ...]
  st.votes = new Set();
  become('follower');
  resetElectionTimer();
}
node.onInit(start).onRestart(start);

const lastLog = () => [st.log.length, st.log.length ? st.log[st.log.length - 1].term : 0];

function stepDown(term) { // a higher term seen anywhere: follow it
  setTerm(term);
  st.votedFor = null;
  persist();
  node.cancelTimer('heartbeat');
  become('follower');
  resetElectionTimer();
}

node.timer('election', () => {
  setTerm(st.term + 1);
  st.votedFor = node.nodeId;
  persist();
  st.votes = new Set([node.nodeId]);
  become('candidate');
  const [index, term] = lastLog();
  for (const peer of node.peers()) {
    node.send(peer, { type: 'request_vote', term: st.term, last_log_index: index, last_log_term: term });
  }
  resetElectionTimer(); // split vote: try again later
});

node.handler('request_vote', (msg) => {
  const b = msg.body;
  if (b.term > st.term) stepDown(b.term);
  const [index, term] = lastLog();
  const upToDate = b.last_log_term > term || (b.last_log_term === term && b.last_log_index >= index);
  const granted = b.term === st.term && upToDate && (st.votedFor === null || st.votedFor === msg.src);
  if (granted) {
    st.votedFor = msg.src;
    persist();
    resetElectionTimer();
  }
  node.reply(msg, { type: 'request_vote_ok', term: st.term, granted });
});

function heartbeat() {
  if (st.role !== 'leader') return;
  const [index, term] = lastLog();
  for (const peer of node.peers()) {
    // TODO(replication): send entries from nextIndex[peer] with
    // prev_log_index/prev_log_term; empty for now (a heartbeat).
    node.send(peer, { type: 'append_entries', term: st.term, prev_log_index: index,
                      prev_log_term: term, entries: [], leader_commit: 0 });
  }
  node.setTimer('heartbeat', durationMs(node.params.heartbeat ?? '50ms'));
}
node.timer('heartbeat', heartbeat);

node.handler('request_vote_ok', (msg) => {
  const b = msg.body;
  if (b.term > st.term) { stepDown(b.term); return; }
  if (st.role !== 'candidate' || b.term !== st.term || !b.granted) return;
  st.votes.add(msg.src);
  if (st.votes.size * 2 > node.nodeIds.length) {
    become('leader', node.nodeId);
    node.cancelTimer('election');
    // TODO(replication): nextIndex[peer] = log.length + 1, matchIndex[peer] = 0.
    heartbeat();
  }
});

node.handler('append_entries', (msg) => {
  const b = msg.body;
  if (b.term > st.term || (b.term === st.term && st.role === 'candidate')) stepDown(b.term);
  if (b.term < st.term) {
    node.reply(msg, { type: 'append_entries_ok', term: st.term, success: false });
    return;
  }
  if (st.leader !== msg.src) become('follower', msg.src);
  resetElectionTimer();
  // TODO(replication): check prev_log_index/prev_log_term against the log,
  // truncate conflicting entries, append the new ones, storePut('log') +
  // storeSync() before answering, advance commitIndex to
  // min(leader_commit, index of the last new entry).
  node.reply(msg, { type: 'append_entries_ok', term: st.term, success: true });
});

node.handler('append_entries_ok', (msg) => {
  if (msg.body.term > st.term) stepDown(msg.body.term);
  // TODO(replication): on success advance matchIndex/nextIndex; on failure
  // back nextIndex off and retry. Then the commit rule: the largest N with a
  // majority of matchIndex >= N AND log[N].term === current term.
});

function clientRequest() {
  if (st.role !== 'leader') {
    throw new RPCError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'not the leader', st.leader);
  }
  // TODO(replication): append {term, op: msg.body} to the log and answer the
  // client once the entry is committed and applied.
  throw new RPCError(ErrorCode.NOT_SUPPORTED, 'log replication is not written yet');
}
for (const kind of ['read', 'write', 'cas']) node.handler(kind, clientRequest);

node.run();

"""shiviz_check.py LOG: checks a ShiViz log written by `dslab run --shiviz`.

Parses it the way ShiViz does (bestchai.bitbucket.io/shiviz, "upload a
file"): line 1 is the parsing expression (ShiViz's default, verbatim),
line 2 the execution delimiter (empty), the rest is the log, matched
globally with that expression (its (?<name>...) groups in Python's
spelling). Then checks what ShiViz requires and what vector clocks mean:
  - the matches cover the log exactly (no line left unparsed);
  - every clock is a JSON object of host -> positive integer, with the
    event's own host in it;
  - each host's own entry is 1 at its first event and grows by exactly 1;
  - a host's clock never goes back;
  - every receive dominates its send (element-wise >=) and is not
    dominated by it (its own entry is greater): happens-before holds.
Prints "ok: N events, M receives matched" or the first problem; exit 0/1."""
import json
import re
import sys

DEFAULT = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})"


def main(path):
    with open(path, encoding="utf-8") as f:  # invalid UTF-8 raises: a failure
        text = f.read()
    lines = text.split("\n", 2)
    if len(lines) < 3:
        return "fewer than three lines"
    if lines[0] != DEFAULT:
        return "line 1 is not ShiViz's default expression: %r" % lines[0]
    if lines[1] != "":
        return "line 2 (the execution delimiter) is not empty"
    log = lines[2]
    rx = re.compile(DEFAULT.replace("(?<", "(?P<"))
    pos, events = 0, []
    for m in rx.finditer(log):
        gap = log[pos:m.start()]
        if gap not in ("", "\n"):
            return "text ShiViz would skip before offset %d: %r" % (m.start(), gap[:80])
        pos = m.end()
        events.append((m.group("event"), m.group("host"), m.group("clock")))
    if log[pos:] not in ("", "\n"):
        return "text after the last event: %r" % log[pos:][:80]
    if not events:
        return "no events"
    last = {}
    sends = {}
    receives = 0
    for i, (event, host, clock_text) in enumerate(events):
        try:
            clock = json.loads(clock_text)
        except ValueError as e:
            return "event %d: the clock is not JSON (%s): %s" % (i, e, clock_text)
        if not isinstance(clock, dict) or not all(
                isinstance(v, int) and v > 0 for v in clock.values()):
            return "event %d: the clock is not host -> positive integer: %s" % (i, clock_text)
        if host not in clock:
            return "event %d: host %s is not in its own clock" % (i, host)
        prev = last.get(host, {})
        if clock[host] != prev.get(host, 0) + 1:
            return "event %d: %s's own entry is %d after %d" % (i, host, clock[host], prev.get(host, 0))
        for h, v in prev.items():
            if clock.get(h, 0) < v:
                return "event %d: %s's clock went back on %s" % (i, host, h)
        last[host] = clock
        m = re.search(r"\(msg (\d+)\)", event)
        what = event.split(" ", 2)[1] if event.count(" ") >= 2 else ""  # "t=1.2ms send ..."
        if what == "send" and m:
            sends[m.group(1)] = clock
        elif what == "recv" and m:
            sent = sends.get(m.group(1))
            if sent is None:
                return "event %d: a receive of msg %s with no send before it" % (i, m.group(1))
            for h, v in sent.items():
                if clock.get(h, 0) < v:
                    return "event %d: the receive does not dominate its send on %s" % (i, h)
            if clock[host] <= sent.get(host, 0):
                return "event %d: the receive is dominated by its send" % i
            receives += 1
    print("ok: %d events, %d receives matched" % (len(events), receives))
    return None


if __name__ == "__main__":
    problem = main(sys.argv[1])
    if problem:
        print("FAIL: %s: %s" % (sys.argv[1], problem))
        sys.exit(1)

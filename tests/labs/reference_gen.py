"""reference_gen.py: what the labs' reference generators
(tests/labs/raft/make_reference.py, tests/labs/lock/make_reference.py)
share: reading a private header or source of sim/protocols/ without its
include guard and #include lines, and failing loudly when an expected text
is gone (the built-in changed: adapt the generator, never guess).

A reference is one file against "dslab/node.h" (and the public limits.h),
so the private helpers a built-in protocol uses (proto_util.c, repl_log.c,
...) are copied in, renamed so they cannot clash with the library's when
both are linked into one program (tests/labs/labs.cmake)."""
import re
import sys

BASE = 'sim/protocols/'
_INCLUDE = re.compile(r'#include [<"].*[>"]\n')


def fail(what):
    sys.exit('make_reference: ' + what + ' (the built-in changed: adapt the generator)')


def must_replace(text, old, new, where):
    if old not in text:
        fail(where + ': cannot find ' + repr(old))
    return text.replace(old, new)


def header_body(name):
    """A private header's text without its guard and includes."""
    text = open(BASE + name).read()
    guard = re.search(r'#ifndef (DSLAB_\w+_H)\n#define \1\n', text)
    if not guard:
        fail(name + ': no include guard')
    text = text[:guard.start()] + text[guard.end():]
    text = text.rstrip()
    if not text.endswith('#endif'):
        fail(name + ': expected a final #endif')
    return _INCLUDE.sub('', text[:-len('#endif')])


def source_body(name):
    """A source file's text without its includes."""
    return _INCLUDE.sub('', open(BASE + name).read())


# A static inline function copied in from a header (its comment above it,
# its body closed by a "}" at the start of a line).
_INLINE = re.compile(r'(?:/\*(?:[^*]|\*(?!/))*\*/\n)?static inline [^\n(]*?\b(\w+)\([^;{]*\{\n.*?\n\}\n', re.S)


def drop_unused_inline(out):
    """Removes the static inline functions a copied header brings that the
    reference never calls (clang's -Wunused-function flags them in a .c
    file, unlike in a header), until none is left unused."""
    while True:
        for m in _INLINE.finditer(out):
            code = re.sub(r'/\*(?:[^*]|\*(?!/))*\*/', '', out)  # a comment naming it is no call
            if len(re.findall(r'\b' + m.group(1) + r'\b', code)) == 1:
                out = out[:m.start()] + out[m.end():]
                break
        else:
            return out


def finish(out):
    """Drops unused inline helpers, collapses blank runs and makes the
    vtable a learner's plugin."""
    out = drop_unused_inline(out)
    out = re.sub(r'\n{3,}', '\n\n', out)
    return must_replace(out, 'const struct dslab_protocol dslab_node_protocol = {\n',
                        'const struct dslab_protocol dslab_node_protocol = {\n'
                        '    .api_version = DSLAB_NODE_API_VERSION,\n', 'the vtable')

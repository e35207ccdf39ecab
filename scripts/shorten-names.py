#!/usr/bin/env python3
"""Replaces fully-qualified type names in Java code bodies with imports.

Used once for issue 11 ("imports instead of fully-qualified names in code bodies") and kept for
the next time: ./scripts/shorten-names.py FILE... then ./build mvn spotless:apply.

Only code is touched — never string literals, text blocks, char literals or comments. A name is
shortened only when its simple name is free in the file: not already imported from elsewhere, not
a type declared in the file or its package, not used differently in the file.
"""
import os
import re
import sys

FQN = re.compile(r"(?<![\w.\"])((?:java|javax|jakarta|dev\.agora|tools\.jackson|io\.[a-z]+|org\.[a-z]+)"
                 r"(?:\.[a-z][a-z0-9_]*)*)\.([A-Z][A-Za-z0-9_]*)")


def code_spans(text):
    """Yields (start, end) of the parts of text that are code (outside strings and comments)."""
    i, n, start = 0, len(text), 0
    while i < n:
        if text.startswith('"""', i):
            yield start, i
            j = text.find('"""', i + 3)
            while j != -1 and text[j - 1] == '\\':
                j = text.find('"""', j + 1)
            i = n if j == -1 else j + 3
            start = i
        elif text[i] == '"' or text[i] == "'":
            q = text[i]
            yield start, i
            j = i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            start = i
        elif text.startswith('//', i):
            yield start, i
            j = text.find('\n', i)
            i = n if j == -1 else j
            start = i
        elif text.startswith('/*', i):
            yield start, i
            j = text.find('*/', i + 2)
            i = n if j == -1 else j + 2
            start = i
        else:
            i += 1
    yield start, n


def shorten(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    package = re.search(r'^package ([\w.]+);', text, re.M)
    package = package.group(1) if package else ''
    imports = dict()  # simple name -> qualified name
    for m in re.finditer(r'^import (static )?([\w.]+)\.(\w+);', text, re.M):
        if not m.group(1):
            imports[m.group(3)] = m.group(2) + '.' + m.group(3)
    body_start = max([m.end() for m in re.finditer(r'^(import|package) [^;]+;', text, re.M)] or [0])
    declared = set(re.findall(r'\b(?:class|interface|record|enum)\s+([A-Z]\w*)', text))
    siblings = set()
    folder = os.path.dirname(path)
    for name in os.listdir(folder):
        if name.endswith('.java'):
            siblings.add(name[:-5])

    found = {}  # (start, end) -> (qualified type, simple name)
    for s, e in code_spans(text):
        s = max(s, body_start)
        if s >= e:
            continue
        for m in FQN.finditer(text, s, e):
            found[(m.start(), m.end())] = (m.group(1) + '.' + m.group(2), m.group(2))
    if not found:
        return 0
    wanted = {}
    for qualified, simple in found.values():
        wanted.setdefault(simple, set()).add(qualified)
    ok = {}
    for simple, qs in wanted.items():
        if len(qs) != 1:
            continue
        q = next(iter(qs))
        if simple in imports and imports[simple] != q:
            continue
        if simple in declared or (simple in siblings and q != package + '.' + simple):
            continue
        # the simple name already means something else in the code (a variable, another type)
        bare = re.compile(r'(?<![\w.])' + re.escape(simple) + r'\b')
        clash = False
        for s, e in code_spans(text):
            for m in bare.finditer(text, max(s, body_start), e):
                if not any(a <= m.start() < b for (a, b) in found):
                    if simple not in imports and q.rsplit('.', 1)[0] != package:
                        clash = True
        if clash:
            continue
        ok[simple] = q
    count = 0
    out = text
    for (a, b), (q, simple) in sorted(found.items(), reverse=True):
        if ok.get(simple) == q:
            out = out[:a] + simple + out[b:]
            count += 1
    new_imports = sorted(q for simple, q in ok.items()
                         if simple not in imports and q.rsplit('.', 1)[0] not in (package, 'java.lang'))
    if new_imports:
        lines = ''.join('import ' + q + ';\n' for q in new_imports)
        m = re.search(r'^import ', out, re.M)
        if m:
            out = out[:m.start()] + lines + out[m.start():]
        else:
            p = re.search(r'^package [^;]+;\n', out, re.M)
            out = out[:p.end()] + '\n' + lines + out[p.end():]
    if out != text:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(out)
    return count


if __name__ == '__main__':
    total = sum(shorten(p) for p in sys.argv[1:])
    print(f'{total} names shortened')

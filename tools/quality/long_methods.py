#!/usr/bin/env python3
"""Lists the methods, constructors, accessors and operators in C# files whose bodies run over N lines.

Usage: python3 tools/quality/long_methods.py [--over 60] [DIR ...]   (default: src)

A member is a declaration at type-member indentation whose body is a block; its length counts from the first line of the
declaration (attributes excluded) to the closing brace. Generated files (src/Apdb/Records) are listed but marked.
The scan is textual: braces in strings and comments are skipped, which is enough for this code base's style.
"""
import argparse
import os
import re
import sys

DECL = re.compile(r'^(\s{4}|\s{8})(?!return\b|if\b|for\b|foreach\b|while\b|switch\b|using\b|lock\b|catch\b|else\b|new\b|await\b|throw\b|var\b)'
                  r'[\w<>\[\],.?() ]*?\b(\w+)\s*(<[^>]*>)?\s*\(')


def strip(line):
    """The line without string literals and // comments (enough to count braces)."""
    line = re.sub(r'@?"(?:[^"\\]|\\.)*"', '""', line)
    line = re.sub(r"'(?:[^'\\]|\\.)'", "''", line)
    i = line.find('//')
    return line if i < 0 else line[:i]


def scan(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    out = []
    i = 0
    while i < len(lines):
        m = DECL.match(lines[i])
        text = strip(lines[i])
        if m and not text.strip().startswith(('//', '[', '*')) and ';' not in text.split('(')[0]:
            # find the opening brace of the body (or a ; / => that ends the declaration)
            j = i
            depth_paren = 0
            body = None
            while j < len(lines) and j < i + 30:
                t = strip(lines[j])
                depth_paren += t.count('(') - t.count(')')
                if depth_paren <= 0 and ('=>' in t and j >= i):
                    body = None
                    break
                if depth_paren <= 0 and t.rstrip().endswith(';'):
                    break
                if depth_paren <= 0 and t.strip() == '{':
                    body = j
                    break
                j += 1
            if body is not None:
                depth = 0
                k = body
                while k < len(lines):
                    t = strip(lines[k])
                    depth += t.count('{') - t.count('}')
                    if depth == 0:
                        break
                    k += 1
                out.append((k - i + 1, m.group(2), i + 1))
                i = k + 1 if m.group(1) == '    ' else i + 1
                continue
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--over', type=int, default=60)
    ap.add_argument('dirs', nargs='*', default=['src'])
    a = ap.parse_args()
    rows = []
    for d in a.dirs:
        for root, dirs, files in os.walk(d):
            dirs[:] = [x for x in dirs if x not in ('bin', 'obj')]
            for f in files:
                if f.endswith('.cs'):
                    p = os.path.join(root, f)
                    for n, name, line in scan(p):
                        if n > a.over:
                            rows.append((n, f'{p}:{line}', name, '(generated)' if '/Records/' in p else ''))
    rows.sort(reverse=True)
    for n, where, name, tag in rows:
        print(f'{n:5d}  {name:32s} {where} {tag}')
    print(f'{len(rows)} members over {a.over} lines, {sum(1 for r in rows if r[0] > 120)} over 120')


if __name__ == '__main__':
    sys.exit(main())

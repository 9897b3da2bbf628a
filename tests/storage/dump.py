#!/usr/bin/env python3
"""Compare a kvdump dump (tests/storage/kvdump) with the host folder.

usage: dump.py FOLDER DUMP [--no-dir-times] [--whole-seconds]

Checks that the store held exactly the folder's files and subfolders
(symbolic links followed), each file byte-identical, with the folder's size
and modification time (ns), and with its SHA-256 where the dump has one.
Prints "dump matches: N files, N folders" or the differences, and exits
1 on any.
"""
import hashlib
import os
import sys


def read_dump(path):
    entries = {}
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    while True:
        if pos >= len(data):
            raise SystemExit('dump ends without its E record')
        end = data.index(b'\n', pos)
        line = data[pos:end].decode('utf-8', 'surrogateescape')
        pos = (end + 1 + 511) // 512 * 512
        kind, rest = line[0], line[2:]
        if kind == 'E':
            return entries, rest
        if kind == 'D':
            mtime, key = rest.split(' ', 1)
            entries[key] = ('D', int(mtime), None, None)
        elif kind == 'F':
            size, mtime, digest, key = rest.split(' ', 3)
            size = int(size)
            entries[key] = ('F', int(mtime), digest, data[pos:pos + size])
            pos += (size + 511) // 512 * 512
        else:
            raise SystemExit('bad record at byte %d: %r' % (pos, line[:40]))


def main():
    folder, dump = sys.argv[1], sys.argv[2]
    dir_times = '--no-dir-times' not in sys.argv
    unit = 10**9 if '--whole-seconds' in sys.argv else 1

    def same_time(a, b):
        return a == b // unit * unit
    entries, end = read_dump(dump)
    bad = []
    want = {}
    for root, dirs, files in os.walk(folder, followlinks=True):
        for name in dirs + files:
            p = os.path.join(root, name)
            want[os.path.relpath(p, folder)] = p
    for key in sorted(set(want) - set(entries)):
        bad.append('missing from the store: ' + key)
    for key in sorted(set(entries) - set(want)):
        bad.append('not in the folder: ' + key)
    nfiles = ndirs = 0
    for key in sorted(set(want) & set(entries)):
        kind, mtime, digest, body = entries[key]
        st = os.stat(want[key])
        if os.path.isdir(want[key]):
            ndirs += 1
            if kind != 'D':
                bad.append(key + ': a folder, stored as a file')
            elif dir_times and not same_time(mtime, st.st_mtime_ns):
                bad.append('%s: folder time %d, not %d' %
                           (key, mtime, st.st_mtime_ns))
            continue
        nfiles += 1
        if kind != 'F':
            bad.append(key + ': a file, stored as a folder')
            continue
        with open(want[key], 'rb') as f:
            content = f.read()
        if body != content:
            bad.append('%s: %d bytes differ from the file\'s %d' %
                       (key, len(body), len(content)))
        if not same_time(mtime, st.st_mtime_ns):
            bad.append('%s: time %d, not %d' % (key, mtime, st.st_mtime_ns))
        if digest != '-' and digest != hashlib.sha256(content).hexdigest():
            bad.append('%s: digest %s is wrong' % (key, digest))
    if end.split() != [str(nfiles), str(ndirs)] and not bad:
        bad.append('end record says %s' % end)
    for b in bad[:20]:
        print(b)
    if bad:
        print('dump differs in %d ways' % len(bad))
        sys.exit(1)
    print('dump matches: %d files, %d folders' % (nfiles, ndirs))


main()

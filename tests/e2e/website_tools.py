#!/usr/bin/env python3
"""Helpers of tests/e2e/website.sh.

  tar OUT SITE MB    a pax archive OUT of folder SITE, plus types/t.EXT
                     for every extension the server types, and big.bin:
                     MB MiB of random bytes (also written to OUT.bin);
                     each file with the MORGANA.sha256 record that
                     `morgana build` writes, and mtime 1700000000.5
  png FILE           check that screenshot FILE is not blank: decoded,
                     it has many colours and no colour covers it all
"""
import hashlib
import io
import os
import struct
import sys
import tarfile
import zlib

MTIME = 1700000000.5
TYPES = ["html", "css", "js", "json", "txt", "png", "jpg", "gif", "svg",
         "ico", "wasm", "woff2", "pdf", "bin", "JPEG"]


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = MTIME
    info.mode = 0o644
    info.pax_headers = {"MORGANA.sha256": hashlib.sha256(data).hexdigest()}
    tar.addfile(info, io.BytesIO(data))


def make_tar(out, site, mb):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for root, _, files in sorted(os.walk(site)):
            for f in sorted(files):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    add(tar, os.path.relpath(path, site), fh.read())
        for ext in TYPES:
            add(tar, "types/t." + ext, b"x" * 10)
        big = os.urandom(mb << 20)
        add(tar, "big.bin", big)
    with open(out + ".bin", "wb") as fh:
        fh.write(big)
    return 0


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pixels(data):
    """The rows of an 8-bit RGB or RGBA non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and lace == 0, "unexpected PNG kind"
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows = bytearray(stride), []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            pred = (0, a, prev[i], (a + prev[i]) // 2, paeth(a, prev[i], c))[f]
            line[i] = (line[i] + pred) & 255
        rows.append([bytes(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def check_png(path):
    w, h, rows = pixels(open(path, "rb").read())
    count = {}
    for row in rows:
        for px in row:
            count[px] = count.get(px, 0) + 1
    top = max(count.values())
    print("%dx%d, %d colours, the commonest on %d%% of the pixels"
          % (w, h, len(count), 100 * top // (w * h)))
    return 0 if len(count) >= 50 and top < 0.9 * w * h else 1


if __name__ == "__main__":
    if sys.argv[1] == "tar":
        sys.exit(make_tar(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    sys.exit(check_png(sys.argv[2]))

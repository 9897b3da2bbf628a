#!/usr/bin/env python3
"""Craft hvt images for the tender's tests and the fuzzer's seed.

  elfmut.py minimal OUT [STATUS]   a hand-made ~300-byte image that exits
                                   with STATUS (default 0)
  elfmut.py MUTATION IN OUT        a copy of image IN broken one way

Each MUTATION breaks exactly one rule the tender checks (hvt_elf.c); the
test expects the tender's message for it.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE, PT_INTERP, PT_TLS = 1, 4, 3, 7
PF_X, PF_W, PF_R = 1, 2, 4


def minimal(status):
    """ELF header, two program headers, code, EXIT argument, manifest."""
    base = 0x100000
    code_off = EHDR.size + 2 * PHDR.size  # 64 + 112 = 176
    arg_off = code_off + 16
    note_off = arg_off + 8
    # mov $arg, %eax; mov $0x503, %dx; out %eax, %dx; hlt
    code = (b"\xb8" + struct.pack("<I", base + arg_off) +
            b"\x66\xba" + struct.pack("<H", 0x500 + 3) + b"\xef\xf4")
    code = code.ljust(16, b"\x90")
    arg = struct.pack("<Q", status)
    desc = struct.pack("<II", 1, 0)  # manifest version 1, no devices
    note = struct.pack("<III", 8, len(desc), 1) + b"MORGANA\0" + desc
    size = note_off + len(note)
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    ehdr = EHDR.pack(ident, 2, 62, 1, base + code_off, EHDR.size, 0, 0,
                     EHDR.size, PHDR.size, 2, 64, 0, 0)
    load = PHDR.pack(PT_LOAD, PF_R | PF_X, 0, base, base, size, size, 0x1000)
    pnote = PHDR.pack(PT_NOTE, PF_R, note_off, base + note_off,
                      base + note_off, len(note), len(note), 4)
    return ehdr + load + pnote + code + arg + note


def phdrs(img):
    e = EHDR.unpack_from(img, 0)
    phoff, phnum = e[5], e[10]
    return [(phoff + i * PHDR.size, list(PHDR.unpack_from(img, phoff + i * PHDR.size)))
            for i in range(phnum)]


def loads(img):
    return [(i, off, p) for i, (off, p) in enumerate(phdrs(img)) if p[0] == PT_LOAD]


def put_phdr(img, off, p):
    img[off:off + PHDR.size] = PHDR.pack(*p)


def mutate(name, img):
    L = loads(img)
    if name == "truncated-header":
        return img[:40]
    if name == "truncated-segment":
        p = L[1][2]  # cut in the middle of rodata
        return img[:p[2] + p[5] // 2]
    if name == "not-elf":
        img[0:4] = b"MZ\0\0"
    elif name == "class32":
        img[4] = 1
    elif name == "big-endian":
        img[5] = 2
    elif name == "machine":
        struct.pack_into("<H", img, 18, 183)  # EM_AARCH64
    elif name == "dyn":
        struct.pack_into("<H", img, 16, 3)  # ET_DYN
    elif name == "wx":
        i, off, p = L[0]
        p[1] |= PF_W | PF_X
        put_phdr(img, off, p)
    elif name == "overlap":
        _, _, p0 = L[0]
        i, off, p = L[1]
        p[3] = p0[3] + 0x1000  # vaddr inside segment 0
        p[4] = p[3]
        put_phdr(img, off, p)
    elif name == "descending":
        i, off, p = L[2]
        p[3] = p[4] = L[0][2][3]
        put_phdr(img, off, p)
    elif name == "below-base":
        i, off, p = L[0]
        p[3] = p[4] = 0x1000
        put_phdr(img, off, p)
    elif name == "too-big":
        i, off, p = L[-1]
        p[6] = 64 << 20  # memsz: 64 MiB, past the default 16
        put_phdr(img, off, p)
    elif name == "filesz":
        i, off, p = L[-1]
        p[6] = p[5] - 1 if p[5] else 0
        p[5] = p[6] + 1
        put_phdr(img, off, p)
    elif name == "unaligned":
        i, off, p = L[1]
        p[2] += 8
        p[3] += 8
        p[4] += 8
        p[7] = 8
        put_phdr(img, off, p)
    elif name == "entry":
        struct.pack_into("<Q", img, 24, L[1][2][3])  # into rodata
    elif name == "interp":
        off, p = phdrs(img)[-1]  # the PT_NOTE
        p[0] = PT_INTERP
        put_phdr(img, off, p)
    elif name == "no-manifest":
        at = bytes(img).find(b"MORGANA\0")
        img[at:at + 8] = b"NOTOURS\0"
    else:
        sys.exit("elfmut.py: unknown mutation " + name)
    return img


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "minimal":
        status = int(sys.argv[3]) if len(sys.argv) > 3 else 0
        with open(sys.argv[2], "wb") as f:
            f.write(minimal(status))
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    with open(sys.argv[2], "rb") as f:
        img = bytearray(f.read())
    with open(sys.argv[3], "wb") as f:
        f.write(mutate(sys.argv[1], img))


if __name__ == "__main__":
    main()

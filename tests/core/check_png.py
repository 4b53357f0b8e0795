#!/usr/bin/env python3
"""Independent PNG decoder for test_png_writer (stdlib only: struct, zlib, hashlib).

Usage: check_png.py FILE.png
Checks the signature, chunk order and every CRC, inflates IDAT with zlib, undoes the row
filters, and prints (or exits non-zero with "error: ..." on stderr):
  size W H
  palette N
  sha256 HEX          (of the W*H palette indices, row-major, after unfiltering)
  counts I:C I:C ...  (how many pixels use each palette index, only indices that occur)
"""
import hashlib
import struct
import sys
import zlib


def fail(message):
    sys.stderr.write("error: " + message + "\n")
    sys.exit(1)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height):
    # 8-bit indexed: one byte per pixel, so the "left" neighbour is one byte back.
    stride = width + 1
    if len(raw) != stride * height:
        fail("inflated %d bytes, expected %d" % (len(raw), stride * height))
    out = bytearray(width * height)
    prev = bytearray(width)
    for row in range(height):
        kind = raw[row * stride]
        line = raw[row * stride + 1:(row + 1) * stride]
        if kind == 0:  # None: the common case, no per-pixel work
            out[row * width:(row + 1) * width] = line
            prev = bytearray(line)
            continue
        cur = bytearray(width)
        for x in range(width):
            left = cur[x - 1] if x else 0
            up = prev[x]
            up_left = prev[x - 1] if x else 0
            if kind == 1:
                pred = left
            elif kind == 2:
                pred = up
            elif kind == 3:
                pred = (left + up) // 2
            elif kind == 4:
                pred = paeth(left, up, up_left)
            else:
                fail("row %d has filter type %d" % (row, kind))
            cur[x] = (line[x] + pred) & 0xFF
        out[row * width:(row + 1) * width] = cur
        prev = cur
    return bytes(out)


def main():
    if len(sys.argv) != 2:
        fail("usage: check_png.py FILE.png")
    data = open(sys.argv[1], "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("bad signature")
    at = 8
    chunks = []
    while at < len(data):
        if at + 12 > len(data):
            fail("truncated chunk at offset %d" % at)
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        body = data[at + 8:at + 8 + length]
        if len(body) != length or at + 12 + length > len(data):
            fail("chunk %r runs past the end" % kind)
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            fail("bad CRC in chunk %r" % kind)
        chunks.append((kind, body))
        at += 12 + length
    kinds = [k for k, _ in chunks]
    if not kinds or kinds[0] != b"IHDR" or kinds[-1] != b"IEND":
        fail("chunks must start with IHDR and end with IEND: %r" % kinds)
    if b"PLTE" not in kinds or kinds.index(b"PLTE") > kinds.index(b"IDAT"):
        fail("PLTE missing or after IDAT: %r" % kinds)
    width, height, depth, color, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    if (depth, color, compression, filtering, interlace) != (8, 3, 0, 0, 0):
        fail("unsupported IHDR %r" % ((depth, color, compression, filtering, interlace),))
    palette = dict(chunks)[b"PLTE"]
    if len(palette) % 3 or not 3 <= len(palette) <= 768:
        fail("bad PLTE length %d" % len(palette))
    entries = len(palette) // 3
    stream = b"".join(body for kind, body in chunks if kind == b"IDAT")
    try:
        raw = zlib.decompress(stream)  # also checks the zlib header and Adler-32
    except zlib.error as e:
        fail("zlib: %s" % e)
    pixels = unfilter(raw, width, height)
    counts = [0] * 256
    for p in pixels:
        counts[p] += 1
    if any(counts[entries:]):
        fail("pixels index past the %d palette entries" % entries)
    print("size %d %d" % (width, height))
    print("palette %d" % entries)
    print("sha256 %s" % hashlib.sha256(pixels).hexdigest())
    print("counts " + " ".join("%d:%d" % (i, c) for i, c in enumerate(counts) if c))


if __name__ == "__main__":
    main()

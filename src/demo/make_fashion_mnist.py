#!/usr/bin/env python3
"""Writes the cyclegan4j demo dataset: Fashion-MNIST sneakers <-> ankle boots.

Domain A = class 7 (Sneaker), domain B = class 9 (Ankle boot). The first N images of each class,
in file order, are taken (deterministic): 1,000 per domain from the training set (trainA, trainB)
and 100 per domain from the t10k set (testA, testB). Each image is written as a 28x28 8-bit
grayscale PNG named <split>_<index in the IDX file>.png.

Input: the IDX files of Debian's dataset-fashion-mnist package, installed with

    sudo apt-get install dataset-fashion-mnist

which puts them in /usr/share/datasets/fashion-mnist/ (pass another folder as --src).
Python 3 standard library only (gzip, struct, zlib). Fashion-MNIST is (c) 2017 Zalando SE, MIT
licence; see LICENSE-NOTICE beside the images.

Usage: python3 src/demo/make_fashion_mnist.py [--src DIR] [--out DIR] [--train N] [--test N]
"""
import argparse
import gzip
import os
import struct
import sys
import zlib

SNEAKER = 7
ANKLE_BOOT = 9


def read_idx(path):
    """Returns (dims, payload bytes) of a gzip-compressed IDX file of unsigned bytes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an IDX file of unsigned bytes" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    payload = data[4 + 4 * ndim:]
    expected = 1
    for d in dims:
        expected *= d
    if len(payload) != expected:
        raise ValueError("%s: %d bytes of data, expected %d" % (path, len(payload), expected))
    return dims, payload


def png_gray8(width, height, pixels):
    """Encodes 8-bit grayscale pixels (row-major bytes) as a PNG file's bytes."""
    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    # Colour type 0 (grayscale), bit depth 8, no interlace; each row starts with filter byte 0.
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_split(src, out, split, prefix, count):
    dims, images = read_idx(os.path.join(src, prefix + "-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(src, prefix + "-labels-idx1-ubyte.gz"))
    n, h, w = dims
    for label, domain in ((SNEAKER, "A"), (ANKLE_BOOT, "B")):
        folder = os.path.join(out, split + domain)
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".png"):
                os.remove(os.path.join(folder, name))
        written = 0
        for i in range(n):
            if written == count:
                break
            if labels[i] != label:
                continue
            pixels = images[i * h * w:(i + 1) * h * w]
            name = "%s_%05d.png" % (prefix, i)
            with open(os.path.join(folder, name), "wb") as f:
                f.write(png_gray8(w, h, pixels))
            written += 1
        if written < count:
            raise SystemExit("%s: only %d images of class %d" % (prefix, written, label))
        print("%s: %d images" % (folder, written))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", default=os.path.join(here, "fashion-mnist"))
    p.add_argument("--train", type=int, default=1000, help="images per domain from the train set")
    p.add_argument("--test", type=int, default=100, help="images per domain from the t10k set")
    args = p.parse_args()
    if not os.path.isfile(os.path.join(args.src, "train-images-idx3-ubyte.gz")):
        sys.exit("no Fashion-MNIST IDX files in %s; install them with "
                 "`sudo apt-get install dataset-fashion-mnist` or pass --src" % args.src)
    write_split(args.src, args.out, "train", "train", args.train)
    write_split(args.src, args.out, "test", "t10k", args.test)


if __name__ == "__main__":
    main()

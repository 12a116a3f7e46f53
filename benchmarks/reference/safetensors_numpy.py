"""An independent safetensors reader/writer (json + struct + numpy only).

Used by the Java interop test (cyclegan4j.io.PythonInteropTest) and, as a module, by the PyTorch
reference scripts in this folder (no `safetensors` package is needed):

    python3 safetensors_numpy.py read FILE    -> prints {"metadata": {...}, "tensors": {name: {"shape", "bits"}}}
    python3 safetensors_numpy.py write FILE   -> writes the fixed sample the Java test expects

    from safetensors_numpy import load, save
    tensors, metadata = load(path)            # {name: float32 ndarray}, {str: str}
    save(path, tensors, metadata)

The reader checks what the format description requires: u64 little-endian header length, a strict
UTF-8 JSON object without duplicate keys, padding with spaces only, F32 data at offsets that tile
the data section.
"""
import json
import struct
import sys

import numpy as np


def no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, "header length %d is not a multiple of 8" % n
    text = raw[8:8 + n].decode("utf-8")
    stripped = text.rstrip(" ")
    assert stripped.endswith("}"), "header padding must be spaces"
    header = json.loads(stripped, object_pairs_hook=no_duplicates)
    meta = header.pop("__metadata__", {})
    assert all(isinstance(v, str) for v in meta.values())
    data = raw[8 + n:]
    pos = 0
    out = {}
    for name, e in header.items():  # this writer's files keep data in header order
        assert set(e) == {"dtype", "shape", "data_offsets"}, e
        assert e["dtype"] == "F32", e
        begin, end = e["data_offsets"]
        assert begin == pos, (name, begin, pos)
        count = int(np.prod(e["shape"], dtype=np.int64))
        assert end - begin == 4 * count, (name, e)
        arr = np.frombuffer(data[begin:end], dtype="<f4").reshape(e["shape"])
        out[name] = {"shape": list(arr.shape), "bits": [int(b) for b in arr.reshape(-1).view("<u4")]}
        pos = end
    assert pos == len(data), "trailing bytes"
    print(json.dumps({"metadata": meta, "tensors": out}))


def load(path):
    """Reads an F32 safetensors file: ({name: float32 ndarray in file order}, {metadata})."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8").rstrip(" "), object_pairs_hook=no_duplicates)
    meta = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    out = {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if e["dtype"] != "F32":
            raise ValueError("%s: tensor %r has dtype %s; only F32 is supported" % (path, name, e["dtype"]))
        begin, end = e["data_offsets"]
        count = int(np.prod(e["shape"], dtype=np.int64))
        if end - begin != 4 * count or end > len(data):
            raise ValueError("%s: tensor %r: offsets %r do not fit shape %r" % (path, name, e["data_offsets"], e["shape"]))
        out[name] = np.frombuffer(data, dtype="<f4", count=count, offset=begin).reshape(e["shape"]).astype(np.float32)
    return out, meta


def save(path, tensors, metadata=None):
    """Writes {name: array} as F32 safetensors (data in the given order) with optional {str: str} metadata."""
    header, offset, blobs = {}, 0, []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
        blobs.append(arr.tobytes())
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def write(path):
    tensors = {
        "z.weight": np.arange(4, dtype="<f4").reshape(2, 2) * np.float32(0.5),
        "a": np.array(-1.5, dtype="<f4"),
        "m.w": np.array([np.nan, np.inf, -0.0], dtype="<f4"),
    }
    # data in the order z.weight, a, m.w; header keys sorted (a, m.w, z.weight), default separators
    header, offset = {}, 0
    for name, arr in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    header["__metadata__"] = {"format": "pt", "epoch": "9", "note": "caf\u00e9 \"q\""}
    text = json.dumps(header, sort_keys=True).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for arr in tensors.values():
            f.write(arr.tobytes())


if __name__ == "__main__":
    {"read": read, "write": write}[sys.argv[1]](sys.argv[2])

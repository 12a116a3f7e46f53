"""End-to-end check of PyTorch generators used by cyclegan4j as they are saved (.pth).

    python3 check_authors_generator.py LAUNCHER WORKDIR [NGF]

Builds the authors' ResnetGenerator (authors_models.py: transposed convolutions) and PyTorch-GAN's
(models.py: nearest upsampling), 9 blocks, width NGF (64 by default), with random weights and
biases; saves each state_dict as .pth in PyTorch's zip format and in its legacy one; has
cyclegan4j translate a random 64x48 image with each file, and compares the PNG with PyTorch's
output quantised the same way. Then the other way: has cyclegan4j export the generator to a .pth
of its own (`export --direction AtoB --output X.pth`), loads that with torch.load (weights_only
where this PyTorch has it) into a fresh generator of the same class with load_state_dict(strict),
and checks that every parameter is the original's, bit for bit. Prints the largest differences in
8-bit levels and exits 1 if one is more than 1 or an export does not load exactly.
"""
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authors_models import AuthorsResnetGenerator  # noqa: E402
from models import GeneratorResNet  # noqa: E402


def write_png(path, rgb):
    import struct
    import zlib
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def read_png_rgb(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)


def main():
    launcher, work = sys.argv[1], sys.argv[2]
    ngf = int(sys.argv[3]) if len(sys.argv) > 3 else 64  # the authors' --ngf
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(48, 64, 3))
    os.makedirs(os.path.join(work, "in"), exist_ok=True)
    write_png(os.path.join(work, "in", "x.png"), img)
    x = torch.tensor(img, dtype=torch.float32).permute(2, 0, 1)[None] / 127.5 - 1

    worst_all = 0
    exports_ok = True
    for tag, layout, make in (("authors", "the authors'", lambda: AuthorsResnetGenerator(3, 9, ngf)),
                              ("pytorchgan", "PyTorch-GAN's", lambda: GeneratorResNet(3, 9, ngf))):
        net = make()
        torch.manual_seed(0)
        with torch.no_grad():
            for name, p in net.named_parameters():
                p.copy_(torch.randn_like(p) * (0.1 if name.endswith("bias") else 0.02))
            y = net(x)[0].permute(1, 2, 0).numpy()
        theirs = np.clip(np.round((y + 1) * 127.5), 0, 255)
        # the zip format of PyTorch >= 1.6, and the legacy one the authors' released files are in
        for fmt, zipped in (("zip", True), ("legacy", False)):
            pth = os.path.join(work, "G_%s_%s.pth" % (tag, fmt))
            torch.save(net.state_dict(), pth, _use_new_zipfile_serialization=zipped)
            out = os.path.join(work, "out_%s_%s" % (tag, fmt))
            subprocess.run([launcher, "translate", "--checkpoint", pth, "--input", os.path.join(work, "in"),
                            "--output", out, "--device", "cpu"], check=True)
            ours = read_png_rgb(os.path.join(out, "x.png"))
            worst = np.abs(ours - theirs).max()
            worst_all = max(worst_all, worst)
            print("%s generator (9 blocks, ngf %d), its .pth in the %s format, 64x48 RGB: largest difference %d level(s)"
                  " of 255; %.2f%% of values differ" % (layout, ngf, fmt, worst, 100 * np.mean(ours != theirs)))
            exported = os.path.join(work, "exported_%s_%s.pth" % (tag, fmt))
            subprocess.run([launcher, "export", "--checkpoint", pth, "--direction", "AtoB", "--output", exported], check=True)
            try:
                state = torch.load(exported, weights_only=True)
            except TypeError:  # a PyTorch before 1.13
                state = torch.load(exported)
            again = make()
            again.load_state_dict(state, strict=True)
            same = all(torch.equal(a, b) for a, b in zip(again.state_dict().values(), net.state_dict().values()))
            exports_ok &= same
            print("  exported by cyclegan4j to .pth, loaded by torch.load and load_state_dict(strict=True): %s"
                  % ("every parameter the original's" if same else "PARAMETERS DIFFER"))
    sys.exit(0 if worst_all <= 1 and exports_ok else 1)


if __name__ == "__main__":
    main()

"""Writes the PyTorch files that TorchFileTest and TorchCliTest read (run from this folder; needs
PyTorch and Pillow; written with Debian's PyTorch 1.13):

    python3 make_fixtures.py

- state_zip.pth, state_zip_p4.pth (pickle protocol 4), state_legacy.pth (the format of PyTorch
  before 1.6): one dict of tensors whose values the test knows from the formulas below;
- whole_model.pth: a pickled nn.Module (not a state_dict), which must be refused;
- authors_G.pth (legacy format, with the unused instance-norm statistics of PyTorch < 0.4, as the
  paper's authors' released generators have) and pytorchgan_G.pth (zip, saved through
  nn.DataParallel's "module." names): tiny generators of the two layouts (benchmarks/reference),
  with input.png and what PyTorch makes of it, authors_G_out.png and pytorchgan_G_out.png;
- authors_names.pth: {'G_A': ..., 'G_B': ...}, two minimal generators under the authors' names
  rather than cyclegan4j's G_AB and G_BA, which the error must point at;
- script_conv.pt: a TorchScript module (torch.jit.save), which must be refused as one;
- flat_views.pth: 300 one-element views "_orig_mod.w<i>" (torch.compile's prefix) of one 1 MB
  storage (flattened parameters), its archive re-zipped with deflate to keep it small; the reader
  must read that storage once, not once per view.
"""
import collections
import os
import sys
import zipfile

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../../benchmarks/reference"))
from authors_models import AuthorsResnetGenerator  # noqa: E402
from models import GeneratorResNet  # noqa: E402


def state():
    x = torch.arange(10.0)
    sd = collections.OrderedDict()
    sd["module.a"] = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.5 - 3
    sd["t"] = torch.arange(6.0).reshape(2, 3).t()  # not contiguous
    sd["h"] = torch.tensor([0.5, -2, 65504, 2 ** -24, 1 / 3, -0.0], dtype=torch.float16)
    sd["bf"] = torch.tensor([1.5, -3.0, 2.0 ** 100, 0.15625], dtype=torch.bfloat16)
    sd["d"] = torch.tensor([1 / 3, -1e300], dtype=torch.float64)
    sd["v1"] = x[2:5]  # two views of one storage
    sd["v2"] = x[5:]
    sd["count"] = torch.tensor(7)  # int64: left out
    sd["norm.running_mean"] = torch.zeros(2)  # no norm.weight: dropped
    sd["norm.running_var"] = torch.ones(2)
    sd["bn.weight"] = torch.ones(2)
    sd["bn.running_mean"] = torch.full((2,), 0.25)
    sd["opt"] = {"state": {0: {"exp_avg": torch.tensor([1.0, 2.0])}}, "lr": 0.1}
    sd["p"] = torch.nn.Parameter(torch.tensor([4.0, 5.0]))
    sd["scalar"] = torch.tensor(2.5)
    sd["name"] = "not a tensor"
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


def randomized(net, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in net.named_parameters():
            p.copy_(torch.randn_like(p) * (0.1 if name.endswith("bias") else 0.3))
    return net


def translate(net, img):
    x = torch.tensor(img, dtype=torch.float32).permute(2, 0, 1)[None] / 127.5 - 1
    if net.model[1].in_channels == 1:
        x = x[:, :1]
    with torch.no_grad():
        y = net(x)[0].permute(1, 2, 0).numpy()
    return np.clip(np.round((y + 1) * 127.5), 0, 255).astype(np.uint8)


def main():
    torch.save(state(), "state_zip.pth")
    torch.save(state(), "state_zip_p4.pth", pickle_protocol=4)
    torch.save(state(), "state_legacy.pth", _use_new_zipfile_serialization=False)
    torch.save(torch.nn.Conv2d(1, 1, 1), "whole_model.pth")
    torch.jit.save(torch.jit.script(torch.nn.Conv2d(1, 1, 1)), "script_conv.pt")

    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, size=(12, 20, 3)).astype(np.uint8)
    img[..., 1] = img[..., 0]  # a gray image, so that the one-channel model's luma is exactly its level
    img[..., 2] = img[..., 0]
    Image.fromarray(img).save("input.png")

    authors = randomized(AuthorsResnetGenerator(3, 1, 2), 1)
    sd = authors.state_dict()
    for name, m in authors.named_modules():  # PyTorch < 0.4 kept running statistics in every InstanceNorm2d
        if isinstance(m, torch.nn.InstanceNorm2d):
            sd[name + ".running_mean"] = torch.zeros(m.num_features)
            sd[name + ".running_var"] = torch.ones(m.num_features)
    torch.save(sd, "authors_G.pth", _use_new_zipfile_serialization=False)
    Image.fromarray(translate(authors, img)).save("authors_G_out.png")

    torch.save({"G_A": GeneratorResNet(1, 0, 1).state_dict(), "G_B": GeneratorResNet(1, 0, 1).state_dict()}, "authors_names.pth")

    buf = torch.zeros(1 << 18)  # 1 MB: zeros deflate far, and larger entries that inflate 100 times are refused
    buf[:300] = torch.arange(300.0)
    views = collections.OrderedDict(("_orig_mod.w%d" % i, buf[i:i + 1]) for i in range(300))
    torch.save(views, "flat_views_stored.pth")
    with zipfile.ZipFile("flat_views_stored.pth") as zin, zipfile.ZipFile("flat_views.pth", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))
    os.remove("flat_views_stored.pth")

    gan = randomized(GeneratorResNet(1, 1, 2), 2)
    torch.save(torch.nn.DataParallel(gan).state_dict(), "pytorchgan_G.pth")
    Image.fromarray(translate(gan, img)[..., 0]).save("pytorchgan_G_out.png")


if __name__ == "__main__":
    main()

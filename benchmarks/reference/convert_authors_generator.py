"""Converts a generator saved by the CycleGAN paper's authors' code into a cyclegan4j export.

    python3 convert_authors_generator.py horse2zebra.pth horse2zebra.safetensors [--direction AtoB]

The input is a ResnetGenerator state_dict (instance norm, no dropout: their released CycleGAN
models, e.g. horse2zebra.pth or latest_net_G_A.pth). The output holds it as G_AB (or G_BA with
--direction BtoA) with the options translate needs; cyclegan4j recognises the layout (conv_block,
transposed convolutions) by the tensor names:

    cyclegan4j translate --checkpoint horse2zebra.safetensors --input horses/ --output zebras/

Needs PyTorch (to read .pth) and numpy.
"""
import argparse
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_numpy import save  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pth")
    ap.add_argument("output")
    ap.add_argument("--direction", choices=["AtoB", "BtoA"], default="AtoB")
    args = ap.parse_args()

    state = torch.load(args.pth, map_location="cpu")
    if hasattr(state, "state_dict"):
        state = state.state_dict()
    state = {re.sub(r"^module\.", "", k): v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    if "model.1.weight" not in state or "model.10.conv_block.1.weight" not in state:
        sys.exit("%s: not a ResnetGenerator state_dict with instance norm (no model.1.weight / model.10.conv_block.1.weight)"
                 % args.pth)
    if any(".conv_block.6.weight" in k for k in state):
        sys.exit("%s: has dropout in its residual blocks (use_dropout), which cyclegan4j's generator does not have" % args.pth)
    blocks = len({k.split(".")[1] for k in state if ".conv_block." in k})
    channels = state["model.1.weight"].shape[1]
    prefix = "G_AB." if args.direction == "AtoB" else "G_BA."
    tensors = {prefix + k: v.detach().float().numpy() for k, v in state.items()}
    save(args.output, tensors, {"option.channels": channels, "option.n_residual_blocks": blocks,
                                "option.ngf": state["model.1.weight"].shape[0],
                                "option.upsampling": "transposed", "converted_from": os.path.basename(args.pth)})
    print("wrote %s: %s, %d channel(s), %d residual blocks, %d tensors" % (args.output, prefix[:-1], channels, blocks, len(tensors)))


if __name__ == "__main__":
    main()

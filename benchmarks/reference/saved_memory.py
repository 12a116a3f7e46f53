#!/usr/bin/env python3
"""How much memory PyTorch keeps for the backward pass of the seed's generator step, on any device.

Runs the forward half of models.CycleGAN.step's generator step (identity, GAN and cycle losses:
six generator and two discriminator passes) under torch.autograd.graph.saved_tensors_hooks and adds
up the distinct storages the autograd saved. That is the activation memory PyTorch holds when its
backward pass starts, measured without a GPU; compare it with the live bytes of our step at the
same point (benchmarks/RESULTS.md). Weights are saved too (every convolution keeps its weight), so
they are reported apart.

    /usr/bin/python3 benchmarks/reference/saved_memory.py --size 256 --blocks 9
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CycleGAN  # noqa: E402


def storage_of(t):
    s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
    return s.data_ptr(), (s.nbytes() if hasattr(s, "nbytes") else s.size() * s.element_size())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=256, help="image height and width (multiple of 16)")
    ap.add_argument("--blocks", type=int, default=9, help="residual blocks per generator")
    ap.add_argument("--batch", type=int, default=1)
    args = ap.parse_args()

    torch.manual_seed(0)
    gan = CycleGAN(num_residual_blocks=args.blocks)
    weights = {storage_of(p)[0] for net in gan.networks().values() for p in net.parameters()}
    saved = {}

    def pack(t):
        ptr, nbytes = storage_of(t)
        saved[ptr] = nbytes
        return t

    a = torch.rand(args.batch, 3, args.size, args.size) * 2 - 1
    b = torch.rand(args.batch, 3, args.size, args.size) * 2 - 1
    valid = torch.ones(args.batch, 1, args.size // 16, args.size // 16)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        identity = (gan.criterion_identity(gan.G_BA(a), a) + gan.criterion_identity(gan.G_AB(b), b)) / 2
        fake_b, fake_a = gan.G_AB(a), gan.G_BA(b)
        adversarial = (gan.criterion_GAN(gan.D_B(fake_b), valid) + gan.criterion_GAN(gan.D_A(fake_a), valid)) / 2
        cycle = (gan.criterion_cycle(gan.G_BA(fake_b), a) + gan.criterion_cycle(gan.G_AB(fake_a), b)) / 2
        loss = adversarial + gan.lambda_cyc * cycle + gan.lambda_id * identity
    mib = 1 << 20
    of_weights = sum(n for p, n in saved.items() if p in weights)
    total = sum(saved.values())
    print(f"PyTorch {torch.__version__}, {args.size}x{args.size}, {args.blocks} residual blocks, batch {args.batch}: "
          f"{total / mib:.1f} MiB saved for the generator step's backward pass in {len(saved)} storages, "
          f"{of_weights / mib:.1f} MiB of them weights, {(total - of_weights) / mib:.1f} MiB activations "
          f"(loss {loss.item():.4f})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Numerical parity between cyclegan4j and the PyTorch reference (models.py), one training step.

The Java side (src/test/java/cyclegan4j/parity/ParityCase.java) writes two safetensors files:
  init.safetensors       the initial state, as the trainer checkpoints it (G_AB./G_BA./D_A./D_B. keys)
  java_step.safetensors  the inputs, G_AB(real_A) and G_BA(real_B) from the initial weights, the five
                         losses of one CycleGan.step, every parameter's gradient and every updated
                         parameter after that step, and the configuration as metadata.
This script loads the initial state into the PyTorch modules (strict load_state_dict), repeats the
same generator forward and the same training step in fp32, and prints the relative error
||ours - theirs|| / ||theirs|| of every tensor. Targets: generator outputs and losses <= 1e-4,
gradients and updated parameters <= 1e-3. Exit code 1 when a target is missed, 2 on bad input.

Two kinds of tensor are reported but held to no relative target, because they carry no signal:
  * the bias of a convolution that is followed by an instance norm: the norm subtracts each
    channel's mean, so the loss does not depend on that bias and its exact gradient is zero. Both
    sides compute rounding noise (reported: its size relative to the same layer's weight gradient,
    which must stay below 1e-4), and Adam turns that noise into updates of up to +-lr.
  * element-wise sign flips of Adam's first step: the step moves each weight by about
    lr * g / (|g| + eps), i.e. +-lr, so a gradient element that is nearly zero can go either way.
    Reported as the number of elements whose updated values differ by more than lr.

Why --fp64 exists. With the cycle loss, the step's generator gradients are not a smooth function of
the rounding: the gradient path runs through a generator applied to another generator's output, and
ReLU and L1 kinks near zero switch on a single rounding difference. Measured here (3 channels,
64x64): PyTorch fp32 against a float64 run of the same step misses 1e-3 itself on some tensors (up
to 7.8e-3), PyTorch fp32 with and without mkldnn convolutions disagree at the 1e-4 level, and scaling
the float64 weights by (1 + 6e-8 * noise) moves the gradients by up to 2.8e-4, whereas without the
cycle term everything agrees to ~5e-6. So with --fp64 a gradient or updated parameter that misses
1e-3 against PyTorch fp32 passes ("ok64") when our distance from float64 is at most FP64_FACTOR (2)
times the larger of 1e-3 and PyTorch fp32's own worst distance from float64 in the same step (of the
same kind: gradients, updated parameters). Outputs and losses keep their strict 1e-4 target. Without
--fp64 every target is strict.

    /usr/bin/python3 benchmarks/reference/parity.py --init DIR/init.safetensors --java DIR/java_step.safetensors
    ... --fp64 --all                                              # float64 rule, one line per tensor
    python3 benchmarks/reference/parity.py ... --device cuda      # on the GPU host (TF32 off)
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CycleGAN  # noqa: E402
from safetensors_numpy import load  # noqa: E402

OUTPUT_TARGET = 1e-4
LOSS_TARGET = 1e-4
GRAD_TARGET = 1e-3
PARAM_TARGET = 1e-3
ZERO_GRAD_NOISE_TARGET = 1e-4
FP64_FACTOR = 2.0
LOSSES = ("loss_G", "loss_GAN", "loss_cycle", "loss_identity", "loss_D")


def rel_err(ours, theirs):
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    denom = np.linalg.norm(theirs)
    diff = np.linalg.norm(ours - theirs)
    if denom == 0:
        return 0.0 if diff == 0 else float("inf")
    return float(diff / denom)


def bias_before_instance_norm(net, prefix):
    """state_dict names of conv biases whose output goes straight into an InstanceNorm2d."""
    names = set()
    for mod_name, mod in net.named_modules():
        if isinstance(mod, torch.nn.Sequential):
            children = list(mod.named_children())
            for (name, child), (_, nxt) in zip(children, children[1:]):
                if isinstance(child, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)) and isinstance(nxt, torch.nn.InstanceNorm2d):
                    names.add(prefix + (mod_name + "." if mod_name else "") + name + ".bias")
    return names


def check_init(init):
    """The Java init must be the reference's weights_init_normal: conv weights ~ N(0, 0.02), biases 0."""
    problems = []
    for name, v in init.items():
        if not name.startswith(("G_AB.", "G_BA.", "D_A.", "D_B.")):
            continue
        if name.endswith(".bias") and np.any(v != 0):
            problems.append("%s: initial bias not zero" % name)
        if name.endswith(".weight") and v.size >= 4096:
            std, mean = float(v.std()), float(v.mean())
            if abs(std - 0.02) > 0.002 or abs(mean) > 0.002:
                problems.append("%s: initial weight mean %.4g std %.4g, expected N(0, 0.02)" % (name, mean, std))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--init", required=True, help="init.safetensors written by the Java side")
    ap.add_argument("--java", required=True, help="java_step.safetensors written by the Java side")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--worst", type=int, default=5, help="how many of the worst gradients to list")
    ap.add_argument("--all", action="store_true", help="one line per parameter tensor")
    ap.add_argument("--fp64", action="store_true",
                    help="also run the step in float64 (exact enough to serve as the truth) and show how far each "
                         "fp32 result, ours and PyTorch's, is from it. A gradient or updated parameter that misses "
                         "its target against PyTorch fp32 then still passes when ours is within FP64_FACTOR times "
                         "max(1e-3, PyTorch fp32's own worst distance from float64) in the same step (module doc)")
    args = ap.parse_args()

    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)

    init, init_meta = load(args.init)
    java, meta = load(args.java)
    try:
        channels = int(meta["channels"])
        blocks = int(meta["residual_blocks"])
        lr = float(meta["lr"])
        cfg = dict(channels=channels, num_residual_blocks=blocks, lr=lr,
                   betas=(float(meta["beta1"]), float(meta["beta2"])),
                   lambda_cyc=float(meta["lambda_cyc"]), lambda_id=float(meta["lambda_id"]),
                   pool_size=int(meta["pool_size"]), upsampling=meta.get("upsampling", "nearest"),
                   discriminator=meta.get("discriminator", "pytorch-gan"),
                   ngf=int(meta.get("ngf", 64)), ndf=int(meta.get("ndf", 64)))
    except KeyError as e:
        print("parity.py: %s lacks metadata %s" % (args.java, e), file=sys.stderr)
        return 2

    gan = CycleGAN(device=dev, init=False, **cfg)
    gan.load_checkpoint_tensors({k: torch.from_numpy(v.copy()) for k, v in init.items()})
    grads64 = None
    if args.fp64:
        gan64 = CycleGAN(device=dev, init=False, **cfg)
        gan64.load_checkpoint_tensors({k: torch.from_numpy(v.copy()) for k, v in init.items()})
        for net in gan64.networks().values():
            net.double()
        gan64.step(torch.from_numpy(java["input.real_A"].astype(np.float64)).to(dev),
                   torch.from_numpy(java["input.real_B"].astype(np.float64)).to(dev))
        grads64 = {net_name + "." + k: p.grad.cpu().numpy() for net_name, net in gan64.networks().items()
                   for k, p in net.named_parameters()}
        params64 = {net_name + "." + k: p.detach().cpu().numpy() for net_name, net in gan64.networks().items()
                    for k, p in net.named_parameters()}
        del gan64
    init_problems = check_init(init)

    real_A = torch.from_numpy(java["input.real_A"].copy()).to(dev)
    real_B = torch.from_numpy(java["input.real_B"].copy()).to(dev)
    print("PyTorch parity: %s, torch %s, device %s (TF32 off), %d threads; config: %d channels, %d residual blocks, "
          "%s, %s upsampling, %s discriminator, ngf %d, ndf %d, Java step %s ms"
          % (os.path.basename(os.path.dirname(os.path.abspath(args.java))), torch.__version__, dev, torch.get_num_threads(),
             channels, blocks, "x".join(map(str, real_A.shape)), cfg["upsampling"], cfg["discriminator"],
             cfg["ngf"], cfg["ndf"], meta.get("java_step_ms", "?")))

    failures = []

    def verdict(err, target, what):
        ok = err <= target
        if not ok:
            failures.append("%s: %.3g > %.0e" % (what, err, target))
        return "ok" if ok else "MISS"

    # ---- generator outputs from the initial weights
    print("\n%-28s %12s %8s" % ("generator output", "rel err", ""))
    with torch.no_grad():
        for name, net, x in (("G_AB(real_A)", gan.G_AB, real_A), ("G_BA(real_B)", gan.G_BA, real_B)):
            theirs = net(x).cpu().numpy()
            e = rel_err(java["output." + name[:4]], theirs)
            print("%-28s %12.3e %8s" % (name, e, verdict(e, OUTPUT_TARGET, name)))

    # ---- one training step
    init_params = {n: p.detach().cpu().numpy().copy()
                   for net_name, net in gan.networks().items() for n, p in
                   ((net_name + "." + k, v) for k, v in net.named_parameters())}
    gan.train()
    losses = gan.step(real_A, real_B)
    print("\n%-28s %14s %14s %12s %8s" % ("loss", "ours", "PyTorch", "rel err", ""))
    for k in LOSSES:
        ours = float(java["loss." + k].reshape(-1)[0])
        theirs = losses[k]
        e = abs(ours - theirs) / abs(theirs) if theirs != 0 else abs(ours)
        print("%-28s %14.8f %14.8f %12.3e %8s" % (k, ours, theirs, e, verdict(e, LOSS_TARGET, k)))

    # ---- gradients and updated parameters
    zero_grad_biases = set()
    for net_name, net in gan.networks().items():
        zero_grad_biases |= bias_before_instance_norm(net, net_name + ".")
    rows = []
    for net_name, net in gan.networks().items():
        named = dict(net.named_parameters())
        for k, p in named.items():
            name = net_name + "." + k
            g_theirs = p.grad.detach().cpu().numpy()
            g_ours = java["grad." + name]
            p_theirs = p.detach().cpu().numpy()
            p_ours = java["param." + name]
            p0 = init_params[name]
            flips = int(np.sum(np.abs(p_ours.astype(np.float64) - p_theirs) > lr))
            row = dict(name=name, n=p_theirs.size, grad=rel_err(g_ours, g_theirs), param=rel_err(p_ours, p_theirs),
                       update=rel_err(p_ours - p0, p_theirs - p0), flips=flips,
                       zero=name in zero_grad_biases)
            if grads64 is not None:
                row["ours64"] = rel_err(g_ours, grads64[name])
                row["theirs64"] = rel_err(g_theirs, grads64[name])
                row["p_ours64"] = rel_err(p_ours, params64[name])
                row["p_theirs64"] = rel_err(p_theirs, params64[name])
            if row["zero"]:
                gw_theirs = np.linalg.norm(named[k[:-len("bias")] + "weight"].grad.detach().cpu().numpy())
                gw_ours = np.linalg.norm(java["grad." + name[:-len("bias")] + "weight"])
                row["noise_ours"] = float(np.linalg.norm(g_ours) / gw_ours)
                row["noise_theirs"] = float(np.linalg.norm(g_theirs) / gw_theirs)
            rows.append(row)

    checked = [r for r in rows if not r["zero"]]
    zero = [r for r in rows if r["zero"]]
    bound = {}
    if grads64 is not None:
        bound["grad"] = FP64_FACTOR * max(GRAD_TARGET, max(r["theirs64"] for r in checked))
        bound["param"] = FP64_FACTOR * max(PARAM_TARGET, max(r["p_theirs64"] for r in checked))

    def judge(r, kind, target):
        """ok / MISS for ours vs PyTorch fp32; with --fp64, a miss that is within the float64 bound is 'ok64'."""
        err = r[kind]
        if err <= target:
            return "ok"
        if kind in bound and r["ours64" if kind == "grad" else "p_ours64"] <= bound[kind]:
            return "ok64"
        failures.append("%s %s: %.3g > %.0e%s" % (kind, r["name"], err, target,
                                                  " and ours vs float64 %.3g > %.3g" % (
                                                      r["ours64" if kind == "grad" else "p_ours64"], bound[kind])
                                                  if kind in bound else ""))
        return "MISS"

    if args.all:
        print("\n%-34s %9s %11s %11s %11s %7s" % ("parameter", "elements", "grad err", "param err", "update err", "flips"))
        for r in rows:
            print("%-34s %9d %11.3e %11.3e %11.3e %7d%s" % (r["name"], r["n"], r["grad"], r["param"], r["update"],
                                                            r["flips"], "  (bias before IN)" if r["zero"] else ""))

    print("\ngradients (%d tensors; %d biases before an instance norm held apart), worst %d:"
          % (len(checked), len(zero), args.worst))
    verdicts = {r["name"]: (judge(r, "grad", GRAD_TARGET), judge(r, "param", PARAM_TARGET)) for r in checked}
    for r in sorted(checked, key=lambda r: -r["grad"])[:args.worst]:
        extra = ("   vs float64: ours %.2e, PyTorch fp32 %.2e" % (r["ours64"], r["theirs64"])) if grads64 else ""
        print("  %-34s %9d %12.3e %8s%s" % (r["name"], r["n"], r["grad"], verdicts[r["name"]][0], extra))
    grads = np.array([r["grad"] for r in checked])
    print("  all: max %.3e, median %.3e; over 1e-3: %d" % (grads.max(), np.median(grads), int(np.sum(grads > GRAD_TARGET))))
    if grads64 is not None:
        o64 = np.array([r["ours64"] for r in checked])
        t64 = np.array([r["theirs64"] for r in checked])
        print("  against float64: ours max %.3e (median %.3e), PyTorch fp32 max %.3e (median %.3e); "
              "bound for 'ok64' = %g x max(1e-3, PyTorch's max) = %.3e"
              % (o64.max(), np.median(o64), t64.max(), np.median(t64), FP64_FACTOR, bound["grad"]))

    print("\nupdated parameters (%d tensors), worst %d by ||ours - theirs|| / ||theirs||:" % (len(checked), args.worst))
    for r in sorted(checked, key=lambda r: -r["param"])[:args.worst]:
        extra = ("   vs float64: ours %.2e, PyTorch fp32 %.2e" % (r["p_ours64"], r["p_theirs64"])) if grads64 else ""
        print("  %-34s %9d %12.3e %8s   flips %d%s" % (r["name"], r["n"], r["param"], verdicts[r["name"]][1],
                                                      r["flips"], extra))
    params = np.array([r["param"] for r in checked])
    updates = np.array([r["update"] for r in checked])
    n_el = sum(r["n"] for r in checked)
    n_flip = sum(r["flips"] for r in checked)
    print("  all: max %.3e, median %.3e; the update alone (p - p0): max %.3e, median %.3e"
          % (params.max(), np.median(params), updates.max(), np.median(updates)))
    print("  elements whose updated value differs by more than lr (%.0e): %d of %d (%.2g%%)"
          % (lr, n_flip, n_el, 100.0 * n_flip / n_el))

    if zero:
        worst = max(zero, key=lambda r: max(r["noise_ours"], r["noise_theirs"]))
        noise = max(worst["noise_ours"], worst["noise_theirs"])
        print("\nbiases before an instance norm (%d tensors, exact gradient 0): largest ||grad bias|| / ||grad weight||"
              " ours %.2e, PyTorch %.2e (%s) %s; updated values differ by more than lr in %d of %d elements"
              % (len(zero), worst["noise_ours"], worst["noise_theirs"], worst["name"],
                 verdict(noise, ZERO_GRAD_NOISE_TARGET, "zero-gradient bias noise " + worst["name"]),
                 sum(r["flips"] for r in zero), sum(r["n"] for r in zero)))

    for p in init_problems:
        failures.append("init: " + p)
    print("\ninitial weights: %s" % ("N(0, 0.02) conv weights, zero biases: ok" if not init_problems
                                     else "; ".join(init_problems)))
    if failures:
        print("\nPARITY MISSED %d target(s):" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    n_ok64 = sum(v.count("ok64") for v in verdicts.values())
    if n_ok64:
        print("\nPARITY OK WITH THE FLOAT64 RULE: outputs and losses <= 1e-4; %d gradient/parameter tensor(s) miss 1e-3 "
              "against PyTorch fp32 but are within %g x max(1e-3, PyTorch fp32's worst distance from float64)" % (n_ok64, FP64_FACTOR))
    else:
        print("\nPARITY OK: outputs and losses <= 1e-4, gradients and updated parameters <= 1e-3")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The seed's CycleGAN in PyTorch: the reference that cyclegan4j is checked and timed against.

Written for this project from the description of the PyTorch-GAN CycleGAN (ResNet generator,
PatchGAN discriminator, LSGAN + cycle + identity losses, Adam, a 50-image replay buffer). The module
structure and indices are those of the Java classes in src/main/java/cyclegan4j/cyclegan, so the
state_dict keys are identical (model.1.weight ... model.28.weight for a 9-block generator;
model.0/2/5/8/12 for the discriminator) and a cyclegan4j checkpoint loads with a strict
load_state_dict after stripping the G_AB. / G_BA. / D_A. / D_B. prefix.

One deliberate difference from PyTorch-GAN: the generator's outer reflection pads are 3 pixels (what a
7x7 convolution needs), where PyTorch-GAN pads by `channels` pixels. The two agree for 3 channels,
the seed's configuration; for 1 channel PyTorch-GAN's output would be 4 pixels smaller than its input.
"""
import random

import torch
import torch.nn as nn

from authors_models import AuthorsNLayerDiscriminator, AuthorsResnetGenerator


def weights_init_normal(m):
    """Conv weights ~ N(0, 0.02), conv biases 0 (the reference's init; InstanceNorm has no affine)."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


class ResidualBlock(nn.Module):
    """x + block(x); block = pad1, conv3, IN, ReLU, pad1, conv3, IN (parameters block.1.*, block.5.*)."""

    def __init__(self, features):
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(features, features, 3),
            nn.InstanceNorm2d(features),
            nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(features, features, 3),
            nn.InstanceNorm2d(features),
        )

    def forward(self, x):
        return x + self.block(x)


class GeneratorResNet(nn.Module):
    """c7s1-64, d128, d256, n residual blocks, u128, u64, c7s1-C, tanh (widths scale with ngf); one nn.Sequential `model`."""

    def __init__(self, channels=3, num_residual_blocks=9, ngf=64):
        super().__init__()
        features = ngf
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(channels, features, 7),
                  nn.InstanceNorm2d(features), nn.ReLU(inplace=True)]
        for _ in range(2):  # downsampling
            layers += [nn.Conv2d(features, features * 2, 3, stride=2, padding=1),
                       nn.InstanceNorm2d(features * 2), nn.ReLU(inplace=True)]
            features *= 2
        layers += [ResidualBlock(features) for _ in range(num_residual_blocks)]
        for _ in range(2):  # upsampling
            layers += [nn.Upsample(scale_factor=2), nn.Conv2d(features, features // 2, 3, stride=1, padding=1),
                       nn.InstanceNorm2d(features // 2), nn.ReLU(inplace=True)]
            features //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(features, channels, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class Discriminator(nn.Module):
    """PatchGAN: C64 (no norm), C128, C256, C512 (conv4 stride 2, IN, LeakyReLU 0.2; widths scale with ndf),
    zero pad (1,0,1,0), conv4 -> 1."""

    def __init__(self, channels=3, ndf=64):
        super().__init__()
        layers = []
        in_features = channels
        for i, out_features in enumerate((ndf, 2 * ndf, 4 * ndf, 8 * ndf)):
            layers.append(nn.Conv2d(in_features, out_features, 4, stride=2, padding=1))
            if i > 0:
                layers.append(nn.InstanceNorm2d(out_features))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            in_features = out_features
        layers += [nn.ZeroPad2d((1, 0, 1, 0)), nn.Conv2d(in_features, 1, 4, padding=1)]
        self.model = nn.Sequential(*layers)

    def forward(self, img):
        return self.model(img)


class ReplayBuffer:
    """The history of generated images (Shrivastava et al. 2017), image by image: until `max_size`
    images are stored, store the new one and return it; afterwards, with probability 1/2 return a
    random stored image and store the new one in its place, else return the new image."""

    def __init__(self, max_size=50, rng=None):
        self.max_size = max_size
        self.data = []
        self.rng = rng if rng is not None else random.Random(0)

    def push_and_pop(self, batch):
        out = []
        for element in batch.detach():
            element = element.unsqueeze(0)
            if len(self.data) < self.max_size:
                self.data.append(element)
                out.append(element)
            elif self.max_size > 0 and self.rng.uniform(0, 1) > 0.5:
                i = self.rng.randint(0, self.max_size - 1)
                out.append(self.data[i].clone())
                self.data[i] = element
            else:
                out.append(element)
        return torch.cat(out)


class CycleGAN:
    """The four networks, three Adam optimizers, two replay buffers and the training step."""

    NETWORKS = ("G_AB", "G_BA", "D_A", "D_B")

    def __init__(self, channels=3, num_residual_blocks=9, lr=2e-4, betas=(0.5, 0.999),
                 lambda_cyc=10.0, lambda_id=5.0, pool_size=50, device="cpu", init=True,
                 upsampling="nearest", discriminator="pytorch-gan", ngf=64, ndf=64):
        # cyclegan4j's --upsampling transposed and --discriminator patch70: the paper's networks (authors_models.py)
        gen = AuthorsResnetGenerator if upsampling == "transposed" else GeneratorResNet
        disc = AuthorsNLayerDiscriminator if discriminator == "patch70" else Discriminator
        self.G_AB = gen(channels, num_residual_blocks, ngf).to(device)
        self.G_BA = gen(channels, num_residual_blocks, ngf).to(device)
        self.D_A = disc(channels, ndf).to(device)
        self.D_B = disc(channels, ndf).to(device)
        if init:
            for net in self.networks().values():
                net.apply(weights_init_normal)
        self.optimizer_G = torch.optim.Adam(
            list(self.G_AB.parameters()) + list(self.G_BA.parameters()), lr=lr, betas=betas)
        self.optimizer_D_A = torch.optim.Adam(self.D_A.parameters(), lr=lr, betas=betas)
        self.optimizer_D_B = torch.optim.Adam(self.D_B.parameters(), lr=lr, betas=betas)
        self.fake_A_buffer = ReplayBuffer(pool_size)
        self.fake_B_buffer = ReplayBuffer(pool_size)
        self.criterion_GAN = nn.MSELoss()
        self.criterion_cycle = nn.L1Loss()
        self.criterion_identity = nn.L1Loss()
        self.lambda_cyc = lambda_cyc
        self.lambda_id = lambda_id
        self.device = device

    def networks(self):
        return {name: getattr(self, name) for name in self.NETWORKS}

    def load_checkpoint_tensors(self, tensors):
        """Strictly loads the four networks from a flat {name: tensor} dict with G_AB./G_BA./D_A./D_B. keys."""
        for name, net in self.networks().items():
            prefix = name + "."
            sd = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
            net.load_state_dict(sd, strict=True)

    def train(self):
        for net in self.networks().values():
            net.train()

    def step(self, real_A, real_B):
        """One training step in the reference's order; returns the losses as Python floats."""
        # LSGAN targets take each prediction's shape (the authors' GANLoss: expand_as), so the two
        # domains' images, and a pooled fake and the real image beside it, may differ in size
        def valid(pred):
            return self.criterion_GAN(pred, torch.ones_like(pred))

        def fake(pred):
            return self.criterion_GAN(pred, torch.zeros_like(pred))

        # ---- generators
        self.optimizer_G.zero_grad()
        if self.lambda_id > 0:
            loss_id_A = self.criterion_identity(self.G_BA(real_A), real_A)
            loss_id_B = self.criterion_identity(self.G_AB(real_B), real_B)
            loss_identity = (loss_id_A + loss_id_B) / 2
        else:
            loss_identity = None
        fake_B = self.G_AB(real_A)
        loss_GAN_AB = valid(self.D_B(fake_B))
        fake_A = self.G_BA(real_B)
        loss_GAN_BA = valid(self.D_A(fake_A))
        loss_GAN = (loss_GAN_AB + loss_GAN_BA) / 2
        recov_A = self.G_BA(fake_B)
        loss_cycle_A = self.criterion_cycle(recov_A, real_A)
        recov_B = self.G_AB(fake_A)
        loss_cycle_B = self.criterion_cycle(recov_B, real_B)
        loss_cycle = (loss_cycle_A + loss_cycle_B) / 2
        loss_G = loss_GAN + self.lambda_cyc * loss_cycle
        if loss_identity is not None:
            loss_G = loss_G + self.lambda_id * loss_identity
        loss_G.backward()
        self.optimizer_G.step()

        # ---- discriminator A
        self.optimizer_D_A.zero_grad()
        loss_real = valid(self.D_A(real_A))
        fake_A_ = self.fake_A_buffer.push_and_pop(fake_A)
        loss_fake = fake(self.D_A(fake_A_.detach()))
        loss_D_A = (loss_real + loss_fake) / 2
        loss_D_A.backward()
        self.optimizer_D_A.step()

        # ---- discriminator B
        self.optimizer_D_B.zero_grad()
        loss_real = valid(self.D_B(real_B))
        fake_B_ = self.fake_B_buffer.push_and_pop(fake_B)
        loss_fake = fake(self.D_B(fake_B_.detach()))
        loss_D_B = (loss_real + loss_fake) / 2
        loss_D_B.backward()
        self.optimizer_D_B.step()

        loss_D = (loss_D_A + loss_D_B) / 2
        return {
            "loss_G": loss_G.item(),
            "loss_GAN": loss_GAN.item(),
            "loss_cycle": loss_cycle.item(),
            "loss_identity": loss_identity.item() if loss_identity is not None else 0.0,
            "loss_D": loss_D.item(),
        }

"""The paper's networks in the layout of its authors' code, in PyTorch: cyclegan4j's
`--upsampling transposed` generator and `--discriminator patch70`.

Written for this project from the paper (c7s1-64, d128, d256, R256 x n, u128, u64, c7s1-3 with
"fractionally strided" u layers; the 70x70 PatchGAN C64-C128-C256-C512) and the state_dict layouts
of the authors' ResnetGenerator (instance norm, no dropout: model.1 conv, model.10..18 residual
blocks with conv_block.1 / conv_block.5, model.19 and model.22 transposed convolutions of 3x3,
stride 2, padding 1, output padding 1, model.26 the last conv) and NLayerDiscriminator with 3
layers (model.0, 2, 5, 8, 11). Their released generators are such state_dicts, which cyclegan4j
translates with as they are (check_authors_generator.py checks that).
"""
import torch.nn as nn


class AuthorsResnetBlock(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(features, features, 3), nn.InstanceNorm2d(features), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(features, features, 3), nn.InstanceNorm2d(features))

    def forward(self, x):
        return x + self.conv_block(x)


class AuthorsResnetGenerator(nn.Module):
    def __init__(self, channels=3, blocks=9, ngf=64):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(channels, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        features = ngf
        for _ in range(2):
            layers += [nn.Conv2d(features, features * 2, 3, stride=2, padding=1), nn.InstanceNorm2d(features * 2), nn.ReLU(True)]
            features *= 2
        layers += [AuthorsResnetBlock(features) for _ in range(blocks)]
        for _ in range(2):
            layers += [nn.ConvTranspose2d(features, features // 2, 3, stride=2, padding=1, output_padding=1),
                       nn.InstanceNorm2d(features // 2), nn.ReLU(True)]
            features //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(features, channels, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class AuthorsNLayerDiscriminator(nn.Module):
    """The 70x70 PatchGAN: three stride-2 Conv4 blocks, a stride-1 one, a Conv4 to one channel (N x 1 x H/8-2 x W/8-2)."""

    def __init__(self, channels=3, ndf=64):
        super().__init__()
        layers = [nn.Conv2d(channels, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        features = ndf
        for stride in (2, 2, 1):
            layers += [nn.Conv2d(features, features * 2, 4, stride=stride, padding=1), nn.InstanceNorm2d(features * 2),
                       nn.LeakyReLU(0.2, True)]
            features *= 2
        layers += [nn.Conv2d(features, 1, 4, stride=1, padding=1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)

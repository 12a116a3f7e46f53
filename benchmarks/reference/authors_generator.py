"""The ResNet generator in the layout of the CycleGAN paper's authors' code, in PyTorch.

Written for this project from the paper (c7s1-64, d128, d256, R256 x n, u128, u64, c7s1-3 with
"fractionally strided" u layers) and the state_dict layout of the authors' ResnetGenerator with
instance norm and no dropout: model.0 reflection pad, model.1 conv, ... model.10..18 residual blocks
(conv_block.1 / conv_block.5), model.19 and model.22 transposed convolutions (3x3, stride 2,
padding 1, output padding 1), model.26 the last conv. Their released generators are such
state_dicts; convert_authors_generator.py turns one into a file that cyclegan4j translates with.
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
    def __init__(self, channels=3, blocks=9):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(channels, 64, 7), nn.InstanceNorm2d(64), nn.ReLU(True)]
        features = 64
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

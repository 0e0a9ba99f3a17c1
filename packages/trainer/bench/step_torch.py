"""One SimCLR step (two views, NT-Xent, SGD momentum) in PyTorch, the reference for step.bench.ts.

Prints one JSON line: {"arch": ..., "seconds": [per-step wall times after warm-up]}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_relu(cin, cout, k, stride):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


def encoder(arch, channels):
    if arch == 'convnet':
        layers, cin = [], channels
        for i, cout in enumerate([32, 64, 128, 256]):
            layers += conv_bn_relu(cin, cout, 3, 1 if i == 0 else 2)
            cin = cout
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten()), 256
    if arch == 'resnet18-cifar':
        layers, cin = conv_bn_relu(channels, 64, 3, 1), 64
        for stage, cout in enumerate([64, 128, 256, 512]):
            for i in range(2):
                layers.append(BasicBlock(cin, cout, 2 if i == 0 and stage > 0 else 1))
                cin = cout
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten()), 512
    raise ValueError(arch)


def nt_xent(z1, z2, temperature):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    logits = z @ z.t() / temperature
    logits = logits - torch.eye(2 * n) * 1e9
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(logits, targets)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', required=True)
    p.add_argument('--images', type=int, required=True)
    p.add_argument('--size', type=int, required=True)
    p.add_argument('--channels', type=int, required=True)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    enc, dim = encoder(a.arch, a.channels)
    head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(inplace=True), nn.Linear(dim, 128))
    params = list(enc.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=0.06, momentum=0.9)
    mean, std = (0.5,) * a.channels, (0.25,) * a.channels
    pix = [torch.randint(0, 256, (a.images, a.channels, a.size, a.size), dtype=torch.uint8) for _ in range(2)]
    norm = lambda v: (v.float() / 255 - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)
    seconds = []
    for step in range(a.warmup + a.steps):
        t = time.perf_counter()
        z = head(enc(torch.cat([norm(pix[0]), norm(pix[1])])))
        loss = nt_xent(z[:a.images], z[a.images:], 0.5)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if step >= a.warmup:
            seconds.append(time.perf_counter() - t)
    print(json.dumps({'arch': a.arch, 'torch': torch.__version__, 'threads': a.threads, 'seconds': seconds}))


if __name__ == '__main__':
    main()

"""PyTorch reference of `twinflow quickstart`: SimCLR (same ConvNet, head, LARS, NT-Xent, recipe) on the
bundled Fashion-MNIST subset, then the linear probe and weighted k-NN beside the raw-pixel baseline.

Usage: python3 tools/quickstart-reference.py [--epochs 13] [--lr 0.85] [--opt lars|sgd|adam] [--crop-min 0.8]
Run by hand from the repository root with Debian's python3-torch and python3-torchvision. It answers
"is the main job's shortfall ours or the recipe's?": same data, model, head, LARS, NT-Xent, schedule and
evaluation (probe: standardised features, SGD Nesterov lr 0.1, cosine, 100 epochs; k-NN k=200, T=0.1).
"""
import argparse, io, math, tarfile, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image
import torchvision.transforms as T

p = argparse.ArgumentParser()
p.add_argument('--data', default='fixtures/fashion-mnist')
p.add_argument('--epochs', type=int, default=13)
p.add_argument('--batch-size', type=int, default=128)
p.add_argument('--lr', type=float, default=0.85)
p.add_argument('--temperature', type=float, default=0.2)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--crop-min', type=float, default=0.8)
p.add_argument('--strength', type=float, default=0.5)
p.add_argument('--opt', default='lars')
p.add_argument('--wd', type=float, default=1e-6)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

def load(paths):
    images, labels = [], []
    for path in paths:
        with tarfile.open(path) as tar:
            parts = {}
            for m in tar.getmembers():
                key, ext = m.name.split('.', 1)
                parts.setdefault(key, {})[ext] = tar.extractfile(m).read()
            for key in parts:
                images.append(Image.open(io.BytesIO(parts[key]['png'])).convert('L'))
                labels.append(int(parts[key]['cls']))
    return images, np.array(labels)

train_images, train_labels = load([f'{a.data}/train-00000{i}.tar' for i in (0, 1)])
test_images, test_labels = load([f'{a.data}/test-000000.tar'])
pretrain_images = train_images
s = a.strength
augment = T.Compose([T.RandomResizedCrop(28, scale=(a.crop_min, 1.0)), T.RandomHorizontalFlip(),
                     T.RandomApply([T.ColorJitter(0.8 * s, 0.8 * s)], p=0.8), T.ToTensor(),
                     T.Normalize([0.286], [0.353])])
plain = T.Compose([T.ToTensor(), T.Normalize([0.286], [0.353])])

def conv_bn_relu(cin, cout, stride):
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

encoder = nn.Sequential(*conv_bn_relu(1, 32, 1), *conv_bn_relu(32, 64, 2), *conv_bn_relu(64, 128, 2),
                        *conv_bn_relu(128, 256, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
for m in encoder.modules():
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
head = nn.Sequential(nn.Linear(256, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(),
                     nn.Linear(256, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(),
                     nn.Linear(256, 128, bias=False), nn.BatchNorm1d(128, affine=False))
params = list(encoder.parameters()) + list(head.parameters())

class LARS(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.9, weight_decay=1e-6, eta=0.001):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta))
    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g['params']:
                if p.grad is None: continue
                d = p.grad
                if p.ndim > 1:  # BN parameters and biases: no decay, no adaptation
                    d = d.add(p, alpha=g['weight_decay'])
                    wn, dn = torch.norm(p), torch.norm(d)
                    d = d.mul(torch.where((wn > 0) & (dn > 0), g['eta'] * wn / dn, torch.ones_like(wn)))
                buf = self.state[p].setdefault('mu', torch.zeros_like(p))
                buf.mul_(g['momentum']).add_(d)
                p.add_(buf, alpha=-g['lr'])

opt = LARS(params, lr=0, weight_decay=a.wd) if a.opt == 'lars' else torch.optim.Adam(params, lr=0, weight_decay=a.wd) if a.opt == 'adam' else torch.optim.SGD(params, lr=0, momentum=0.9, weight_decay=a.wd)
steps_per_epoch = len(train_images) // a.batch_size
total = steps_per_epoch * a.epochs
warmup = steps_per_epoch
peak = a.lr * a.batch_size / 256
start = time.time()
step = 0
for epoch in range(a.epochs):
    order = torch.randperm(len(pretrain_images))
    for i in range(steps_per_epoch):
        idx = order[i * a.batch_size:(i + 1) * a.batch_size]
        v1 = torch.stack([augment(pretrain_images[j]) for j in idx])
        v2 = torch.stack([augment(pretrain_images[j]) for j in idx])
        z = F.normalize(head(encoder(torch.cat([v1, v2]))), dim=1)
        sim = z @ z.t() / a.temperature
        sim.fill_diagonal_(-1e9)
        n = len(idx)
        target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
        loss = F.cross_entropy(sim, target)
        lr = peak * (step + 1) / warmup if step < warmup else 0.5 * peak * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))
        for g in opt.param_groups: g['lr'] = lr
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
    print(f'epoch {epoch + 1} loss {loss.item():.4f} {time.time() - start:.0f}s', flush=True)

def features(model, images):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.stack([plain(im) for im in images[i:i + 500]])) for i in range(0, len(images), 500)])

def probe(xtr, ytr, xte, yte, epochs=100):
    mean, std = xtr.mean(0), xtr.std(0).clamp_min(1e-6)
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    lin = nn.Linear(xtr.shape[1], 10); nn.init.normal_(lin.weight, 0, 0.01); nn.init.zeros_(lin.bias)
    o = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(o, epochs * math.ceil(len(xtr) / 256))
    y = torch.tensor(ytr)
    for _ in range(epochs):
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 256):
            b = perm[i:i + 256]
            o.zero_grad(); F.cross_entropy(lin(xtr[b]), y[b]).backward(); o.step(); sched.step()
    with torch.no_grad():
        return (lin(xte).argmax(1).numpy() == yte).mean()

def knn(xtr, ytr, xte, yte, k=200, t=0.1):
    xtr, xte = F.normalize(xtr, dim=1), F.normalize(xte, dim=1)
    sim, idx = (xte @ xtr.t()).topk(k, dim=1)
    votes = torch.zeros(len(xte), 10).scatter_add_(1, torch.tensor(ytr)[idx], (sim / t).exp())
    return (votes.argmax(1).numpy() == yte).mean()

ftr, fte = features(encoder, train_images), features(encoder, test_images)
rtr = torch.stack([T.ToTensor()(im).flatten() for im in train_images])
rte = torch.stack([T.ToTensor()(im).flatten() for im in test_images])
print(f'pretraining {time.time() - start:.0f}s, {a.epochs} epochs')
print(f'SimCLR (PyTorch)  probe {100 * probe(ftr, train_labels, fte, test_labels):.2f}%  k-NN {100 * knn(ftr, train_labels, fte, test_labels):.2f}%')
print(f'raw pixels        probe {100 * probe(rtr, train_labels, rte, test_labels):.2f}%  k-NN {100 * knn(rtr, train_labels, rte, test_labels):.2f}%')

"""torchvision's reference pipelines on the same JPEGs, one thread, driven by augment.bench.ts.

    /usr/bin/python3 torchvision_bench.py <file-list>
then one request per stdin line, "<pipeline> <first> <end>", answered with the wall and CPU seconds the
pipeline took over files[first:end]. The benchmark alternates chunks between Node and Python so both see the same machine load.
PIL decodes, torchvision transforms (the lightly / SimCLR-PyTorch style pipeline), PILToTensor at the end
so the output is a uint8 tensor like @twinflow/augment's default. MoCo v2 uses MoCo's own PIL blur
(moco/loader.py GaussianBlur), as the official recipe does.
"""
import io
import json
import random
import sys
import time

import torch
import torchvision.transforms as T
from PIL import Image, ImageFilter

torch.set_num_threads(1)
torch.manual_seed(0)
random.seed(0)
files = open(sys.argv[1]).read().split('\n')
blobs = [open(f, 'rb').read() for f in files if f]


class MocoGaussianBlur:
    def __init__(self, sigma=(0.1, 2.0)):
        self.sigma = sigma

    def __call__(self, x):
        return x.filter(ImageFilter.GaussianBlur(radius=random.uniform(self.sigma[0], self.sigma[1])))


simclr = T.Compose([
    T.RandomResizedCrop(224), T.RandomHorizontalFlip(),
    T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8), T.RandomGrayscale(p=0.2),
    T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5), T.PILToTensor()])
moco = T.Compose([
    T.RandomResizedCrop(224, scale=(0.2, 1.0)), T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
    T.RandomGrayscale(p=0.2), T.RandomApply([MocoGaussianBlur()], p=0.5), T.RandomHorizontalFlip(), T.PILToTensor()])
rrc = T.Compose([T.RandomResizedCrop(224), T.PILToTensor()])


def decode(b):
    return Image.open(io.BytesIO(b)).convert('RGB')


pipelines = {
    'decode': lambda b: decode(b),
    'rrc-224': lambda b: rrc(decode(b)),
    'simclr-2view': lambda b: (lambda im: (simclr(im), simclr(im)))(decode(b)),
    'mocov2-2view': lambda b: (lambda im: (moco(im), moco(im)))(decode(b)),
}
print('ready', flush=True)
for line in sys.stdin:
    name, first, end = line.split()
    run = pipelines[name]
    start, cpu = time.perf_counter(), time.process_time()
    for b in blobs[int(first):int(end)]:
        run(b)
    print(time.perf_counter() - start, time.process_time() - cpu, flush=True)

"""torchvision's DataLoader on the same shards, for comparison with the stream benchmark.

SimCLR two views at 224 as torchvision writes them (RandomResizedCrop, flip, ColorJitter(0.8, 0.8, 0.8, 0.2)
p=0.8, grayscale p=0.2, GaussianBlur(23, sigma 0.1-2) p=0.5), shards split over the workers like
webdataset does. Usage: torchvision-loader.py BATCH WORKERS SHARD... ; prints one JSON line.
"""
import io
import json
import sys
import tarfile
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, IterableDataset, get_worker_info
from torchvision import transforms as T


def simclr(size=224, s=1.0):
    return T.Compose([
        T.RandomResizedCrop(size),
        T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s)], p=0.8),
        T.RandomGrayscale(p=0.2),
        T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
        T.PILToTensor(),
    ])


class Shards(IterableDataset):
    def __init__(self, urls):
        self.urls = urls
        self.transform = simclr()

    def __iter__(self):
        info = get_worker_info()
        urls = self.urls if info is None else self.urls[info.id::info.num_workers]
        torch.set_num_threads(1)
        for url in urls:
            with tarfile.open(url) as tar:
                for member in tar:
                    if not member.name.lower().endswith(('.jpg', '.jpeg', '.png', '.webp')):
                        continue
                    image = Image.open(io.BytesIO(tar.extractfile(member).read())).convert('RGB')
                    yield self.transform(image), self.transform(image)


def main():
    batch, workers, urls = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    torch.set_num_threads(1)
    loader = DataLoader(Shards(urls), batch_size=batch, num_workers=workers, prefetch_factor=2)
    start = time.perf_counter()
    images = 0
    first = None
    for a, _ in loader:
        images += a.shape[0]
        if first is None:
            first = (time.perf_counter(), a.shape[0])
    end = time.perf_counter()
    steady = (images - first[1]) / (end - first[0]) if end > first[0] else images / (end - start)
    print(json.dumps({'imagesPerSecond': steady, 'images': images, 'withStartup': images / (end - start)}))


if __name__ == '__main__':
    main()

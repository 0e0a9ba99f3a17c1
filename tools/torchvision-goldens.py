#!/usr/bin/python3
"""Write torchvision golden cases for @twinflow/augment's fidelity tests.

Run by hand (not in CI) with Debian's torchvision:
    flock /tmp/apt.lock apt-get install -y python3-torchvision mate-backgrounds
    /usr/bin/python3 tools/torchvision-goldens.py [out_dir]

Every case is an input image (PNG, committed), the exact parameters, and torchvision's output on the float
tensor path (values in [0, 1], antialias=True) as raw little-endian float32 HWC. Inputs are small (64x48,
32x24) so all goldens stay well under 1 MB.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.transforms import InterpolationMode

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', 'packages', 'augment', 'test', 'goldens')
PHOTO = '/usr/share/backgrounds/mate/nature/LadyBird.jpg'

os.makedirs(OUT, exist_ok=True)
cases = []


def save_input(name, image):
    image.save(os.path.join(OUT, name))
    return F.pil_to_tensor(Image.open(os.path.join(OUT, name)).convert('RGB')).float() / 255


def save_case(name, op, params, input_name, out):
    out = out.clamp(0, 1) if op in ('resizedCrop', 'evaluation') and params.get('interpolation') == 'bicubic' else out
    hwc = out.permute(1, 2, 0).contiguous().numpy().astype('<f4')
    hwc.tofile(os.path.join(OUT, name + '.bin'))
    cases.append({'name': name, 'op': op, 'params': params, 'input': input_name, 'output': name + '.bin',
                  'shape': list(hwc.shape)})


photo = Image.open(PHOTO).convert('RGB')
big = save_input('photo-64x48.png', photo.resize((64, 48), Image.LANCZOS))
small = save_input('photo-32x24.png', photo.crop((600, 300, 600 + 320, 300 + 240)).resize((32, 24), Image.LANCZOS))
# A hue wheel with gray and black pixels, so every HSV sector and the chroma-0 branch are exercised.
yy, xx = np.mgrid[0:24, 0:32]
angle = np.arctan2(yy - 11.5, xx - 15.5) / (2 * np.pi) % 1.0
radius = np.hypot(yy - 11.5, xx - 15.5) / 19.0
hsv = np.stack([angle * 255, np.clip(radius, 0, 1) * 255, np.where(xx < 3, 0, 220 - yy * 3)], axis=-1).astype(np.uint8)
wheel = save_input('wheel-32x24.png', Image.fromarray(hsv, 'HSV').convert('RGB'))

# Resampling: crop boxes shrunk, kept and enlarged, both filters, square and non-square outputs, and the
# extremes (a 16x shrink, a 2x2 box enlarged 8x) that need wider kernels than the input has pixels.
for i, (top, left, h, w, size, mode) in enumerate([
    (0, 0, 48, 64, [32, 32], 'bilinear'),
    (5, 9, 40, 30, [32, 32], 'bilinear'),
    (20, 30, 9, 11, [32, 32], 'bilinear'),
    (3, 2, 44, 60, [20, 36], 'bilinear'),
    (0, 0, 48, 64, [32, 32], 'bicubic'),
    (12, 17, 10, 14, [32, 32], 'bicubic'),
    (1, 50, 30, 14, [24, 24], 'bilinear'),
    (0, 0, 48, 64, [3, 4], 'bilinear'),
    (30, 40, 2, 2, [16, 16], 'bilinear'),
]):
    interp = InterpolationMode.BILINEAR if mode == 'bilinear' else InterpolationMode.BICUBIC
    out = F.resized_crop(big, top, left, h, w, size, interpolation=interp, antialias=True)
    save_case(f'resized-crop-{i}', 'resizedCrop',
              {'top': top, 'left': left, 'height': h, 'width': w, 'size': size, 'interpolation': mode},
              'photo-64x48.png', out)

# Evaluation: SimCLR centre crop 0.875 (42x42 of 64x48) then resize to 32 == torchvision CenterCrop + Resize.
save_case('evaluation-0', 'evaluation', {'size': 32, 'cropProportion': 0.875, 'interpolation': 'bilinear'},
          'photo-64x48.png', F.resize(F.center_crop(big, [42, 42]), [32, 32], antialias=True))

for f in (0.3, 1.7):
    save_case(f'brightness-{f}', 'brightness', {'factor': f}, 'photo-32x24.png', F.adjust_brightness(small, f))
for f in (0.2, 1.8):
    save_case(f'contrast-{f}', 'contrast', {'factor': f}, 'photo-32x24.png', F.adjust_contrast(small, f))
for f in (0.0, 0.4, 1.9):
    save_case(f'saturation-{f}', 'saturation', {'factor': f}, 'photo-32x24.png', F.adjust_saturation(small, f))
for h in (-0.45, -0.1, 0.05, 0.3):
    save_case(f'hue-{h}', 'hue', {'shift': h}, 'photo-32x24.png', F.adjust_hue(small, h))
    save_case(f'hue-wheel-{h}', 'hue', {'shift': h}, 'wheel-32x24.png', F.adjust_hue(wheel, h))
save_case('grayscale', 'grayscale', {}, 'photo-32x24.png', F.rgb_to_grayscale(small, num_output_channels=3))
save_case('solarize-0.5', 'solarize', {'threshold': 0.5}, 'photo-32x24.png', F.solarize(small, 0.5))

# Jitter: the four ops in a given order with given factors, as ColorJitter.forward applies them.
for i, (order, b, c, s, h) in enumerate([([3, 0, 2, 1], 1.4, 0.6, 1.5, -0.12), ([1, 2, 0, 3], 0.5, 1.7, 0.3, 0.18)]):
    out = wheel if i == 0 else small
    for op in order:
        out = [lambda x: F.adjust_brightness(x, b), lambda x: F.adjust_contrast(x, c),
               lambda x: F.adjust_saturation(x, s), lambda x: F.adjust_hue(x, h)][op](out)
    save_case(f'jitter-{i}', 'jitter', {'order': order, 'brightness': b, 'contrast': c, 'saturation': s, 'hue': h},
              'wheel-32x24.png' if i == 0 else 'photo-32x24.png', out)

for k, sigma in ((3, 0.1), (5, 1.0), (7, 0.5), (9, 1.7), (23, 2.0), (31, 3.5)):
    save_case(f'blur-{k}-{sigma}', 'blur', {'kernelSize': k, 'sigma': sigma}, 'photo-32x24.png',
              F.gaussian_blur(small, [k, k], [sigma, sigma]))

with open(os.path.join(OUT, 'cases.json'), 'w') as fh:
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'cases': cases}, fh, indent=1)
print(f'wrote {len(cases)} cases to {OUT}')

// Build the benchmark corpus: ~1,000 photographic JPEGs at ImageNet-like sizes (median 500x375, quality 90),
// cut from the photo wallpapers in Debian's mate-backgrounds and plasma-workspace-wallpapers packages
// (ukui-wallpapers is installed when available but ships no photographs). Seeded: same seed, same files.
//
//   npx tsx tools/make-photo-corpus.ts [--out bench-data/photos] [--count 1024] [--seed 0]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench-data/photos' },
    count: { type: 'string', default: '1024' },
    seed: { type: 'string', default: '0' },
  },
});
const out = path.resolve(values.out);
const count = Number(values.count);
const seed = Number(values.seed);

const MATE = '/usr/share/backgrounds/mate/nature';
const PLASMA = '/usr/share/wallpapers';
// The plasma wallpapers that are photographs (the others are renders and illustrations).
const PLASMA_PHOTOS = ['BytheWater', 'ColdRipple', 'ColorfulCups', 'DarkestHour', 'EveningGlow', 'FallenLeaf', 'Grey',
  'Kite', 'OneStandsOut', 'Path', 'Volna', 'summer_1am'];

function install(): void {
  if (existsSync(MATE) && existsSync(path.join(PLASMA, 'Path'))) return;
  execFileSync('flock', ['/tmp/apt.lock', 'apt-get', 'update'], { stdio: 'inherit' });
  execFileSync('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', '--no-install-recommends',
    'mate-backgrounds', 'plasma-workspace-wallpapers'], { stdio: 'inherit' });
  try {
    execFileSync('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', '--no-install-recommends', 'ukui-wallpapers'], { stdio: 'inherit' });
  } catch {
    console.warn('ukui-wallpapers is not available; continuing without it');
  }
}

/** The largest JPEG of each photographic wallpaper. */
function sources(): string[] {
  const mate = readdirSync(MATE).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(MATE, f));
  const plasma = PLASMA_PHOTOS.flatMap((name) => {
    const dir = path.join(PLASMA, name, 'contents', 'images');
    if (!existsSync(dir)) return [];
    const jpgs = readdirSync(dir).filter((f) => f.endsWith('.jpg'))
      .map((f) => ({ f, px: f.split('.')[0].split('x').map(Number).reduce((a, b) => a * b, 1) }))
      .sort((a, b) => b.px - a.px);
    return jpgs.length ? [path.join(dir, jpgs[0].f)] : [];
  });
  return [...mate, ...plasma];
}

/** mulberry32: a small seeded generator, enough for picking crops. */
function generator(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ImageNet-like output size: mostly 500 on the long side at 4:3, some portrait, square and other sizes. */
function outputSize(random: () => number): [number, number] {
  const aspect = [4 / 3, 4 / 3, 4 / 3, 4 / 3, 3 / 2, 1, 3 / 4, 16 / 9][Math.floor(random() * 8)];
  const long = random() < 0.6 ? 500 : Math.round(250 + random() * 550);
  return aspect >= 1 ? [long, Math.round(long / aspect)] : [Math.round(long * aspect), long];
}

install();
const files = sources();
if (files.length === 0) throw new Error('no photographs found; are mate-backgrounds and plasma-workspace-wallpapers installed?');
mkdirSync(out, { recursive: true });
const random = generator(seed);
const perSource = Math.ceil(count / files.length);
let written = 0;
for (const file of files) {
  const { data, info } = await sharp(file).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  for (let k = 0; k < perSource && written < count; k++) {
    const [w, h] = outputSize(random);
    // Crop a box of the output's aspect covering 15-100% of the largest such box, then resize to the output size.
    const fit = Math.min(info.width / w, info.height / h);
    const scale = fit * Math.sqrt(0.15 + 0.85 * random());
    const cw = Math.max(w, Math.round(w * scale));
    const ch = Math.max(h, Math.round(h * scale));
    const left = Math.floor(random() * (info.width - cw + 1));
    const top = Math.floor(random() * (info.height - ch + 1));
    await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .extract({ left, top, width: cw, height: ch })
      .resize(w, h, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(path.join(out, `photo-${String(written).padStart(5, '0')}.jpg`));
    written++;
  }
}
console.log(`wrote ${written} JPEGs from ${files.length} photographs to ${out}`);

// ImageFolder (one sub-folder per class, as torchvision's ImageFolder) -> shuffled shards + class index.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import { ShardWriteError, invalidOption } from './errors.js';
import { boolOption, intOption } from './is.js';
import { permutation } from './prng.js';
import { ShardWriter } from './shard-writer.js';
import type { WrittenShard } from './shard-writer.js';

export interface MakeShardsOptions {
  /** Samples per shard. Default 10,000. */
  maxCount?: number;
  /** Bytes per shard. Default 1 GiB. */
  maxBytes?: number;
  /** Shuffle samples across classes before packing (recommended: shard shuffle alone mixes classes poorly). Default true. */
  shuffle?: boolean;
  /** Seed of that shuffle. Default 0. */
  seed?: number;
  /** Where the class index goes. Default: `classes.json` next to the first shard. */
  classIndexPath?: string;
  /** Image extensions taken (lower case, no dot). Default jpg, jpeg, png, webp. */
  extensions?: string[];
  /** Called after each shard is written. */
  onShard?: (shard: WrittenShard) => void;
}

export interface MakeShardsResult {
  /** Class names; a sample's `.cls` is the index in this list (sorted folder names). */
  classes: string[];
  shards: WrittenShard[];
  samples: number;
  classIndexPath: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Writes the images of `root/<class>/**` into shards named by `pattern` (`out/train-%06d.tar`): each
 * sample has the image (its own extension), `.cls` (class index) and `.json` ({ class, path }); the class
 * index is written as a JSON array of class names.
 */
export async function makeShardsFromImageFolder(root: string, pattern: string, options: MakeShardsOptions = {}): Promise<MakeShardsResult> {
  const shuffle = boolOption(options.shuffle, 'options.shuffle', true);
  const seed = intOption(options.seed, 'options.seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
  const extensions = options.extensions ?? ['jpg', 'jpeg', 'png', 'webp'];
  if (!Array.isArray(extensions) || extensions.some((e) => typeof e !== 'string')) {
    throw invalidOption('an array of extensions', 'options.extensions', extensions);
  }
  const writer = new ShardWriter(pattern, { maxCount: options.maxCount, maxBytes: options.maxBytes, onShard: options.onShard });
  let classDirs;
  try {
    classDirs = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    throw new ShardWriteError(`Cannot read the image folder ${root}: ${(error as Error).message}`, { cause: error });
  }
  if (classDirs.length === 0) throw new ShardWriteError(`${root} has no class sub-folders`);
  const items: { path: string; label: number }[] = [];
  for (const [label, name] of classDirs.entries()) {
    for (const path of await filesUnder(join(root, name))) {
      if (extensions.includes(extname(path).slice(1).toLowerCase())) items.push({ path, label });
    }
  }
  if (items.length === 0) throw new ShardWriteError(`${root} holds no images with extensions ${extensions.join(', ')}`);
  const order = shuffle ? permutation(items.length, [seed]) : items.map((_, i) => i);
  const used = new Set<string>();
  for (const i of order) {
    const { path, label } = items[i];
    const rel = relative(root, path);
    const ext = extname(path).slice(1).toLowerCase();
    // dots would end the key early (webdataset splits at the first dot of the basename)
    const stem = rel.slice(0, rel.length - ext.length - 1).replaceAll('\\', '/').replaceAll('.', '_');
    let key = stem;
    for (let n = 1; used.has(key); n++) key = `${stem}_${n}`;
    used.add(key);
    await writer.write({
      key,
      parts: { [ext]: await readFile(path), cls: String(label), json: JSON.stringify({ class: classDirs[label], path: rel }) },
    });
  }
  const shards = await writer.close();
  const classIndexPath = options.classIndexPath ?? join(dirname(shards[0].path), 'classes.json');
  await writeFile(classIndexPath, `${JSON.stringify(classDirs, null, 2)}\n`);
  return { classes: classDirs, shards, samples: items.length, classIndexPath };
}

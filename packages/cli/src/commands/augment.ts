// `twinflow augment <in-dir> <out-dir>`: writes N augmented views of every image in a folder.
// `twinflow augment preview` is registered under it (see augment-preview.ts).
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { cropScaleSchema, presetSchema, seedSchema, sizeSchema, strengthSchema } from '../options.js';
import { registerAugmentPreview } from './augment-preview.js';

export const augmentSchema = z.strictObject({
  preset: presetSchema.default('simclr'),
  views: z.int().min(1).max(64).default(2),
  size: sizeSchema.default(224),
  strength: strengthSchema.default(1),
  cropScale: cropScaleSchema.optional(),
  seed: seedSchema.default(0),
  epoch: z.int().min(0).default(0),
  format: z.enum(['png', 'jpg']).default('png'),
});

export type AugmentConfig = z.infer<typeof augmentSchema>;

export const augmentFlags: FlagTable<typeof augmentSchema> = {
  preset: { flags: '--preset <name>', help: `${presetSchema.options.join(', ')}` },
  views: { flags: '--views <n>', help: 'views written per image', parse: 'number' },
  size: { flags: '--size <px>', help: 'side of each square view', parse: 'number' },
  strength: { flags: '--strength <s>', help: 'SimCLR colour-jitter strength s', parse: 'number' },
  cropScale: { flags: '--crop-scale <min,max>', help: 'area fractions of the random resized crop', parse: 'numbers' },
  seed: { flags: '--seed <n>', help: 'seed; with the file name and view index it fixes every draw', parse: 'number' },
  epoch: { flags: '--epoch <n>', help: 'epoch mixed into the seed (different views per epoch)', parse: 'number' },
  format: { flags: '--format <ext>', help: 'png (lossless) or jpg (quality 95)' },
};

export function registerAugment(program: Command): void {
  const command = program
    .command('augment')
    .description('augment every image of a folder into N views each (subcommand: preview)')
    .enablePositionalOptions()
    .argument('<in-dir>', 'folder of images (searched recursively: .jpg .jpeg .png .webp)')
    .argument('<out-dir>', 'folder for the views: <name>.view<i>.<format>, mirroring sub-folders');
  addSchemaOptions(command, augmentSchema, augmentFlags);
  command.addHelpText('after', `
Examples:
  $ twinflow augment photos/ views/ --preset simclr --views 2 --size 224
  $ twinflow augment preview photo.jpg --preset moco-v2 --views 8 -o grid.png`);
  command.action(async (inDir: string, outDir: string) => {
    const config = await resolveConfig(augmentSchema, { command, table: augmentFlags });
    const { augmentFolder } = await import('../augment-run.js');
    const written = await augmentFolder(inDir, outDir, config);
    process.stdout.write(`wrote ${written} views to ${outDir}\n`);
  });
  registerAugmentPreview(command);
}

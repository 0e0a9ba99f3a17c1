// `twinflow augment preview <image>`: a PNG grid of augmented views of one image, to look at.
import type { Command } from 'commander';
import { z } from 'zod';
import { addSchemaOptions, resolveConfig, type FlagTable } from '../config.js';
import { cropScaleSchema, presetSchema, seedSchema, sizeSchema, strengthSchema } from '../options.js';

export const previewSchema = z.strictObject({
  preset: presetSchema.default('simclr'),
  views: z.int().min(1).max(64).default(8),
  columns: z.int().min(1).max(64).optional(),
  size: sizeSchema.default(224),
  strength: strengthSchema.default(1),
  cropScale: cropScaleSchema.optional(),
  seed: seedSchema.default(0),
  out: z.string().min(1).default('grid.png'),
});

export type PreviewConfig = z.infer<typeof previewSchema>;

export const previewFlags: FlagTable<typeof previewSchema> = {
  preset: { flags: '--preset <name>', help: `${presetSchema.options.join(', ')}` },
  views: { flags: '--views <n>', help: 'views in the grid', parse: 'number' },
  columns: { flags: '--columns <n>', help: 'views per grid row (default: all in one row up to 8)', parse: 'number' },
  size: { flags: '--size <px>', help: 'side of each square view', parse: 'number' },
  strength: { flags: '--strength <s>', help: 'SimCLR colour-jitter strength s', parse: 'number' },
  cropScale: { flags: '--crop-scale <min,max>', help: 'area fractions of the random resized crop', parse: 'numbers' },
  seed: { flags: '--seed <n>', help: 'seed of the draws', parse: 'number' },
  out: { flags: '-o, --out <file>', help: 'PNG file to write' },
};

export function registerAugmentPreview(augment: Command): void {
  const command = augment
    .command('preview')
    .description('write a PNG grid of augmented views of one image')
    .argument('<image>', 'a JPEG, PNG or WebP file');
  addSchemaOptions(command, previewSchema, previewFlags);
  command.addHelpText('after', '\nExample:\n  $ twinflow augment preview photo.jpg --preset simclr --views 8 -o grid.png');
  command.action(async (image: string) => {
    const config = await resolveConfig(previewSchema, { command, table: previewFlags });
    const { writePreview } = await import('../augment-run.js');
    const info = await writePreview(image, config);
    process.stdout.write(`${info.file} (${info.width}x${info.height}, ${config.views} views)\n`);
  });
}

// ImageFolder tree (one sub-folder per class) -> WebDataset shards + classes.json.
//   npx tsx tools/make-shards.ts <imagefolder> <out-pattern> [--max-count N] [--max-bytes N] [--seed N]
//                                [--no-shuffle] [--class-index PATH]
// e.g. npx tsx tools/make-shards.ts ~/data/pets/train out/pets-train-%06d.tar --max-count 1000
// Imports the package source directly so that it runs from a fresh checkout, before any build.
import { parseArgs } from 'node:util';
import { makeShardsFromImageFolder } from '../packages/shards/src/index.js';

const usage = 'usage: npx tsx tools/make-shards.ts <imagefolder> <out-pattern, e.g. out/train-%06d.tar> ' +
  '[--max-count N] [--max-bytes N] [--seed N] [--no-shuffle] [--class-index PATH]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'max-count': { type: 'string' },
    'max-bytes': { type: 'string' },
    seed: { type: 'string' },
    'no-shuffle': { type: 'boolean', default: false },
    'class-index': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || positionals.length !== 2) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const int = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    console.error(`--${flag} must be an integer, got ${JSON.stringify(text)}\n${usage}`);
    process.exit(2);
  }
  return value;
};

const [root, pattern] = positionals;
const result = await makeShardsFromImageFolder(root, pattern, {
  maxCount: int('max-count', values['max-count']),
  maxBytes: int('max-bytes', values['max-bytes']),
  seed: int('seed', values.seed),
  shuffle: !values['no-shuffle'],
  classIndexPath: values['class-index'],
  onShard: (s) => console.log(`${s.path}: ${s.samples} samples, ${(s.bytes / 1e6).toFixed(1)} MB`),
});
console.log(`${result.samples} samples of ${result.classes.length} classes in ${result.shards.length} shards; class index: ${result.classIndexPath}`);

// Option schemas shared by several commands, so `pretrain`, `probe`, `knn` and `quickstart` accept
// the same names with the same allowed values.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const ARCHS = ['convnet', 'resnet18-cifar', 'resnet18', 'resnet34', 'resnet50'] as const;
export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const PRESETS = ['simclr', 'moco-v2', 'evaluation'] as const;
export const BUILTIN_METHODS = ['simclr', 'moco'] as const;

/** A plugin method is a module path: relative, absolute, or a file name with a JS/TS extension. */
export function isPluginPath(method: string): boolean {
  return method.startsWith('.') || method.startsWith('/') || /\.(m?js|ts|mts)$/.test(method);
}

export const methodSchema = z.string().refine((m) => (BUILTIN_METHODS as readonly string[]).includes(m) || isPluginPath(m), {
  message: `one of ${BUILTIN_METHODS.map((m) => JSON.stringify(m)).join(', ')} or a plugin module path (e.g. "./my-method.js")`,
});

export const archSchema = z.enum(ARCHS);
export const backendSchema = z.enum(BACKENDS);
export const presetSchema = z.enum(PRESETS);
export const channelsSchema = z.literal([1, 3]);
export const seedSchema = z.int().min(0).max(2 ** 32 - 1);
export const threadsSchema = z.int().min(1).max(256);
export const sizeSchema = z.int().min(8).max(1024);
/** Fractions of the image area a random resized crop may cover, [min, max]. */
export const cropScaleSchema = z.tuple([z.number().gt(0).max(1), z.number().gt(0).max(1)]).refine(([a, b]) => a <= b, {
  message: 'two area fractions [min, max] with 0 < min <= max <= 1',
});

/** SimCLR colour-jitter strength s (the augment presets accept up to 1.25). */
export const strengthSchema = z.number().min(0).max(1.25);

/** Threads for decode + augment: every core by default. */
export const defaultThreads = (): number => availableParallelism();

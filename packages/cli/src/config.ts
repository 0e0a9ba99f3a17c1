// Options come from a config file (YAML or JSON), then flags override them; one zod strict schema per
// command validates the merged result, so a typo in either place is an error naming the option.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  configFileExtension, configFileNotAnObject, configFileUnreadable, describeValue, invalidOption, invalidOptions,
  missingOption, unknownOptions,
} from './errors.js';

/** How a flag's text is turned into a value before validation. */
export type FlagParse = 'string' | 'number' | 'boolean' | 'numbers';

export interface FlagSpec {
  /** commander flags, e.g. `--batch-size <n>`; the attribute name must equal the schema key. */
  flags: string;
  help: string;
  parse?: FlagParse;
}

export type ObjectSchema = z.ZodObject<z.ZodRawShape>;
export type FlagTable<S extends ObjectSchema> = Partial<Record<keyof z.infer<S> & string, FlagSpec>>;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Numeric text becomes a number; anything else stays text so the schema can report it as received. */
function parseNumber(text: string): number | string {
  return NUMBER.test(text.trim()) ? Number(text) : text;
}

function parseNumbers(text: string): (number | string)[] {
  return text.split(',').map((part) => parseNumber(part));
}

function defaultOf(schema: z.ZodType): unknown {
  return schema instanceof z.ZodDefault ? (schema.def.defaultValue as unknown) : undefined;
}

/** Registers every flag of a schema on a command, plus `--config <file>`; help shows the schema defaults. */
export function addSchemaOptions<S extends ObjectSchema>(command: Command, schema: S, table: FlagTable<S>): Command {
  for (const [key, spec] of Object.entries(table) as [string, FlagSpec][]) {
    const option = new Option(spec.flags, spec.help);
    if (option.attributeName() !== key) throw new Error(`flag ${spec.flags} does not map to option ${key}`);
    const fallback = defaultOf(schema.shape[key] as z.ZodType);
    if (fallback !== undefined && !option.negate) option.default(fallback);
    if (spec.parse === 'number') option.argParser(parseNumber);
    if (spec.parse === 'numbers') option.argParser(parseNumbers);
    command.addOption(option);
  }
  command.option('--config <file>', 'read options from a YAML or JSON file (flags override it)');
  return command;
}

/** Reads a YAML (.yaml, .yml) or JSON (.json) config file into a plain object. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw configFileExtension(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw configFileUnreadable(file, err);
  }
  let value: unknown;
  try {
    value = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw configFileUnreadable(file, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configFileNotAnObject(file, value);
  return value as Record<string, unknown>;
}

function unwrap(node: z.ZodType): z.ZodType {
  while (node instanceof z.ZodDefault || node instanceof z.ZodOptional) node = node.def.innerType as z.ZodType;
  return node;
}

/** The schema at `path` inside an object schema (through defaults, optionals, objects and tuples). */
function schemaAt(schema: z.ZodType, path: PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    node = node === undefined ? undefined : unwrap(node);
    if (node instanceof z.ZodObject) node = node.shape[String(key)] as z.ZodType | undefined;
    else if (node instanceof z.ZodTuple && typeof key === 'number') node = node.def.items[key] as z.ZodType | undefined;
    else return undefined;
  }
  return node === undefined ? undefined : unwrap(node);
}

/** The keys a nested object schema accepts. */
function shapeAt(schema: z.ZodType, path: PropertyKey[]): z.ZodRawShape {
  const node = schemaAt(schema, path);
  return node instanceof z.ZodObject ? node.shape : {};
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** What the schema wanted, in words, for one zod issue; `node` is the schema the issue came from. */
export function expectedText(issue: z.core.$ZodIssue, node?: z.ZodType): string {
  const integer = node instanceof z.ZodNumber && node.format === 'safeint';
  const numberNoun = integer ? 'integer' : 'number';
  if (node instanceof z.ZodTuple && (issue.code === 'too_small' || issue.code === 'too_big')) {
    return `a list of ${node.def.items.length} values`;
  }
  switch (issue.code) {
    case 'invalid_type':
      return article(integer || issue.expected === 'int' ? 'integer' : issue.expected);
    case 'too_small':
      if (issue.origin === 'string') return 'a non-empty string';
      if (issue.origin === 'array') return `a list of ${issue.exact ? '' : 'at least '}${issue.minimum} values`;
      return `${article(numberNoun)} ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `a list of ${issue.exact ? '' : 'at most '}${issue.maximum} values`;
      return `${article(numberNoun)} ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => describeValue(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

export interface ResolveOptions {
  /** Values parsed by commander, of which only those given on the command line are used. */
  command: Command;
  /** Flags for the naming of errors (`--batch-size` rather than `batchSize`). */
  table: FlagTable<ObjectSchema>;
  /** A base layer below the config file, e.g. the saved config of a run being resumed. */
  base?: Record<string, unknown>;
}

function pathText(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function flagName(spec: FlagSpec): string {
  return spec.flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? spec.flags;
}

/** Merges base < config file < command-line flags and validates the result; errors name each bad option. */
export async function resolveConfig<S extends ObjectSchema>(schema: S, options: ResolveOptions): Promise<z.infer<S>> {
  const { command, table } = options;
  const values = command.opts();
  const configFile = values.config as string | undefined;
  const fromFile = configFile === undefined ? {} : await readConfigFile(configFile);
  const fromCli: Record<string, unknown> = {};
  for (const key of Object.keys(table)) {
    if (command.getOptionValueSource(key) === 'cli' || command.getOptionValueSource(key) === 'env') fromCli[key] = values[key];
  }
  const merged = { ...options.base, ...fromFile, ...fromCli };
  const result = schema.safeParse(merged, { reportInput: true });
  if (result.success) return result.data;

  const messages: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length > 0 ? `options.${pathText(issue.path)} in ` : '';
      const nested = Object.keys(shapeAt(schema, issue.path));
      messages.push(unknownOptions(issue.keys, `${where}${configFile ?? 'the saved run config'}`, nested).message);
      continue;
    }
    const key = String(issue.path[0]);
    const spec = table[key];
    const fromCommandLine = key in fromCli && spec !== undefined;
    if (issue.code === 'invalid_type' && issue.input === undefined && issue.path.length === 1) {
      messages.push(missingOption(spec === undefined ? `options.${key}` : `${flagName(spec)} (or ${key} in a --config file)`).message);
      continue;
    }
    const name = fromCommandLine
      ? `${flagName(spec)}${pathText(issue.path.slice(1))}`
      : `options.${pathText(issue.path)}${key in fromFile ? ` in ${configFile}` : ''}`;
    messages.push(invalidOption(name, expectedText(issue, schemaAt(schema, issue.path)), issue.input).message);
  }
  throw invalidOptions(messages);
}

// Every message the CLI prints for a user error comes from this module.

/** A user-facing error: printed without a stack trace, exit code 2. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Renders a received value the way it would be typed: strings quoted, arrays and objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) {
    try {
      const json = JSON.stringify(value);
      return json.length > 80 ? `${json.slice(0, 77)}...` : json;
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** `Expected <expected> for <name> but received <actual> of type <typeof>`, as sharp words it. */
export function invalidOption(name: string, expected: string, actual: unknown): CliError {
  const type = Array.isArray(actual) ? 'array' : actual === null ? 'null' : typeof actual;
  return new CliError(`Expected ${expected} for ${name} but received ${describeValue(actual)} of type ${type}`);
}

export function unknownOptions(keys: string[], where: string, allowed: string[]): CliError {
  const list = keys.map((k) => JSON.stringify(k)).join(', ');
  return new CliError(`Unknown option${keys.length > 1 ? 's' : ''} ${list} in ${where}; allowed options: ${allowed.join(', ')}`);
}

export function missingOption(name: string): CliError {
  return new CliError(`Missing required option ${name}`);
}

export function invalidOptions(messages: string[]): CliError {
  return new CliError(messages.join('\n'));
}

export function configFileUnreadable(file: string, cause: unknown): CliError {
  return new CliError(`Cannot read config file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
}

export function configFileNotAnObject(file: string, actual: unknown): CliError {
  return invalidOption(`the contents of config file ${file}`, 'a mapping of option names to values', actual);
}

export function configFileExtension(file: string): CliError {
  return new CliError(`Config file ${file} must end in .yaml, .yml or .json`);
}

export function runDirMissing(dir: string, what: string): CliError {
  return new CliError(`${dir} is not a twinflow run directory: ${what} is missing. Run \`twinflow pretrain\` first.`);
}

export function runDirExists(dir: string): CliError {
  return new CliError(`Run directory ${dir} already holds a run; pass --resume to continue it or --name to start another`);
}

export function nothingToResume(dir: string): CliError {
  return new CliError(`Cannot resume ${dir}: it has no checkpoint yet`);
}

export function pluginInvalid(path: string, detail: string): CliError {
  return new CliError(`Method plugin ${path} ${detail}; it must export a function \`createMethod(options)\` (or a default export) returning a Method`);
}

export function noImages(dir: string): CliError {
  return new CliError(`No images (.jpg, .jpeg, .png, .webp) found in ${dir}`);
}

export function baselinesNotBeaten(failures: string[]): CliError {
  return new CliError(`SimCLR did not beat the baselines: ${failures.join('; ')}`, 1);
}

import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * Settings that were renamed, by their old name. A site that still sets the old name is told so
 * rather than silently getting the default.
 */
export const RENAMED_SETTINGS: Readonly<Record<string, string>> = {
  DEFAULT_PHONE_REGION: 'PHONE_DEFAULT_REGION',
};

/**
 * Problems with values that are placeholders, in production only: PUBLIC_BASE_URL starts every
 * link in a message, and a host under `.invalid` (the deployment files' placeholder, RFC 2606)
 * never resolves, so every link sent would be dead.
 */
function placeholderProblems(config: unknown): string[] {
  const { NODE_ENV, PUBLIC_BASE_URL } = config as { NODE_ENV?: string; PUBLIC_BASE_URL?: string };
  if (NODE_ENV !== 'production' || !PUBLIC_BASE_URL || !URL.canParse(PUBLIC_BASE_URL)) return [];
  const host = new URL(PUBLIC_BASE_URL).hostname;
  if (host !== 'invalid' && !host.endsWith('.invalid')) return [];
  return [
    `PUBLIC_BASE_URL: ${PUBLIC_BASE_URL} is a placeholder (.invalid never resolves); set the address people reach stats-service at`,
  ];
}

/**
 * The environment without its empty values: `NAME=` in a .env file (or a deployment's blank
 * entry) means unset, for every setting, so it gets the default or its absence is reported.
 */
export function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/**
 * Parses an environment once, with every problem reported together; an empty value counts as
 * unset (`withoutEmptyValues`). Pure: pass `process.env` from `main.ts`, a literal object from tests.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): DeepReadonly<z.output<S>> {
  const result = schema.safeParse(withoutEmptyValues(env));
  const renamed = Object.entries(RENAMED_SETTINGS)
    .filter(([old]) => env[old] !== undefined)
    .map(([old, now]) => `${old}: renamed ${now}; set that instead`);
  const placeholders = result.success ? placeholderProblems(result.data) : [];
  if (!result.success || renamed.length > 0 || placeholders.length > 0) {
    throw new ConfigError([
      ...renamed,
      ...placeholders,
      ...(result.error?.issues ?? []).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    ]);
  }
  return deepFreeze(result.data);
}

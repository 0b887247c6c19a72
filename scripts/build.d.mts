// Types for scripts/build.mjs (plain Node, so `pnpm build` needs no TypeScript loader).

export interface BuiltBundle {
  /** Service folder name, or "db migrate-cli". */
  label: string;
  /** Output file, relative to the repository root. */
  outfile: string;
  bytes: number;
  modules: number;
  /** EXTERNALS this bundle loads from node_modules at run time. */
  runtimeExternals: string[];
  ms: number;
}

export interface External {
  name: string;
  load: 'runtime' | 'absent';
  why: string;
}

export const EXTERNALS: readonly External[];

/** Folder names under services/ that have a src/main.ts. */
export function serviceNames(): string[];

/**
 * Builds services/<name>/dist/main.js for every service and packages/db/dist/migrate-cli.js.
 * Rejects when a bundle needs a package its service does not depend on.
 */
export function buildServices(options?: { quiet?: boolean }): Promise<BuiltBundle[]>;

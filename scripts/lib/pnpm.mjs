// The pinned pnpm, for scripts that run before dependencies are installed (plain Node only).
import { spawnSync } from 'node:child_process';

export const PNPM_VERSION = '12.4.2';

/** The pinned pnpm: the one on PATH if it is that version, else through npx. */
export function pnpmCommand() {
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() === PNPM_VERSION) return ['pnpm'];
  return ['npx', '-y', `pnpm@${PNPM_VERSION}`];
}

/** Runs the pinned pnpm with `args` in `cwd`, output inherited; returns the exit status. */
export function runPnpm(args, cwd) {
  const [cmd, ...prefix] = pnpmCommand();
  return spawnSync(cmd, [...prefix, ...args], { cwd, stdio: 'inherit' }).status ?? 1;
}

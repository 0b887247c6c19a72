import { ConfigError } from '@rappel/config';
import { runCli, UsageError } from './cli';
import { UserInputError } from './commands/create-user';
import { UnknownDepartmentError } from './commands/departments';

/** `pnpm rappel <command>`: the one place the CLI reads process.env and argv. */
const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
try {
  process.exitCode = await runCli(process.argv.slice(2), process.env, io);
} catch (error) {
  if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof UnknownDepartmentError ||
    error instanceof UserInputError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    io.err((error as Error).message);
    process.exitCode = 2;
  } else {
    io.err(`Failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

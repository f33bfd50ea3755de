// The neardup command. Thin by design: parse arguments, call the public API, print; any error
// becomes one line on stderr and a non-zero exit (2 for usage errors, 1 otherwise).

import { version } from '../../package.json';
import { CliError } from './errors.js';

const usage = `neardup ${version}: find near-duplicate text and show what two texts share

Usage:
  neardup compare A B [--format json|text|html] [--mode near|verbatim] [--min-words N] [--shingle K] [--perms N]
  neardup --version
  neardup --help

Run "neardup compare --help" for the options of a command.`;

// Subcommands load lazily: `neardup --version` does not pay for the library.
const commands: Record<string, () => Promise<(args: string[]) => Promise<string>>> = {
  compare: async () => (await import('./compare.js')).runCompare,
};

/** Where the command writes. The bin entry passes process.stdout and process.stderr. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the command line `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[], out: Output): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out.stdout(`${usage}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      out.stdout(`${version}\n`);
      return 0;
    }
    const load = commands[command];
    if (!load) throw new CliError(`unknown command "${command}" (see "neardup --help")`, 2);
    out.stdout(await (await load())(rest));
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      out.stderr(`neardup: ${error.message}\n`);
      return error.exitCode;
    }
    out.stderr(
      `neardup: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

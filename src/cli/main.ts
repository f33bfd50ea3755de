// The neardup command. Thin by design: parse arguments, call the public API, print; any error
// becomes one line on stderr and a non-zero exit (2 for usage errors, 1 otherwise).

import { version } from '../../package.json';
import { CliError } from './errors.js';

const usage = `neardup ${version}: find near-duplicate text and show what two texts share

Usage:
  neardup compare A B [--format json|text|html] [--mode near|verbatim] [--min-words N] [--shingle K] [--perms N] [--seed N] [--max-repeats N]
  neardup dedup PATH... [--threshold J] [--perms N] [--shingle K] [--redis URL] [--prefix P] [--out FILE] [--workers N]
  neardup index PATH... (--out FILE | --redis URL [--prefix P]) [--threshold J] [--perms N] [--shingle K]
  neardup query PATH... (--index FILE | --redis URL [--prefix P]) [--limit N] [--min-score J]
  neardup --version
  neardup --help

Run "neardup COMMAND --help" for the options of a command.`;

/** Where the command writes. The bin entry passes process.stdout and process.stderr. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The stream for progress bars (process.stderr); none in tests, so no bar. */
  progress?: NodeJS.WritableStream;
  /**
   * Calls `handler` on the first SIGINT or SIGTERM instead of ending the process, until the
   * returned function is called, so a command can save its work first. The bin entry passes
   * one; a second signal ends the process as usual.
   */
  onInterrupt?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

// Subcommands load lazily: `neardup --version` does not pay for the library.
type Command = (args: string[], io: Output) => Promise<string>;
const commands: Record<string, () => Promise<Command>> = {
  compare: async () => (await import('./compare.js')).runCompare,
  dedup: async () => (await import('./dedup.js')).runDedup,
  index: async () => (await import('./index-command.js')).runIndex,
  query: async () => (await import('./query.js')).runQuery,
};

/** Runs the command line `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[], out: Output): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      out.stderr(`${usage}\n`); // a usage error: nothing on stdout, which may be piped on
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      out.stdout(`${usage}\n`);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      out.stdout(`${version}\n`);
      return 0;
    }
    const load = commands[command];
    if (!load) throw new CliError(`unknown command "${command}" (see "neardup --help")`, 2);
    out.stdout(await (await load())(rest, out));
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      // One line, whatever the message: node:util parseArgs writes some of its errors over three.
      out.stderr(`neardup: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return error.exitCode;
    }
    out.stderr(
      `neardup: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

// The neardup command. Thin by design: parse arguments, call the public API, print; any error
// becomes one line on stderr and a non-zero exit (2 for usage errors, 1 otherwise).

import { version } from '../../package.json';
import { CliError } from './errors.js';

const usage = `neardup ${version}: find near-duplicate text and show what two texts share

Usage:
  neardup compare A B [--format json|text] [--min-words N] [--shingle K] [--perms N]
  neardup --version
  neardup --help

Run "neardup compare --help" for the options of a command.`;

const commands: Record<string, () => Promise<(args: string[]) => Promise<string>>> = {
  compare: async () => (await import('./compare.js')).runCompare,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    const load = commands[command];
    if (!load) throw new CliError(`unknown command "${command}" (see "neardup --help")`, 2);
    process.stdout.write(await (await load())(rest));
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`neardup: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `neardup: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0); // output piped into `head`: not an error
  throw error;
});
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

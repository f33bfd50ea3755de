/** An error the CLI reports as one line on stderr; `exitCode` 2 marks a usage error. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * A {@link CliError} about a document of the input (an unreadable file, a conflict with what the
 * index holds): unlike a lost connection, running the same command again fails the same way until
 * the input changes.
 */
export class InputError extends CliError {}

/**
 * The usage error for what node:util `parseArgs` threw on `command`'s arguments: its message, cut
 * to the point where it is long-winded (an unknown option), and where to read the options.
 */
export function argumentError(error: unknown, command: string): CliError {
  const message = (error as Error).message;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  return new CliError(
    `${unknown ? `unknown option ${unknown[1]}` : message} (see "neardup ${command} --help")`,
    2,
  );
}

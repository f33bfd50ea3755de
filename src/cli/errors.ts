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

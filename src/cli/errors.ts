/** An error the CLI reports as one line on stderr; `exitCode` 2 marks a usage error. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

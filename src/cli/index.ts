// The `neardup` bin entry: wires main() to the process.

import { main } from './main.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0); // output piped into `head`: not an error
  throw error;
});
main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progress: process.stderr,
}).then((code) => {
  process.exitCode = code;
});

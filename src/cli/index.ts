// The `neardup` bin entry: wires main() to the process.

import { main } from './main.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0); // output piped into `head`: not an error
  throw error;
});
/** Hands the first SIGINT or SIGTERM to `handler`; a second one ends the process as usual. */
function onInterrupt(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
  const stop = () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
  const listener = (signal: NodeJS.Signals) => {
    stop();
    handler(signal as 'SIGINT' | 'SIGTERM');
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return stop;
}

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progress: process.stderr,
  onInterrupt,
}).then((code) => {
  process.exitCode = code;
});

// The worker thread of workerSigner (src/node/workers.ts): signs the texts it is sent with
// neardup's own signature() and sends all their values back in one transferred buffer, so no
// signature is copied on the way back. Built on its own as dist/sign-worker.mjs (tsup.config.ts).

import { parentPort } from 'node:worker_threads';
import { signature } from '../signature.js';

/** A batch of texts to sign, from the pool. */
export interface SignRequest {
  readonly id: number;
  readonly texts: readonly string[];
  readonly options: { numPerm: number; seed: number; shingleSize: number };
}

/** The values of the texts' signatures, one after another (`numPerm` each), or why it failed. */
export type SignReply =
  | { readonly id: number; readonly values: Uint32Array }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (!port) throw new Error('neardup: sign-worker runs as a worker thread of workerSigner (neardup/node)');

port.on('message', ({ id, texts, options }: SignRequest) => {
  let reply: SignReply;
  try {
    const values = new Uint32Array(texts.length * options.numPerm);
    for (let i = 0; i < texts.length; i++)
      values.set(signature(texts[i]!, options).values, i * options.numPerm);
    reply = { id, values };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, 'values' in reply ? [reply.values.buffer as ArrayBuffer] : []);
});

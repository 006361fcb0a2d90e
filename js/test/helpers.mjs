// Shared by the Node tests: loads the shipped sealer.js / custodian.js and the
// vendored libraries (never node_modules) and the Python-made vectors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STATIC = path.join(ROOT, 'src/etender/trading/bids/static/etender');
export const VECTORS = path.join(ROOT, 'src/etender/kernel/tests/vectors');

await import(pathToFileURL(path.join(STATIC, 'sealer.js')).href);
export const E = globalThis.EtenderCrypto;
await E.ready(pathToFileURL(path.join(STATIC, 'vendor/etender-crypto-libs.mjs')).href);

export const vector = (name) => JSON.parse(readFileSync(path.join(VECTORS, name), 'utf8'));
export const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
export const fromHex = (s) => new Uint8Array(Buffer.from(s, 'hex'));
export const toHex = (b) => Buffer.from(b).toString('hex');
export const toB64 = (b) => Buffer.from(b).toString('base64');

/** Byte i = (i * 31 + seed) mod 251, as js/tools/make_vectors.py. */
export function pattern(n, seed) {
  const out = new Uint8Array(n);
  for (let i = 0, v = seed % 251; i < n; i++, v = (v + 31) % 251) out[i] = v;
  return out;
}

/** A sink collecting the envelope in memory. */
export function memorySink() {
  const parts = [];
  return {
    write(b) {
      parts.push(Buffer.from(b));
    },
    bytes() {
      return new Uint8Array(Buffer.concat(parts));
    },
  };
}

/** An in-memory plaintext source for sealEnvelope. */
export function bytesSource(data) {
  return { size: data.length, ...E.segmentReader([data]) };
}

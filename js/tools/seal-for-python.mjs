// Seals an envelope with the shipped sealer.js for the Python-side check
// (src/etender/trading/tests/test_browser_sealing.py), without node_modules.
//
//   node js/tools/seal-for-python.mjs < request.json > result.json
//
// request: {format, suite, keys (bidder key file), custodians (GET /api/tenders/{id}/custodians),
//           form, files: [{name, data (base64) | pattern: [size, seed]}], chunk_size?, out (path),
//           custodian_keys: [suite, ...] (key files to make, as the custodian page does)}
// result:  {file_sha256, size, header, custodian_key_files}
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STATIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/etender/trading/bids/static/etender');
await import(pathToFileURL(path.join(STATIC, 'sealer.js')).href);
const E = globalThis.EtenderCrypto;
await E.ready(pathToFileURL(path.join(STATIC, 'vendor/etender-crypto-libs.mjs')).href);
await import(pathToFileURL(path.join(STATIC, 'custodian.js')).href);

const req = JSON.parse(readFileSync(0, 'utf8'));
const pattern = (n, seed) => {
  const out = new Uint8Array(n);
  for (let i = 0, v = seed % 251; i < n; i++, v = (v + 31) % 251) out[i] = v;
  return out;
};
const files = (req.files || []).map((f) => ({ name: f.name, data: new Blob([f.pattern ? pattern(...f.pattern) : new Uint8Array(Buffer.from(f.data, 'base64'))]) }));
const fd = openSync(req.out, 'w');
const sink = { write: (b) => void writeSync(fd, b) };
const keys = await E.parseBidderKeys(req.keys);
const cset = req.custodians || {};
const { info } = await E.sealBid({ form: req.form, files, keys, format: req.format, suite: req.suite, custodians: cset.custodians, threshold: cset.threshold, sink, chunkSize: req.chunk_size });
closeSync(fd);
const custodianKeyFiles = [];
for (const suite of req.custodian_keys || []) custodianKeyFiles.push(await globalThis.EtenderCustodian.makeKey(suite));
process.stdout.write(JSON.stringify({ file_sha256: info.fileSha256, size: info.size, header: info.header, custodian_key_files: custodianKeyFiles }));

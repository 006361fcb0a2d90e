import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { E, STATIC, vector, b64, toB64 } from './helpers.mjs';

await import(pathToFileURL(path.join(STATIC, 'custodian.js')).href);
const C = globalThis.EtenderCustodian;

test('custodian.js decrypts the shares of envelopes sealed by the Python kernel (both suites)', async () => {
  for (const s of vector('js-custodian.json').suites) {
    const rows = s.bids.map(({ bid_id, bidder, envelope_sha256, header }) => ({ bid_id, bidder, envelope_sha256, header }));
    const released = {};
    for (const [pos, keyFile] of s.custodian_key_files.entries()) {
      const index = pos + 1;
      const { shares, failed, keyId } = await C.decryptShares(rows, keyFile, index, s.suite);
      assert.equal(keyId, keyFile.key_id);
      assert.deepEqual(failed, []);
      for (const bid of s.bids) assert.equal(shares[String(bid.bid_id)], bid.shares[String(index)], `${s.suite} custodian ${index}`);
      released[index] = shares;
    }
    for (const bid of s.bids) {
      // Any t = 2 of the released shares give the DEK the bidder's key unwraps.
      for (const pair of [[1, 2], [1, 3], [2, 3]]) {
        const dek = E.shamir.combine(pair.map((i) => [i, b64(released[i][String(bid.bid_id)])]));
        assert.equal(toB64(dek), bid.dek);
      }
    }
    // Custodian 1's key at position 2 opens nothing; nor does another suite's key.
    const wrong = await C.decryptShares(rows, s.custodian_key_files[0], 2, s.suite);
    assert.equal(Object.keys(wrong.shares).length, 0);
    assert.equal(wrong.failed.length, rows.length);
    assert.match(wrong.failed[0].error, /^local\.wrong_key /);
    await assert.rejects(C.decryptShares(rows, s.custodian_key_files[0], 1, s.suite === 'gm' ? 'intl' : 'gm'), (e) => e.code === 'local.key');
  }
});

test('custodian keys made in JS have the `etender custodian keygen` format and check', async () => {
  for (const suite of ['intl', 'gm']) {
    const f = await C.makeKey(suite);
    assert.deepEqual(Object.keys(f), ['type', 'suite', 'key_id', 'public_key', 'private_key']);
    assert.equal(f.type, 'etender-custodian-key');
    assert.equal(f.suite, suite);
    const k = await E.parseCustodianKey(f, suite);
    assert.equal(k.keyId, f.key_id);
    assert.equal(b64(f.public_key).length, suite === 'gm' ? 65 : 32);
    assert.equal(b64(f.private_key).length, 32);
    await assert.rejects(E.parseCustodianKey({ ...f, key_id: '0'.repeat(32) }), (e) => e.code === 'local.key');
  }
});

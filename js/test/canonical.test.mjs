import test from 'node:test';
import assert from 'node:assert/strict';
import { E, vector } from './helpers.mjs';

test('canonical JSON equals the Python rfc8785 output byte for byte', () => {
  const v = vector('js-canonical.json');
  assert.ok(v.cases.length >= 10);
  for (const c of v.cases) {
    assert.equal(E.canonicalString(c.value), c.canonical);
    assert.deepEqual(E.canonicalJson(c.value), new TextEncoder().encode(c.canonical));
  }
});

test('canonical JSON refuses what the envelope never holds', () => {
  assert.throws(() => E.canonicalString({ s: '\ud800' }));
  assert.throws(() => E.canonicalString({ n: NaN }));
  assert.throws(() => E.canonicalString({ f: () => 1 }));
});

test('base64 is canonical and padded, as the Python reader requires', () => {
  assert.deepEqual(E.b64decode('AAE=', 2), new Uint8Array([0, 1]));
  for (const bad of ['AAF=', 'AAE', 'AA E=', 'AAE==', '-_8=']) assert.throws(() => E.b64decode(bad), E.SealError, bad);
  assert.throws(() => E.b64decode('AAE=', 3));
});

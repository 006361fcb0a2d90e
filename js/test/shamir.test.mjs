import test from 'node:test';
import assert from 'node:assert/strict';
import { E, vector, fromHex, toHex } from './helpers.mjs';

const v = vector('js-shamir.json');
const shares = (list) => list.map(([i, s]) => [i, fromHex(s)]);

test('split with given coefficients equals the kernel; any t shares combine', () => {
  for (const c of v.fixed) {
    const out = E.shamir.split(fromHex(c.secret), c.t, c.n, c.coefficients.map(fromHex));
    assert.deepEqual(out.map(([i, s]) => [i, toHex(s)]), c.shares);
    const all = shares(c.shares);
    assert.equal(toHex(E.shamir.combine(all.slice(0, c.t))), c.secret);
    assert.equal(toHex(E.shamir.combine(all.slice(-c.t))), c.secret);
    if (c.t > 1) assert.notEqual(toHex(E.shamir.combine(all.slice(0, c.t - 1))), c.secret);
  }
});

test('pycryptodome random splits combine in JS; JS random splits match pycryptodome-style interpolation', () => {
  for (const c of v.random_splits) {
    const all = shares(c.shares);
    for (let start = 0; start + c.t <= c.n; start++) assert.equal(toHex(E.shamir.combine(all.slice(start, start + c.t))), c.secret);
    const mine = E.shamir.split(fromHex(c.secret), c.t, c.n);
    assert.equal(toHex(E.shamir.combine(mine.slice(-c.t))), c.secret);
    for (const [i, s] of mine.slice(c.t)) assert.equal(toHex(E.shamir.interpolate(mine.slice(0, c.t), i)), toHex(s));
  }
  for (const c of v.edge) {
    assert.equal(toHex(E.shamir.combine(shares(c.shares))), c.combined);
    assert.equal(toHex(E.shamir.interpolate(shares(c.shares), 3)), c.at_3);
  }
  assert.throws(() => E.shamir.combine([[1, new Uint8Array(16)], [1, new Uint8Array(16)]]));
});

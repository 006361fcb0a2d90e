import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { E, vector, fromHex, toHex, pattern } from './helpers.mjs';

const v = vector('js-sm.json');
const gm = vector('suites-gm.json').deterministic;

test('SM3 equals OpenSSL SM3 for every length, in one piece and streamed', async () => {
  assert.equal(toHex(await E.sm3(new TextEncoder().encode('abc'))), gm.sm3.abc);
  assert.equal(toHex(await E.sm3(new TextEncoder().encode('abcd'.repeat(16)))), gm.sm3['abcd*16']);
  for (const c of v.sm3) {
    const data = new Uint8Array(Buffer.from(c.data, 'base64'));
    assert.equal(toHex(await E.sm3(data)), c.sm3);
    const h = E.newHasher('sm3');
    for (let o = 0; o < data.length; o += 17) h.update(data.subarray(o, o + 17));
    assert.equal(toHex(h.digest()), c.sm3);
  }
  const big = pattern(v.sm3_pattern.size, v.sm3_pattern.seed);
  const h = E.newHasher('sm3');
  for (let o = 0; o < big.length; o += 1 << 20) h.update(big.subarray(o, o + (1 << 20)));
  assert.equal(toHex(h.digest()), v.sm3_pattern.sm3);
});

test('SM4-GCM equals the Python cryptography SM4-GCM (and RFC 8998 A.1)', async () => {
  const s = E.suites.gm;
  const rfc = gm.sm4_gcm_rfc8998;
  const out = await s.aeadEncrypt(fromHex(rfc.key), fromHex(rfc.iv), fromHex(rfc.plaintext), fromHex(rfc.aad));
  assert.equal(toHex(out), rfc.ciphertext + rfc.tag);
  const self = gm.sm4_gcm_self;
  assert.equal(toHex(await s.aeadEncrypt(fromHex(self.key), fromHex(self.nonce), fromHex(self.plaintext), fromHex(self.aad))), self.ciphertext_and_tag);
  for (const c of v.sm4_gcm) {
    const ct = await s.aeadEncrypt(fromHex(c.key), fromHex(c.nonce), fromHex(c.plaintext), fromHex(c.aad));
    assert.equal(toHex(ct), c.ciphertext_and_tag, `${c.plaintext.length / 2} bytes`);
    assert.equal(toHex(await s.aeadDecrypt(fromHex(c.key), fromHex(c.nonce), ct, fromHex(c.aad))), c.plaintext);
    const bad = ct.slice();
    bad[bad.length - 1] ^= 1;
    await assert.rejects(s.aeadDecrypt(fromHex(c.key), fromHex(c.nonce), bad, fromHex(c.aad)));
  }
  const p = v.sm4_gcm_pattern;
  const big = await s.aeadEncrypt(fromHex(p.key), fromHex(p.nonce), pattern(p.size, p.seed), fromHex(p.aad));
  assert.equal(createHash('sha256').update(big).digest('hex'), p.sha256_of_ciphertext_and_tag);
});

test('SM2: public keys, Z_A, key ids, signatures and wraps with given k equal the kernel; GmSSL outputs verify and open', async () => {
  const s = E.suites.gm;
  const cases = [...v.sm2, { ...gm.sm2, signature: gm.sm2.signature_r_s, wrapped: gm.sm2.wrapped_c1c3c2, message: gm.sm2.message }];
  for (const c of v.sm2) {
    const priv = fromHex(c.private);
    const pub = fromHex(c.public);
    assert.equal(toHex(await s.encryptionPublic(priv)), c.public);
    assert.equal(await s.keyId(pub), c.key_id);
    assert.equal(toHex(E.sm2.z(pub)), c.z);
    assert.equal(toHex(E.sm2.sign(priv, fromHex(c.message), fromHex(c.sign_k))), c.signature);
    assert.ok(await s.verify(pub, fromHex(c.message), fromHex(c.signature)));
    assert.ok(await s.verify(pub, fromHex(c.message), fromHex(c.signature_gmssl)));
    assert.ok(!(await s.verify(pub, fromHex(c.message + '00'), fromHex(c.signature))));
    const random = await s.sign(priv, fromHex(c.message));
    assert.ok(await s.verify(pub, fromHex(c.message), random));
    const ctx = fromHex(c.wrap_context);
    assert.equal(toHex(await s.wrap(fromHex(c.wrap_key), pub, ctx, fromHex(c.encrypt_k))), c.wrapped);
    assert.equal(toHex(await s.unwrap(fromHex(c.wrapped), priv, ctx)), c.wrap_key);
    assert.equal(toHex(await s.unwrap(fromHex(c.wrapped_gmssl), priv, ctx)), c.wrap_key);
    await assert.rejects(s.unwrap(fromHex(c.wrapped), priv, new Uint8Array([1, 2, 3])));
    const other = await s.generateEncryptionKeyPair();
    await assert.rejects(s.unwrap(fromHex(c.wrapped), other.private, ctx));
    const fresh = await s.wrap(fromHex(c.wrap_key), pub, ctx);
    assert.equal(fresh.length, 145);
    assert.equal(toHex(await s.unwrap(fresh, priv, ctx)), c.wrap_key);
  }
  // The GB/T example key of suites-gm.json.
  const k = gm.sm2;
  assert.equal(toHex(E.sm2.z(fromHex(k.public))), k.z);
  assert.equal(toHex(E.sm2.sign(fromHex(k.private), fromHex(k.message), fromHex(k.sign_k))), k.signature_r_s);
  assert.equal(toHex(E.sm2.encrypt(fromHex(k.public), fromHex(k.wrap_plaintext_key_sm3ctx), fromHex(k.encrypt_k))), k.wrapped_c1c3c2);
  assert.ok(cases.length > 1);
});

test('intl: X25519 wrap and Ed25519 sign through WebCrypto round-trip', async () => {
  const s = E.suites.intl;
  const pair = await s.generateEncryptionKeyPair();
  const ctx = new TextEncoder().encode('ctx');
  const blob = await s.wrap(new Uint8Array(16).fill(7), pair.public, ctx);
  assert.equal(blob.length, 64);
  assert.deepEqual(await s.unwrap(blob, pair.private, ctx), new Uint8Array(16).fill(7));
  await assert.rejects(s.unwrap(blob, pair.private, new TextEncoder().encode('other')));
});

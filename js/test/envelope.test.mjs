import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { E, vector, b64, toB64, memorySink, bytesSource, pattern } from './helpers.mjs';

async function keysFromPrivate(suite, encryptionPrivate, signingPrivate) {
  const s = E.suites[suite];
  const encPriv = b64(encryptionPrivate);
  const sigPriv = b64(signingPrivate);
  return { suite, encryptionPrivate: encPriv, signingPrivate: sigPriv, encryptionPublic: await s.encryptionPublic(encPriv), signingPublic: await s.signingPublic(sigPriv) };
}

const custodianSet = (rows) => rows.map((c) => ({ index: c.index, name: c.name, key_id: c.key_id, public_key: c.public }));

for (const [name, format] of [['envelope-v1-intl.json', 1], ['envelope-v2-intl.json', 2], ['envelope-v2-gm.json', 2]]) {
  test(`${name}: the pinned envelope, from the bid form and files to the last byte`, async () => {
    const { inputs: i, expected: x } = vector(name);
    const suite = i.suite || 'intl';
    const keys = await keysFromPrivate(suite, i.encryption_private, i.signing_private);
    assert.equal(toB64(keys.encryptionPublic), x.encryption_public);
    assert.equal(toB64(keys.signingPublic), x.signing_public);
    const files = Object.entries(i.files).map(([n, d]) => ({ name: n, data: new Blob([b64(d)]) }));
    assert.equal(toB64(await E.buildBidPackage(i.bid_form, files)), i.plaintext);
    const randomness = format === 1
      ? { dek: b64(i.dek), nonce_prefix: b64(i.nonce_prefix), ephemeral_private: b64(i.ephemeral_private), wrap_nonce: b64(i.wrap_nonce) }
      : { dek: b64(i.dek), nonce_prefix: b64(i.nonce_prefix), share_coefficients: i.share_coefficients.map(b64), bidder_ephemeral: b64(i.bidder_ephemeral), custodian_ephemerals: i.custodian_ephemerals.map(b64), signature_k: i.signature_k ? b64(i.signature_k) : undefined };
    const sink = memorySink();
    let last = 0;
    const { info } = await E.sealBid({
      form: i.bid_form, files, keys, format, suite,
      custodians: format === 2 ? custodianSet(i.custodians) : null, threshold: i.threshold,
      sink, chunkSize: i.chunk_size, createdAt: i.created_at, randomness,
      onProgress: (done, total) => { assert.ok(done >= last && done <= total); last = done; },
    });
    const out = sink.bytes();
    assert.equal(info.headerBytes.length > 0, true);
    assert.equal(new TextDecoder().decode(info.headerBytes), x.header);
    assert.equal(toB64(info.signature), x.signature);
    assert.equal(out.length, x.size);
    assert.equal(info.fileSha256, x.file_sha256);
    assert.equal(toB64(out), x.envelope);
  });
}

test('js-envelope.json: edge cases sealed by the kernel with injected randomness', async () => {
  for (const c of vector('js-envelope.json').cases) {
    const keys = await E.parseBidderKeys(c.keys);
    const r = c.randomness;
    const randomness = Object.fromEntries(Object.entries(r).filter(([, v]) => v != null).map(([k, v]) => [k, Array.isArray(v) ? v.map(b64) : b64(v)]));
    const sink = memorySink();
    const info = await E.sealEnvelope({
      format: c.format, suite: c.suite, tender: c.tender, lot: c.lot, bidder: c.bidder, keys,
      custodians: c.custodians ? custodianSet(c.custodians) : null, threshold: c.threshold,
      plaintext: bytesSource(b64(c.plaintext)), sink, chunkSize: c.chunk_size, createdAt: c.created_at, randomness,
    });
    assert.equal(toB64(sink.bytes()), c.expected.envelope, c.label);
    assert.equal(info.fileSha256, c.expected.file_sha256, c.label);
  }
});

test('the sealer refuses keys of the wrong suite and custodian sets that do not check', async () => {
  const c = vector('js-envelope.json').cases.find((x) => x.suite === 'gm');
  const keys = await E.parseBidderKeys(c.keys);
  const base = { format: 2, suite: 'intl', tender: 'T', lot: 'L', bidder: 'B', keys, custodians: custodianSet(c.custodians), threshold: c.threshold, plaintext: bytesSource(new Uint8Array(3)), sink: memorySink() };
  await assert.rejects(E.sealEnvelope(base), (e) => e.code === 'local.key_suite');
  const bad = custodianSet(c.custodians);
  bad[0] = { ...bad[0], key_id: '0'.repeat(32) };
  await assert.rejects(E.sealEnvelope({ ...base, suite: 'gm', custodians: bad }), (e) => e.code === 'local.custodians');
  await assert.rejects(E.sealEnvelope({ ...base, suite: 'gm', threshold: c.custodians.length + 1 }), (e) => e.code === 'local.custodians');
  await assert.rejects(E.parseBidderKeys({ ...c.keys, signing_private: c.keys.encryption_private }), (e) => e.code === 'local.key');
  const pub = { ...c.keys };
  delete pub.encryption_private;
  await assert.rejects(E.parseBidderKeys(pub), (e) => e.code === 'local.key');
});

test('a 5 MiB attachment streams: same envelope through Blob slices as from memory, chunk by chunk', async () => {
  const c = vector('js-envelope.json').cases.find((x) => x.suite === 'intl' && x.format === 2);
  const keys = await E.parseBidderKeys(c.keys);
  const big = pattern(5 * 1048576 + 11, 5);
  const form = { tender: c.tender, lot: c.lot, bidder: c.bidder, price: '100.00' };
  const common = { form, keys, format: 2, suite: 'intl', custodians: custodianSet(c.custodians), threshold: c.threshold, createdAt: '2026-03-02T01:00:00Z', randomness: { dek: new Uint8Array(16).fill(1), nonce_prefix: new Uint8Array(8).fill(2), share_coefficients: Array.from({ length: c.threshold - 1 }, () => new Uint8Array(16).fill(3)), bidder_ephemeral: new Uint8Array(32).fill(4), custodian_ephemerals: c.custodians.map(() => new Uint8Array(32).fill(5)) } };
  const a = memorySink();
  let reads = 0;
  const blob = new Blob([big]);
  const counting = { size: blob.size, slice: (s, e) => { reads++; assert.ok(e - s <= 1 << 20); return blob.slice(s, e); } };
  const progress = [];
  const ra = await E.sealBid({ ...common, files: [{ name: 'big.bin', data: counting }], sink: a, onProgress: (d, t) => progress.push([d, t]) });
  const b = memorySink();
  const rb = await E.sealBid({ ...common, files: [{ name: 'big.bin', data: big }], sink: b });
  assert.deepEqual(a.bytes(), b.bytes());
  assert.equal(ra.info.fileSha256, createHash('sha256').update(a.bytes()).digest('hex'));
  assert.equal(ra.info.fileSha256, rb.info.fileSha256);
  assert.ok(reads >= 12, `read in slices (${reads})`); // CRC pass + sealing pass, 1 MiB at most each
  assert.ok(progress.length >= 12 && progress.at(-1)[0] === progress.at(-1)[1]);
  assert.equal(ra.info.header.plaintext_size, (await E.buildBidPackage(form, [{ name: 'big.bin', data: big }])).length);
});

import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { E, vector, b64, pattern, toB64 } from './helpers.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function inputs(c, asBlobs) {
  const files = Object.entries(c.files).map(([name, data]) => ({ name, data: asBlobs ? new Blob([b64(data)]) : b64(data) }));
  for (const [name, [n, seed]] of Object.entries(c.pattern_files)) files.push({ name, data: asBlobs ? new Blob([pattern(n, seed)]) : pattern(n, seed) });
  return files;
}

test('bid packages equal envelope.build_bid_package byte for byte (bytes and Blob inputs)', async () => {
  const v = vector('js-zip.json');
  for (const c of v.cases) {
    for (const asBlobs of [false, true]) {
      const zip = await E.buildBidPackage(c.form, inputs(c, asBlobs));
      assert.equal(zip.length, c.size, c.label);
      assert.equal(sha256(zip), c.sha256, c.label);
      if (c.package) assert.equal(toB64(zip), c.package, c.label);
    }
  }
});

test('the streaming reader gives the same bytes in any read size, CRC-32 read in slices', async () => {
  const c = vector('js-zip.json').cases.find((x) => Object.keys(x.pattern_files).length);
  const plan = E.planBidPackage(c.form, inputs(c, true));
  let crcBytes = 0;
  await E.planCrcs(plan, (n) => (crcBytes += n), 100000);
  assert.equal(crcBytes, Object.values(c.pattern_files).reduce((a, [n]) => a + n, 0) + Object.values(c.files).reduce((a, f) => a + b64(f).length, 0));
  for (const step of [1 << 20, 65536 + 3, 7777]) {
    const reader = E.segmentReader(E.packageSegments(plan));
    const h = createHash('sha256');
    let total = 0;
    for (;;) {
      const part = await reader.read(step);
      if (!part.length) break;
      assert.ok(part.length === step || total + part.length === plan.size);
      h.update(part);
      total += part.length;
    }
    assert.equal(total, c.size);
    assert.equal(h.digest('hex'), c.sha256);
  }
});

test('zip64 local headers are those Python writes for members over 2 GB / 1.05', () => {
  for (const z of vector('js-zip.json').zip64_local_headers) {
    const e = { name: new TextEncoder().encode(z.name), size: z.size, crc: z.crc, flags: /^[\x00-\x7f]*$/.test(z.name) ? 0 : 0x800 };
    assert.equal(toB64(E.zipLocalHeader(e)), z.header, z.name);
  }
});

test('bid form and attachment names are checked as the Python validator does', () => {
  const form = { tender: 'T', lot: 'L', bidder: '91330100MA27WXY12K', price: '1.5' };
  assert.deepEqual(E.validateBidForm(form), { ...form, currency: 'CNY', duration_days: null, quality: null, notes: null });
  for (const bad of [{ price: '01' }, { price: '1e5' }, { price: '1.1234567' }, { bidder: '91330100MA27WXY12I' }, { tender: ' ' }, { currency: 'USD' }, { duration_days: -1 }, { duration_days: 1.5 }, { extra: 1 }]) {
    assert.throws(() => E.validateBidForm({ ...form, ...bad }), E.SealError, JSON.stringify(bad));
  }
  for (const bad of ['', 'a/../b', 'a//b', 'x:y', 'tab\t', '/abs', 'q?.pdf']) assert.throws(() => E.validateFileName(bad), E.SealError, bad);
  assert.equal(E.validateFileName('Cafe\u0301'), 'Caf\u00e9');
  assert.throws(() => E.planBidPackage(form, [{ name: 'A.txt', data: new Uint8Array() }, { name: 'a.TXT', data: new Uint8Array() }]), E.SealError);
});

test('a member just over 2 GB / 1.05 is laid out exactly as Python zipfile does (zip64 extra, version 45)', () => {
  const h = vector('js-zip.json').huge_member;
  const fake = { size: h.big_size, slice() { throw new Error('not read in this test'); } };
  const files = [{ name: h.big_name, data: fake }, ...Object.entries(h.small_files).map(([name, d]) => ({ name, data: b64(d) }))];
  const plan = E.planBidPackage(h.form, files);
  assert.equal(plan.size, h.size);
  plan.entries.find((e) => e.data === fake).crc = h.big_crc;
  const segs = E.packageSegments(plan);
  const at = segs.findIndex((s) => !(s instanceof Uint8Array));
  assert.equal(toB64(Buffer.concat(segs.slice(0, at))), h.head);
  assert.equal(toB64(Buffer.concat(segs.slice(at + 1))), h.tail);
});

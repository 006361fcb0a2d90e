/*
 * etender in-browser sealing (docs/browser-sealing.md).
 *
 * Seals a bid in the bidder's browser into exactly the envelope the Python
 * reference tools write (docs/envelope-v1.md, docs/envelope-v2.md,
 * src/etender/kernel/envelope.py): the deterministic bid package ZIP is built
 * and encrypted in 1 MiB chunks read with File.slice, so memory stays flat
 * whatever the size of the attachments; the bidder's key file is read with
 * FileReader and never leaves the browser; only the sealed envelope is
 * uploaded.
 *
 * This file is a plain script without import/export statements, so it runs
 * both as a classic <script defer> (the bid page) and as a module loaded with
 * import() (custodian.js, the Node tests in js/test/).  It defines
 * globalThis.EtenderCrypto, the envelope code shared with custodian.js, and
 * wires the form when the page has a #browser-sealer container.
 *
 * Algorithms: WebCrypto for AES-GCM, HKDF-SHA256, SHA-256, X25519 and
 * Ed25519; the vendored vendor/etender-crypto-libs.mjs (sm-crypto-v2 and
 * @noble/*, see vendor/VERSIONS.json) for the SM2 curve, SM3, SM4-GCM and an
 * incremental SHA-256.  Everything else (RFC 8785 canonical JSON, the ZIP
 * writer and CRC-32, Shamir over GF(2^128) as in pycryptodome, the SM2
 * encryption and signature schemes of GB/T 32918, the envelope layout) is
 * here and is checked byte for byte against vectors made by the Python kernel.
 */
(function () {
  'use strict';

  const SCRIPT_SRC = typeof document !== 'undefined' && document.currentScript && document.currentScript.src ? document.currentScript.src : null;
  const subtle = globalThis.crypto && globalThis.crypto.subtle;

  // ------------------------------------------------------------------ libraries

  let libsPromise = null;
  let L = null; // the loaded vendor module

  /** Load the vendored libraries (once).  `url` defaults to vendor/ next to this script. */
  function ready(url) {
    if (!libsPromise) {
      const where = url || (SCRIPT_SRC ? new URL('vendor/etender-crypto-libs.mjs', SCRIPT_SRC).href : null);
      if (!where) return Promise.reject(new Error('EtenderCrypto.ready(url): location of vendor/etender-crypto-libs.mjs unknown'));
      libsPromise = import(String(where)).then((mod) => {
        L = mod;
        return mod;
      });
      libsPromise.catch(() => {
        libsPromise = null;
      });
    }
    return libsPromise;
  }

  function libs() {
    if (!L) throw new Error('EtenderCrypto.ready() has not finished');
    return L;
  }

  // ------------------------------------------------------------------ errors

  /** An error with a code for the user (`local.*` codes are made here, E… codes come from the API). */
  class SealError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  // ------------------------------------------------------------------ bytes

  const enc = new TextEncoder();
  const utf8 = (s) => enc.encode(s);

  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  function u32be(n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0, false);
    return b;
  }

  function hex(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return s;
  }

  function fromHex(s) {
    if (typeof s !== 'string' || s.length % 2 || /[^0-9a-fA-F]/.test(s)) throw new Error('not a hex string');
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
    return out;
  }

  function b64encode(bytes) {
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }

  /** Decode canonical, padded standard base64 (as the Python reader requires); optional exact length. */
  function b64decode(value, length, what) {
    const name = what || 'value';
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4) throw new SealError('local.base64', `${name}: not valid base64`);
    let bin;
    try {
      bin = atob(value);
    } catch (e) {
      throw new SealError('local.base64', `${name}: not valid base64`);
    }
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    if (b64encode(out) !== value) throw new SealError('local.base64', `${name}: not canonical base64`);
    if (length != null && out.length !== length) throw new SealError('local.base64', `${name}: must be ${length} bytes, got ${out.length}`);
    return out;
  }

  function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }

  function randomBytes(n) {
    const out = new Uint8Array(n);
    globalThis.crypto.getRandomValues(out);
    return out;
  }

  const bytesToBigInt = (b) => (b.length ? BigInt('0x' + hex(b)) : 0n);

  function bigIntToBytes(v, len) {
    const s = v.toString(16).padStart(len * 2, '0');
    if (s.length > len * 2) throw new Error('integer too large');
    return fromHex(s);
  }

  // ------------------------------------------------------------------ canonical JSON (RFC 8785)

  function canonicalString(value) {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) throw new Error('canonical JSON: NaN and infinities are not allowed');
        return JSON.stringify(value); // ECMAScript number serialisation is RFC 8785's
      case 'string':
        if (typeof value.isWellFormed === 'function' ? !value.isWellFormed() : /[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
          throw new Error('canonical JSON: lone surrogate in string');
        }
        return JSON.stringify(value);
      case 'object': {
        if (Array.isArray(value)) return '[' + value.map(canonicalString).join(',') + ']';
        const keys = Object.keys(value).filter((k) => value[k] !== undefined);
        keys.sort(); // UTF-16 code unit order, as RFC 8785 section 3.2.3
        return '{' + keys.map((k) => canonicalString(k) + ':' + canonicalString(value[k])).join(',') + '}';
      }
      default:
        throw new Error(`canonical JSON: cannot serialise ${typeof value}`);
    }
  }

  const canonicalJson = (value) => utf8(canonicalString(value));

  // ------------------------------------------------------------------ hashes

  async function sha256(data) {
    return new Uint8Array(await subtle.digest('SHA-256', data));
  }

  const newSha256 = () => libs().sha256.create();
  const newSm3 = () => libs().sm3Hasher.create();
  const sm3 = (data) => newSm3().update(data).digest();

  // ------------------------------------------------------------------ CRC-32 (ZIP)

  const CRC_TABLE = (() => {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  /** Continue a CRC-32 (ISO-HDLC, as zlib.crc32) over `bytes`; start with crc = 0. */
  function crc32(bytes, crc) {
    let c = ~(crc || 0) >>> 0;
    for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  }

  // ------------------------------------------------------------------ X25519 / Ed25519 via WebCrypto

  const PKCS8_X25519 = fromHex('302e020100300506032b656e04220420');
  const PKCS8_ED25519 = fromHex('302e020100300506032b657004220420');

  function b64urlDecode(s) {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
    return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  }

  async function importOkpPrivate(raw, name, usages) {
    if (raw.length !== 32) throw new SealError('local.key', `${name} private key must be 32 bytes`);
    return subtle.importKey('pkcs8', concat(name === 'X25519' ? PKCS8_X25519 : PKCS8_ED25519, raw), { name }, true, usages);
  }

  async function okpPublic(raw, name) {
    const key = await importOkpPrivate(raw, name, name === 'X25519' ? ['deriveBits'] : ['sign']);
    const jwk = await subtle.exportKey('jwk', key);
    return b64urlDecode(jwk.x);
  }

  async function x25519(privateRaw, publicRaw) {
    const priv = await importOkpPrivate(privateRaw, 'X25519', ['deriveBits']);
    const pub = await subtle.importKey('raw', publicRaw, { name: 'X25519' }, false, []);
    let bits;
    try {
      bits = await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256);
    } catch (e) {
      throw new SealError('local.key', 'X25519 key agreement failed (not a usable public key)');
    }
    const shared = new Uint8Array(bits);
    if (shared.every((b) => b === 0)) throw new SealError('local.key', 'X25519 shared secret is zero');
    return shared;
  }

  async function hkdfSha256(ikm, salt, info, length) {
    const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
    return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
  }

  async function aesGcmEncrypt(key, nonce, plaintext, aad) {
    const k = key instanceof Uint8Array ? await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']) : key;
    const params = { name: 'AES-GCM', iv: nonce, tagLength: 128 };
    if (aad && aad.length) params.additionalData = aad;
    return new Uint8Array(await subtle.encrypt(params, k, plaintext));
  }

  async function aesGcmDecrypt(key, nonce, ciphertext, aad) {
    const k = key instanceof Uint8Array ? await subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']) : key;
    const params = { name: 'AES-GCM', iv: nonce, tagLength: 128 };
    if (aad && aad.length) params.additionalData = aad;
    try {
      return new Uint8Array(await subtle.decrypt(params, k, ciphertext));
    } catch (e) {
      throw new SealError('local.decrypt', 'authenticated decryption failed');
    }
  }

  async function ed25519Sign(privateRaw, data) {
    const key = await importOkpPrivate(privateRaw, 'Ed25519', ['sign']);
    return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, data));
  }

  async function ed25519Verify(publicRaw, data, signature) {
    try {
      const key = await subtle.importKey('raw', publicRaw, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify({ name: 'Ed25519' }, key, signature, data);
    } catch (e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ SM2 (GB/T 32918) on the vendored curve

  const SM2_ID = utf8('1234567812345678');
  const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

  function modN(a) {
    const r = a % SM2_N;
    return r < 0n ? r + SM2_N : r;
  }

  function invN(a) {
    let [r0, r1, s0, s1] = [modN(a), SM2_N, 1n, 0n];
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [s0, s1] = [s1, s0 - q * s1];
    }
    if (r0 !== 1n) throw new Error('not invertible');
    return modN(s0);
  }

  const sm2Point = () => libs().sm2Curve.ProjectivePoint;

  function sm2Scalar(privateRaw) {
    if (!(privateRaw instanceof Uint8Array) || privateRaw.length !== 32) throw new SealError('local.key', 'SM2 private key must be 32 bytes');
    const d = bytesToBigInt(privateRaw);
    if (d < 1n || d > SM2_N - 2n) throw new SealError('local.key', 'SM2 private key out of range');
    return d;
  }

  function sm2PublicPoint(publicRaw) {
    if (!(publicRaw instanceof Uint8Array) || publicRaw.length !== 65 || publicRaw[0] !== 4) throw new SealError('local.key', 'SM2 public key must be 65 bytes 04 || x || y');
    try {
      const p = sm2Point().fromHex(publicRaw);
      p.assertValidity();
      return p;
    } catch (e) {
      throw new SealError('local.key', 'SM2 public key is not a point on the curve');
    }
  }

  const sm2PublicFromPrivate = (privateRaw) => sm2Point().BASE.multiply(sm2Scalar(privateRaw)).toRawBytes(false);

  /** A uniformly random scalar in [1, SM2_N − 1 − hi] (rejection sampling over 32 random bytes). */
  function sm2RandomScalar(hi) {
    for (;;) {
      const k = bytesToBigInt(randomBytes(32));
      if (k >= 1n && k <= SM2_N - 1n - (hi || 0n)) return k;
    }
  }

  function sm2Z(publicRaw, userId) {
    const id = userId || SM2_ID;
    const { a, b } = libs().sm2Curve.CURVE;
    const G = sm2Point().BASE.toAffine();
    sm2PublicPoint(publicRaw);
    const entl = new Uint8Array([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
    return sm3(concat(entl, id, bigIntToBytes(a, 32), bigIntToBytes(b, 32), bigIntToBytes(G.x, 32), bigIntToBytes(G.y, 32), publicRaw.subarray(1)));
  }

  function sm3Kdf(z, length) {
    const out = new Uint8Array(length);
    for (let counter = 1, o = 0; o < length; counter++) {
      const block = sm3(concat(z, u32be(counter)));
      out.set(block.subarray(0, Math.min(32, length - o)), o);
      o += 32;
    }
    return out;
  }

  /** SM2 signature r || s (64 bytes) over SM3(Z_A || message); `k` (32 bytes) only for test vectors. */
  function sm2Sign(privateRaw, message, k) {
    const d = sm2Scalar(privateRaw);
    const G = sm2Point().BASE;
    const publicRaw = G.multiply(d).toRawBytes(false);
    const e = bytesToBigInt(sm3(concat(sm2Z(publicRaw), message)));
    for (;;) {
      const kk = k ? bytesToBigInt(k) : sm2RandomScalar();
      if (kk < 1n || kk >= SM2_N) throw new Error('signature scalar out of range');
      const x1 = G.multiply(kk).toAffine().x;
      const r = modN(e + x1);
      const s = r === 0n || r + kk === SM2_N ? 0n : modN(invN(1n + d) * (kk - r * d));
      if (s !== 0n) return concat(bigIntToBytes(r, 32), bigIntToBytes(s, 32));
      if (k) throw new Error('choose another k');
    }
  }

  function sm2Verify(publicRaw, message, signature) {
    try {
      if (signature.length !== 64) return false;
      sm2PublicPoint(publicRaw);
      return libs().sm2.doVerifySignature(message, hex(signature), hex(publicRaw), { hash: true, der: false });
    } catch (e) {
      return false;
    }
  }

  /** SM2 public-key encryption, output C1 || C3 || C2 with C1 = 04 || x1 || y1; `k` only for test vectors. */
  function sm2Encrypt(publicRaw, message, k) {
    const P = sm2PublicPoint(publicRaw);
    const G = sm2Point().BASE;
    for (;;) {
      const kk = k ? bytesToBigInt(k) : sm2RandomScalar();
      if (kk < 1n || kk >= SM2_N) throw new Error('ephemeral scalar out of range');
      const c1 = G.multiply(kk).toRawBytes(false);
      const S = P.multiply(kk).toAffine();
      const x2 = bigIntToBytes(S.x, 32);
      const y2 = bigIntToBytes(S.y, 32);
      const t = sm3Kdf(concat(x2, y2), message.length);
      if (t.some((b) => b !== 0)) {
        const c2 = message.map((b, i) => b ^ t[i]);
        return concat(c1, sm3(concat(x2, message, y2)), c2);
      }
      if (k) throw new Error('KDF output is all zero: choose another k');
    }
  }

  function sm2Decrypt(privateRaw, blob) {
    const d = sm2Scalar(privateRaw);
    if (blob.length < 65 + 32 + 1) throw new SealError('local.decrypt', 'SM2 ciphertext too short');
    let C1;
    try {
      C1 = sm2PublicPoint(blob.subarray(0, 65));
    } catch (e) {
      throw new SealError('local.decrypt', 'SM2 ciphertext: C1 is not a curve point');
    }
    const S = C1.multiply(d).toAffine();
    const x2 = bigIntToBytes(S.x, 32);
    const y2 = bigIntToBytes(S.y, 32);
    const c3 = blob.subarray(65, 97);
    const c2 = blob.subarray(97);
    const t = sm3Kdf(concat(x2, y2), c2.length);
    if (t.every((b) => b === 0)) throw new SealError('local.decrypt', 'SM2 decryption failed');
    const m = c2.map((b, i) => b ^ t[i]);
    if (!equalBytes(sm3(concat(x2, m, y2)), c3)) throw new SealError('local.decrypt', 'SM2 decryption failed (C3)');
    return m;
  }

  // ------------------------------------------------------------------ cipher suites (src/etender/kernel/suites.py)

  const V2_INTL_WRAP_INFO = utf8('etender-envelope-v2 intl-v2 wrap');

  const SUITES = {
    intl: {
      name: 'intl',
      envelopeId: 'intl-v2',
      keysId: 'intl-v1',
      signerKind: 'ed25519',
      publicKeySize: 32,
      hash: (data) => sha256(data),
      newHasher: newSha256,
      async keyId(pub) {
        if (pub.length !== 32) throw new SealError('local.key', 'public key must be 32 bytes');
        return hex((await sha256(pub)).subarray(0, 16));
      },
      encryptionPublic: (priv) => okpPublic(priv, 'X25519'),
      signingPublic: (priv) => okpPublic(priv, 'Ed25519'),
      async generateEncryptionKeyPair() {
        const priv = randomBytes(32);
        return { private: priv, public: await okpPublic(priv, 'X25519') };
      },
      wrappedSize: (n) => 32 + n + 16,
      async wrap(key, recipientPublic, context, ephemeral) {
        if (!key.length) throw new Error('key must not be empty');
        if (recipientPublic.length !== 32) throw new SealError('local.key', 'recipient public key must be 32 bytes');
        const e = ephemeral || randomBytes(32);
        const epk = await okpPublic(e, 'X25519');
        const shared = await x25519(e, recipientPublic);
        const okm = await hkdfSha256(shared, concat(epk, recipientPublic), V2_INTL_WRAP_INFO, 28);
        return concat(epk, await aesGcmEncrypt(okm.subarray(0, 16), okm.subarray(16, 28), key, context));
      },
      async unwrap(blob, priv, context) {
        if (blob.length < 32 + 16 + 1) throw new SealError('local.decrypt', 'wrapped key too short');
        const epk = blob.subarray(0, 32);
        const recipient = await okpPublic(priv, 'X25519');
        const shared = await x25519(priv, epk);
        const okm = await hkdfSha256(shared, concat(epk, recipient), V2_INTL_WRAP_INFO, 28);
        return aesGcmDecrypt(okm.subarray(0, 16), okm.subarray(16, 28), blob.subarray(32), context);
      },
      sign: (priv, data) => ed25519Sign(priv, data),
      verify: (pub, data, sig) => ed25519Verify(pub, data, sig),
      async aeadKey(key) {
        return subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
      },
      aeadEncrypt: (key, nonce, plaintext, aad) => aesGcmEncrypt(key, nonce, plaintext, aad),
    },
    gm: {
      name: 'gm',
      envelopeId: 'gm-v2',
      keysId: 'gm-v1',
      signerKind: 'sm2',
      publicKeySize: 65,
      hash: async (data) => sm3(data),
      newHasher: newSm3,
      async keyId(pub) {
        sm2PublicPoint(pub);
        return hex(sm3(pub).subarray(0, 16));
      },
      encryptionPublic: async (priv) => sm2PublicFromPrivate(priv),
      signingPublic: async (priv) => sm2PublicFromPrivate(priv),
      async generateEncryptionKeyPair() {
        const priv = bigIntToBytes(sm2RandomScalar(1n), 32); // 1 ≤ d ≤ n − 2
        return { private: priv, public: sm2PublicFromPrivate(priv) };
      },
      wrappedSize: (n) => 65 + 32 + n + 32,
      async wrap(key, recipientPublic, context, ephemeral) {
        if (!key.length) throw new Error('key must not be empty');
        return sm2Encrypt(recipientPublic, concat(key, sm3(context)), ephemeral);
      },
      async unwrap(blob, priv, context) {
        if (blob.length < 65 + 32 + 32 + 1) throw new SealError('local.decrypt', 'wrapped key too short');
        const m = sm2Decrypt(priv, blob);
        if (m.length !== blob.length - 97) throw new SealError('local.decrypt', 'SM2 decryption returned a message of the wrong length');
        if (!equalBytes(m.subarray(m.length - 32), sm3(context))) throw new SealError('local.decrypt', 'wrapped key belongs to another context');
        return m.slice(0, m.length - 32);
      },
      sign: async (priv, data, k) => sm2Sign(priv, data, k),
      verify: async (pub, data, sig) => sm2Verify(pub, data, sig),
      async aeadKey(key) {
        return key;
      },
      async aeadEncrypt(key, nonce, plaintext, aad) {
        const r = libs().sm4.encrypt(plaintext, key, { mode: 'gcm', iv: nonce, associatedData: aad, output: 'array', outputTag: true });
        return concat(r.output, r.tag);
      },
      async aeadDecrypt(key, nonce, ciphertext, aad) {
        if (ciphertext.length < 16) throw new SealError('local.decrypt', 'ciphertext shorter than the tag');
        try {
          return libs().sm4.decrypt(ciphertext.subarray(0, ciphertext.length - 16), key, { mode: 'gcm', iv: nonce, associatedData: aad, tag: ciphertext.subarray(ciphertext.length - 16), output: 'array' });
        } catch (e) {
          throw new SealError('local.decrypt', 'authentication failed');
        }
      },
    },
  };
  SUITES.intl.aeadDecrypt = (key, nonce, ciphertext, aad) => aesGcmDecrypt(key, nonce, ciphertext, aad);

  function getSuite(name) {
    const s = SUITES[name];
    if (!s) throw new SealError('local.suite', `unknown cipher suite ${JSON.stringify(name)}`);
    return s;
  }

  // ------------------------------------------------------------------ Shamir over GF(2^128) (pycryptodome's field and encoding)

  const GF_POLY = (1n << 128n) | 0x87n; // x^128 + x^7 + x^2 + x + 1

  function gfMul(a, b) {
    let z = 0n;
    while (b) {
      if (b & 1n) z ^= a;
      b >>= 1n;
      a <<= 1n;
      if (a >> 128n) a ^= GF_POLY;
    }
    return z;
  }

  function bitLength(v) {
    return v === 0n ? 0 : v.toString(2).length;
  }

  function gfInv(a) {
    if (a === 0n) throw new Error('inverse of zero in GF(2^128)');
    let [u, v, g1, g2] = [a, GF_POLY, 1n, 0n];
    while (u !== 1n) {
      let j = bitLength(u) - bitLength(v);
      if (j < 0) {
        [u, v, g1, g2] = [v, u, g2, g1];
        j = -j;
      }
      u ^= v << BigInt(j);
      g1 ^= g2 << BigInt(j);
    }
    return g1;
  }

  function checkShares(shares) {
    const seen = new Set();
    return shares.map(([i, v]) => {
      if (!Number.isInteger(i) || i < 1 || i > 255 || seen.has(i)) throw new Error('share indices must be distinct integers 1..255');
      if (!(v instanceof Uint8Array) || v.length !== 16) throw new Error('a share is 16 bytes');
      seen.add(i);
      return [BigInt(i), bytesToBigInt(v)];
    });
  }

  /** Value at x of the polynomial through the shares [(index, 16 bytes)] (x = 0: the secret). */
  function shamirInterpolate(shares, x) {
    const pts = checkShares(shares);
    const X = BigInt(x);
    let result = 0n;
    pts.forEach(([xj, yj], j) => {
      let num = 1n;
      let den = 1n;
      pts.forEach(([xm], m) => {
        if (m !== j) {
          num = gfMul(num, X ^ xm);
          den = gfMul(den, xj ^ xm);
        }
      });
      result ^= gfMul(yj, gfMul(num, gfInv(den)));
    });
    return bigIntToBytes(result, 16);
  }

  /** Split a 16-byte secret t-of-n: share i = p(i), p(x) = secret + a_1·x + … + a_{t−1}·x^{t−1}. */
  function shamirSplit(secret, t, n, coefficients) {
    if (!(secret instanceof Uint8Array) || secret.length !== 16) throw new Error('secret must be 16 bytes');
    if (!(Number.isInteger(t) && Number.isInteger(n) && t >= 1 && t <= n && n <= 255)) throw new Error('need 1 <= t <= n <= 255');
    const coeffs = coefficients || Array.from({ length: t - 1 }, () => randomBytes(16));
    if (coeffs.length !== t - 1) throw new Error('need t - 1 coefficients');
    const poly = [bytesToBigInt(secret), ...coeffs.map(bytesToBigInt)];
    const shares = [];
    for (let i = 1; i <= n; i++) {
      let y = 0n;
      for (let j = poly.length - 1; j >= 0; j--) y = gfMul(y, BigInt(i)) ^ poly[j];
      shares.push([i, bigIntToBytes(y, 16)]);
    }
    return shares;
  }

  const shamirCombine = (shares) => shamirInterpolate(shares, 0);

  // ------------------------------------------------------------------ bid form and bid package (deterministic ZIP, envelope-v1 §11)

  const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
  const PRICE = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?$/;
  const BID_FORM_FIELDS = ['tender', 'lot', 'bidder', 'price', 'currency', 'duration_days', 'quality', 'notes'];

  function validateBidForm(form) {
    const bad = (m) => new SealError('local.form', m);
    for (const k of Object.keys(form)) if (!BID_FORM_FIELDS.includes(k)) throw bad(`unknown bid form field ${k}`);
    const out = {};
    for (const k of ['tender', 'lot']) {
      if (typeof form[k] !== 'string' || !form[k].trim()) throw bad(`${k} must be a non-empty string`);
      out[k] = form[k];
    }
    if (typeof form.bidder !== 'string' || !CREDIT_CODE.test(form.bidder)) throw bad('bidder must be an 18-character unified social credit code');
    out.bidder = form.bidder;
    if (typeof form.price !== 'string' || !PRICE.test(form.price)) throw bad('price must be a non-negative decimal such as 1234.50 (at most 6 decimals)');
    out.price = form.price;
    const currency = form.currency === undefined ? 'CNY' : form.currency;
    if (currency !== 'CNY') throw bad('currency must be CNY');
    out.currency = currency;
    const d = form.duration_days === undefined ? null : form.duration_days;
    if (d !== null && !(Number.isSafeInteger(d) && d >= 0)) throw bad('duration_days must be a non-negative integer');
    out.duration_days = d;
    for (const k of ['quality', 'notes']) {
      const v = form[k] === undefined ? null : form[k];
      if (v !== null && typeof v !== 'string') throw bad(`${k} must be a string`);
      out[k] = v;
    }
    return out;
  }

  const BAD_NAME_CHARS = /[\\:*?"<>|]|\p{Cc}/u;

  function validateFileName(name) {
    if (typeof name !== 'string' || !name) throw new SealError('local.file_name', 'attachment names must be non-empty');
    const nfc = name.normalize('NFC');
    for (const seg of nfc.split('/')) {
      if (seg === '' || seg === '.' || seg === '..') throw new SealError('local.file_name', `invalid attachment name ${JSON.stringify(name)}`);
      if (BAD_NAME_CHARS.test(seg)) throw new SealError('local.file_name', `invalid character in attachment name ${JSON.stringify(name)}`);
    }
    if (utf8(nfc).length > 1024) throw new SealError('local.file_name', `attachment name too long: ${JSON.stringify(name)}`);
    return nfc;
  }

  function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  const ZIP64_LIMIT = 2147483647; // (1 << 31) − 1, Python's zipfile.ZIP64_LIMIT
  const ZIP_DOSDATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const ZIP_EXTERNAL_ATTR = 0o100644 * 65536;

  // Python's ZipInfo.FileHeader(zip64) (3.11): a member with file_size * 1.05 > ZIP64_LIMIT gets the
  // zip64 extra in its local header, sizes 0xffffffff there, and version 45 in both of its headers.
  const zip64Member = (e) => e.size * 1.05 > ZIP64_LIMIT;

  function zipLocalHeader(e) {
    const zip64 = zip64Member(e);
    const h = new Uint8Array(30 + e.name.length + (zip64 ? 20 : 0));
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, zip64 ? 45 : 20, true); // version needed
    v.setUint16(6, e.flags, true);
    v.setUint16(8, 0, true); // stored
    v.setUint16(10, 0, true); // 00:00:00
    v.setUint16(12, ZIP_DOSDATE, true);
    v.setUint32(14, e.crc, true);
    v.setUint32(18, zip64 ? 0xffffffff : e.size, true);
    v.setUint32(22, zip64 ? 0xffffffff : e.size, true);
    v.setUint16(26, e.name.length, true);
    v.setUint16(28, zip64 ? 20 : 0, true);
    h.set(e.name, 30);
    if (zip64) {
      const o = 30 + e.name.length;
      v.setUint16(o, 1, true);
      v.setUint16(o + 2, 16, true);
      v.setBigUint64(o + 4, BigInt(e.size), true);
      v.setBigUint64(o + 12, BigInt(e.size), true);
    }
    return h;
  }

  function zipCentralHeader(e) {
    const h = new Uint8Array(46 + e.name.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x02014b50, true);
    const version = zip64Member(e) ? 45 : 20;
    v.setUint8(4, version); // create_version
    v.setUint8(5, 3); // create_system: Unix
    v.setUint16(6, version, true); // extract_version (byte) + reserved (byte 0)
    v.setUint16(8, e.flags, true);
    v.setUint16(10, 0, true);
    v.setUint16(12, 0, true);
    v.setUint16(14, ZIP_DOSDATE, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, e.size, true);
    v.setUint32(24, e.size, true);
    v.setUint16(28, e.name.length, true);
    // extra length, comment length, disk number, internal attributes: 0
    v.setUint32(38, ZIP_EXTERNAL_ATTR, true);
    v.setUint32(42, e.offset, true);
    h.set(e.name, 46);
    return h;
  }

  /**
   * Plan the bid package of build_bid_package without reading the attachments:
   * members sorted by UTF-8 name, stored, 1980-01-01, mode 0644.  `files` is a
   * list of {name, data: Uint8Array | Blob}.  Returns {entries, size}; the
   * CRC-32 of Blob members is filled in by planCrcs() (one streaming pass).
   */
  function planBidPackage(form, files) {
    const normalised = validateBidForm(form);
    const entries = [{ name: utf8('bid.json'), label: 'bid.json', data: canonicalJson(normalised) }];
    const folded = new Set();
    for (const f of files || []) {
      const clean = validateFileName(f.name);
      const key = clean.toUpperCase().toLowerCase();
      if (folded.has(key)) throw new SealError('local.file_name', `duplicate attachment name ${JSON.stringify(f.name)}`);
      folded.add(key);
      entries.push({ name: utf8('files/' + clean), label: clean, data: f.data });
    }
    entries.sort((a, b) => compareBytes(a.name, b.name));
    if (entries.length > 0xffff) throw new SealError('local.too_large', 'too many attachments');
    let offset = 0;
    let central = 0;
    for (const e of entries) {
      e.size = e.data instanceof Uint8Array ? e.data.length : e.data.size;
      e.flags = e.name.every((b) => b < 0x80) ? 0 : 0x800;
      e.crc = e.data instanceof Uint8Array ? crc32(e.data) : null;
      e.offset = offset;
      if (e.size > ZIP64_LIMIT || offset > ZIP64_LIMIT) throw new SealError('local.too_large', 'the bid is too large (at most 2 GB)');
      offset += 30 + e.name.length + (zip64Member(e) ? 20 : 0) + e.size;
      central += 46 + e.name.length;
    }
    if (offset > ZIP64_LIMIT || central > ZIP64_LIMIT) throw new SealError('local.too_large', 'the bid is too large (at most 2 GB)');
    return { entries, centralOffset: offset, centralSize: central, size: offset + central + 22 };
  }

  async function readBlob(blob, start, end) {
    try {
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    } catch (e) {
      throw new SealError('local.file_changed', 'an attachment could not be read (was it changed or moved while sealing?)');
    }
  }

  /** First streaming pass: the CRC-32 of every Blob member, read in `step`-byte slices. */
  async function planCrcs(plan, onBytes, step) {
    const size = step || 1 << 20;
    for (const e of plan.entries) {
      if (e.crc !== null) continue;
      let crc = 0;
      for (let o = 0; o < e.size; o += size) {
        const part = await readBlob(e.data, o, Math.min(e.size, o + size));
        if (part.length !== Math.min(size, e.size - o)) throw new SealError('local.file_changed', `attachment ${e.label} changed while sealing`);
        crc = crc32(part, crc);
        if (onBytes) onBytes(part.length);
      }
      e.crc = crc;
    }
    return plan;
  }

  /** The package as a list of segments: Uint8Array, or {blob, size, label} read lazily. */
  function packageSegments(plan) {
    const segs = [];
    for (const e of plan.entries) {
      segs.push(zipLocalHeader(e));
      segs.push(e.data instanceof Uint8Array ? e.data : { blob: e.data, size: e.size, label: e.label });
    }
    for (const e of plan.entries) segs.push(zipCentralHeader(e));
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, plan.entries.length, true);
    v.setUint16(10, plan.entries.length, true);
    v.setUint32(12, plan.centralSize, true);
    v.setUint32(16, plan.centralOffset, true);
    segs.push(end);
    return segs;
  }

  /** A sequential reader over segments: read(n) returns exactly min(n, remaining) bytes. */
  function segmentReader(segments) {
    let index = 0;
    let pos = 0;
    return {
      async read(n) {
        const out = new Uint8Array(n);
        let filled = 0;
        while (filled < n && index < segments.length) {
          const seg = segments[index];
          const segSize = seg instanceof Uint8Array ? seg.length : seg.size;
          const take = Math.min(n - filled, segSize - pos);
          if (take > 0) {
            const part = seg instanceof Uint8Array ? seg.subarray(pos, pos + take) : await readBlob(seg.blob, pos, pos + take);
            if (part.length !== take) throw new SealError('local.file_changed', `attachment ${seg.label} changed while sealing`);
            out.set(part, filled);
            filled += take;
            pos += take;
          }
          if (pos >= segSize) {
            index++;
            pos = 0;
          }
        }
        return filled === n ? out : out.subarray(0, filled);
      },
    };
  }

  /** Whole bid package in memory (bid-sized inputs and tests); same bytes as envelope.build_bid_package. */
  async function buildBidPackage(form, files) {
    const plan = await planCrcs(planBidPackage(form, files));
    return segmentReader(packageSegments(plan)).read(plan.size);
  }

  // ------------------------------------------------------------------ key files

  const KEYS_SUITE = { 'intl-v1': 'intl', 'gm-v1': 'gm' };

  /** Parse and check a bidder key file (etender bid keygen); private keys required. */
  async function parseBidderKeys(data) {
    const bad = (m) => new SealError('local.key', m);
    if (!data || typeof data !== 'object' || data.type !== 'etender-bidder-keys') throw bad('not an etender bidder key file (type must be "etender-bidder-keys")');
    const suiteName = KEYS_SUITE[data.suite];
    if (!suiteName) throw bad(`unsupported key suite ${JSON.stringify(data.suite)}`);
    const s = SUITES[suiteName];
    if (data.encryption_private == null || data.signing_private == null) throw bad('the key file has no private keys (use the .key.json file, not .pub.json)');
    const keys = {
      suite: suiteName,
      encryptionPublic: b64decode(data.encryption_public, s.publicKeySize, 'encryption_public'),
      signingPublic: b64decode(data.signing_public, s.publicKeySize, 'signing_public'),
      encryptionPrivate: b64decode(data.encryption_private, 32, 'encryption_private'),
      signingPrivate: b64decode(data.signing_private, 32, 'signing_private'),
    };
    if (!equalBytes(await s.encryptionPublic(keys.encryptionPrivate), keys.encryptionPublic)) throw bad('encryption_private does not match encryption_public');
    if (!equalBytes(await s.signingPublic(keys.signingPrivate), keys.signingPublic)) throw bad('signing_private does not match signing_public');
    keys.keyId = await s.keyId(keys.encryptionPublic);
    keys.signingKeyId = await s.keyId(keys.signingPublic);
    if ('key_id' in data && data.key_id !== keys.keyId) throw bad('key_id does not match encryption_public');
    if ('signing_key_id' in data && data.signing_key_id !== keys.signingKeyId) throw bad('signing_key_id does not match signing_public');
    return keys;
  }

  /** A custodian's per-tender key pair in the file format of `etender custodian keygen`. */
  async function generateCustodianKey(suiteName) {
    const s = getSuite(suiteName);
    const pair = await s.generateEncryptionKeyPair();
    return { type: 'etender-custodian-key', suite: s.name, key_id: await s.keyId(pair.public), public_key: b64encode(pair.public), private_key: b64encode(pair.private) };
  }

  /** Parse a custodian key file; returns {suite, keyId, public, private}. */
  async function parseCustodianKey(data, expectedSuite) {
    const bad = (m) => new SealError('local.key', m);
    if (!data || typeof data !== 'object' || data.type !== 'etender-custodian-key') throw bad('not an etender custodian key file (type must be "etender-custodian-key")');
    const s = SUITES[data.suite];
    if (!s) throw bad(`unsupported custodian key suite ${JSON.stringify(data.suite)}`);
    if (expectedSuite && s.name !== expectedSuite) throw bad(`this tender uses suite ${expectedSuite}, the key file is for ${s.name}`);
    const priv = b64decode(data.private_key, 32, 'private_key');
    const pub = await s.encryptionPublic(priv);
    if (data.public_key != null && !equalBytes(b64decode(data.public_key, s.publicKeySize, 'public_key'), pub)) throw bad('private_key does not match public_key');
    const keyId = await s.keyId(pub);
    if (data.key_id != null && data.key_id !== keyId) throw bad('key_id does not match the key');
    return { suite: s.name, keyId, public: pub, private: priv };
  }

  // ------------------------------------------------------------------ envelope

  const MAGIC = utf8('ETENV\u0000');
  const DEFAULT_CHUNK_SIZE = 1 << 20;
  const MAX_CHUNK_SIZE = 1 << 24;
  const MAX_HEADER_SIZE = 1 << 16;
  const V1 = {
    wrapInfo: utf8('etender-envelope-v1 wrap'),
    commitPrefix: utf8('etender-dek-commit-v1'),
    manifestContext: utf8('etender-envelope-v1 manifest\u0000'),
  };
  const V2 = {
    commitPrefix: utf8('etender-dek-commit-v2\u0000'),
    wrapPrefix: utf8('etender-envelope-v2 wrap\u0000'),
    manifestContext: utf8('etender-envelope-v2 manifest\u0000'),
  };

  function formatCreatedAt(date) {
    const d = date || new Date();
    return d.toISOString().slice(0, 19) + 'Z';
  }

  function chunkNonce(prefix, index) {
    return concat(prefix, u32be(index));
  }

  function wrapContextV2({ tender, lot, bidder, dekCommitment, kind, index, keyId }) {
    return concat(V2.wrapPrefix, canonicalJson({ bidder, dek_commitment: dekCommitment, index, key_id: keyId, kind, lot, tender }));
  }

  async function dekCommitmentV2(s, dek, tender, lot, bidder) {
    return s.hash(concat(V2.commitPrefix, dek, canonicalJson({ bidder, lot, tender })));
  }

  /** Check the tender's custodian set ({index, name, public_key|public, key_id}) against the suite. */
  async function checkCustodians(s, custodians, threshold) {
    if (!Array.isArray(custodians) || !custodians.length || custodians.length > 32) throw new SealError('local.custodians', 'the tender has no valid custodian set');
    const out = [];
    for (const c of custodians) {
      const pub = c.public instanceof Uint8Array ? c.public : b64decode(c.public_key || '', s.publicKeySize, `public key of custodian ${c.index}`);
      if (typeof c.name !== 'string' || !c.name || [...c.name].length > 256) throw new SealError('local.custodians', `custodian ${c.index}: invalid name`);
      const kid = await s.keyId(pub);
      if (c.key_id !== kid) throw new SealError('local.custodians', `custodian ${c.index}: key_id does not match its public key`);
      out.push({ index: c.index, name: c.name, public: pub, keyId: kid });
    }
    out.sort((a, b) => a.index - b.index);
    if (out.some((c, i) => c.index !== i + 1)) throw new SealError('local.custodians', 'custodian indices must be 1..n');
    if (new Set(out.map((c) => c.keyId)).size !== out.length) throw new SealError('local.custodians', 'two custodians have the same key');
    if (!(Number.isInteger(threshold) && threshold >= 1 && threshold <= out.length)) throw new SealError('local.custodians', 'invalid threshold');
    return out;
  }

  /**
   * Seal a plaintext into an envelope, streaming.
   *
   * opts: format (1 | 2), suite ('intl' | 'gm'; format 1 is always intl), tender, lot, bidder,
   *   keys (parseBidderKeys), custodians + threshold (format 2), plaintext ({size, read(n)}),
   *   sink ({write(Uint8Array)}), createdAt (Date), chunkSize, onProgress(doneBytes, totalBytes),
   *   randomness (test vectors only: the inputs of the Python _SealRandomness/_SealRandomnessV2).
   * Returns {header, headerBytes, manifest, signature, size, fileSha256}.
   */
  async function sealEnvelope(opts) {
    await ready();
    const format = Number(opts.format);
    if (format !== 1 && format !== 2) throw new SealError('local.format', `unknown envelope format ${opts.format}`);
    const s = format === 1 ? SUITES.intl : getSuite(opts.suite);
    const { tender, lot, bidder, keys, plaintext, sink } = opts;
    for (const [k, v] of Object.entries({ tender, lot, bidder })) if (typeof v !== 'string' || !v) throw new SealError('local.form', `${k} must be a non-empty string`);
    if (keys.suite !== s.name) throw new SealError('local.key_suite', `this tender needs ${s.keysId} keys, the key file has ${SUITES[keys.suite].keysId} keys`);
    const chunkSize = opts.chunkSize || DEFAULT_CHUNK_SIZE;
    if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && chunkSize <= MAX_CHUNK_SIZE)) throw new Error('bad chunk size');
    const rnd = opts.randomness || {};
    const size = plaintext.size;
    if (!Number.isSafeInteger(size) || size < 0) throw new Error('bad plaintext size');
    const count = Math.max(1, Math.ceil(size / chunkSize));
    const createdAt = typeof opts.createdAt === 'string' ? opts.createdAt : formatCreatedAt(opts.createdAt);
    const dek = rnd.dek || randomBytes(format === 1 ? 32 : 16);
    const noncePrefix = rnd.nonce_prefix || randomBytes(8);
    const context = canonicalJson({ bidder, lot, tender });
    const signerKeyId = await s.keyId(keys.signingPublic);

    let header;
    let shares = null;
    if (format === 1) {
      const recipient = keys.encryptionPublic;
      const ephemeral = rnd.ephemeral_private || randomBytes(32);
      let wrapNonce = rnd.wrap_nonce || randomBytes(12);
      while (wrapNonce.every((b) => b === 0)) wrapNonce = randomBytes(12);
      const epk = await okpPublic(ephemeral, 'X25519');
      const shared = await x25519(ephemeral, recipient);
      const kek = await hkdfSha256(shared, concat(epk, recipient), V1.wrapInfo, 32);
      header = {
        format: 'etender-envelope',
        version: 1,
        suite: 'intl-v1',
        tender,
        lot,
        bidder,
        created_at: createdAt,
        chunk_size: chunkSize,
        nonce_prefix: b64encode(noncePrefix),
        plaintext_size: size,
        dek_commitment: hex(await sha256(concat(V1.commitPrefix, dek, context))),
        recipients: [{ kind: 'bidder', key_id: await SUITES.intl.keyId(recipient), epk: b64encode(epk), nonce: b64encode(wrapNonce), wrapped_dek: b64encode(await aesGcmEncrypt(kek, wrapNonce, dek, null)) }],
        signer: { kind: 'ed25519', key_id: signerKeyId },
      };
    } else {
      const cset = await checkCustodians(s, opts.custodians, opts.threshold);
      const t = opts.threshold;
      const commitment = hex(await dekCommitmentV2(s, dek, tender, lot, bidder));
      shares = shamirSplit(dek, t, cset.length, rnd.share_coefficients);
      // Self-check as the reference sealer: t shares give the DEK, the others lie on the same polynomial.
      if (!equalBytes(shamirCombine(shares.slice(0, t)), dek) || shares.slice(t).some(([i, v]) => !equalBytes(shamirInterpolate(shares.slice(0, t), i), v))) {
        throw new Error('secret sharing self-check failed');
      }
      const ctx = (kind, index, keyId) => wrapContextV2({ tender, lot, bidder, dekCommitment: commitment, kind, index, keyId });
      const bidderKid = await s.keyId(keys.encryptionPublic);
      const recipients = [{ kind: 'bidder', key_id: bidderKid, wrapped_dek: b64encode(await s.wrap(dek, keys.encryptionPublic, ctx('bidder', 0, bidderKid), rnd.bidder_ephemeral)) }];
      for (let pos = 0; pos < cset.length; pos++) {
        const c = cset[pos];
        const eph = rnd.custodian_ephemerals ? rnd.custodian_ephemerals[pos] : undefined;
        const blob = await s.wrap(shares[c.index - 1][1], c.public, ctx('custodian', c.index, c.keyId), eph);
        recipients.push({ kind: 'custodian', index: c.index, name: c.name, key_id: c.keyId, wrapped_share: b64encode(blob) });
      }
      header = {
        format: 'etender-envelope',
        version: 2,
        suite: s.envelopeId,
        tender,
        lot,
        bidder,
        created_at: createdAt,
        chunk_size: chunkSize,
        nonce_prefix: b64encode(noncePrefix),
        plaintext_size: size,
        dek_commitment: commitment,
        threshold: t,
        recipients,
        signer: { kind: s.signerKind, key_id: signerKeyId },
      };
    }
    shares = null;
    const headerBytes = canonicalJson(header);
    if (headerBytes.length > MAX_HEADER_SIZE) throw new SealError('local.too_large', 'envelope header too large');
    const headerDigest = format === 1 ? await sha256(headerBytes) : await s.hash(headerBytes);

    const fileHash = newSha256();
    let written = 0;
    const write = async (bytes) => {
      fileHash.update(bytes);
      written += bytes.length;
      await sink.write(bytes);
    };
    await write(concat(MAGIC, new Uint8Array([format]), u32be(headerBytes.length), headerBytes));

    const ctHash = format === 1 ? newSha256() : s.newHasher();
    const aeadKey = format === 1 ? await subtle.importKey('raw', dek, 'AES-GCM', false, ['encrypt']) : await s.aeadKey(dek);
    const aead = format === 1 ? SUITES.intl.aeadEncrypt : s.aeadEncrypt;
    let remaining = size;
    for (let i = 0; i < count; i++) {
      const final = i === count - 1;
      const want = final ? remaining : chunkSize;
      const data = await plaintext.read(want);
      if (data.length !== want) throw new SealError('local.file_changed', 'the bid changed size while it was being sealed');
      const chunk = await aead(aeadKey, chunkNonce(noncePrefix, i), data, concat(headerDigest, new Uint8Array([final ? 1 : 0])));
      ctHash.update(chunk);
      await write(chunk);
      remaining -= want;
      if (opts.onProgress) opts.onProgress(size - remaining, size);
    }

    let manifest;
    let signingInput;
    if (format === 1) {
      manifest = { header_sha256: hex(headerDigest), ciphertext_sha256: hex(ctHash.digest()), tender, lot, bidder, created_at: createdAt };
      signingInput = concat(V1.manifestContext, canonicalJson(manifest));
    } else {
      manifest = { header_hash: hex(headerDigest), ciphertext_hash: hex(ctHash.digest()), dek_commitment: header.dek_commitment, tender, lot, bidder, created_at: createdAt };
      signingInput = concat(V2.manifestContext, canonicalJson(manifest));
    }
    const signature = await s.sign(keys.signingPrivate, signingInput, rnd.signature_k);
    if (!(await s.verify(keys.signingPublic, signingInput, signature))) throw new Error('signature self-check failed');
    const trailer = canonicalJson({ manifest, signature: b64encode(signature) });
    await write(concat(u32be(trailer.length), trailer));
    return { header, headerBytes, manifest, signature, size: written, fileSha256: hex(fileHash.digest()) };
  }

  /** Collects an envelope as a Blob without keeping the chunks in the JS heap. */
  function blobSink(type) {
    let blob = new Blob([], { type: type || 'application/octet-stream' });
    return {
      write(bytes) {
        blob = new Blob([blob, bytes], { type: blob.type });
      },
      get blob() {
        return blob;
      },
    };
  }

  /**
   * Everything the bid page does before the upload: plan the bid package,
   * CRC pass, seal.  files: [{name, data: Blob | Uint8Array}].
   * Returns {blob (if no sink given), info}.
   */
  const MAX_ENVELOPE_BYTES = 2 * 1024 * 1024 * 1024; // the platform's limit (bids/services.py)

  async function sealBid({ form, files, keys, format, suite, custodians, threshold, onProgress, sink, chunkSize, createdAt, randomness }) {
    await ready();
    const plan = planBidPackage(form, files);
    const chunks = Math.max(1, Math.ceil(plan.size / (chunkSize || DEFAULT_CHUNK_SIZE)));
    if (plan.size + 16 * chunks + 2 * MAX_HEADER_SIZE + 15 > MAX_ENVELOPE_BYTES) throw new SealError('local.too_large', zh() ? '投标文件过大（加密后不得超过 2 GB）' : 'the bid is too large (at most 2 GB sealed)');
    const crcBytes = plan.entries.reduce((n, e) => n + (e.data instanceof Uint8Array ? 0 : e.size), 0);
    const total = crcBytes + plan.size;
    let done = 0;
    const report = () => onProgress && onProgress(done, total);
    report();
    await planCrcs(plan, (n) => {
      done += n;
      report();
    });
    const out = sink || blobSink();
    const info = await sealEnvelope({
      format,
      suite,
      tender: form.tender,
      lot: form.lot,
      bidder: form.bidder,
      keys,
      custodians,
      threshold,
      plaintext: { size: plan.size, ...segmentReader(packageSegments(plan)) },
      sink: out,
      chunkSize,
      createdAt,
      randomness,
      onProgress: (d) => {
        done = crcBytes + d;
        report();
      },
    });
    return { blob: sink ? null : out.blob, info };
  }

  // ------------------------------------------------------------------ custodian side

  /**
   * envelope.decrypt_share: this custodian's 16-byte share of a v2 envelope,
   * from the header object alone.  Throws SealError('local.wrong_key', …).
   */
  async function decryptShare(header, custodianIndex, custodianPrivate) {
    const wrong = (m) => new SealError('local.wrong_key', m);
    if (!header || header.format !== 'etender-envelope' || header.version !== 2) throw wrong('not a format 2 envelope header (no custodian shares)');
    const s = Object.values(SUITES).find((x) => x.envelopeId === header.suite);
    if (!s) throw wrong(`unsupported suite ${JSON.stringify(header.suite)}`);
    for (const k of ['tender', 'lot', 'bidder', 'dek_commitment']) if (typeof header[k] !== 'string' || !header[k]) throw wrong(`header ${k} missing`);
    const entry = (header.recipients || []).find((r) => r && r.kind === 'custodian' && r.index === custodianIndex);
    if (!entry) throw wrong(`envelope has no custodian ${custodianIndex}`);
    const kid = await s.keyId(await s.encryptionPublic(custodianPrivate));
    if (kid !== entry.key_id) throw wrong(`custodian ${custodianIndex} share is sealed to key ${entry.key_id}, not ${kid}`);
    let blob;
    try {
      blob = b64decode(entry.wrapped_share, s.wrappedSize(16), 'wrapped_share');
    } catch (e) {
      throw wrong(e.message);
    }
    const context = wrapContextV2({ tender: header.tender, lot: header.lot, bidder: header.bidder, dekCommitment: header.dek_commitment, kind: 'custodian', index: custodianIndex, keyId: kid });
    let share;
    try {
      share = await s.unwrap(blob, custodianPrivate, context);
    } catch (e) {
      throw wrong(`custodian ${custodianIndex} share could not be unwrapped`);
    }
    if (share.length !== 16) throw wrong(`custodian ${custodianIndex} share has the wrong length`);
    return share;
  }

  // ------------------------------------------------------------------ page helpers (shared with custodian.js)

  const zh = () => typeof document !== 'undefined' && /^zh/i.test(document.documentElement.lang || 'zh');

  function readFileText(file) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.onerror = () => reject(new SealError('local.read', zh() ? '无法读取文件' : 'cannot read the file'));
      r.readAsText(file, 'utf-8');
    });
  }

  async function readJsonFile(file) {
    const text = await readFileText(file);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new SealError('local.key', zh() ? '密钥文件不是有效的 JSON' : 'the key file is not valid JSON');
    }
  }

  /** fetch() JSON with session auth and the CSRF header; API errors become SealError(code, message). */
  async function api(url, { method, body, csrf, form } = {}) {
    const headers = { Accept: 'application/json' };
    if (csrf) headers['X-CSRFToken'] = csrf;
    let payload;
    if (form) payload = form;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, { method: method || 'GET', headers, body: payload, credentials: 'same-origin' });
    } catch (e) {
      throw new SealError('local.network', zh() ? '网络错误，请重试' : 'network error, please retry');
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      if (data && data.code) throw new SealError(data.code, data.message || data.message_en || '');
      throw new SealError(`HTTP ${res.status}`, res.statusText || '');
    }
    return data;
  }

  function describeError(e) {
    if (e instanceof SealError || (e && e.code)) return `${e.code} ${e.message}`.trim();
    return `${zh() ? '错误' : 'Error'}: ${(e && e.message) || e}`;
  }

  // ------------------------------------------------------------------ the bid page

  const T = {
    key: ['请选择私钥文件（bidder.key.json）', 'Choose your private key file (bidder.key.json)'],
    price: ['请填写投标报价', 'Enter the bid price'],
    priceFormat: ['投标报价应为不带千位分隔符的非负数，最多6位小数，如 1234.50', 'The price is a plain non-negative number with at most 6 decimals, e.g. 1234.50'],
    duration: ['工期应为非负整数', 'The duration must be a whole number of days'],
    reading: ['正在读取密钥…', 'Reading the key…'],
    custodians: ['正在获取开标保管人公钥…', 'Fetching the custodians’ public keys…'],
    sealing: ['正在本地加密投标文件…', 'Sealing the bid in this browser…'],
    uploading: ['正在上传已加密的投标文件…', 'Uploading the sealed envelope…'],
    done: ['投标已递交，回执编号', 'Bid received, receipt'],
    wrongKeySuite: ['密钥文件的密码套件与本项目不符', 'The key file is for another cipher suite than this tender'],
  };
  const t = (k) => T[k][zh() ? 0 : 1];

  function initSealer(root) {
    const $ = (id) => document.getElementById(id);
    const status = $('sealer-status');
    const progress = $('sealer-progress');
    const button = $('sealer-go');
    if (!button) return;
    const say = (text, state) => {
      if (status) status.textContent = text;
      if (state) root.dataset.state = state;
    };
    const setProgress = (done, total) => {
      if (!progress) return;
      progress.max = 100;
      progress.value = total ? Math.min(100, Math.floor((100 * done) / total)) : 0;
    };

    button.addEventListener('click', async () => {
      if (root.dataset.state === 'working') return;
      button.disabled = true;
      root.dataset.state = 'working';
      setProgress(0, 1);
      try {
        const d = root.dataset;
        const keyFile = $('sealer-key') && $('sealer-key').files[0];
        if (!keyFile) throw new SealError('local.key', t('key'));
        const price = ($('sealer-price') ? $('sealer-price').value : '').trim();
        if (!price) throw new SealError('local.form', t('price'));
        if (!PRICE.test(price)) throw new SealError('local.form', t('priceFormat'));
        const durationText = ($('sealer-duration') ? $('sealer-duration').value : '').trim();
        if (durationText && !/^\d+$/.test(durationText)) throw new SealError('local.form', t('duration'));
        const text = (id) => {
          const v = $(id) ? $(id).value.trim() : '';
          return v ? v : null;
        };
        const form = { tender: d.tender, lot: d.lot, bidder: d.bidder, price, currency: 'CNY', duration_days: durationText ? Number(durationText) : null, quality: text('sealer-quality'), notes: text('sealer-notes') };
        validateBidForm(form);
        const files = Array.from(($('sealer-files') && $('sealer-files').files) || []).map((f) => ({ name: f.name, data: f }));
        say(t('reading'));
        await ready();
        const keys = await parseBidderKeys(await readJsonFile(keyFile));
        const format = d.format === '2' ? 2 : 1;
        let suite = 'intl';
        let custodians = null;
        let threshold = null;
        if (format === 2) {
          say(t('custodians'));
          const cset = await api(d.custodiansUrl);
          suite = cset.suite;
          if (d.suite && d.suite !== suite) throw new SealError('local.suite', `suite ${suite} ≠ ${d.suite}`);
          custodians = cset.custodians;
          threshold = cset.threshold;
        }
        if (keys.suite !== (format === 1 ? 'intl' : suite)) throw new SealError('local.key_suite', t('wrongKeySuite'));
        say(t('sealing'));
        const { blob, info } = await sealBid({ form, files, keys, format, suite, custodians, threshold, onProgress: setProgress });
        setProgress(1, 1);
        say(t('uploading'));
        const body = new FormData();
        body.append('file', blob, `${d.lot}-${d.bidder}.etenv`);
        const receipt = await api(d.submitUrl, { method: 'POST', form: body, csrf: d.csrf });
        const r = receipt && receipt.receipt ? receipt.receipt : {};
        say(`${t('done')} ${r.lot || ''}-${r.sequence || ''} · SHA-256 ${info.fileSha256}`, 'done');
        root.dataset.sha256 = info.fileSha256;
        setTimeout(() => location.reload(), 300);
      } catch (e) {
        say(describeError(e), 'error');
        button.disabled = false;
        if (typeof console !== 'undefined') console.error(e);
      }
    });
    root.dataset.state = 'ready';
  }

  const exported = {
    ready,
    SealError,
    utf8,
    concat,
    hex,
    fromHex,
    b64encode,
    b64decode,
    equalBytes,
    canonicalJson,
    canonicalString,
    sha256,
    sm3: async (data) => (await ready(), sm3(data)),
    newHasher: (name) => (name === 'sm3' ? newSm3() : newSha256()),
    crc32,
    suites: SUITES,
    getSuite,
    sm2: { sign: sm2Sign, verify: sm2Verify, encrypt: sm2Encrypt, decrypt: sm2Decrypt, z: sm2Z, publicFromPrivate: sm2PublicFromPrivate },
    shamir: { split: shamirSplit, combine: shamirCombine, interpolate: shamirInterpolate },
    validateBidForm,
    validateFileName,
    planBidPackage,
    planCrcs,
    packageSegments,
    segmentReader,
    buildBidPackage,
    zipLocalHeader,
    parseBidderKeys,
    generateCustodianKey,
    parseCustodianKey,
    sealEnvelope,
    sealBid,
    blobSink,
    decryptShare,
    readJsonFile,
    api,
    describeError,
    initSealer,
  };
  globalThis.EtenderCrypto = exported;

  if (typeof document !== 'undefined') {
    const start = () => {
      const root = document.getElementById('browser-sealer');
      if (root && SCRIPT_SRC) initSealer(root);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();

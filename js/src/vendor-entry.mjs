// The third-party code etender's in-browser sealing needs besides WebCrypto,
// bundled by build.mjs into static/etender/vendor/etender-crypto-libs.mjs.
//
// * @noble/hashes: incremental SHA-256 (WebCrypto's digest() is one-shot, but
//   the envelope hashes the whole ciphertext while it streams).
// * sm-crypto-v2 (built on @noble/curves, @noble/hashes, @noble/ciphers): the
//   SM2 curve, SM3 and SM4-GCM of the `gm` suite.  Its public API hashes SM3 in
//   one shot only and does not expose the curve, so build.mjs re-exports two of
//   its module-level bindings unchanged: `sm3` (the incremental noble-style
//   hasher, `sm3.create()`) and `sm2Curve` (the noble weierstrass curve).
export { sha256 } from '@noble/hashes/sha2';
export { sm2, sm4 } from 'sm-crypto-v2';
export { sm3Hasher, sm2Curve } from 'sm-crypto-v2';

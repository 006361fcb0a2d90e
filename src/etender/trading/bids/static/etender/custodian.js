/*
 * etender opening custodian tools in the browser (docs/browser-sealing.md).
 *
 * On the custodian page (#custodian-tools):
 *   1. #custodian-keygen: make the per-tender key pair of the tender's suite here,
 *      offer the private key file for download (the JSON of `etender custodian
 *      keygen`) and register only the public key (POST {public_key}).
 *   2. #custodian-release (after the deadline): read the private key file
 *      locally, fetch the envelope headers, decrypt this custodian's share of
 *      each bid here (envelope.decrypt_share) and release the shares
 *      (POST {shares: {bid_id: base64}}).  The private key is not sent.
 *   3. #custodian-publish (after the opening): publish the private key
 *      (POST {private_key}) so that anyone can re-check the opening.
 *
 * The envelope code is sealer.js (globalThis.EtenderCrypto), loaded from next
 * to this file; like sealer.js this is a plain script that also loads as a
 * module (the Node tests import it and use globalThis.EtenderCustodian).
 */
(function () {
  'use strict';

  const SCRIPT_SRC = typeof document !== 'undefined' && document.currentScript && document.currentScript.src ? document.currentScript.src : null;

  /** The shared envelope code (sealer.js) with its vendored libraries loaded. */
  async function core() {
    if (!globalThis.EtenderCrypto) {
      if (!SCRIPT_SRC) throw new Error('custodian.js: sealer.js is not loaded');
      await import(new URL('sealer.js', SCRIPT_SRC).href);
    }
    const E = globalThis.EtenderCrypto;
    await E.ready(SCRIPT_SRC ? new URL('vendor/etender-crypto-libs.mjs', SCRIPT_SRC).href : undefined);
    return E;
  }

  /** A fresh key file {type, suite, key_id, public_key, private_key} for the tender's suite. */
  async function makeKey(suite) {
    const E = await core();
    return E.generateCustodianKey(suite);
  }

  /**
   * Decrypt this custodian's share of every bid, locally.
   * rows: GET envelope-headers ([{bid_id, bidder, envelope_sha256, header}]);
   * keyFile: the parsed key file.  Returns {shares: {bid_id: base64}, failed: [{bid_id, bidder, error}]}.
   */
  async function decryptShares(rows, keyFile, index, suite) {
    const E = await core();
    const key = await E.parseCustodianKey(keyFile, suite);
    const shares = {};
    const failed = [];
    for (const row of rows || []) {
      try {
        shares[String(row.bid_id)] = E.b64encode(await E.decryptShare(row.header, index, key.private));
      } catch (e) {
        failed.push({ bid_id: row.bid_id, bidder: row.bidder, error: E.describeError(e) });
      }
    }
    return { shares, failed, keyId: key.keyId };
  }

  // ------------------------------------------------------------------ the page

  const zh = () => /^zh/i.test((typeof document !== 'undefined' && document.documentElement.lang) || 'zh');
  const M = {
    making: ['正在本机生成保管密钥…', 'Making the key pair in this browser…'],
    registered: ['公钥已登记，密钥标识', 'Public key registered, key id'],
    keep: ['请妥善保存已下载的私钥文件，开标时需要使用。', 'Keep the downloaded private key file: you need it at the opening.'],
    chooseKey: ['请先选择您的保管私钥文件', 'Choose your private key file first'],
    notRegistered: ['该私钥文件不是本项目登记的保管密钥', 'This key file is not the key registered for this tender'],
    fetching: ['正在获取投标文件信封头…', 'Fetching the envelope headers…'],
    decrypting: ['正在本机解密份额…', 'Decrypting your shares in this browser…'],
    released: ['已提交份额', 'Shares released'],
    opened: ['已解密投标', 'bids opened'],
    failedShares: ['无法解密的投标', 'could not decrypt bids'],
    none: ['没有需要解密的投标', 'There are no bids to decrypt'],
    published: ['保管私钥已公开', 'Your key is published'],
  };
  const m = (k) => M[k][zh() ? 0 : 1];

  function download(filename, text) {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function init(root) {
    const $ = (id) => document.getElementById(id);
    const status = $('custodian-status');
    const d = root.dataset;
    const index = Number(d.index);
    const say = (text, state) => {
      if (status) status.textContent = text;
      if (state) root.dataset.state = state;
    };

    async function keyFromInput() {
      const E = await core();
      const input = $('custodian-keyfile');
      const file = input && input.files && input.files[0];
      if (!file) throw new E.SealError('local.key', m('chooseKey'));
      const data = await E.readJsonFile(file);
      const key = await E.parseCustodianKey(data, d.suite);
      const registered = $('custodian-key-id') ? $('custodian-key-id').textContent.trim() : '';
      if (registered && registered !== key.keyId) throw new E.SealError('local.key', `${m('notRegistered')} (${key.keyId} ≠ ${registered})`);
      return { data, key };
    }

    const run = (button, task) => async () => {
      if (root.dataset.state === 'working') return;
      root.dataset.state = 'working';
      if (button) button.disabled = true;
      try {
        await task(button);
      } catch (e) {
        const E = globalThis.EtenderCrypto;
        say(E ? E.describeError(e) : String(e && e.message), 'error');
        if (button) button.disabled = false;
        if (typeof console !== 'undefined') console.error(e);
      }
    };

    const keygen = $('custodian-keygen');
    if (keygen) {
      keygen.addEventListener('click', run(keygen, async () => {
        say(m('making'));
        const E = await core();
        const file = await E.generateCustodianKey(d.suite);
        download(`custodian-${index}-${file.key_id.slice(0, 8)}.key.json`, JSON.stringify(file, null, 2));
        const r = await E.api(d.keyUrl, { method: 'POST', body: { public_key: file.public_key }, csrf: d.csrf });
        if (r && r.key_id && r.key_id !== file.key_id) throw new E.SealError('local.key', `key id ${r.key_id} ≠ ${file.key_id}`);
        if ($('custodian-key-id')) $('custodian-key-id').textContent = file.key_id;
        root.dataset.keyId = file.key_id;
        say(`${m('registered')} ${file.key_id}. ${m('keep')}`, 'key-registered');
      }));
    }

    const releases = root.querySelectorAll('#custodian-release, [data-custodian-release]');
    releases.forEach((button) => {
      button.addEventListener('click', run(button, async () => {
        const E = await core();
        const { data } = await keyFromInput();
        const headersUrl = button.dataset.headersUrl || d.headersUrl;
        const sharesUrl = button.dataset.sharesUrl || d.sharesUrl;
        say(m('fetching'));
        const rows = await E.api(headersUrl);
        if (!rows || !rows.length) {
          say(m('none'), 'released');
          return;
        }
        say(m('decrypting'));
        const { shares, failed } = await decryptShares(rows, data, index, d.suite);
        let text = '';
        if (Object.keys(shares).length) {
          const r = await E.api(sharesUrl, { method: 'POST', body: { shares }, csrf: d.csrf });
          text = `${m('released')}: ${r.stored}; ${m('opened')}: ${r.opened}.`;
        }
        if (failed.length) text += ` ${m('failedShares')}: ${failed.map((f) => `${f.bid_id} (${f.bidder}): ${f.error}`).join('; ')}`;
        say(text.trim(), failed.length && !Object.keys(shares).length ? 'error' : 'released');
      }));
    });

    const publish = $('custodian-publish');
    if (publish) {
      publish.addEventListener('click', run(publish, async () => {
        const E = await core();
        const { data } = await keyFromInput();
        await E.api(d.publishUrl, { method: 'POST', body: { private_key: data.private_key }, csrf: d.csrf });
        say(m('published'), 'published');
      }));
    }
    root.dataset.state = 'ready';
  }

  globalThis.EtenderCustodian = { core, makeKey, decryptShares, init };

  if (typeof document !== 'undefined') {
    const start = () => {
      const root = document.getElementById('custodian-tools');
      if (root && SCRIPT_SRC) init(root);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();

// Checks the inclusion proof on an action's page again, in the browser: recomputes the Merkle root
// from the entry's bytes and the audit path (RFC 9162 §2.1.3.2, with the hashes of
// chain/src/main/java/dev/agora/chain/Hashes.java: leaf = SHA-256(0x00 || body),
// node = SHA-256(0x01 || left || right)) and compares it with the checkpoint's root. The data
// comes from the page's data- attributes; nothing is fetched.
'use strict';
(function () {
  function bytes(base64) {
    const s = atob(base64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      out[i] = s.charCodeAt(i);
    }
    return out;
  }

  async function hash(prefix, ...parts) {
    const buf = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
    buf[0] = prefix;
    let at = 1;
    for (const p of parts) {
      buf.set(p, at);
      at += p.length;
    }
    return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  }

  async function verify(el) {
    const index = BigInt(el.dataset.index);
    const size = BigInt(el.dataset.size);
    const path = el.dataset.path ? el.dataset.path.split(' ').map(bytes) : [];
    const root = bytes(el.dataset.root);
    if (index < 0n || index >= size) {
      return false;
    }
    let fn = index;
    let sn = size - 1n;
    let r = await hash(0, bytes(el.dataset.body));
    for (const p of path) {
      if (sn === 0n) {
        return false;
      }
      if ((fn & 1n) === 1n || fn === sn) {
        r = await hash(1, p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await hash(1, r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && r.length === root.length && r.every((b, i) => b === root[i]);
  }

  async function check() {
    const el = document.getElementById('proof');
    const out = document.getElementById('proof-result');
    if (!el || !out) {
      return;
    }
    let state;
    if (!window.crypto || !crypto.subtle) {
      state = 'unchecked';
      out.textContent = 'cannot check here: the browser offers SHA-256 only to https pages';
    } else {
      try {
        state = (await verify(el)) ? 'verified' : 'failed';
      } catch (e) {
        state = 'failed';
      }
      out.textContent = state === 'verified' ? 'verified' : 'does not verify';
    }
    out.className = state === 'verified' ? 'ok' : 'bad';
    out.dataset.state = state;
  }

  check();
})();

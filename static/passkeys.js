// Passkeys: the WebAuthn ceremonies of the account's security page (add
// one) and of the second factor's page (use one). The server sends the
// options as JSON with binary fields in base64url; the browser's API takes
// and gives ArrayBuffers, so they are converted both ways here.
(function () {
  'use strict';

  function decode(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function encode(buf) {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'] || '';
    } catch (e) {
      return '';
    }
  }

  async function post(url, body, json) {
    const headers = { 'X-CSRF-Token': csrf() };
    if (json) headers['Content-Type'] = 'application/json';
    const r = await fetch(url, { method: 'POST', headers: headers, body: body, credentials: 'same-origin' });
    let data = {};
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (!r.ok) throw new Error(data.error || 'The request failed (' + r.status + '). Reload the page and try again.');
    return data;
  }

  function show(el, msg) {
    if (!el) return;
    el.textContent = msg;
    el.hidden = !msg;
  }

  function why(err) {
    if (err && err.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out.';
    if (err && err.name === 'InvalidStateError') return 'This authenticator already holds a passkey for your account.';
    return (err && err.message) || 'The passkey did not work.';
  }

  function credentialJSON(cred) {
    const r = cred.response;
    const out = {
      id: cred.id, rawId: encode(cred.rawId), type: cred.type,
      response: { clientDataJSON: encode(r.clientDataJSON) },
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    };
    if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
    if (r.attestationObject) {
      out.response.attestationObject = encode(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = encode(r.authenticatorData);
      out.response.signature = encode(r.signature);
      if (r.userHandle) out.response.userHandle = encode(r.userHandle);
    }
    return JSON.stringify(out);
  }

  function unsupported(el) {
    if (window.PublicKeyCredential) return false;
    show(el, 'This browser cannot use passkeys here (they need HTTPS or localhost).');
    return true;
  }

  document.querySelectorAll('form[data-passkey-register]').forEach(function (form) {
    const error = form.querySelector('[data-passkey-error]');
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      if (unsupported(error)) return;
      show(error, '');
      const url = form.getAttribute('data-passkey-register');
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        const opts = await post(url, new URLSearchParams({ name: form.elements.name.value }), false);
        const pk = opts.publicKey;
        pk.challenge = decode(pk.challenge);
        pk.user.id = decode(pk.user.id);
        (pk.excludeCredentials || []).forEach(function (c) { c.id = decode(c.id); });
        const cred = await navigator.credentials.create({ publicKey: pk });
        const res = await post(url + '/finish', credentialJSON(cred), true);
        window.location.assign(res.redirect);
      } catch (err) {
        show(error, why(err));
        button.disabled = false;
      }
    });
  });

  document.querySelectorAll('button[data-passkey-login]').forEach(function (button) {
    const error = button.parentElement.querySelector('[data-passkey-error]');
    button.addEventListener('click', async function () {
      if (unsupported(error)) return;
      show(error, '');
      const url = button.getAttribute('data-passkey-login');
      const next = button.getAttribute('data-next') || '';
      button.disabled = true;
      try {
        const opts = await post(url, null, false);
        const pk = opts.publicKey;
        pk.challenge = decode(pk.challenge);
        (pk.allowCredentials || []).forEach(function (c) { c.id = decode(c.id); });
        const cred = await navigator.credentials.get({ publicKey: pk });
        const res = await post(url + '/finish' + (next ? '?next=' + encodeURIComponent(next) : ''), credentialJSON(cred), true);
        window.location.assign(res.redirect);
      } catch (err) {
        show(error, why(err));
        button.disabled = false;
      }
    });
  });
})();

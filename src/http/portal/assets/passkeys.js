// Passkeys in the portal: the one piece of the portal that needs JavaScript (WebAuthn has no HTML form).
// Loaded from 'self' (CSP: no inline script), after /assets/webauthn-browser.js (@simplewebauthn/browser's
// UMD bundle, the global `SimpleWebAuthnBrowser`). Every page still says what to do without it.
//
// Each <form data-passkey="register|authenticate"> holds: data-options (URL giving the WebAuthn options),
// data-finish (URL taking the browser's answer), an unnamed input[data-passkey-csrf] (the CSRF token, sent as
// the csrf-token header),
// data-failed / data-unsupported (texts), a hidden submit button, a [data-passkey-nojs] text and a
// [data-passkey-error] box. The server answers `{ next }` (go there) or `{ error }` (show it).
// data-passkey="test" (testing one registered passkey) is an authentication ceremony that sends the form's
// data-method-id with both requests and shows the answer's `{ status }` in its [data-passkey-status] region.
(function () {
  'use strict';

  function show(box, message) {
    box.textContent = message;
    box.hidden = false;
    box.focus();
  }

  function csrfOf(form) {
    const input = form.querySelector('input[data-passkey-csrf]');
    return input ? input.value : '';
  }

  async function post(form, url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'csrf-token': csrfOf(form) },
      body: JSON.stringify(body),
    });
    const type = res.headers.get('content-type') || '';
    const json = type.indexOf('application/json') === 0 ? await res.json() : null;
    return { ok: res.ok, json: json };
  }

  function enhance(form) {
    const lib = window.SimpleWebAuthnBrowser;
    const button = form.querySelector('button[type="submit"]');
    const nojs = form.querySelector('[data-passkey-nojs]');
    const box = form.querySelector('[data-passkey-error]');
    if (!button || !box) return;
    if (nojs) nojs.hidden = true;
    if (!lib || !lib.browserSupportsWebAuthn()) {
      box.textContent = form.dataset.unsupported || '';
      box.hidden = false;
      return;
    }
    button.hidden = false;
    const register = form.dataset.passkey === 'register';
    const test = form.dataset.passkey === 'test';
    const methodId = form.dataset.methodId || '';
    const status = form.querySelector('[data-passkey-status]');

    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      box.hidden = true;
      if (status) {
        status.textContent = '';
        status.className = '';
      }
      const nameInput = form.querySelector('input[name="name"]');
      const name = nameInput ? nameInput.value : '';
      try {
        const options = await post(form, form.dataset.options, register ? { name: name } : test ? { methodId: methodId } : {});
        if (!options.json) return show(box, form.dataset.failed);
        if (options.json.next) return window.location.assign(options.json.next);
        if (!options.ok) return show(box, options.json.error || form.dataset.failed);
        let answer;
        try {
          answer = register
            ? await lib.startRegistration({ optionsJSON: options.json })
            : await lib.startAuthentication({ optionsJSON: options.json });
        } catch {
          // Cancelled, timed out, or no matching passkey: nothing was sent, the person may try again.
          return show(box, form.dataset.failed);
        }
        const finished = await post(form, form.dataset.finish, register ? { name: name, response: answer } : test ? { methodId: methodId, credential: answer } : { credential: answer });
        if (finished.json && finished.json.next) return window.location.assign(finished.json.next);
        if (finished.ok && status && finished.json && finished.json.status) {
          status.textContent = finished.json.status;
          status.className = 'panel-success';
          status.focus();
          return;
        }
        return show(box, (finished.json && finished.json.error) || form.dataset.failed);
      } catch {
        return show(box, form.dataset.failed);
      } finally {
        button.disabled = false;
      }
    });
  }

  function start() {
    const forms = document.querySelectorAll('form[data-passkey]');
    for (let i = 0; i < forms.length; i++) enhance(forms[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

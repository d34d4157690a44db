// Small enhancements of the portal's pages; every page works the same without them. Loaded from 'self' (CSP: no inline script).
// - <time datetime data-local-time>: the server wrote the clock time in the tenant's zone; shown here in the browser's own.
// - <button data-password-toggle="<input id>" hidden>: shown here, switches that field between hidden and plain text.
//   Without JavaScript the button stays hidden (a button that could not work is worse than none).
(function () {
  'use strict';

  function localTimes() {
    const lang = document.documentElement.lang || undefined;
    const times = document.querySelectorAll('time[data-local-time][datetime]');
    for (let i = 0; i < times.length; i++) {
      const when = new Date(times[i].getAttribute('datetime'));
      if (isNaN(when.getTime())) continue;
      try {
        const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
        // data-local-time="date": a day and a time (when a method was added), not only a clock time.
        if (times[i].getAttribute('data-local-time') === 'date') {
          options.year = 'numeric';
          options.month = 'short';
          options.day = 'numeric';
        }
        times[i].textContent = new Intl.DateTimeFormat(lang, options).format(when);
      } catch {
        // An unknown language or no Intl: the server's text stays.
      }
    }
  }

  function passwordToggles() {
    const buttons = document.querySelectorAll('button[data-password-toggle]');
    for (let i = 0; i < buttons.length; i++) {
      const button = buttons[i];
      const input = document.getElementById(button.getAttribute('data-password-toggle'));
      if (!input) continue;
      button.hidden = false;
      button.addEventListener('click', function () {
        const show = input.type === 'password';
        input.type = show ? 'text' : 'password';
        button.textContent = show ? button.getAttribute('data-hide') : button.getAttribute('data-show');
      });
      // A password is never submitted as plain text in the browser's form history: hidden again before sending.
      if (input.form) input.form.addEventListener('submit', function () { input.type = 'password'; });
    }
  }

  function start() {
    localTimes();
    passwordToggles();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

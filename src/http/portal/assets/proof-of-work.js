/*
 * The proof-of-work check on the start pages (issue 13). The ALTCHA widget (served from node_modules, no CDN) solves
 * the challenge in a Web Worker from this origin, so the CSP needs nothing beyond script-src 'self'. With JavaScript
 * the person just presses Continue; without it this file never runs and the page's wait notice stays.
 * Plain browser JavaScript, no build step, nothing inline.
 */
(function () {
  'use strict';
  var registry = window.$altcha;
  if (!registry || !registry.algorithms) return;
  registry.algorithms.set('SHA-256', function () {
    return new Worker('/assets/altcha/sha-worker.js');
  });
  var widgets = document.querySelectorAll('altcha-widget');
  if (widgets.length === 0) return;
  // The widget takes over: the no-JavaScript wait notice would only confuse.
  var waits = document.querySelectorAll('[data-pow-wait]');
  for (var i = 0; i < waits.length; i++) waits[i].hidden = true;
  function start(widget, tries) {
    if (typeof widget.verify === 'function') {
      widget.verify();
    } else if (tries < 50) {
      setTimeout(function () { start(widget, tries + 1); }, 20);
    }
  }
  customElements.whenDefined('altcha-widget').then(function () {
    for (var j = 0; j < widgets.length; j++) start(widgets[j], 0);
  });
})();

// Served from app://evil (a different origin from both the host page and the gateway). It tries to drive
// the payment iframe and to fool the SDK in the parent page with forged messages.
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token') || 'forged';
  var commands = [
    { source: 'paysimplejs', type: 'init', checkoutToken: token, styles: {} },
    { source: 'paysimplejs', type: 'setMode', mode: 'cc-key-enter' },
    { source: 'paysimplejs', type: 'retrieveAccount', requestId: 1,
      customer: { firstName: 'Eve', lastName: 'Evil', email: 'eve@example.com' } }
  ];
  for (var i = 0; i < window.parent.frames.length; i++) {
    var target = window.parent.frames[i];
    if (target === window) { continue; }
    commands.forEach(function (c) { target.postMessage(c, '*'); });
  }
  // Forged answers to the SDK itself (as if from the iframe).
  window.parent.postMessage({ source: 'paysimplejs-frame', type: 'formValidityChanged', validity: 'true' }, '*');
  window.parent.postMessage({ source: 'paysimplejs-frame', type: 'result', requestId: 1, ok: true,
    payload: { account: { id: 666 }, customer: { id: 666 }, paymentToken: 'forged' } }, '*');
  window.parent.postMessage({ source: 'evil', type: 'done' }, '*');
}());

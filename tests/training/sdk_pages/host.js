// Test host page: plays the app's payment page on origin app://pos. The test drives it with runJavaScript.
// The SDK is loaded from the gateway given in ?gateway=...; every SDK event and every message this window
// receives (from any origin) is recorded so the test can check what reached the parent page.
(function () {
  'use strict';
  var gateway = new URLSearchParams(location.search).get('gateway');
  window.events = [];
  window.messagesSeen = [];
  window.customerTokens = [];
  window.customerAuthCalls = 0;
  window.sdk = null;
  window.sdkLoaded = false;

  window.addEventListener('message', function (event) {
    window.messagesSeen.push({ origin: event.origin, data: JSON.stringify(event.data) });
  });

  var script = document.createElement('script');
  script.src = gateway + '/paysimplejs/v1/scripts/client.js';
  script.onload = function () { window.sdkLoaded = typeof window.paysimpleJs === 'function'; };
  document.head.appendChild(script);

  window.hostStart = function (checkoutToken, mode, extra) {
    var container = document.getElementById('psjs');
    container.textContent = '';
    window.events = [];
    var options = {
      container: container,
      auth: { token: checkoutToken },
      customerAuth: function (callback) {
        window.customerAuthCalls += 1;
        callback(window.customerTokens.shift());
      },
      styles: { body: { backgroundColor: '#ffffff' } }
    };
    Object.keys(extra || {}).forEach(function (key) { options[key] = extra[key]; });
    var sdk = window.paysimpleJs(options);
    ['formValidityChanged', 'accountRetrieved', 'httpError'].forEach(function (name) {
      sdk.on(name, function (payload) { window.events.push({ event: name, payload: payload }); });
    });
    sdk.send.setMode(mode);
    window.sdk = sdk;
    return true;
  };

  window.addEvilFrame = function (src) {
    var frame = document.createElement('iframe');
    frame.src = src;
    frame.style.display = 'none';
    document.getElementById('extra').appendChild(frame);
    return true;
  };
}());

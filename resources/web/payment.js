/*
 * Payment host page (served as app://pos/payment.html inside the counter app).
 *
 * It never gets the amount, the API user/key or any customer but the selected one: Python picks both the
 * customer and the amount. It does see the selected customer through PaySimple's own protocol (the customer
 * token's claims hold their id; accountRetrieved brings their id, name and e-mail). It only
 *  - starts PaySimpleJS with the checkout token Python sends in configure(),
 *  - asks Python for a customer token (customerAuth, registered at init as in PaySimple's
 *    "Working with Existing Customers" page) and calls send.matchOrCreateAccount(token) on submit,
 *  - hands {accountId, paymentToken} from accountRetrieved back to Python.
 * No inline script, no eval, no network use of its own (CSP: connect-src 'none').
 */
(function () {
  'use strict';

  var MODES = { cc: 'cc-key-enter', ach: 'ach-key-enter' };
  var STYLES = {
    body: { backgroundColor: '#ffffff', fontFamily: 'DejaVu Sans, Arial, sans-serif', fontSize: '15px' },
    label: { color: '#323f4b', fontWeight: '600' },
    field: { borderColor: '#9aa5b1', borderRadius: '4px', padding: '6px', focus: { borderColor: '#2563eb' } },
    validation: { color: '#b42318' }
  };

  var bridge = null;
  var sdk = null;
  var words = {};        // the page's own words in the UI language (configure / texts)
  var statusKey = null;  // which of them the status line shows, so a language switch can say it again
  var shown = false;
  var tokenWaiters = [];

  function status(text, isError, key) {
    var el = document.getElementById('status');
    el.textContent = text;
    el.className = isError ? 'status error' : 'status';
    statusKey = key || null;
  }

  function applyWords(texts) {
    words = texts && typeof texts === 'object' ? texts : {};
    if (typeof words.title === 'string') { document.title = words.title; }
    document.documentElement.lang = typeof words.lang === 'string' ? words.lang : 'en';
    if (statusKey && typeof words[statusKey] === 'string') {
      status(words[statusKey], document.getElementById('status').className.indexOf('error') >= 0, statusKey);
    }
  }

  function onTexts(json) {
    var texts;
    try { texts = JSON.parse(json); } catch (err) { return; }
    applyWords(texts);
  }

  function customerAuth(callback) {
    if (typeof callback !== 'function') { return; }
    tokenWaiters.push(callback);
    bridge.getCustomerToken();
  }

  function onCustomerToken(token) {
    var waiters = tokenWaiters.splice(0);
    waiters.forEach(function (callback) { callback(token); });
  }

  function clearForm() {
    sdk = null;
    shown = false;
    tokenWaiters = [];
    var container = document.getElementById('psjs');
    while (container.firstChild) { container.removeChild(container.firstChild); }
  }

  // Keyboard first: once PaySimple's form is interactive, move focus into its iframe so the clerk can type the
  // card number at once. The entry form itself lives in PaySimple's cross-origin iframe, so focusing its first
  // field is up to PaySimpleJS: our training stand-in does it; the real PaySimpleJS may not, and then the clerk
  // is one Tab away from the first field. This page does what it can from outside: focus the iframe element.
  function focusForm() {
    var frame = document.querySelector('#psjs iframe');
    if (!frame) { return; }
    window.focus();
    frame.focus();
    try { frame.contentWindow.focus(); } catch (err) { /* cross-origin: frame.focus() is what counts */ }
  }

  function text(key, fallback) {
    return typeof words[key] === 'string' ? words[key] : fallback;
  }

  function onConfigure(json) {
    var config;
    try { config = JSON.parse(json); } catch (err) { status('The form could not start.', true); return; }  // never translated: nothing parsed
    clearForm();
    applyWords(config && config.texts);
    if (typeof window.paysimpleJs !== 'function') {
      status(text('noSdk', 'The secure payment form could not be loaded. Check the connection to PaySimple.'), true, 'noSdk');
      bridge.sdkError(JSON.stringify({ errorKey: 'unknown', status: 0, messages: ['PaySimpleJS did not load.'] }));
      return;
    }
    status(config.mode === 'ach' ? text('ach', 'Enter the bank account details.')
                                 : text('card', 'Enter the card details.'), false, config.mode === 'ach' ? 'ach' : 'card');
    try {
      sdk = window.paysimpleJs({
        container: document.getElementById('psjs'),
        auth: { token: config.checkoutToken },
        customerAuth: customerAuth,
        preventAutocomplete: true,
        styles: STYLES
      });
    } catch (err) {
      status(text('startFailed', 'The secure payment form could not start.'), true, 'startFailed');
      bridge.sdkError(JSON.stringify({ errorKey: 'unknown', status: 0, messages: ['PaySimpleJS could not start.'] }));
      return;
    }
    sdk.on('formValidityChanged', function (event) {
      if (!shown) { shown = true; bridge.formShown(); focusForm(); }
      bridge.validityChanged(!!event && event.validity === 'true');
    });
    sdk.on('accountRetrieved', function (event) {
      var accountId = event && event.account ? event.account.id : null;
      bridge.accountRetrieved(JSON.stringify({ accountId: accountId, paymentToken: event ? event.paymentToken : null }));
    });
    sdk.on('httpError', function (event) {
      var errors = (event && Array.isArray(event.errors) ? event.errors : []).slice(0, 5);
      var messages = errors.map(function (e) { return String(e && e.message ? e.message : '').slice(0, 300); });
      // The field names are PaySimpleJS's keys (e.g. "customerToken"): Python decides on them, never on text.
      var fields = errors.map(function (e) {
        var f = e && typeof e.field === 'string' ? e.field : '';
        return /^[A-Za-z0-9_.\[\]-]{0,64}$/.test(f) ? f : '';
      });
      bridge.sdkError(JSON.stringify({
        errorKey: event && typeof event.errorKey === 'string' ? event.errorKey : 'unknown',
        status: event && typeof event.status === 'number' ? event.status : 0,
        messages: messages,
        fields: fields
      }));
    });
    sdk.send.setMode(MODES[config.mode] || MODES.cc);
  }

  function onSubmit() {
    if (!sdk) { return; }
    // As in PaySimple's sample: get a customer token, then matchOrCreateAccount with it.
    customerAuth(function (customerToken) {
      if (!customerToken) { return; }  // Python could not get one and has told the clerk; F9 tries again
      return sdk.send.matchOrCreateAccount(customerToken);
    });
  }

  function onKeyDown(event) {
    if (event.key === 'Escape' && bridge) { bridge.cancel(); }
  }

  function start() {
    if (typeof QWebChannel !== 'function' || !window.qt || !qt.webChannelTransport) {
      status('This page only works inside the counter app.', true);
      return;
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.configure.connect(onConfigure);
      bridge.texts.connect(onTexts);
      bridge.customerToken.connect(onCustomerToken);
      bridge.submit.connect(onSubmit);
      document.addEventListener('keydown', onKeyDown);
      status('', false);
      bridge.ready();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());

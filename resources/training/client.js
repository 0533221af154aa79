/*
 * PaySimpleJS stand-in served by the training gateway at /paysimplejs/v1/scripts/client.js.
 *
 * window.paysimpleJs(options) -> { on(event, handler), send: { setMode, retrieveAccount, matchOrCreateAccount } }
 *
 * options: container (element), auth: {token: <checkout token>}, customerAuth (function(callback)),
 *          styles, debug, bypassPostalCodeValidation, preventAutocomplete,
 *          requestTimeoutMs (our extension: how long the form waits for the gateway; default 20000).
 *
 * The entry form lives in an iframe served from the gateway's origin. This script and the iframe talk only by
 * postMessage: this side accepts a message only when event.origin is the gateway origin AND event.source is its
 * own iframe's window; it always posts with the gateway origin as targetOrigin. Card and bank numbers never
 * reach this page: the iframe sends them to the gateway itself and hands back only ids and a payment token.
 *
 * customerAuth: function (callback) { ...get a fresh customer token...; callback(token); }.
 * The SDK calls it when the gateway answers 401 because the customer token has expired, then retries the
 * matchOrCreateAccount call once with the fresh token. matchOrCreateAccount() without a token also asks it.
 *
 * Events: formValidityChanged {validity: "true"|"false"} (once when a form is shown, then on every change),
 *         accountRetrieved {account: {id}, customer: {id, firstName, lastName, email}, paymentToken},
 *         httpError {errorKey, errors: [{field, message}], status}.
 * No script is evaluated from strings and nothing is loaded from anywhere but the gateway.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var GATEWAY = new URL(script ? script.src : location.href).origin;
  var FRAME_PATH = '/paysimplejs/v1/frame';
  var MODES = ['cc-key-enter', 'ach-key-enter'];
  var EVENTS = ['formValidityChanged', 'accountRetrieved', 'httpError'];
  var instanceCount = 0;

  function httpError(errorKey, status, message, field) {
    return { errorKey: errorKey, errors: [{ field: field || '', message: message }], status: status };
  }

  function PaySimpleJs(options) {
    options = options || {};
    if (!options.container || !options.container.appendChild) {
      throw new Error('paysimpleJs: options.container must be a DOM element.');
    }
    if (!options.auth || typeof options.auth.token !== 'string' || !options.auth.token) {
      throw new Error('paysimpleJs: options.auth.token (the checkout token) is required.');
    }
    if (options.customerAuth != null && typeof options.customerAuth !== 'function') {
      throw new Error('paysimpleJs: options.customerAuth must be a function(callback).');
    }
    var self = this;
    var debug = !!options.debug;
    var handlers = {};
    var ready = false;
    var queue = [];
    var mode = null;
    var pending = null;      // the one submission in flight: {id, kind, customerToken, retried}
    var nextRequest = 1;
    instanceCount += 1;

    function log(text) {
      if (debug && window.console) { console.log('[paysimplejs] ' + text); }
    }

    function emit(event, payload) {
      log('event ' + event);
      (handlers[event] || []).slice().forEach(function (handler) {
        try { handler(payload); } catch (err) { if (window.console) { console.error(err); } }
      });
    }

    var iframe = document.createElement('iframe');
    iframe.src = GATEWAY + FRAME_PATH + '?parent=' + encodeURIComponent(location.origin) +
      '&instance=' + instanceCount;
    // The frame's title in the browser's language, as the form itself (frame.js) speaks it.
    function titleFrame() {
      iframe.title = String(navigator.language || '').toLowerCase().split('-')[0] === 'es'
        ? 'Introducción segura del pago' : 'Secure payment entry';
    }
    titleFrame();
    window.addEventListener('languagechange', titleFrame);
    iframe.setAttribute('scrolling', 'no');
    iframe.setAttribute('allowtransparency', 'true');
    iframe.style.border = '0';
    iframe.style.width = '100%';
    iframe.style.height = '230px';
    iframe.style.display = 'block';
    iframe.style.overflow = 'hidden';
    options.container.appendChild(iframe);

    function post(message) {
      message.source = 'paysimplejs';
      if (!ready) { queue.push(message); return; }
      log('send ' + message.type);
      iframe.contentWindow.postMessage(message, GATEWAY);
    }

    function onMessage(event) {
      if (event.origin !== GATEWAY || event.source !== iframe.contentWindow) { return; }
      var msg = event.data;
      if (!msg || typeof msg !== 'object' || msg.source !== 'paysimplejs-frame') { return; }
      switch (msg.type) {
        case 'ready':
          ready = true;
          post({
            type: 'init',
            checkoutToken: options.auth.token,
            styles: options.styles || {},
            bypassPostalCodeValidation: !!options.bypassPostalCodeValidation,
            preventAutocomplete: !!options.preventAutocomplete,
            requestTimeoutMs: options.requestTimeoutMs,
            debug: debug
          });
          var queued = queue.splice(0);
          if (mode && !queued.some(function (m) { return m.type === 'setMode'; })) {
            queued.unshift({ type: 'setMode', mode: mode });   // the iframe was reloaded: show the form again
          }
          queued.forEach(post);
          break;
        case 'resize':
          if (typeof msg.height === 'number' && msg.height > 0 && msg.height < 4000) {
            iframe.style.height = Math.ceil(msg.height) + 'px';
          }
          break;
        case 'formValidityChanged':
          emit('formValidityChanged', { validity: msg.validity === 'true' ? 'true' : 'false' });
          break;
        case 'result':
          onResult(msg);
          break;
        default:
          break;
      }
    }
    window.addEventListener('message', onMessage);

    function onResult(msg) {
      if (!pending || msg.requestId !== pending.id) { return; }
      var request = pending;
      if (msg.ok) {
        pending = null;
        emit('accountRetrieved', {
          account: { id: msg.payload.account.id },
          customer: {
            id: msg.payload.customer.id,
            firstName: msg.payload.customer.firstName,
            lastName: msg.payload.customer.lastName,
            email: msg.payload.customer.email
          },
          paymentToken: msg.payload.paymentToken
        });
        return;
      }
      if (msg.expired === 'customer' && request.kind === 'matchOrCreateAccount' && !request.retried &&
          typeof options.customerAuth === 'function') {
        log('customer token expired; asking customerAuth for a fresh one');
        askCustomerToken(function (token) {
          request.retried = true;
          sendMatch(request, token);
        });
        return;
      }
      pending = null;
      var p = msg.payload || {};
      emit('httpError', {
        errorKey: p.errorKey || 'unknown',
        errors: Array.isArray(p.errors) ? p.errors.map(function (e) {
          return { field: String(e.field || ''), message: String(e.message || '') };
        }) : [],
        status: typeof p.status === 'number' ? p.status : 0
      });
    }

    function askCustomerToken(then) {
      var answered = false;
      try {
        options.customerAuth(function (token) {
          if (answered) { return; }
          answered = true;
          if (typeof token !== 'string' || !token) {
            pending = null;
            emit('httpError', httpError('unauthorized', 401, 'No customer token was provided.', 'customerToken'));
            return;
          }
          then(token);
        });
      } catch (err) {
        pending = null;
        emit('httpError', httpError('unknown', 0, 'customerAuth failed: ' + (err && err.message), 'customerToken'));
      }
    }

    function sendMatch(request, token) {
      request.customerToken = token;
      post({ type: 'matchOrCreateAccount', requestId: request.id, customerToken: token });
    }

    function begin(kind) {
      if (pending) {
        emit('httpError', httpError('bad_request', 409, 'A submission is already in progress.'));
        return null;
      }
      if (!mode) {
        emit('httpError', httpError('bad_request', 400, 'Call send.setMode before submitting.'));
        return null;
      }
      pending = { id: nextRequest++, kind: kind, retried: false };
      return pending;
    }

    this.on = function (event, handler) {
      if (EVENTS.indexOf(event) < 0) { log('unknown event ' + event); }
      if (typeof handler !== 'function') { throw new Error('paysimpleJs.on: handler must be a function.'); }
      (handlers[event] = handlers[event] || []).push(handler);
      return self;
    };

    this.send = {
      setMode: function (newMode) {
        if (MODES.indexOf(newMode) < 0) {
          throw new Error('paysimpleJs.send.setMode: mode must be one of ' + MODES.join(', ') + '.');
        }
        mode = newMode;
        post({ type: 'setMode', mode: newMode });
      },
      retrieveAccount: function (customer) {
        var request = begin('retrieveAccount');
        if (!request) { return; }
        customer = customer || {};
        post({
          type: 'retrieveAccount',
          requestId: request.id,
          customer: {
            firstName: String(customer.firstName == null ? '' : customer.firstName),
            lastName: String(customer.lastName == null ? '' : customer.lastName),
            email: String(customer.email == null ? '' : customer.email)
          }
        });
      },
      matchOrCreateAccount: function (customerToken) {
        var request = begin('matchOrCreateAccount');
        if (!request) { return; }
        if (typeof customerToken === 'string' && customerToken) {
          sendMatch(request, customerToken);
        } else if (typeof options.customerAuth === 'function') {
          askCustomerToken(function (token) { sendMatch(request, token); });
        } else {
          pending = null;
          emit('httpError', httpError('unauthorized', 401, 'A customer token is required.', 'customerToken'));
        }
      }
    };
  }

  window.paysimpleJs = function (options) { return new PaySimpleJs(options); };
}());

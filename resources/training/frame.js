/*
 * The PaySimpleJS stand-in's entry form (runs inside the iframe, on the training gateway's origin).
 *
 * Trust: the only partner is the parent page whose origin the SDK put in our URL (?parent=...; the gateway also
 * pins it with CSP frame-ancestors). A message is handled only when event.origin equals that origin AND
 * event.source is window.parent; everything we post goes to that origin only. Tokens arrive by postMessage.
 * Card and bank numbers go from here straight to the gateway's JSON API (same origin) and are never posted to
 * the parent; the parent only learns validity, ids, the payment token and error messages.
 */
(function () {
  'use strict';

  var API = '/paysimplejs/v1/api/accounts/';
  var DEFAULT_TIMEOUT_MS = 20000;
  var PARENT = new URLSearchParams(location.search).get('parent') || '';
  var FIELDS = {
    'cc-key-enter': ['cardNumber', 'expiration', 'cvv', 'postalCode'],
    'ach-key-enter': ['routingNumber', 'accountNumber', 'accountType', 'bankName']
  };
  var ALL_FIELDS = FIELDS['cc-key-enter'].concat(FIELDS['ach-key-enter']);
  var STYLE_GROUPS = {
    body: 'body', container: '.psjs-container', label: '.psjs-label', field: '.psjs-field',
    validation: '.psjs-validation'
  };
  var STATE_SELECTORS = { focus: ':focus', hover: ':hover', placeholder: '::placeholder' };
  var BRAND_LABELS = { Visa: 'Visa', Master: 'Mastercard', Amex: 'Amex', Discover: 'Discover' };

  var state = {
    initialised: false,
    checkoutToken: null,
    bypassPostal: false,
    debug: false,
    mode: null,
    touched: {},
    submitted: false,
    validity: null,
    busy: false,
    timeoutMs: DEFAULT_TIMEOUT_MS
  };

  function $(id) { return document.getElementById(id); }

  // --- language ---------------------------------------------------------------------------------------------
  // The form speaks the browser's language (navigator.language, which follows the Accept-Language the page's
  // browser sends: the counter sets it to its UI language). PaySimpleJS documents no language option, so this
  // is the one a hosted form can follow; anything without a translation stays English.
  var TEXTS = {
    es: {
      'Secure payment entry': 'Introducción segura del pago',
      'Card number': 'Número de tarjeta', 'Expiry (MM/YY)': 'Caducidad (MM/AA)', 'CVV': 'CVV',
      'ZIP code': 'Código postal', 'Postal code': 'Código postal', 'MM/YY': 'MM/AA',
      'Routing number': 'Número de ruta', 'Account number': 'Número de cuenta', 'Account type': 'Tipo de cuenta',
      'Checking': 'Corriente', 'Savings': 'Ahorros', 'Bank name': 'Nombre del banco', '9 digits': '9 cifras',
      'Secure entry \u00b7 training gateway, no real money moves':
        'Introducción segura \u00b7 pasarela de práctica, no se mueve dinero real',
      'Enter the card number.': 'Escriba el número de tarjeta.',
      'Card number is incomplete.': 'El número de tarjeta está incompleto.',
      'Card number is not valid (check the digits).': 'El número de tarjeta no es válido (revise las cifras).',
      'Card type not accepted: use Visa, Mastercard, American Express or Discover.':
        'Tipo de tarjeta no aceptado: use Visa, Mastercard, American Express o Discover.',
      'Enter the expiry date.': 'Escriba la fecha de caducidad.',
      'Use MM/YY, for example 08/29.': 'Use MM/AA, por ejemplo 08/29.',
      'Month must be 01 to 12.': 'El mes debe ser de 01 a 12.',
      'The card has expired.': 'La tarjeta está caducada.',
      'Enter the CVV.': 'Escriba el CVV.',
      'CVV must be 4 digits for American Express.': 'El CVV debe tener 4 cifras en American Express.',
      'CVV must be 3 digits.': 'El CVV debe tener 3 cifras.',
      'Enter the ZIP code.': 'Escriba el código postal.',
      'Postal code must be 3 to 10 letters, digits, spaces or dashes.':
        'El código postal debe tener de 3 a 10 letras, cifras, espacios o guiones.',
      'ZIP must be 5 or 9 digits.': 'El código postal debe tener 5 o 9 cifras.',
      'Enter the routing number.': 'Escriba el número de ruta.',
      'Routing number must be 9 digits.': 'El número de ruta debe tener 9 cifras.',
      'Routing number is not valid (check the digits).': 'El número de ruta no es válido (revise las cifras).',
      'Enter the account number.': 'Escriba el número de cuenta.',
      'Account number must be 2 to 50 digits.': 'El número de cuenta debe tener de 2 a 50 cifras.',
      'Choose checking or savings.': 'Elija corriente o ahorros.',
      'Enter the bank name.': 'Escriba el nombre del banco.',
      'Bank name must be 100 characters or fewer.': 'El nombre del banco puede tener como máximo 100 caracteres.',
      'First name is required.': 'El nombre es obligatorio.',
      'Last name is required.': 'El apellido es obligatorio.',
      'Email is not a valid email address (name@example.com).':
        'El correo no es una dirección válida (nombre@ejemplo.com).',
      'A submission is already in progress.': 'Ya hay un envío en curso.',
      'Checking with the gateway\u2026': 'Comprobando con la pasarela\u2026',
      'The gateway answered HTTP %1.': 'La pasarela respondió HTTP %1.',
      'The gateway did not answer in time.': 'La pasarela no respondió a tiempo.',
      'Could not reach the gateway.': 'No se pudo contactar con la pasarela.',
      'No checkout token.': 'No hay token de pago.',
      'No entry form is shown (setMode).': 'No se muestra ningún formulario (setMode).',
      'A customer token is required.': 'Hace falta un token de cliente.'
    }
  };
  var LANG = 'en';
  var ENGLISH = { title: null, nodes: [], placeholders: [] };  // the page's own English, kept to re-translate

  function t(text) {
    var table = TEXTS[LANG];
    return table && Object.prototype.hasOwnProperty.call(table, text) ? table[text] : text;
  }

  // Called at start and on the browser's 'languagechange' (the counter switched its UI language): every
  // label, option, placeholder and the footer from their English; messages already shown stay as they are.
  function localise() {
    LANG = String(navigator.language || 'en').toLowerCase().split('-')[0];
    if (ENGLISH.title === null) {
      ENGLISH.title = document.title;
      document.querySelectorAll('label, option').forEach(function (el) {
        ENGLISH.nodes.push([el, el.textContent.trim()]);
      });
      $('footer').childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) { ENGLISH.nodes.push([node, node.textContent.trim()]); }
      });
      document.querySelectorAll('[placeholder]').forEach(function (el) {
        ENGLISH.placeholders.push([el, el.getAttribute('placeholder')]);
      });
    }
    document.documentElement.lang = TEXTS[LANG] ? LANG : 'en';
    document.title = t(ENGLISH.title);
    ENGLISH.nodes.forEach(function (pair) { pair[0].textContent = t(pair[1]); });
    ENGLISH.placeholders.forEach(function (pair) { pair[0].setAttribute('placeholder', t(pair[1])); });
  }
  function digits(text) { return String(text || '').replace(/\D+/g, ''); }

  function log(text) {
    if (state.debug && window.console) { console.log('[paysimplejs frame] ' + text); }
  }

  function toParent(message) {
    if (!PARENT || window.parent === window) { return; }
    message.source = 'paysimplejs-frame';
    window.parent.postMessage(message, PARENT);
  }

  // --- rules (mirror pos_app/paysimple/rules.py; the gateway checks them again) ---------------------------

  function luhnOk(number) {
    if (!/^\d{2,}$/.test(number)) { return false; }
    var total = 0;
    for (var i = 0; i < number.length; i++) {
      var d = number.charCodeAt(number.length - 1 - i) - 48;
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      total += d;
    }
    return total % 10 === 0;
  }

  function abaOk(routing) {
    if (!/^\d{9}$/.test(routing)) { return false; }
    var d = routing.split('').map(Number);
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
  }

  // Brand by prefix alone (for the badge and the formatting while typing).
  function brandPrefix(number) {
    if (/^4/.test(number)) { return 'Visa'; }
    if (/^3[47]/.test(number)) { return 'Amex'; }
    if (/^5[1-5]/.test(number)) { return 'Master'; }
    if (/^2/.test(number) && number.length >= 4) {
      var p4 = parseInt(number.slice(0, 4), 10);
      if (p4 >= 2221 && p4 <= 2720) { return 'Master'; }
    }
    if (/^(6011|65|64[4-9])/.test(number)) { return 'Discover'; }
    if (/^622/.test(number) && number.length >= 6) {
      var p6 = parseInt(number.slice(0, 6), 10);
      if (p6 >= 622126 && p6 <= 622925) { return 'Discover'; }
    }
    return null;
  }

  // Brand with the length rules of rules.card_brand (null = not accepted).
  function cardBrand(number) {
    var brand = brandPrefix(number);
    var n = number.length;
    if (brand === 'Visa' && [13, 16, 19].indexOf(n) >= 0) { return brand; }
    if (brand === 'Master' && n === 16) { return brand; }
    if (brand === 'Amex' && n === 15) { return brand; }
    if (brand === 'Discover' && (n === 16 || n === 19)) { return brand; }
    return null;
  }

  function maxCardLength(number) {
    var brand = brandPrefix(number);
    return brand === 'Amex' ? 15 : brand === 'Master' ? 16 : 19;
  }

  var CHECKS = {
    cardNumber: function (value) {
      var n = digits(value);
      if (!n) { return t('Enter the card number.'); }
      if (n.length < 12 || n.length > 19) { return t('Card number is incomplete.'); }
      if (!luhnOk(n)) { return t('Card number is not valid (check the digits).'); }
      if (!cardBrand(n)) {
        return brandPrefix(n) ? t('Card number is incomplete.')
          : t('Card type not accepted: use Visa, Mastercard, American Express or Discover.');
      }
      return '';
    },
    expiration: function (value) {
      var m = /^(\d{2})\/(\d{2})$/.exec(String(value || '').trim());
      if (!value) { return t('Enter the expiry date.'); }
      if (!m) { return t('Use MM/YY, for example 08/29.'); }
      var month = parseInt(m[1], 10);
      var year = 2000 + parseInt(m[2], 10);
      if (month < 1 || month > 12) { return t('Month must be 01 to 12.'); }
      var now = new Date();
      if (year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1) { return t('The card has expired.'); }
      return '';
    },
    cvv: function (value) {
      var amex = brandPrefix(digits($('cardNumber').value)) === 'Amex';
      if (!value) { return t('Enter the CVV.'); }
      if (amex && !/^\d{4}$/.test(value)) { return t('CVV must be 4 digits for American Express.'); }
      if (!amex && !/^\d{3}$/.test(value)) { return t('CVV must be 3 digits.'); }
      return '';
    },
    postalCode: function (value) {
      value = String(value || '').trim();
      if (!value) { return t('Enter the ZIP code.'); }
      if (state.bypassPostal) {
        return /^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$/.test(value) ? ''
          : t('Postal code must be 3 to 10 letters, digits, spaces or dashes.');
      }
      return /^\d{5}(-?\d{4})?$/.test(value) ? '' : t('ZIP must be 5 or 9 digits.');
    },
    routingNumber: function (value) {
      if (!value) { return t('Enter the routing number.'); }
      if (!/^\d{9}$/.test(value)) { return t('Routing number must be 9 digits.'); }
      return abaOk(value) ? '' : t('Routing number is not valid (check the digits).');
    },
    accountNumber: function (value) {
      if (!value) { return t('Enter the account number.'); }
      return /^\d{2,50}$/.test(value) ? '' : t('Account number must be 2 to 50 digits.');
    },
    accountType: function (value) {
      return value === 'checking' || value === 'savings' ? '' : t('Choose checking or savings.');
    },
    bankName: function (value) {
      value = String(value || '').trim();
      if (!value) { return t('Enter the bank name.'); }
      return value.length <= 100 ? '' : t('Bank name must be 100 characters or fewer.');
    }
  };

  // --- formatting while typing ---------------------------------------------------------------------------

  function groupCard(number) {
    var pattern = brandPrefix(number) === 'Amex' ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [];
    var at = 0;
    for (var i = 0; i < pattern.length && at < number.length; i++) {
      parts.push(number.slice(at, at + pattern[i]));
      at += pattern[i];
    }
    return parts.join(' ');
  }

  // Re-write an input's value, keeping the caret after the same number of digits.
  function reformat(input, format) {
    var caret = input.selectionStart == null ? input.value.length : input.selectionStart;
    var digitsBefore = digits(input.value.slice(0, caret)).length;
    var formatted = format(input.value);
    if (formatted === input.value) { return; }
    input.value = formatted;
    var pos = 0;
    var seen = 0;
    while (pos < formatted.length && seen < digitsBefore) {
      if (/\d/.test(formatted[pos])) { seen++; }
      pos++;
    }
    if (document.activeElement === input) { input.setSelectionRange(pos, pos); }
  }

  var FORMATTERS = {
    cardNumber: function (value) {
      var n = digits(value);
      return groupCard(n.slice(0, maxCardLength(n)));
    },
    expiration: function (value) {
      var n = digits(value).slice(0, 4);
      if (n.length === 1 && n > '1') { n = '0' + n; }
      return n.length > 2 ? n.slice(0, 2) + '/' + n.slice(2) : n;
    },
    cvv: function (value) {
      var amex = brandPrefix(digits($('cardNumber').value)) === 'Amex';
      return digits(value).slice(0, amex ? 4 : 3);
    },
    postalCode: function (value) {
      if (state.bypassPostal) { return String(value).replace(/[^A-Za-z0-9 -]+/g, '').slice(0, 10); }
      var n = digits(value).slice(0, 9);
      return n.length > 5 ? n.slice(0, 5) + '-' + n.slice(5) : n;
    },
    routingNumber: function (value) { return digits(value).slice(0, 9); },
    accountNumber: function (value) { return digits(value).slice(0, 50); }
  };

  // --- validation display and validity events ------------------------------------------------------------

  function fieldValue(name) {
    var el = $(name);
    return el.tagName === 'SELECT' ? el.value : el.value.trim();
  }

  function showError(name, message) {
    $('validation-' + name).textContent = message;
    $('group-' + name).classList.toggle('psjs-invalid', !!message);
    $(name).setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  function refresh() {
    if (!state.mode) { return; }
    var allValid = true;
    FIELDS[state.mode].forEach(function (name) {
      var message = CHECKS[name](fieldValue(name));
      if (message) { allValid = false; }
      if (state.submitted || state.touched[name]) { showError(name, message); }
      else if (!message) { showError(name, ''); }
    });
    if (state.mode === 'cc-key-enter') {
      var brand = brandPrefix(digits($('cardNumber').value));
      $('brand').textContent = brand ? BRAND_LABELS[brand] : '';
      $('brand').setAttribute('data-brand', brand || '');
    }
    var validity = allValid ? 'true' : 'false';
    if (validity !== state.validity) {
      state.validity = validity;
      toParent({ type: 'formValidityChanged', validity: validity });
    }
  }

  function wireFields() {
    ALL_FIELDS.forEach(function (name) {
      var el = $(name);
      el.addEventListener('input', function () {
        if (FORMATTERS[name]) { reformat(el, FORMATTERS[name]); }
        if (name === 'cardNumber' && $('cvv').value) { reformat($('cvv'), FORMATTERS.cvv); }
        refresh();
      });
      el.addEventListener('change', refresh);
      el.addEventListener('blur', function () {
        if (el.value) { state.touched[name] = true; }
        refresh();
      });
    });
    ['card-form', 'ach-form'].forEach(function (id) {
      $(id).addEventListener('submit', function (event) { event.preventDefault(); });
    });
  }

  function clearForm(mode) {
    FIELDS[mode].forEach(function (name) {
      var el = $(name);
      if (el.tagName === 'SELECT') { el.selectedIndex = 0; } else { el.value = ''; }
      showError(name, '');
    });
  }

  function setMode(mode) {
    if (!FIELDS[mode]) { return; }
    var other = mode === 'cc-key-enter' ? 'ach-key-enter' : 'cc-key-enter';
    clearForm(other);
    $(mode === 'cc-key-enter' ? 'ach-form' : 'card-form').hidden = true;
    $(mode === 'cc-key-enter' ? 'card-form' : 'ach-form').hidden = false;
    state.mode = mode;
    state.touched = {};
    state.submitted = false;
    state.validity = null;       // a newly shown form always reports its validity once
    setStatus('');
    refresh();
    reportSize();
    focusFirstField();
  }

  // Keyboard first: a newly shown form puts the caret in its first field, so the clerk types at once. The
  // browser may refuse focus() in a cross-origin frame that does not have focus yet; the host page focuses our
  // iframe element then, and the window 'focus' handler below puts the caret in the first field.
  function focusFirstField() {
    if (!state.mode) { return; }
    var first = $(FIELDS[state.mode][0]);
    var active = document.activeElement;
    if (!active || active === document.body || active.closest('[hidden]')) { first.focus(); }
  }

  // --- styles option ---------------------------------------------------------------------------------------

  function kebab(name) { return name.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); }); }

  // Rules are added through the CSSOM (allowed by our CSP, unlike <style> text) and each value goes through
  // style.setProperty, which parses it for that one property, so a value cannot inject other rules.
  function applyStyles(styles) {
    if (!styles || typeof styles !== 'object') { return; }
    var link = document.querySelector('link[rel="stylesheet"]');
    var sheet = link && link.sheet;
    if (!sheet) { return; }
    Object.keys(styles).forEach(function (key) {
      var parts = key.split('.');
      var group = parts[0];
      var field = parts[1];
      var selector = STYLE_GROUPS[group];
      if (!selector || parts.length > 2) { log('ignoring unknown style key ' + key); return; }
      if (field !== undefined) {
        if (ALL_FIELDS.indexOf(field) < 0 || group === 'body' || group === 'container') {
          log('ignoring unknown style key ' + key);
          return;
        }
        selector = group === 'field' ? '#' + field : '#' + group + '-' + field;
      }
      addRule(sheet, selector, styles[key]);
    });
  }

  function addRule(sheet, selector, declarations) {
    if (!declarations || typeof declarations !== 'object') { return; }
    var rule = sheet.cssRules[sheet.insertRule(selector + '{}', sheet.cssRules.length)];
    Object.keys(declarations).forEach(function (prop) {
      var value = declarations[prop];
      if (STATE_SELECTORS[prop] && value && typeof value === 'object') {
        addRule(sheet, selector + STATE_SELECTORS[prop], value);
      } else if (/^[a-zA-Z]+$/.test(prop) && (typeof value === 'string' || typeof value === 'number')) {
        rule.style.setProperty(kebab(prop), String(value));
      }
    });
  }

  // --- size ------------------------------------------------------------------------------------------------

  var lastHeight = 0;
  function reportSize() {
    var height = Math.ceil($('container').getBoundingClientRect().height);
    if (height && height !== lastHeight) {
      lastHeight = height;
      toParent({ type: 'resize', height: height });
    }
  }

  // --- submissions -----------------------------------------------------------------------------------------

  function setStatus(text, isError) {
    $('status').textContent = text;
    $('status').classList.toggle('psjs-error', !!isError);
    reportSize();
  }

  function fail(requestId, errorKey, status, errors, expired) {
    var fieldErrors = errors.filter(function (e) { return ALL_FIELDS.indexOf(e.field) >= 0; });
    fieldErrors.forEach(function (e) { showError(e.field, e.message); });
    var others = errors.filter(function (e) { return ALL_FIELDS.indexOf(e.field) < 0; });
    setStatus(others.length ? others.map(function (e) { return e.message; }).join(' ') : '', true);
    var result = { type: 'result', requestId: requestId, ok: false,
      payload: { errorKey: errorKey, errors: errors, status: status } };
    if (expired) { result.expired = expired; }
    toParent(result);
  }

  function formErrors() {
    state.submitted = true;
    refresh();
    var errors = [];
    FIELDS[state.mode].forEach(function (name) {
      var message = CHECKS[name](fieldValue(name));
      if (message) { errors.push({ field: name, message: message }); }
    });
    if (errors.length) { $(errors[0].field).focus(); }
    return errors;
  }

  function customerErrors(customer) {
    var errors = [];
    if (!customer.firstName.trim()) { errors.push({ field: 'firstName', message: t('First name is required.') }); }
    if (!customer.lastName.trim()) { errors.push({ field: 'lastName', message: t('Last name is required.') }); }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(customer.email.trim())) {
      errors.push({ field: 'email', message: t('Email is not a valid email address (name@example.com).') });
    }
    return errors;
  }

  function accountBody() {
    if (state.mode === 'cc-key-enter') {
      return { mode: 'cc-key-enter', card: {
        number: digits($('cardNumber').value), expiration: fieldValue('expiration'),
        cvv: fieldValue('cvv'), postalCode: fieldValue('postalCode') } };
    }
    return { mode: 'ach-key-enter', bank: {
      routingNumber: fieldValue('routingNumber'), accountNumber: fieldValue('accountNumber'),
      accountType: fieldValue('accountType'), bankName: fieldValue('bankName') } };
  }

  function errorKeyFor(status) {
    if (status === 401 || status === 403) { return 'unauthorized'; }
    if (status >= 500) { return 'server_error'; }
    if (status >= 400) { return 'bad_request'; }
    return 'unknown';
  }

  function submit(requestId, path, headers, body) {
    if (state.busy) {
      fail(requestId, 'bad_request', 409, [{ field: '', message: t('A submission is already in progress.') }]);
      return;
    }
    state.busy = true;
    setStatus(t('Checking with the gateway\u2026'));
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, state.timeoutMs);
    headers['Content-Type'] = 'application/json';
    headers['X-PaySimpleJS-Checkout'] = state.checkoutToken;
    fetch(API + path, {
      method: 'POST', headers: headers, body: JSON.stringify(body), signal: controller.signal,
      credentials: 'omit', cache: 'no-store', redirect: 'error'
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data || {} };
      });
    }).then(function (answer) {
      clearTimeout(timer);
      state.busy = false;
      var data = answer.data;
      if (answer.status >= 200 && answer.status < 300 && data.account && data.customer && data.paymentToken) {
        setStatus('');
        toParent({ type: 'result', requestId: requestId, ok: true, payload: {
          account: { id: data.account.id }, customer: data.customer, paymentToken: data.paymentToken } });
        return;
      }
      var errors = Array.isArray(data.errors) ? data.errors : [];
      if (!errors.length) { errors = [{ field: '', message: t('The gateway answered HTTP %1.').replace('%1', answer.status) }]; }
      fail(requestId, data.errorKey || errorKeyFor(answer.status), answer.status, errors, data.expired);
    }).catch(function (err) {
      clearTimeout(timer);
      state.busy = false;
      if (err && err.name === 'AbortError') {
        fail(requestId, 'timeout', 0, [{ field: '', message: t('The gateway did not answer in time.') }]);
      } else {
        fail(requestId, 'unknown', 0, [{ field: '', message: t('Could not reach the gateway.') }]);
      }
    });
  }

  function startRequest(msg, kind) {
    var requestId = msg.requestId;
    if (!state.initialised || !state.checkoutToken) {
      fail(requestId, 'unauthorized', 401, [{ field: 'checkoutToken', message: t('No checkout token.') }]);
      return;
    }
    if (!state.mode) {
      fail(requestId, 'bad_request', 400, [{ field: '', message: t('No entry form is shown (setMode).') }]);
      return;
    }
    var errors = formErrors();
    var body = accountBody();
    var headers = {};
    if (kind === 'retrieve') {
      var c = msg.customer || {};
      body.customer = { firstName: String(c.firstName || ''), lastName: String(c.lastName || ''),
        email: String(c.email || '') };
      errors = errors.concat(customerErrors(body.customer));
      headers.Authorization = 'Bearer ' + state.checkoutToken;
    } else {
      if (typeof msg.customerToken !== 'string' || !msg.customerToken) {
        fail(requestId, 'unauthorized', 401, [{ field: 'customerToken', message: t('A customer token is required.') }]);
        return;
      }
      headers.Authorization = 'Bearer ' + msg.customerToken;
    }
    if (errors.length) { fail(requestId, 'bad_request', 400, errors); return; }
    submit(requestId, kind === 'retrieve' ? 'retrieve' : 'match-or-create', headers, body);
  }

  // --- messages from the parent ------------------------------------------------------------------------------

  function onMessage(event) {
    if (!PARENT || event.origin !== PARENT || event.source !== window.parent) { return; }
    var msg = event.data;
    if (!msg || typeof msg !== 'object' || msg.source !== 'paysimplejs') { return; }
    log('message ' + msg.type);
    switch (msg.type) {
      case 'init':
        if (state.initialised || typeof msg.checkoutToken !== 'string') { return; }
        state.initialised = true;
        state.checkoutToken = msg.checkoutToken;
        state.bypassPostal = !!msg.bypassPostalCodeValidation;
        state.debug = !!msg.debug;
        if (typeof msg.requestTimeoutMs === 'number' && msg.requestTimeoutMs >= 100 && msg.requestTimeoutMs <= 120000) {
          state.timeoutMs = msg.requestTimeoutMs;
        }
        if (state.bypassPostal) {
          ENGLISH.nodes.forEach(function (pair) { if (pair[0] === $('label-postalCode')) { pair[1] = 'Postal code'; } });
          ENGLISH.placeholders.forEach(function (pair) { if (pair[0] === $('postalCode')) { pair[1] = ''; } });
          $('label-postalCode').textContent = t('Postal code');
          $('postalCode').setAttribute('placeholder', '');
        }
        if (msg.preventAutocomplete) {
          document.querySelectorAll('form, input').forEach(function (el) { el.setAttribute('autocomplete', 'off'); });
        }
        applyStyles(msg.styles);
        reportSize();
        break;
      case 'setMode':
        if (state.initialised) { setMode(msg.mode); }
        break;
      case 'retrieveAccount':
        startRequest(msg, 'retrieve');
        break;
      case 'matchOrCreateAccount':
        startRequest(msg, 'match');
        break;
      default:
        break;
    }
  }

  function start() {
    localise();
    window.addEventListener('languagechange', localise);
    wireFields();
    window.addEventListener('message', onMessage);
    window.addEventListener('focus', focusFirstField);
    if (window.ResizeObserver) { new ResizeObserver(reportSize).observe($('container')); }
    toParent({ type: 'ready' });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());

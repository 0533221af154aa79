// Served from app://evil: tries to embed the payment form (URL in ?src=) inside its own page.
window.addEventListener('DOMContentLoaded', function () {
  'use strict';
  var frame = document.createElement('iframe');
  frame.src = new URLSearchParams(location.search).get('src');
  document.body.appendChild(frame);
});

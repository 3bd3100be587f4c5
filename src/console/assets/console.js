// The console's behaviour beyond plain links and forms: where focus goes after htmx swaps a page in.
(function () {
  'use strict';
  function settle() {
    var target = document.querySelector('[data-focus]') || document.querySelector('main h1');
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    }
    var live = document.getElementById('live');
    var flash = document.querySelector('.flash');
    if (live && flash) live.textContent = flash.textContent;
  }
  document.addEventListener('htmx:afterSettle', settle);
})();

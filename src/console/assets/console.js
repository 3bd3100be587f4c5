// The console's behaviour beyond plain links and forms (everything works without it): where focus goes after htmx
// swaps a page in, what the polite live region says, and live request pages (Server-Sent Events).
(function () {
  'use strict';
  var source = null;
  /** Set while a live change refreshes the page: focus stays where it was and the change is announced. */
  var refreshing = null;

  function announce(text) {
    var live = document.getElementById('live');
    if (!live) return;
    live.textContent = '';
    // A new text node, a moment later, so that screen readers announce a repeat too.
    setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  /** True when the person has typed into or ticked something in one of the page's forms. */
  function dirty() {
    var fields = document.querySelectorAll('main form input, main form textarea, main form select');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === 'hidden') continue;
      if (f.type === 'checkbox' || f.type === 'radio') {
        if (f.checked !== f.defaultChecked) return true;
      } else if (f.tagName === 'SELECT') {
        // With no option marked selected in the page, the first one is: that is the select's untouched state.
        var initial = 0;
        for (var j = 0; j < f.options.length; j++) if (f.options[j].defaultSelected) initial = j;
        if (f.selectedIndex !== initial) return true;
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function reload(said) {
    var active = document.activeElement;
    refreshing = { focusId: active && active.id ? active.id : null, said: said };
    var url = location.pathname + location.search.replace(/([?&])recorded=[^&]*&?/, '$1').replace(/[?&]$/, '');
    if (window.htmx) {
      window.htmx.ajax('GET', url, { target: 'body', swap: 'innerHTML' });
    } else {
      location.assign(url);
    }
  }

  /** Someone else changed the request while this person was typing: say so, and offer to reload. */
  function warnStale(change) {
    var box = document.getElementById('stale');
    if (!box) {
      box = document.createElement('div');
      box.id = 'stale';
      box.className = 'stale';
      box.setAttribute('role', 'alert');
      var main = document.getElementById('main');
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = '';
    var p = document.createElement('p');
    p.textContent =
      'Someone else just changed this request: ' +
      change.said +
      '. The steps below may no longer apply; what you typed is not sent until you press its button.';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Reload the request';
    button.addEventListener('click', function () {
      reload(change.said);
    });
    box.appendChild(p);
    box.appendChild(button);
  }

  function connect() {
    if (source) {
      source.close();
      source = null;
    }
    var head = document.querySelector('[data-ticket][data-seen]');
    if (!head || !window.EventSource) return;
    var url =
      '/console/requests/' +
      encodeURIComponent(head.getAttribute('data-ticket')) +
      '/live?seen=' +
      encodeURIComponent(head.getAttribute('data-seen')) +
      '&assignee=' +
      encodeURIComponent(head.getAttribute('data-assignee') || '');
    source = new EventSource(url);
    source.addEventListener('changed', function (event) {
      var change = JSON.parse(event.data);
      if (dirty()) warnStale(change);
      else reload(change.said);
    });
    source.addEventListener('signed-out', function () {
      source.close();
      warnStale({ said: 'your session has ended; sign in again' });
    });
  }

  function settle() {
    if (refreshing) {
      var was = refreshing;
      refreshing = null;
      var again = was.focusId && document.getElementById(was.focusId);
      if (again) again.focus();
      announce('Updated: ' + was.said + '.');
    } else {
      var target = document.querySelector('[data-focus]') || document.querySelector('main h1');
      if (target) {
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus();
      }
      var flash = document.querySelector('.flash');
      if (flash) announce(flash.textContent);
    }
    connect();
  }

  // A form sent from this page changes the request itself: stop listening until the answer's page listens again.
  document.addEventListener(
    'submit',
    function () {
      if (source) {
        source.close();
        source = null;
      }
    },
    true,
  );
  document.addEventListener('htmx:afterSettle', settle);
  document.addEventListener('DOMContentLoaded', connect);
  window.addEventListener('pagehide', function () {
    if (source) source.close();
  });
})();

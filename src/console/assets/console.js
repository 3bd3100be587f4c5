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

  /** The inbox's rows changed: say so politely and offer a refresh (the rows do not move under the person's eyes). */
  function offerRefresh() {
    if (document.getElementById('inbox-changed')) return;
    var box = document.createElement('div');
    box.id = 'inbox-changed';
    box.className = 'flash';
    var p = document.createElement('p');
    p.textContent = 'Requests in this list have changed since it was shown.';
    var button = document.createElement('button');
    button.type = 'button';
    button.id = 'inbox-refresh';
    button.textContent = 'Refresh the list';
    button.addEventListener('click', function () {
      reload('The list was refreshed');
    });
    p.appendChild(document.createTextNode(' '));
    p.appendChild(button);
    box.appendChild(p);
    var count = document.querySelector('[data-inbox-live]');
    count.parentNode.insertBefore(box, count);
    announce('Requests in this list have changed. Refresh the list to see them.');
  }
  function connect() {
    if (source) {
      source.close();
      source = null;
    }
    var inbox = document.querySelector('[data-inbox-live]');
    if (inbox && window.EventSource) {
      source = new EventSource(inbox.getAttribute('data-inbox-live'));
      source.addEventListener('changed', function () {
        source.close();
        offerRefresh();
      });
      source.addEventListener('signed-out', function () {
        source.close();
      });
      return;
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

  // --- SLA badges that keep counting: the same rules as the server's (src/console/sla-badge.ts rowBadge). ---

  /** Business hours as one or two units: "45m", "2h", "2h 30m", "-1h 15m" (minutes rounded toward zero). */
  function durationText(hours) {
    var minutes = Math.trunc(Math.abs(hours) * 60);
    var sign = hours < 0 && minutes > 0 ? '-' : '';
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    if (h === 0) return sign + m + 'm';
    return m === 0 ? sign + h + 'h' : sign + h + 'h ' + m + 'm';
  }

  /** Business milliseconds between two instants, from windows given in minutes from `due`. */
  function businessMs(windows, due, from, to) {
    var total = 0;
    for (var i = 0; i < windows.length; i++) {
      var start = Math.max(due + windows[i][0] * 60000, from);
      var end = Math.min(due + windows[i][1] * 60000, to);
      if (end > start) total += end - start;
    }
    return total;
  }

  function recount() {
    var badges = document.querySelectorAll('.sla[data-due]');
    var now = Date.now();
    for (var i = 0; i < badges.length; i++) {
      var b = badges[i];
      var due = Date.parse(b.getAttribute('data-due'));
      var target = Number(b.getAttribute('data-target'));
      var windows = JSON.parse(b.getAttribute('data-windows'));
      var tone, icon, text, label;
      // A change's badge (its own SLA clock) keeps saying so.
      var whose = /^Change /.test(b.title) ? 'Change ' : '';
      if (now >= due) {
        var over = businessMs(windows, due, due, now) / 3600000;
        tone = 'breached';
        icon = '✕';
        text = durationText(-over);
        label = whose + 'SLA breached ' + durationText(over) + ' ago (business time)';
      } else {
        var left = businessMs(windows, due, now, due) / 3600000;
        var warning = left <= target * 0.25;
        tone = warning ? 'warning' : 'ok';
        icon = warning ? '⚠' : '◷';
        text = durationText(left) + ' left';
        label =
          whose +
          'SLA: ' +
          durationText(left) +
          ' of business time left' +
          (warning ? ', breach is near' : '') +
          '; due ' +
          b.getAttribute('data-due');
      }
      b.className = 'sla sla-' + tone;
      b.title = label;
      b.querySelector('.sla-icon').textContent = icon;
      b.querySelector('.sla-text').textContent = text;
      b.querySelector('.sla-label').textContent = label;
    }
  }
  setInterval(recount, 30000);

  function settle() {
    if (refreshing) {
      var was = refreshing;
      refreshing = null;
      // Back where the person was; when that is gone (the inbox's Refresh button), to the page's heading.
      var again = (was.focusId && document.getElementById(was.focusId)) || document.querySelector('main h1');
      if (again) {
        if (!again.hasAttribute('tabindex') && again.tagName === 'H1') again.setAttribute('tabindex', '-1');
        again.focus();
      }
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
  document.addEventListener('DOMContentLoaded', function () {
    connect();
    recount();
  });
  window.addEventListener('pagehide', function () {
    if (source) source.close();
  });
})();

// The little script the console needs. Everything works without it; with
// it, dialogs open in place, countdowns tick every second, each cluster
// row re-syncs with the server so that a change made elsewhere shows, the
// menus follow the WAI-ARIA menu button pattern, and times show in the
// viewer's time zone.
(function () {
  "use strict";

  // Styles that only make sense with the script (the UTC switch) key on it.
  document.documentElement.classList.add("js");

  // Difference between the server's clock and this browser's, learned from
  // the countdowns the server rendered, so a wrong local clock does not
  // change what the countdown says.
  var skew = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function learnSkew(root) {
    var el = (root || document).querySelector("[data-server-now]");
    if (el) { skew = Number(el.getAttribute("data-server-now")) - Date.now(); }
  }

  // A menu is open under the person's hands: a re-sync would close it.
  function hasOpenMenu(root) {
    return !!root.querySelector("details[open], [aria-haspopup][aria-expanded=true]");
  }

  function refreshRow(row) {
    if (!window.htmx || !row.isConnected || hasOpenMenu(row)) { return; }
    var url = row.getAttribute("data-refresh-url");
    if (url) { window.htmx.ajax("GET", url, { target: row, swap: "outerHTML" }); }
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-expires]").forEach(function (el) {
      var left = Number(el.getAttribute("data-expires")) - now;
      var text = format(left);
      if (el.textContent !== text) { el.textContent = text; }
      if (left <= 0 && !el.hasAttribute("data-done")) {
        // At zero the cell shows what the server said it would say
        // without the grant, then the row asks the server for the truth.
        el.setAttribute("data-done", "");
        var cell = el.closest("[data-testid=access-status]");
        var after = cell && cell.querySelector("template[data-after-expiry]");
        if (after) { cell.innerHTML = after.innerHTML; }
        var row = cell && cell.closest("tr[data-refresh-url]");
        if (row) { setTimeout(function () { refreshRow(row); }, 300); }
      }
    });
  }

  // One request re-syncs every row of the table, unless a menu or dialog is
  // open under the person's hands.
  function poll() {
    var body = document.getElementById("clusters-body");
    if (!window.htmx || !body || hasOpenMenu(body) || document.querySelector("#modal dialog[open]")) { return; }
    window.htmx.ajax("GET", body.getAttribute("data-refresh-url"), { target: "#clusters-body", swap: "outerHTML" });
  }

  // A re-sync sent before a menu or dialog opened may answer after it: its
  // rows would replace the open menu under the person's hands. Dropped; the
  // next one, once the menu is closed, brings the rows.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var t = ev.detail.target;
    if (!t || !t.matches || !(t.id === "clusters-body" || t.matches("tr[data-refresh-url]"))) { return; }
    if (hasOpenMenu(t) || document.querySelector("#modal dialog[open]")) { ev.detail.shouldSwap = false; }
  });

  // ---- Menus: the WAI-ARIA menu button pattern over <details> ----

  var menuSeq = 0;
  // The row whose menu opened the dialog on screen, to give it focus back.
  var returnRow = "";

  // upgrade turns a server-rendered <details class="menu"> into a <div>
  // with a real <button aria-haspopup="menu"> and the role="menu" list,
  // moving (not copying) the nodes, so htmx keeps what it bound to them.
  function upgrade(d) {
    var summary = d.firstElementChild;
    var list = d.querySelector(":scope > [role=menu]");
    if (!summary || summary.tagName !== "SUMMARY" || !list) { return; }
    var wasOpen = d.open;
    var wrap = document.createElement("div");
    var button = document.createElement("button");
    Array.prototype.forEach.call(d.attributes, function (a) { if (a.name !== "open") { wrap.setAttribute(a.name, a.value); } });
    Array.prototype.forEach.call(summary.attributes, function (a) { button.setAttribute(a.name, a.value); });
    button.type = "button";
    var id = "menu-" + (++menuSeq);
    button.id = id + "-button";
    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    while (summary.firstChild) { button.appendChild(summary.firstChild); }
    list.id = id;
    if (!list.hasAttribute("aria-label")) { list.setAttribute("aria-labelledby", button.id); }
    list.hidden = true;
    items(list, true).forEach(function (i) { i.setAttribute("tabindex", "-1"); });
    summary.remove();
    wrap.appendChild(button);
    while (d.firstChild) { wrap.appendChild(d.firstChild); }
    d.replaceWith(wrap);
    if (wasOpen) { openMenu(button, ""); }
  }

  function upgradeAll(root) {
    if (root.matches && root.matches("details.menu")) { upgrade(root); return; }
    root.querySelectorAll("details.menu").forEach(upgrade);
  }

  // items are a menu's items in order; the disabled ones (the expiry note)
  // take focus but do nothing, as the pattern has it.
  function items(list, all) {
    return Array.prototype.filter.call(list.querySelectorAll("[role=menuitem]"), function (i) {
      return all || !i.closest("[hidden]");
    });
  }

  function menuOf(button) { return document.getElementById(button.getAttribute("aria-controls")); }

  function openMenu(button, focus) {
    closeMenus(button);
    var list = menuOf(button);
    if (!list) { return; }
    button.setAttribute("aria-expanded", "true");
    list.hidden = false;
    // A row menu low on the screen opens upwards, where the thumb is.
    list.classList.remove("menu-up");
    if (button.closest("tr")) {
      var r = button.getBoundingClientRect();
      if (r.bottom + list.offsetHeight + 8 > window.innerHeight && r.top - list.offsetHeight - 8 > 0) {
        list.classList.add("menu-up");
      }
    }
    var all = items(list);
    if (focus === "first" && all.length) { all[0].focus(); }
    if (focus === "last" && all.length) { all[all.length - 1].focus(); }
  }

  function closeMenu(button, giveFocus) {
    var list = menuOf(button);
    button.setAttribute("aria-expanded", "false");
    if (list) { list.hidden = true; }
    if (giveFocus) { button.focus(); }
  }

  // closeMenus closes every open menu but the one of keep.
  function closeMenus(keep) {
    document.querySelectorAll("[aria-haspopup=menu][aria-expanded=true]").forEach(function (b) {
      if (b !== keep) { closeMenu(b, false); }
    });
    document.querySelectorAll("details.menu[open]").forEach(function (d) { d.removeAttribute("open"); });
  }

  function moveFocus(list, current, key) {
    var all = items(list);
    if (!all.length) { return; }
    var i = all.indexOf(current);
    if (key === "ArrowDown") { i = (i + 1) % all.length; }
    if (key === "ArrowUp") { i = (i - 1 + all.length) % all.length; }
    if (key === "Home") { i = 0; }
    if (key === "End") { i = all.length - 1; }
    all[i].focus();
  }

  // typeAhead moves to the next item whose text starts with the letter.
  function typeAhead(list, current, ch) {
    var all = items(list);
    var start = all.indexOf(current);
    for (var n = 1; n <= all.length; n++) {
      var item = all[(start + n) % all.length];
      if (item.textContent.trim().toLowerCase().indexOf(ch) === 0) { item.focus(); return; }
    }
  }

  function onMenuButtonKey(ev, button) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      openMenu(button, ev.key === "ArrowDown" ? "first" : "last");
    }
  }

  function onMenuKey(ev, list) {
    var button = document.querySelector("[aria-controls='" + list.id + "']");
    var item = ev.target.closest("[role=menuitem]");
    switch (ev.key) {
      case "ArrowDown": case "ArrowUp": case "Home": case "End":
        ev.preventDefault();
        moveFocus(list, item, ev.key);
        return;
      case "Escape":
        ev.preventDefault();
        ev.stopPropagation();
        if (button) { closeMenu(button, true); }
        return;
      case "Tab":
        if (button) { closeMenu(button, false); }
        return;
      case " ":
        // Space chooses a link item as Enter does (a button does so itself).
        if (item && item.tagName === "A") { ev.preventDefault(); item.click(); }
        return;
    }
    if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      typeAhead(list, item, ev.key.toLowerCase());
    }
  }

  // ---- Dialogs ----

  function focusReturnRow() {
    var row = returnRow && document.getElementById(returnRow);
    returnRow = "";
    var b = row && row.querySelector("[aria-haspopup=menu]");
    if (b) { b.focus(); }
  }

  function openDialogs(root) {
    (root || document).querySelectorAll("#modal dialog:not([open])").forEach(function (d) {
      d.addEventListener("close", function () {
        var m = document.getElementById("modal");
        if (m && m.contains(d)) { m.innerHTML = ""; }
        focusReturnRow();
      });
      d.showModal();
      var f = d.querySelector("[autofocus]") || d.querySelector("input, button, a");
      if (f) { f.focus(); }
    });
  }

  // ---- Times: the viewer's time zone, UTC on hover or by choice ----

  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var zoneNames = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  var inUTC = false;
  try { inUTC = window.localStorage.getItem("times") === "utc"; } catch (e) { /* storage off: local times */ }

  function zone(d) {
    var part = zoneNames.formatToParts(d).filter(function (p) { return p.type === "timeZoneName"; })[0];
    return part ? part.value : "";
  }

  // formatLocal writes d in the shape the server writes UTC times
  // (FormatTime, FormatTimeSeconds in views/page.go), in local time.
  function formatLocal(d, withSeconds) {
    var hm = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (withSeconds) {
      return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + hm + ":" + pad(d.getSeconds()) + " " + zone(d);
    }
    return months[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear() + ", " + hm + " " + zone(d);
  }

  function localize(el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) { return; }
    if (!el.hasAttribute("data-utc")) { el.setAttribute("data-utc", el.textContent.trim()); }
    var utc = el.getAttribute("data-utc");
    var local = formatLocal(d, el.hasAttribute("data-seconds"));
    var text = inUTC ? utc : local;
    var title = inUTC ? local : utc;
    // Written only when it changes: the observer below sees every write.
    if (el.textContent !== text) { el.textContent = text; }
    if (el.getAttribute("title") !== title) { el.setAttribute("title", title); }
  }

  function localizeAll(root) {
    if (root.matches && root.matches("time[datetime]")) { localize(root); return; }
    root.querySelectorAll("time[datetime]").forEach(localize);
  }

  function enhance(root) {
    upgradeAll(root);
    localizeAll(root);
  }

  // ---- Events ----

  document.addEventListener("click", function (ev) {
    var close = ev.target.closest("[data-close-dialog]");
    var dialog = close && close.closest("dialog");
    if (dialog) { ev.preventDefault(); dialog.close(); return; }
    var button = ev.target.closest("[aria-haspopup=menu]");
    if (button) {
      if (button.getAttribute("aria-expanded") === "true") { closeMenu(button, true); } else { openMenu(button, "first"); }
      return;
    }
    var item = ev.target.closest("[role=menuitem]");
    if (item && item.getAttribute("aria-disabled") === "true") { return; }
    if (item) {
      var row = item.closest("tr[id]");
      returnRow = row ? row.id : "";
    }
    // A menu closes when a choice in it is made or the click lands outside it.
    document.querySelectorAll("details.menu[open], [aria-haspopup=menu][aria-expanded=true]").forEach(function (m) {
      var wrap = m.tagName === "DETAILS" ? m : m.parentElement;
      if (!wrap.contains(ev.target) || item) {
        if (m.tagName === "DETAILS") { m.removeAttribute("open"); } else { closeMenu(m, false); }
      }
    });
  });

  document.addEventListener("keydown", function (ev) {
    var button = ev.target.closest && ev.target.closest("[aria-haspopup=menu]");
    if (button) { onMenuButtonKey(ev, button); return; }
    var list = ev.target.closest && ev.target.closest("[role=menu]");
    if (list && list.id) { onMenuKey(ev, list); return; }
    if (ev.key === "Escape") {
      document.querySelectorAll("details.menu[open]").forEach(function (d) {
        d.removeAttribute("open");
        var s = d.querySelector("summary");
        if (s) { s.focus(); }
      });
    }
  });

  // Focus leaving an open menu (Tab, a click elsewhere) closes it.
  document.addEventListener("focusout", function (ev) {
    var list = ev.target.closest && ev.target.closest("[role=menu][id]");
    var wrap = list && list.parentElement;
    if (!wrap || (ev.relatedTarget && wrap.contains(ev.relatedTarget))) { return; }
    var button = wrap.querySelector("[aria-haspopup=menu][aria-expanded=true]");
    if (button && ev.relatedTarget) { closeMenu(button, false); }
  });

  document.addEventListener("change", function (ev) {
    if (!ev.target.matches("[data-utc-toggle]")) { return; }
    inUTC = ev.target.checked;
    try { window.localStorage.setItem("times", inUTC ? "utc" : "local"); } catch (e) { /* kept for this page only */ }
    localizeAll(document);
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    learnSkew(ev.target);
    openDialogs();
    tick();
    if (returnRow && !document.querySelector("#modal dialog[open]") && document.activeElement === document.body) {
      focusReturnRow();
    }
  });

  // Whatever htmx or the countdown puts on the page is enhanced before it
  // is painted: an observer's callback runs before the next frame.
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      r.addedNodes.forEach(function (n) { if (n.nodeType === 1) { enhance(n); } });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  function start() {
    enhance(document);
    document.querySelectorAll("[data-utc-toggle]").forEach(function (t) { t.checked = inUTC; });
    learnSkew();
    tick();
    setInterval(tick, 1000);
    var every = Number(document.body.getAttribute("data-poll-seconds")) || 5;
    setInterval(poll, every * 1000);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

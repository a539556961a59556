// The little script the console needs. Everything works without it; with
// it, dialogs open in place, countdowns tick every second, and each cluster
// row re-syncs with the server so that a change made elsewhere shows.
(function () {
  "use strict";

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

  function refreshRow(row) {
    if (!window.htmx || !row.isConnected) { return; }
    if (row.querySelector("details[open]")) { return; } // do not close a menu under the pointer
    var url = row.getAttribute("data-refresh-url");
    if (url) { window.htmx.ajax("GET", url, { target: row, swap: "outerHTML" }); }
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-expires]").forEach(function (el) {
      var left = Number(el.getAttribute("data-expires")) - now;
      el.textContent = format(left);
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
    if (!window.htmx || !body || body.querySelector("details[open]") || document.querySelector("#modal dialog[open]")) { return; }
    window.htmx.ajax("GET", body.getAttribute("data-refresh-url"), { target: "#clusters-body", swap: "outerHTML" });
  }

  function openDialogs(root) {
    (root || document).querySelectorAll("#modal dialog:not([open])").forEach(function (d) {
      d.addEventListener("close", function () {
        var m = document.getElementById("modal");
        if (m && m.contains(d)) { m.innerHTML = ""; }
      });
      d.showModal();
      var f = d.querySelector("[autofocus]") || d.querySelector("input, button, a");
      if (f) { f.focus(); }
    });
  }

  document.addEventListener("click", function (ev) {
    var close = ev.target.closest("[data-close-dialog]");
    var dialog = close && close.closest("dialog");
    if (dialog) { ev.preventDefault(); dialog.close(); return; }
    // A menu closes when a choice in it is made or the click lands outside it.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(ev.target) || ev.target.closest("[role=menuitem]")) { d.removeAttribute("open"); }
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) { s.focus(); }
    });
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    learnSkew(ev.target);
    openDialogs();
    tick();
  });

  document.addEventListener("DOMContentLoaded", function () {
    learnSkew();
    tick();
    setInterval(tick, 1000);
    var every = Number(document.body.getAttribute("data-poll-seconds")) || 5;
    setInterval(poll, every * 1000);
  });
})();

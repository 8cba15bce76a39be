/* Harborline idle timer. The server signs a session out after the idle timeout
 * (IdleTimeoutMiddleware); this script warns two minutes before, offers "Stay signed in"
 * (an ordinary request, which renews the session), and sends the page to sign-in when the
 * time is up. It asks /session/ for the time left, which does not itself count as activity,
 * so activity in another tab is taken into account. */
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
  var sessionUrl = body.getAttribute("data-session-url");
  var keepaliveUrl = body.getAttribute("data-keepalive-url");
  var loginUrl = body.getAttribute("data-login-url");
  var dialog = document.getElementById("idle-dialog");
  if (!timeout || !sessionUrl || !dialog) { return; }

  var WARN = 120;        // seconds before the end at which to warn
  var MAX_WAIT = 60;     // ask the server at least this often while a warning is near
  var countdown = document.getElementById("idle-dialog-countdown");
  var stay = document.getElementById("idle-dialog-stay");
  var deadline = Date.now() + timeout * 1000;
  var checkTimer = null;
  var tickTimer = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  var leaving = false;
  var checking = false;

  function toLogin() {
    if (leaving) { return; }
    leaving = true;
    closeWarning();
    var next = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(next));
  }

  function describe(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function openWarning() {
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
      if (stay) { stay.focus(); }
    }
    if (!tickTimer) { tickTimer = window.setInterval(tick, 1000); }
    tick();
  }

  function closeWarning() {
    if (tickTimer) { window.clearInterval(tickTimer); tickTimer = null; }
    if (dialog.open) {
      if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
    }
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (countdown) { countdown.textContent = describe(left); }
  }

  function schedule(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    if (checkTimer) { window.clearTimeout(checkTimer); }
    if (leaving) { return; }
    if (secondsLeft <= 0) {
      // The server signs the session out on the next request after the deadline and then
      // answers 401; ask again shortly rather than guessing.
      openWarning();
      checkTimer = window.setTimeout(check, 1000);
      return;
    }
    if (secondsLeft <= WARN) {
      openWarning();
    } else {
      closeWarning();
    }
    var wait = secondsLeft > WARN ? Math.min(secondsLeft - WARN, MAX_WAIT) : Math.min(secondsLeft, 15);
    checkTimer = window.setTimeout(check, Math.max(1, wait) * 1000);
  }

  function handle(response) {
    if (response.status === 401) { toLogin(); return null; }
    if (!response.ok) { return null; }
    return response.json();
  }

  function check() {
    if (checking || leaving) { return; }
    checking = true;
    window.fetch(sessionUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(handle)
      .then(function (data) {
        checking = false;
        if (data) { schedule(data.seconds_left); } else if (!leaving) { checkTimer = window.setTimeout(check, 15000); }
      })
      .catch(function () {
        checking = false;
        schedule(Math.max(1, Math.round((deadline - Date.now()) / 1000)));
      });
  }

  function keepAlive() {
    window.fetch(keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    })
      .then(handle)
      .then(function (data) { if (data) { schedule(data.seconds_left); } });
  }

  if (stay) { stay.addEventListener("click", keepAlive); }
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); keepAlive(); });
  // Any htmx request is activity too: the server renewed the session, so restart the clock.
  document.body.addEventListener("htmx:afterRequest", function () { schedule(timeout); });
  schedule(timeout);
})();

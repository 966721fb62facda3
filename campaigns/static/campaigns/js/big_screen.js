// The big screen (campaigns/big_screen.html), progressively enhanced: every
// data-refresh-seconds it fetches its own address again and swaps the new figures in, so
// the wall never flashes. The server checks the display link on every fetch: once a
// manager revokes it, the refusal page replaces the figures and polling stops. A failed
// fetch keeps the last figures and marks the update time as stale. Without JavaScript,
// the page's <noscript> refresh reloads it instead.
(function () {
  "use strict";
  var screen = document.querySelector("[data-screen]");
  if (!screen || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = parseInt(screen.getAttribute("data-refresh-seconds"), 10) || 60;
  var timer = null;

  function markStale() {
    var updated = screen.querySelector("[data-updated]");
    if (updated && !updated.classList.contains("stale")) {
      updated.classList.add("stale");
      updated.textContent += " · " + updated.getAttribute("data-stale-text");
    }
  }

  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var next = doc.querySelector("[data-screen]");
          if (response.ok && next) {
            screen.replaceWith(next);
            screen = next;
          } else if (response.status === 404 || response.status === 410) {
            window.clearInterval(timer);
            document.title = doc.title;
            document.body.replaceWith(doc.body);
          } else if (response.redirected) {
            window.location.reload(); // signed out of the admin: show the login page
          } else {
            markStale();
          }
        });
      })
      .catch(markStale);
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-screen-filter]");
    if (form) {
      form.submit();
    }
  });
  timer = window.setInterval(refresh, seconds * 1000);
})();

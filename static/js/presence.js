// Tells the newsroom this change form is still open, once a minute, and shows who else has the
// record open or saved it lately. Leaving the page ends the presence at once.
(function () {
  "use strict";
  var PING_EVERY_MS = 60 * 1000;

  function start() {
    var box = document.querySelector(".newsroom-presence[data-presence-url]");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !box.dataset.presenceUrl || !token) {
      return;
    }
    var url = box.dataset.presenceUrl;

    function body(extra) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token.value);
      if (extra) {
        data.append(extra, "1");
      }
      return data;
    }

    function ping() {
      fetch(url, { method: "POST", body: body(), credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) {
            return;
          }
          box.innerHTML = html;
          box.hidden = html.trim() === "";
        })
        .catch(function () {});
    }

    setInterval(ping, PING_EVERY_MS);
    window.addEventListener("pagehide", function () {
      navigator.sendBeacon(url, body("leave"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

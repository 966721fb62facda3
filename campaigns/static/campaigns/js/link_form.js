/* The tracked-link form (progressive enhancement: without this script, saving shows the
 * lists that fit the chosen language, campaign and team).
 *
 * When the language, campaign or team changes, the same form is fetched with them in the
 * query (the server offers the materials of that language and the events of that campaign
 * and team) and the material and event lists are replaced by the fetched ones; nothing
 * else on the page changes, and a choice that still fits stays chosen.
 */
(function () {
  "use strict";
  var names = ["language", "campaign", "team"];
  var lists = ["id_target", "id_event"];

  function refresh() {
    var query = new URLSearchParams();
    names.forEach(function (name) {
      var field = document.getElementById("id_" + name);
      if (field && field.value) query.set(name, field.value);
    });
    fetch(window.location.pathname + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        lists.forEach(function (id) {
          var fresh = page.getElementById(id);
          var current = document.getElementById(id);
          if (!fresh || !current) return;
          var kept = current.value;
          current.innerHTML = fresh.innerHTML;
          current.value = kept;
          if (current.value !== kept) current.value = "";
        });
      })
      .catch(function () { /* offline: saving still shows the right lists */ });
  }

  names.forEach(function (name) {
    var field = document.getElementById("id_" + name);
    if (field) field.addEventListener("change", refresh);
  });
})();

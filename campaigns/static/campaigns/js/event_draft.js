/* The outreach event form keeps a draft on the device (progressive enhancement: the form
 * works without this script).
 *
 * - As the coordinator types, the form's values are kept in localStorage under the key the
 *   page gives (user and event), and the photos chosen in IndexedDB (where it is there).
 * - When the page opens and the device holds a draft that differs from the form, it
 *   offers to restore or discard it.
 * - Sending: with no connection (navigator.onLine false, or the server cannot be reached)
 *   nothing is sent, the draft stays and the page says so. Otherwise the form is sent as
 *   usual, with the draft's id; the server lists the ids of drafts it saved, and a draft
 *   whose id the server lists is deleted.
 * - Lists of materials get a search box.
 */
(function () {
  "use strict";
  var config = document.getElementById("fz-event-draft");
  var form = document.getElementById("w-editor-form");
  if (!config || !form) return;
  var text = config.dataset;

  // --- Searchable material lists (works without storage) ----------------------------------
  function searchable(select) {
    if (select.dataset.fzSearchReady) return;
    select.dataset.fzSearchReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = text.textSearch;
    box.setAttribute("aria-label", text.textSearch);
    box.className = "fz-material-search";
    box.style.marginBottom = "0.5em";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !words || !option.value || option.text.toLowerCase().indexOf(words) !== -1;
        option.hidden = !match;
        if (match && option.value && !first) first = option;
      });
      if (words && first && (!select.value || select.selectedOptions[0].hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  function findSearchable() {
    form.querySelectorAll("select[data-fz-search]").forEach(function (select) {
      if (select.name.indexOf("__prefix__") === -1) searchable(select);
    });
  }
  findSearchable();
  form.addEventListener("w-formset:added", findSearchable);

  var storage;
  try {
    storage = window.localStorage;
    storage.setItem("fangzha:probe", "1");
    storage.removeItem("fangzha:probe");
  } catch (error) {
    return; // private mode or storage refused: the form still works, without drafts
  }
  var key = text.key;

  // --- Photos: File objects in IndexedDB, one entry per file input ----------------------
  var database = null;
  function files(mode, work) {
    if (!window.indexedDB) return Promise.resolve(null);
    if (!database) {
      database = new Promise(function (resolve) {
        var request = window.indexedDB.open("fangzha-drafts", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("files");
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          resolve(null);
        };
      });
    }
    return database.then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve) {
        var transaction = db.transaction("files", mode);
        var request = work(transaction.objectStore("files"));
        transaction.oncomplete = function () {
          resolve(request ? request.result : null);
        };
        transaction.onerror = transaction.onabort = function () {
          resolve(null);
        };
      });
    });
  }
  var photoInputs = {}; // name of a file input → true while it holds kept files
  function keepPhotos(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (chosen.length) photoInputs[input.name] = true;
    else delete photoInputs[input.name];
    return files("readwrite", function (store) {
      return chosen.length ? store.put(chosen, key + "|" + input.name) : store.delete(key + "|" + input.name);
    });
  }
  function forgetPhotos(names) {
    (names || []).forEach(function (name) {
      files("readwrite", function (store) {
        return store.delete(key + "|" + name);
      });
    });
    photoInputs = {};
  }
  function restorePhotos(names) {
    (names || []).forEach(function (name) {
      files("readonly", function (store) {
        return store.get(key + "|" + name);
      }).then(function (kept) {
        var input = form.elements[name];
        if (!kept || !kept.length || !input || !window.DataTransfer) return;
        var transfer = new DataTransfer();
        kept.forEach(function (file) {
          transfer.items.add(file);
        });
        input.files = transfer.files;
        photoInputs[name] = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  // --- Reading and writing the form ------------------------------------------------------
  function kept(element) {
    var name = element.name;
    if (!name || element.disabled || name.indexOf("__prefix__") !== -1) return false;
    if (/^(csrfmiddlewaretoken|action-.*|fz_draft_id)$/.test(name)) return false;
    if (/-held$/.test(name)) return false; // a photo held by the server for one request
    return !/^(file|submit|button|reset|image)$/.test(element.type);
  }
  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if (element.type === "checkbox" || element.type === "radio") {
        values[element.name] = values[element.name] || [];
        if (element.checked) values[element.name].push(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        values[element.name] = Array.prototype.map.call(element.selectedOptions, function (o) {
          return o.value;
        });
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  function read() {
    try {
      var draft = JSON.parse(storage.getItem(key) || "null");
      return draft && draft.values ? draft : null;
    } catch (error) {
      return null;
    }
  }
  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  var initial = snapshot();
  var stored = read();
  var saved = (text.saved || "").split(" ");
  if (stored && saved.indexOf(stored.id) !== -1) {
    storage.removeItem(key); // the server saved it
    forgetPhotos(stored.photos);
    stored = null;
  }
  var draftId = stored ? stored.id : newId();

  var offered = false; // a draft is offered: typing must not overwrite it before a choice
  function keep() {
    if (offered) return;
    var values = snapshot();
    if (same(values, initial) && !(stored && stored.id === draftId)) return;
    try {
      storage.setItem(
        key,
        JSON.stringify({
          id: draftId,
          at: Date.now(),
          values: values,
          photos: Object.keys(photoInputs),
        })
      );
    } catch (error) {
      /* storage full: nothing more to do */
    }
  }
  var timer = null;
  function keepSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(keep, 300);
  }
  form.addEventListener("input", keepSoon);
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "file" && input.name && input.name.indexOf("__prefix__") === -1) {
      keepPhotos(input).then(keep);
      return;
    }
    keepSoon();
  });

  // --- Messages --------------------------------------------------------------------------
  var notice = document.createElement("div");
  notice.className = "help-block help-warning fz-draft-notice";
  notice.setAttribute("role", "status");
  notice.hidden = true;
  form.parentNode.insertBefore(notice, form);
  function say(message, buttons) {
    notice.textContent = "";
    var p = document.createElement("p");
    p.textContent = message;
    notice.appendChild(p);
    (buttons || []).forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = spec.secondary ? "button button-secondary" : "button";
      button.style.marginInlineEnd = "0.5em";
      button.textContent = spec.label;
      button.addEventListener("click", spec.action);
      notice.appendChild(button);
    });
    notice.hidden = false;
    notice.scrollIntoView({ block: "nearest" });
  }

  // --- Restoring ---------------------------------------------------------------------------
  function addRows(values) {
    Object.keys(values).forEach(function (name) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (!match || !form.elements[name]) return;
      var add =
        document.getElementById("id_" + match[1] + "-ADD") ||
        document.getElementById(match[1] + "-ADD");
      var guard = 50;
      while (add && parseInt(form.elements[name].value, 10) < parseInt(values[name], 10) && guard--) {
        add.click();
      }
    });
  }
  function restore(values) {
    addRows(values);
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      var elements = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
      Array.prototype.forEach.call(elements, function (element) {
        if (!kept(element)) return;
        var before = element.type === "checkbox" || element.type === "radio" ? element.checked : element.value;
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = Array.isArray(value) && value.indexOf(element.value) !== -1;
        } else if (element.tagName === "SELECT" && element.multiple) {
          Array.prototype.forEach.call(element.options, function (option) {
            option.selected = Array.isArray(value) && value.indexOf(option.value) !== -1;
          });
        } else if (!Array.isArray(value)) {
          element.value = value;
        }
        var after = element.type === "checkbox" || element.type === "radio" ? element.checked : element.value;
        if (before !== after) element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  if (stored && text.bound !== "1" && !same(stored.values, initial)) {
    var at = new Date(stored.at);
    var time = at.toLocaleString(document.documentElement.lang || undefined, {
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
    offered = true;
    draftId = newId(); // what is sent meanwhile is not that draft
    say(text.textFound.replace("%(time)s", time), [
      {
        label: text.textRestore,
        action: function () {
          offered = false;
          draftId = stored.id;
          restore(stored.values);
          (stored.photos || []).forEach(function (name) {
            photoInputs[name] = true; // until the files are back in their inputs
          });
          restorePhotos(stored.photos);
          keep();
          say(text.textRestored);
        },
      },
      {
        label: text.textDiscard,
        secondary: true,
        action: function () {
          offered = false;
          storage.removeItem(key);
          forgetPhotos(stored.photos);
          stored = null;
          draftId = newId();
          notice.hidden = true;
        },
      },
    ]);
  }

  // --- Sending -----------------------------------------------------------------------------
  var idInput = document.createElement("input");
  idInput.type = "hidden";
  idInput.name = "fz_draft_id";
  form.appendChild(idInput);

  function stopProgress() {
    form.querySelectorAll("[data-w-progress-loading-value]").forEach(function (button) {
      button.setAttribute("data-w-progress-loading-value", "false");
    });
    form.querySelectorAll("button[disabled]").forEach(function (button) {
      if (button.type === "submit") button.disabled = false;
    });
  }
  function offline() {
    window.clearTimeout(timer);
    keep();
    window.setTimeout(stopProgress, 50);
    say(text.textOffline);
  }
  window.addEventListener("online", function () {
    if (!notice.hidden && notice.textContent.indexOf(text.textOffline) === 0) say(text.textOnline);
  });

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) return; // our own second submit, after the connection check
    window.clearTimeout(timer);
    idInput.value = draftId;
    keep();
    event.preventDefault();
    var submitter = event.submitter || null;
    if (navigator.onLine === false) {
      offline();
      return;
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = window.setTimeout(function () {
      if (controller) controller.abort();
    }, 10000);
    fetch(text.ping + (text.ping.indexOf("?") === -1 ? "?" : "&") + "online=" + Date.now(), {
      method: "HEAD",
      cache: "no-store",
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function () {
        window.clearTimeout(timeout);
        sending = true;
        if (form.requestSubmit) {
          form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        } else {
          if (submitter && submitter.name) {
            var extra = document.createElement("input");
            extra.type = "hidden";
            extra.name = submitter.name;
            extra.value = submitter.value;
            form.appendChild(extra);
          }
          form.submit();
        }
      })
      .catch(function () {
        window.clearTimeout(timeout);
        offline();
      });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) sending = false; // back from the browser's error page
  });
})();

/* The screen player (campaigns.player_views): plays the manifest's items in a loop,
 * keeps a local copy through the service worker (player_sw.js), and reports each play
 * once, in batches, with an id it made for it. No framework. */
(function () {
  "use strict";

  var root = document.querySelector("[data-player]");
  if (!root) return;
  var stage = root.querySelector("[data-stage]");
  var titleEl = root.querySelector("[data-title]");
  var qrBox = root.querySelector("[data-qr]");
  var qrImage = root.querySelector("[data-qr-image]");
  var hotlineEl = root.querySelector("[data-hotline]");
  var statusEl = root.querySelector("[data-status]");
  var texts = root.querySelector("[data-texts]").dataset;
  var manifestUrl = root.dataset.manifest;
  var queueKey = "fangzha-player:" + root.dataset.key + ":plays";

  var manifest = null;
  var blobs = {}; // media URL -> object URL
  var position = 0;
  var stopped = false;
  var lastReport = 0;
  var reporting = false;
  var timers = [];
  var refreshTimer = null;
  var state = { played: 0, reported: 0, version: "" };
  window.fangzhaPlayer = state; // read by the browser test

  function later(fn, ms) {
    var id = setTimeout(fn, ms);
    timers.push(id);
    return id;
  }

  function setState(name) {
    root.dataset.state = name;
  }

  function showStatus(text) {
    statusEl.textContent = text || "";
    statusEl.hidden = !text;
  }

  // --- the queue of plays not yet delivered (survives a restart) -------------------
  function readQueue() {
    try {
      return JSON.parse(localStorage.getItem(queueKey) || "[]");
    } catch (e) {
      return [];
    }
  }

  function writeQueue(plays) {
    try {
      localStorage.setItem(queueKey, JSON.stringify(plays.slice(-5000)));
    } catch (e) {
      /* storage full: the oldest plays are lost, the player keeps playing */
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function recordPlay(item, started, seconds) {
    if (seconds < 1) return;
    var plays = readQueue();
    plays.push({ id: newId(), item: item.id, at: started.toISOString(), seconds: Math.round(seconds) });
    writeQueue(plays);
    state.played += 1;
    root.dataset.played = String(state.played);
    var every = ((manifest && manifest.report_every_seconds) || 60) * 1000;
    if (Date.now() - lastReport >= every) report();
  }

  function report() {
    if (reporting || stopped || !manifest) return Promise.resolve();
    var batch = readQueue().slice(0, 500);
    if (!batch.length) return Promise.resolve();
    reporting = true;
    lastReport = Date.now();
    return fetch(manifest.report_url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ plays: batch }),
      credentials: "omit",
    })
      .then(function (response) {
        if (response.ok || response.status === 400) {
          // Stored, known or skipped (200), or never storable (400): delivered.
          var sent = {};
          batch.forEach(function (play) { sent[play.id] = true; });
          writeQueue(readQueue().filter(function (play) { return !sent[play.id]; }));
          if (response.ok) {
            state.reported += batch.length;
            root.dataset.reported = String(state.reported);
          }
        } else if (response.status === 410 || response.status === 404) {
          stop();
        }
        // 409, 429, 5xx: kept for the next report.
      })
      .catch(function () { /* offline: kept for the next report */ })
      .then(function () { reporting = false; });
  }

  // --- the manifest and its media -------------------------------------------------
  function mediaUrls(m) {
    var urls = [];
    m.items.forEach(function (item) {
      if (item.video) urls.push(item.video);
      if (item.image) urls.push(item.image);
      (item.captions || []).forEach(function (track) { urls.push(track.src); });
    });
    return urls;
  }

  function loadBlob(url) {
    if (blobs[url]) return Promise.resolve(blobs[url]);
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("media " + response.status);
      return response.blob();
    }).then(function (blob) {
      blobs[url] = URL.createObjectURL(blob);
      return blobs[url];
    });
  }

  function fetchManifest() {
    return fetch(manifestUrl, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 410 || response.status === 404) {
        stop();
        return null;
      }
      if (!response.ok) throw new Error("manifest " + response.status);
      return response.json();
    });
  }

  function refresh() {
    if (stopped) return Promise.resolve();
    return fetchManifest()
      .then(function (fresh) {
        if (!fresh || stopped) return;
        if (manifest && fresh.version === manifest.version) {
          manifest = fresh;
          return;
        }
        // Copy every item's media before switching, so the new playlist plays offline too.
        return Promise.all(mediaUrls(fresh).map(function (url) {
          return loadBlob(url).catch(function () { return null; });
        })).then(function () {
          var first = !manifest;
          manifest = fresh;
          state.version = fresh.version;
          root.dataset.version = fresh.version;
          forgetOldMedia(fresh);
          if (first) next();
        });
      })
      .catch(function () { /* offline: keep playing what we have */ })
      .then(function () {
        if (stopped) return;
        clearTimeout(refreshTimer); // one refresh in the queue, however it was started
        refreshTimer = later(refresh, manifest ? (manifest.refresh_seconds || 300) * 1000 : 10000);
      });
  }

  function forgetOldMedia(m) {
    var keep = {};
    mediaUrls(m).forEach(function (url) { keep[url] = true; });
    Object.keys(blobs).forEach(function (url) {
      if (!keep[url]) {
        URL.revokeObjectURL(blobs[url]);
        delete blobs[url];
      }
    });
    // The copy keeps this page, its script and style, the manifest and every item's
    // media, even those fetched before the service worker took over (the first visit).
    var own = [location.href, manifestUrl];
    document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (el) {
      own.push(el.src || el.href);
    });
    toWorker({ keep: Object.keys(keep), store: own.concat(Object.keys(keep)) });
  }

  function toWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  // --- playing --------------------------------------------------------------------
  function onAir(m) {
    var s = m.schedule;
    var siteNow = new Date(Date.now() + s.utc_offset_minutes * 60000);
    var day = siteNow.toISOString().slice(0, 10);
    if (s.start_date && day < s.start_date) return false;
    if (s.end_date && day > s.end_date) return false;
    var hour = siteNow.getUTCHours();
    return hour >= s.start_hour && hour < s.end_hour;
  }

  function clearStage() {
    while (stage.firstChild) stage.removeChild(stage.firstChild);
  }

  function showText(title, line, hotline) {
    var box = document.createElement("div");
    box.className = "slide";
    var h = document.createElement("p");
    h.className = "slide-title";
    h.textContent = title;
    box.appendChild(h);
    if (line) {
      var p = document.createElement("p");
      p.className = "slide-advice";
      p.textContent = line;
      box.appendChild(p);
    }
    if (hotline) {
      var n = document.createElement("p");
      n.className = "slide-hotline";
      n.textContent = hotline;
      box.appendChild(n);
    }
    stage.appendChild(box);
  }

  function showItem(item) {
    clearStage();
    stage.dataset.kind = item.kind;
    stage.dataset.item = String(item.id);
    titleEl.textContent = item.title;
    hotlineEl.textContent = item.hotline || manifest.hotline;
    if (item.qr) {
      qrImage.src = item.qr.image;
      qrBox.dataset.url = item.qr.url;
      qrBox.hidden = false;
    } else {
      qrBox.hidden = true;
    }
    return new Promise(function (resolve) {
      var limit = item.seconds * 1000;
      if (item.kind === "video" && blobs[item.video]) {
        var video = document.createElement("video");
        video.muted = true; // lobbies are silent: captions carry the words
        video.autoplay = true;
        video.playsInline = true;
        video.setAttribute("muted", "");
        if (item.frame && blobs[item.frame]) video.poster = blobs[item.frame];
        // One caption track, shown: Chinese where the video has it (Chromium would
        // otherwise also switch on a second track matching the device's language).
        var captions = item.captions || [];
        var caption = captions.filter(function (c) { return c.srclang === "zh-Hans"; })[0] || captions[0];
        if (caption && blobs[caption.src]) {
          var track = document.createElement("track");
          track.kind = "captions";
          track.src = blobs[caption.src];
          track.srclang = caption.srclang;
          track.label = caption.label;
          track.default = true;
          video.appendChild(track);
        }
        video.src = blobs[item.video];
        video.addEventListener("ended", function () { resolve(); });
        video.addEventListener("error", function () { later(resolve, 3000); });
        stage.appendChild(video);
        if (video.textTracks.length) video.textTracks[0].mode = "showing";
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () { /* shown paused: timer ends it */ });
        later(resolve, limit);
      } else if (item.kind === "poster" && blobs[item.image]) {
        var img = document.createElement("img");
        img.src = blobs[item.image];
        img.alt = item.alt || item.title;
        stage.appendChild(img);
        later(resolve, limit);
      } else if (item.kind === "video" || item.kind === "poster") {
        showText(item.title, "", item.hotline); // media not copied yet
        later(resolve, Math.min(limit, 5000));
      } else {
        showText(item.title, item.advice, item.hotline);
        later(resolve, limit);
      }
    });
  }

  function next() {
    if (stopped) return;
    if (!manifest.items.length || !onAir(manifest)) {
      clearStage();
      qrBox.hidden = true;
      titleEl.textContent = "";
      showText(manifest.items.length ? texts.idle : texts.empty, "", manifest.hotline);
      setState("idle");
      later(next, 30000);
      return;
    }
    setState("playing");
    if (!navigator.onLine) showStatus(texts.offline);
    var item = manifest.items[position % manifest.items.length];
    position = (position + 1) % manifest.items.length;
    var started = new Date();
    showItem(item).then(function () {
      if (stopped) return;
      recordPlay(item, started, (Date.now() - started.getTime()) / 1000);
      next();
    });
  }

  // --- revoked: stop, forget everything -------------------------------------------
  function stop() {
    if (stopped) return;
    stopped = true;
    timers.forEach(clearTimeout);
    clearStage();
    var box = document.createElement("div");
    box.className = "slide refused";
    var h = document.createElement("p");
    h.className = "slide-title";
    h.textContent = texts.revokedTitle;
    var p = document.createElement("p");
    p.className = "slide-advice";
    p.textContent = texts.revokedText;
    box.appendChild(h);
    box.appendChild(p);
    stage.appendChild(box);
    qrBox.hidden = true;
    qrImage.removeAttribute("src");
    titleEl.textContent = "";
    root.querySelector("[data-side]").hidden = true;
    setState("revoked");
    try { localStorage.removeItem(queueKey); } catch (e) { /* nothing kept */ }
    Object.keys(blobs).forEach(function (url) { URL.revokeObjectURL(blobs[url]); });
    blobs = {};
    toWorker({ forget: true });
  }

  function online() {
    showStatus("");
    refresh();
    report();
  }

  window.addEventListener("online", online);
  window.addEventListener("offline", function () { showStatus(texts.offline); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope })
      .catch(function () { /* no offline copy; the player still plays while online */ });
  }
  later(function tick() {
    report();
    later(tick, ((manifest && manifest.report_every_seconds) || 60) * 1000);
  }, 60000);
  refresh();
})();

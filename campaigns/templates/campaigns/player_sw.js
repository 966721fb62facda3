/* The screen player's service worker (scope /player/): keeps the player page, its
 * manifest and every item's media, so a screen keeps playing when the network drops and
 * after a restart. The manifest and the page are fetched from the network first (a
 * change is picked up as soon as the network is back); media and static files come from
 * the copy. A refused player (410/404) removes its copy. */
"use strict";

var CACHE = "fangzha-player-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) {
        cache.put(request.url, response.clone());
      } else if (response.status === 410 || response.status === 404) {
        cache.delete(request.url);
      }
      return response;
    }).catch(function (error) {
      return cache.match(request.url).then(function (copy) {
        if (copy) return copy;
        throw error;
      });
    });
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request.url).then(function (copy) {
      if (copy) return copy;
      return fetch(request).then(function (response) {
        if (response.status === 200) cache.put(request.url, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" || /\/manifest\.json$/.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (/^\/(media|static|documents)\//.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.forget) {
    event.waitUntil(caches.delete(CACHE));
  } else if (data.keep) {
    event.waitUntil(tidy(data.keep).then(function () { return store(data.store || []); }));
  }
});

// Copies what the player names, unless already kept (fetched fresh, without a range).
function store(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.match(url).then(function (copy) {
        if (copy) return null;
        return fetch(url, { credentials: "omit" }).then(function (response) {
          if (response.status === 200) return cache.put(url, response);
        }).catch(function () { return null; });
      });
    }));
  });
}

function tidy(keepUrls) {
  // Media no longer in the playlist: removed from the copy (pages and manifests stay).
  var keep = {};
  keepUrls.forEach(function (url) { keep[new URL(url, self.location.origin).href] = true; });
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        var path = new URL(request.url).pathname;
        if (/^\/(media|documents)\//.test(path) && !keep[request.url]) {
          return cache.delete(request);
        }
      }));
    });
  });
}

/* 朗读 in 关怀模式: reads the page's main text with the browser's own speech synthesis.
   Progressive enhancement: the buttons stay hidden where the browser cannot speak. */
(function () {
  "use strict";
  var box = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!box || !synth || !window.SpeechSynthesisUtterance) return;
  var buttons = {};
  box.querySelectorAll("[data-say]").forEach(function (b) { buttons[b.dataset.say] = b; });
  var lang = document.documentElement.lang || "zh-Hans";
  var chinese = /^zh/i.test(lang);
  var SKIP = "form, nav, .read-aloud, .share-box, .feedback, .downloads, .pagination, .visually-hidden, [hidden], [aria-hidden=true]";
  var BLOCKS = "h1, h2, h3, p, li, dt, dd, blockquote, figcaption, td, th";

  function show(state) { // idle, speaking or paused
    buttons.play.hidden = state !== "idle";
    buttons.pause.hidden = state !== "speaking";
    buttons.resume.hidden = state !== "paused";
    buttons.stop.hidden = state === "idle";
  }

  function sentences() {
    var main = document.querySelector("main");
    var blocks = Array.prototype.filter.call(main.querySelectorAll(BLOCKS), function (el) {
      return !el.closest(SKIP) && !el.querySelector(BLOCKS);
    });
    var parts = [];
    blocks.forEach(function (el) {
      var text = el.innerText.replace(/\s+/g, " ").trim();
      // Short pieces: some browsers stop a long utterance after about 15 seconds.
      (text.match(/[^。！？!?；;]+[。！？!?；;]*/g) || []).forEach(function (s) {
        if (s.trim()) parts.push(s.trim());
      });
    });
    return parts;
  }

  function voice() {
    var want = chinese ? /^zh[-_](CN|Hans)/i : new RegExp("^" + lang.slice(0, 2), "i");
    return synth.getVoices().filter(function (v) { return want.test(v.lang); })[0] || null;
  }

  function play() {
    synth.cancel();
    var parts = sentences();
    if (!parts.length) return;
    var v = voice();
    parts.forEach(function (text, i) {
      var u = new SpeechSynthesisUtterance(text);
      u.lang = chinese ? "zh-CN" : lang;
      if (v) u.voice = v;
      if (i === parts.length - 1) u.onend = function () { show("idle"); };
      synth.speak(u);
    });
    show("speaking");
  }

  buttons.play.addEventListener("click", play);
  buttons.pause.addEventListener("click", function () { synth.pause(); show("paused"); });
  buttons.resume.addEventListener("click", function () { synth.resume(); show("speaking"); });
  buttons.stop.addEventListener("click", function () { synth.cancel(); show("idle"); });
  window.addEventListener("pagehide", function () { synth.cancel(); });
  show("idle");
  box.hidden = false;
})();

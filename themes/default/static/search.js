/* Jarida search: loads search/index.json and finds articles whose folded words
   start with every folded word of the query. The folding mirrors generator/arabic.py
   (alef variants, ى -> ي, final ة -> ه, harakat, tatweel and invisible characters
   removed, Arabic-Indic digits -> ASCII) and the clitics of generator/tags.py. */
(function (root) {
  "use strict";
  var CLITICS = ["وبال", "وكال", "وللل", "فبال", "وال", "بال", "فال", "كال", "ولل", "لل", "وب", "ول", "وك", "فب", "فل", "ال", "و", "ف", "ب", "ل", "ك"];

  function fold(text) {
    text = (text || "").normalize("NFC")
      .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u200B-\u200F\u061C\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g, "")
      .replace(/[أإآٱ]/g, "ا").replace(/ى/g, "ي")
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x660); })
      .replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x6F0); })
      .replace(/ة(?=[^\u0621-\u064A]|$)/g, "ه");
    return text.toLowerCase();
  }

  function words(query) {
    return fold(query).split(/[^\u0621-\u064Aa-z0-9]+/).filter(function (w) { return w.length > 0; });
  }

  function variants(word) {
    var out = [word];
    CLITICS.forEach(function (c) {
      if (word.indexOf(c) === 0 && word.length - c.length >= 3) { out.push(word.slice(c.length)); }
    });
    return out;
  }

  /* docs: [[title, url, summary, date, "keys"]]; returns the matching docs, best first. */
  function search(docs, query, limit) {
    var terms = words(query);
    if (!terms.length) { return []; }
    var scored = [];
    docs.forEach(function (doc, index) {
      var keys = " " + doc[4] + " ";
      var title = " " + fold(doc[0]) + " ";
      var score = 0;
      var all = terms.every(function (term) {
        return variants(term).some(function (v) {
          if (keys.indexOf(" " + v) === -1) { return false; }
          score += title.indexOf(v) === -1 ? 1 : 3;
          return true;
        });
      });
      if (all) { scored.push([score, index, doc]); }
    });
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return (limit ? scored.slice(0, limit) : scored).map(function (s) { return s[2]; });
  }

  function start() {
    var form = document.getElementById("search-form");
    if (!form) { return; }
    var input = form.querySelector("input[type=search]");
    var out = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var base = form.getAttribute("data-root");
    var docs = null;
    function show() {
      var found = search(docs, input.value);  // all of them counted, the first 50 listed
      out.innerHTML = "";
      found.slice(0, 50).forEach(function (doc) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + doc[1];
        a.textContent = doc[0];
        var p = document.createElement("p");
        p.textContent = doc[2];
        li.appendChild(a);
        li.appendChild(p);
        out.appendChild(li);
      });
      var count = String(found.length);
      if (status.getAttribute("data-digits") === "arab") {
        count = count.replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩"[d]; });
      }
      status.textContent = input.value.trim() ? status.getAttribute("data-count").replace("{n}", count) : "";
    }
    fetch(base + "search/index.json").then(function (r) { return r.json(); }).then(function (data) {
      docs = data.docs;
      var q = new URLSearchParams(location.search).get("q");
      if (q) { input.value = q; show(); }
      input.addEventListener("input", show);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); if (docs) { show(); } });
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { fold: fold, search: search };
  } else {
    root.JaridaSearch = { fold: fold, search: search };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  }
})(this);

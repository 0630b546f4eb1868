/* kceval: sortable tables (class kc-sortable, numeric keys in data-sort), the current
   section in the contents, the contents folded on a phone, and the index page's search and filters. Included once per page; no dependencies, no network. */
(function () {
  "use strict";
  function key(cell) {
    if (!cell) return "";
    var k = cell.getAttribute("data-sort");
    return k === null ? cell.textContent.trim() : k;
  }
  function sortBy(table, th, col) {
    var body = table.tBodies[0];
    if (!body) return;
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) {
      var k = key(r.cells[col]);
      return k === "" || isFinite(Number(k));
    });
    var lang = document.documentElement.lang || undefined;
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === "" || y === "") return (x === "") - (y === "");  /* missing values last */
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, lang);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.kc-sortable"), function (table) {
      if (!table.tHead || !table.tHead.rows.length) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
        th.tabIndex = 0;
        th.addEventListener("click", function () { sortBy(table, th, col); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, col); }
        });
      });
    });
    /* on a phone the contents fold away: the reader opens them with one tap */
    var toc = document.querySelector(".kc-toc details");
    if (toc && window.matchMedia && window.matchMedia("(max-width: 600px)").matches) toc.open = false;
    var links = document.querySelectorAll(".kc-toc a[href^='#']");
    function mark() {
      var current = null;
      Array.prototype.forEach.call(links, function (a) {
        var t = document.getElementById(a.getAttribute("href").slice(1));
        if (t && t.getBoundingClientRect().top < 80) current = a;
        a.classList.remove("kc-current");
      });
      if (current) current.classList.add("kc-current");
    }
    if (links.length) { window.addEventListener("scroll", mark, { passive: true }); mark(); }
  }
  /* the index page: search by name with or without diacritics, filter by year and language */
  function fold(s) {
    return s.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function filters() {
    var form = document.querySelector(".kc-filters");
    if (!form) return;
    var q = form.querySelector(".kc-search"), y = form.querySelector(".kc-filter-year"),
        l = form.querySelector(".kc-filter-lang"), count = form.querySelector(".kc-filter-count");
    var none = document.querySelector(".kc-none");
    function apply() {
      var words = fold(q.value).split(/\s+/).filter(Boolean), shown = 0;
      Array.prototype.forEach.call(document.querySelectorAll("[data-search]"), function (row) {
        var s = row.getAttribute("data-search");
        var ok = words.every(function (w) { return s.indexOf(w) >= 0; }) &&
          (!y.value || !row.hasAttribute("data-year") || row.getAttribute("data-year") === y.value) &&
          (!l.value || !row.hasAttribute("data-lang") || row.getAttribute("data-lang") === l.value);
        row.hidden = !ok;
        if (ok && row.tagName === "TR") shown++;
      });
      Array.prototype.forEach.call(document.querySelectorAll(".kc-group, .kc-chart"), function (g) {
        g.hidden = !g.querySelector("[data-search]:not([hidden])");
      });
      if (count) count.textContent = shown + " / " + document.querySelectorAll("tr[data-search]").length;
      if (none) none.hidden = shown > 0;
    }
    q.addEventListener("input", apply);
    y.addEventListener("change", apply);
    l.addEventListener("change", apply);
    apply();
  }
  function start() { init(); filters(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

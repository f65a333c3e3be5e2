/* 追溯: a click on any count marked data-drill="kind:key" lists the records behind it in #records.
   Offline and self-contained: the records are the JSON in #drill-data; rows are built with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("drill-data").textContent);
  var view = document.getElementById("records");
  var body = view.querySelector("tbody");
  var head = view.querySelector("thead tr");
  var title = view.querySelector(".records-title");
  var count = view.querySelector("[data-drill-count]");
  var search = view.querySelector("input[type=search]");
  var pageText = view.querySelector(".records-page");
  var empty = view.querySelector(".records-empty");
  empty.textContent = data.text.empty;
  var PAGE = 20;
  var state = { key: null, rows: [], sort: -1, ascending: true, page: 0, opener: null };

  data.columns.forEach(function (column, index) {
    var th = document.createElement("th");
    th.textContent = column.name;
    th.setAttribute("data-sort", column.key);
    th.setAttribute("tabindex", "0");
    th.setAttribute("aria-sort", "none");
    th.addEventListener("click", function () { sortBy(index); });
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sortBy(index); } });
    head.appendChild(th);
  });

  function describe(key) {
    var split = key.indexOf(":");
    var kind = data.kinds[key.slice(0, split)] || key.slice(0, split);
    var value = key.slice(split + 1);
    return value ? kind + " · " + value : kind;
  }

  function matching() {
    var words = search.value.trim().toLowerCase();
    var rows = data.records.filter(function (record) {
      if (record.k.indexOf("\n" + state.key + "\n") < 0) { return false; }
      if (!words) { return true; }
      return record.v.some(function (value) { return value !== null && String(value).toLowerCase().indexOf(words) >= 0; });
    });
    if (state.sort >= 0) {
      var index = state.sort, sign = state.ascending ? 1 : -1, numeric = data.columns[index].numeric;
      rows.sort(function (a, b) {
        var x = a.v[index], y = b.v[index];
        if (x === null) { return 1; }
        if (y === null) { return -1; }
        return sign * (numeric ? x - y : String(x).localeCompare(String(y), "zh-CN"));
      });
    }
    return rows;
  }

  function draw() {
    state.rows = matching();
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    count.setAttribute("data-drill-count", String(state.rows.length));
    count.textContent = data.text.count.replace("{count}", String(state.rows.length));
    pageText.textContent = data.text.page.replace("{page}", String(state.page + 1)).replace("{pages}", String(pages));
    view.querySelector("[data-page=prev]").disabled = state.page === 0;
    view.querySelector("[data-page=next]").disabled = state.page >= pages - 1;
    body.textContent = "";
    state.rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (record) {
      var tr = document.createElement("tr");
      record.v.forEach(function (value, index) {
        var td = document.createElement("td");
        td.textContent = value === null ? "" : String(value);
        td.setAttribute("data-label", data.columns[index].name);
        td.className = (data.columns[index].numeric ? "num" : "") + (value === null || value === "" ? " blank" : "");
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    empty.hidden = state.rows.length > 0;
  }

  function sortBy(index) {
    state.ascending = state.sort === index ? !state.ascending : true;
    state.sort = index;
    Array.prototype.forEach.call(head.children, function (th, i) {
      th.setAttribute("aria-sort", i === index ? (state.ascending ? "ascending" : "descending") : "none");
    });
    state.page = 0;
    draw();
  }

  function open(key, opener) {
    state = { key: key, rows: [], sort: -1, ascending: true, page: 0, opener: opener };
    Array.prototype.forEach.call(head.children, function (th) { th.setAttribute("aria-sort", "none"); });
    search.value = "";
    title.textContent = data.text.title.replace("{what}", describe(key));
    view.hidden = false;
    document.body.classList.add("records-open");
    draw();
    search.focus();
  }

  function keepFocus(event) {
    /* the dialog is modal: Tab and Shift+Tab cycle through its controls */
    var controls = Array.prototype.filter.call(
      view.querySelectorAll("button, input, th[tabindex]"), function (el) { return !el.disabled && el.offsetParent !== null; });
    if (!controls.length) { return; }
    var first = controls[0], last = controls[controls.length - 1];
    if (event.shiftKey && (document.activeElement === first || !view.contains(document.activeElement))) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !view.contains(document.activeElement))) {
      event.preventDefault(); first.focus();
    }
  }

  function close() {
    view.hidden = true;
    document.body.classList.remove("records-open");
    if (state.opener) { state.opener.focus(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-drill]") : null;
    if (target && !view.contains(target)) { open(target.getAttribute("data-drill"), target); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !view.hidden) { close(); return; }
    if (event.key === "Tab" && !view.hidden) { keepFocus(event); return; }
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.hasAttribute && target.hasAttribute("data-drill")) {
      event.preventDefault();
      open(target.getAttribute("data-drill"), target);
    }
  });
  view.querySelector(".records-close").addEventListener("click", close);
  view.addEventListener("click", function (event) { if (event.target === view) { close(); } });
  search.addEventListener("input", function () { state.page = 0; draw(); });
  view.querySelector("[data-page=prev]").addEventListener("click", function () { state.page -= 1; draw(); });
  view.querySelector("[data-page=next]").addEventListener("click", function () { state.page += 1; draw(); });
  document.body.classList.add("drill-ready");
})();

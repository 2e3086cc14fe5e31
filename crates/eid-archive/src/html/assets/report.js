// eid-audit report pages: sorting and filtering of tables, and the link
// between a feature's row and its box on the document. A classic script with
// no network access and no inline handlers; every page is complete and
// readable without it.
(function () {
  "use strict";

  function ready(f) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", f);
    } else {
      f();
    }
  }

  var NUMBER = /^-?\d+(\.\d+)?$/;

  function cellText(row, i) {
    var c = row.cells[i];
    return c ? c.textContent.trim() : "";
  }

  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) {
      return parseFloat(a) - parseFloat(b);
    }
    return a.localeCompare(b);
  }

  // Headers become buttons that sort the rows by their column.
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) {
          h.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var d = compare(cellText(x, i), cellText(y, i));
          return ascending ? d : -d;
        });
        rows.forEach(function (r) {
          body.appendChild(r);
        });
      });
    });
  }

  // A search box above the table hides the rows that do not contain its text.
  function filterable(table) {
    var wrap = table.parentNode;
    var label = document.createElement("label");
    label.className = "filter";
    label.appendChild(document.createTextNode("Filter rows: "));
    var input = document.createElement("input");
    input.type = "search";
    label.appendChild(input);
    var shown = document.createElement("span");
    shown.className = "shown";
    shown.setAttribute("aria-live", "polite");
    label.appendChild(shown);
    wrap.parentNode.insertBefore(label, wrap);
    var body = table.tBodies[0];
    function apply() {
      var needle = input.value.trim().toLowerCase();
      var n = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        var keep = needle === "" || r.textContent.toLowerCase().indexOf(needle) >= 0;
        r.hidden = !keep;
        if (keep) {
          n += 1;
        }
      });
      shown.textContent = " " + n + " of " + body.rows.length + " rows";
    }
    input.addEventListener("input", apply);
    apply();
  }

  // A feature's row and its box light each other up, by pointer or focus.
  function linkFeatures() {
    var rows = document.querySelectorAll("tr[data-box]");
    Array.prototype.forEach.call(rows, function (row) {
      var box = document.getElementById(row.getAttribute("data-box"));
      if (!box) {
        return;
      }
      function on() {
        row.classList.add("hl");
        box.classList.add("hl");
      }
      function off() {
        row.classList.remove("hl");
        box.classList.remove("hl");
      }
      row.addEventListener("mouseenter", on);
      row.addEventListener("mouseleave", off);
      row.addEventListener("focus", on);
      row.addEventListener("blur", off);
      box.addEventListener("mouseenter", on);
      box.addEventListener("mouseleave", off);
    });
  }

  // The finder of the index: every archive of the run, from the data file
  // archives.js (window.EID_ARCHIVES, a row per archive: index, archive,
  // process id, status, agrees, recorded, automatic, reviewer, reasons,
  // worst severity, error), filtered by every word typed and sorted by a
  // column; the first 200 found are listed, each linking to its page.
  var FOUND_MAX = 200;
  var FIELDS = ["#", "Archive", "Process id", "Recomputed", "Agrees", "Recorded",
    "Automatic", "Reviewer", "Reasons", "Worst", "Error"];

  function pageOf(index) {
    var n = String(index);
    while (n.length < 6) {
      n = "0" + n;
    }
    return "a/" + n + ".html";
  }

  function finder() {
    var host = document.getElementById("finder");
    var rows = window.EID_ARCHIVES;
    if (!host || !rows) {
      return;
    }
    var label = document.createElement("label");
    label.appendChild(document.createTextNode("Find in all " + rows.length + " archives: "));
    var input = document.createElement("input");
    input.type = "search";
    input.id = "find-input";
    label.appendChild(input);
    host.appendChild(label);
    var by = document.createElement("select");
    by.id = "find-sort";
    FIELDS.forEach(function (name, i) {
      var o = document.createElement("option");
      o.value = String(i);
      o.textContent = "sorted by " + name;
      by.appendChild(o);
    });
    host.appendChild(document.createTextNode(" "));
    host.appendChild(by);
    var count = document.createElement("p");
    count.id = "find-count";
    count.setAttribute("aria-live", "polite");
    host.appendChild(count);
    var table = document.createElement("table");
    table.id = "find-table";
    table.className = "list";
    var head = table.createTHead().insertRow();
    FIELDS.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    host.appendChild(table);
    var lower = rows.map(function (r) {
      return r.slice(1).join("\u0001").toLowerCase();
    });
    function apply() {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var found = [];
      for (var i = 0; i < rows.length; i += 1) {
        var text = lower[i];
        if (words.every(function (w) { return text.indexOf(w) >= 0; })) {
          found.push(rows[i]);
        }
      }
      var col = Number(by.value);
      found.sort(function (a, b) {
        return compare(String(a[col]), String(b[col])) || a[0] - b[0];
      });
      while (body.firstChild) {
        body.removeChild(body.firstChild);
      }
      found.slice(0, FOUND_MAX).forEach(function (r) {
        var tr = body.insertRow();
        r.forEach(function (v, i) {
          var td = tr.insertCell();
          if (i === 0) {
            td.textContent = String(v + 1);
          } else if (i === 1) {
            var a = document.createElement("a");
            a.href = pageOf(r[0]);
            a.textContent = v;
            td.appendChild(a);
          } else {
            td.textContent = v;
          }
        });
      });
      count.textContent = found.length + " of " + rows.length + " archives found" +
        (found.length > FOUND_MAX ? "; the first " + FOUND_MAX + " listed" : "");
    }
    input.addEventListener("input", apply);
    by.addEventListener("change", apply);
    apply();
  }

  // The data file is a deferred script after this one: the finder starts
  // once every script has run.
  window.addEventListener("load", finder);

  ready(function () {
    document.documentElement.classList.add("scripted");
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
      sortable(t);
      filterable(t);
    });
    linkFeatures();
  });
})();

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

  ready(function () {
    document.documentElement.classList.add("scripted");
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
      sortable(t);
      filterable(t);
    });
    linkFeatures();
  });
})();

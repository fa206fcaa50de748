// Sorts a table.sortable by the column whose heading is clicked (again: the other way).
// Cells sort by their data-v attribute when they have one (amounts, verdict rank), else by text.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, col) {
    th.tabIndex = 0;
    function sort() {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.getAttribute("data-type") === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      function key(row) {
        var cell = row.cells[col];
        var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
        if (!numeric) return v;
        return v === "" ? -Infinity : Number(v);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), c;
        if (numeric) c = x < y ? -1 : x > y ? 1 : 0;
        else c = String(x).localeCompare(String(y), document.documentElement.lang);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
});

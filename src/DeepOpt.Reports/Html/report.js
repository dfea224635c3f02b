// Sorts a table with class "sortable" when a header is clicked: numbers numerically (cells carry data-value),
// text alphabetically, empty and NaN cells last; a second click on the same header reverses the order.
(function () {
  function key(cell, numeric) {
    var raw = cell.getAttribute('data-value');
    if (raw === null) { raw = cell.textContent; }
    if (!numeric) { return raw; }
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }
  function sortBy(table, th, index) {
    var numeric = th.getAttribute('data-type') === 'number';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      if (x === null || x === '') { return (y === null || y === '') ? 0 : 1; }
      if (y === null || y === '') { return -1; }
      var c = numeric ? x - y : String(x).localeCompare(String(y));
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener('click', function () { sortBy(table, th, index); });
    });
  });
})();

// Pantau web app: draws the charts whose ECharts options the server puts
// in data-chart attributes, and shows htmx errors. No other behaviour
// lives here; pages work without it (forms post and reload).
(function () {
  'use strict';
  var charts = [];

  function draw(root) {
    if (!window.echarts || !root.querySelectorAll) return;
    root.querySelectorAll('.chart[data-chart]').forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = '1';
      var c = echarts.init(el, null, { renderer: 'svg', locale: 'EN' });
      c.setOption(JSON.parse(el.getAttribute('data-chart')));
      charts.push(c);
    });
  }

  function toast(msg) {
    var t = document.getElementById('toast');
    if (!t) {
      t = document.createElement('div');
      t.id = 'toast';
      t.setAttribute('role', 'alert');
      document.body.appendChild(t);
    }
    t.textContent = msg;
    t.className = 'show';
    clearTimeout(t._timer);
    t._timer = setTimeout(function () { t.className = ''; }, 6000);
  }

  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:afterSettle', function (e) { draw(e.detail.elt || document); });
  document.addEventListener('htmx:beforeSwap', function (e) {
    charts = charts.filter(function (c) {
      if (e.detail.target.contains(c.getDom())) { c.dispose(); return false; }
      return true;
    });
  });
  document.addEventListener('htmx:responseError', function (e) {
    var x = e.detail.xhr;
    toast((x && x.responseText && x.responseText.length < 300) ? x.responseText : 'Permintaan gagal. Coba lagi.');
  });
  document.addEventListener('htmx:sendError', function () {
    toast('Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.');
  });
  var timer;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();

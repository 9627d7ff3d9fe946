// Pantau web app: draws the charts whose ECharts options the server puts
// in data-chart attributes, shows htmx errors, and copies a draft to the
// clipboard (button[data-copy], hidden until this script shows it). No
// other behaviour lives here; pages work without it (forms post and
// reload, a draft is selected by hand).
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

  // copyButtons shows the copy buttons under root and copies the named
  // text field's current value (the analyst's edits included).
  function copyButtons(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll('button[data-copy]').forEach(function (b) {
      if (b.dataset.ready) return;
      b.dataset.ready = '1';
      b.hidden = false;
      var label = b.textContent;
      b.addEventListener('click', function () {
        var field = document.getElementById(b.getAttribute('data-copy'));
        if (!field) return;
        var done = function () {
          b.textContent = '✓ Tersalin';
          setTimeout(function () { b.textContent = label; }, 2500);
        };
        var byHand = function () {
          field.focus();
          field.select();
          var ok = false;
          try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
          if (ok) done(); else toast('Draf sudah terpilih: tekan Ctrl+C (atau salin dari menu) untuk menyalinnya.');
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, byHand);
        } else {
          byHand();
        }
      });
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

  document.addEventListener('DOMContentLoaded', function () { draw(document); copyButtons(document); });
  document.addEventListener('htmx:afterSettle', function (e) {
    draw(e.detail.elt || document);
    copyButtons(e.detail.elt || document);
  });
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

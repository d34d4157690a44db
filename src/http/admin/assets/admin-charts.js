/*
 * Unlatch console charts: an enhancement only. Each `figure[data-chart]` holds a data table, the source
 * of truth (screen readers and people without JavaScript read it); this script reads that table and
 * draws the same figures with Chart.js in a canvas above it. The canvas is aria-hidden: the table is
 * what assistive technology reads. Sighted people get the chart and a "Show data table" button.
 * Plain browser JavaScript, no build step, nothing inline (CSP: script-src 'self', style-src 'self').
 */
(function () {
  'use strict';

  var Chart = window.Chart;
  if (typeof Chart !== 'function') return;

  /*
   * Colours for lines and bars: each at least 4.5:1 on white (WCAG 1.4.11 asks 3:1 of graphics), in an
   * order that people with the common colour vision deficiencies still tell apart (blue, orange, green,
   * purple, red, grey). Lines also differ by dash and point shape, so colour is never the only cue.
   */
  var COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7e22ce', '#be123c', '#374151'];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [12, 6], [4, 2]];
  var POINTS = ['circle', 'rectRot', 'triangle', 'rect', 'star', 'crossRot'];
  var TEXT = '#1b1b1b';
  var GRID = '#d1d5db';

  var reduceMotion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)').matches : false;
  var lang = document.documentElement.lang || undefined;
  var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  Chart.defaults.color = TEXT;
  Chart.defaults.borderColor = GRID;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 14;

  /** The table as data: x labels from the row headers, one series per column, raw values from data-value. */
  function readTable(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return null;
    var series = [];
    for (var c = 1; c < head.cells.length; c++) {
      series.push({ name: head.cells[c].textContent.trim(), values: [], cells: [] });
    }
    var labels = [];
    for (var r = 0; r < body.rows.length; r++) {
      var row = body.rows[r];
      labels.push(row.cells[0].textContent.trim());
      for (var s = 0; s < series.length; s++) {
        var cell = row.cells[s + 1];
        var raw = cell ? cell.getAttribute('data-value') : null;
        var value = raw === null || raw === '' ? NaN : Number(raw);
        series[s].values.push(Number.isFinite(value) ? value : null);
        series[s].cells.push(cell ? cell.textContent.trim() : '');
      }
    }
    return {
      xLabel: head.cells[0] ? head.cells[0].textContent.trim() : '',
      labels: labels,
      series: series,
    };
  }

  function tick(unit) {
    return function (value) {
      var text = numbers.format(value);
      if (!unit) return text;
      return unit === '%' ? text + '%' : text + '\u202f' + unit;
    };
  }

  function config(kind, data, unit) {
    var line = kind === 'line';
    var stacked = kind === 'stacked-bar';
    var many = data.labels.length > 40;
    var datasets = data.series.map(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      var set = { label: s.name, data: s.values, borderColor: colour, backgroundColor: colour };
      if (line) {
        set.borderWidth = 2;
        set.borderDash = DASHES[i % DASHES.length];
        set.pointStyle = POINTS[i % POINTS.length];
        set.pointRadius = many ? 0 : 3;
        set.pointHoverRadius = 5;
        set.spanGaps = false;
        set.tension = 0;
      } else if (stacked) {
        // A white edge between stacked segments keeps neighbours apart whatever their colours.
        set.borderColor = '#ffffff';
        set.borderWidth = 1;
      }
      return set;
    });
    return {
      type: line ? 'line' : 'bar',
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: window.innerWidth < 640 ? 1.4 : 2.4,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { display: data.series.length > 1, labels: { usePointStyle: line } },
          tooltip: {
            callbacks: {
              // The tooltip says what the table says, formatted on the server in the page's language.
              label: function (item) {
                var s = data.series[item.datasetIndex];
                return s.name + ': ' + s.cells[item.dataIndex];
              },
            },
          },
        },
        scales: {
          x: {
            stacked: stacked,
            title: { display: Boolean(data.xLabel), text: data.xLabel },
            grid: { display: line },
            ticks: { autoSkip: true, maxRotation: 0 },
          },
          y: { stacked: stacked, beginAtZero: true, ticks: { callback: tick(unit), precision: unit ? undefined : 0 } },
        },
      },
    };
  }

  function enhance(figure) {
    var table = figure.querySelector('table');
    var region = table && table.parentElement;
    var data = table && readTable(table);
    if (!data || data.labels.length === 0 || data.series.length === 0) return;
    var kind = figure.getAttribute('data-chart');
    if (kind !== 'line' && kind !== 'bar' && kind !== 'stacked-bar') return;

    var box = document.createElement('div');
    box.className = 'chart-canvas';
    var canvas = document.createElement('canvas');
    canvas.setAttribute('aria-hidden', 'true');
    box.appendChild(canvas);
    figure.insertBefore(box, region);
    try {
      new Chart(canvas, config(kind, data, figure.getAttribute('data-unit') || ''));
    } catch (error) {
      // The table is still there and complete: a chart that cannot be drawn is simply not shown.
      figure.removeChild(box);
      if (window.console) window.console.error('chart not drawn', error);
      return;
    }

    // The table leaves the screen but not the accessibility tree; the button brings it back for sight.
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'chart-toggle';
    button.textContent = figure.getAttribute('data-show-table') || 'Show data table';
    button.setAttribute('aria-pressed', 'false');
    if (region.id) button.setAttribute('aria-controls', region.id);
    figure.insertBefore(button, region);
    var scrollable = region.hasAttribute('tabindex');
    function show(visible) {
      region.classList.toggle('chart-data-collapsed', !visible);
      button.setAttribute('aria-pressed', visible ? 'true' : 'false');
      // A scroll box takes focus only while it is seen: no focus stop on something off screen.
      if (scrollable) {
        if (visible) region.setAttribute('tabindex', '0');
        else region.removeAttribute('tabindex');
      }
    }
    button.addEventListener('click', function () {
      show(button.getAttribute('aria-pressed') !== 'true');
    });
    show(false);
    figure.classList.add('chart-enhanced');
  }

  var figures = document.querySelectorAll('figure[data-chart]');
  for (var i = 0; i < figures.length; i++) enhance(figures[i]);
})();

// Starts the first API calls while the modules are still loading, so that the first screen
// does not wait for module evaluation before asking: the session, the translations and, on a
// Monitor address, the device's description and values. api.js and i18n.js take these answers
// instead of asking again (a few seconds at most: later navigations ask afresh). A classic
// script: the CSP allows 'self' scripts, not inline ones.
(function () {
  'use strict';
  var pending = {};
  var at = Date.now();
  // Where the UI's files are: "/v/<version>/" when index.html came from the server (each file
  // kept by the browser for good, plugins/ui_web/src/static_files.hpp), "/" otherwise. Modules
  // must be asked for under the same address as app.js imports them (one instance of each).
  var script = document.currentScript;
  var base = script ? new URL('..', script.src).pathname : '/';
  window.gsStatic = base;
  function ask(path) {
    pending[path] = fetch('/api/v1' + path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  }
  // fn(body) once the answer to `path` is in; the page gets that answer only after fn ran, so
  // the requests fn makes are pending when the page gets to them. Failures: the page asks itself.
  function then(path, fn) {
    pending[path] = pending[path].then(function (res) {
      if (!res.ok) return res;
      return res.clone().json().then(fn).catch(function () { /* the page asks itself */ })
        .then(function () { return res; });
    });
  }
  ask('/session');
  // The strings of the language the last session used; on a first visit app.js chooses one.
  var lang = localStorage.getItem('gs.lang');
  if (lang && /^[a-z]{2}$/.test(lang)) pending['/i18n/' + lang + '.json'] = fetch(base + 'i18n/' + lang + '.json');
  var m = /^#\/monitor\?(.*)$/.exec(location.hash);
  var source = m && new URLSearchParams(m[1]).get('source');
  if (source) {
    var circuit = new URLSearchParams(m[1]).get('circuit');
    var q = new URLSearchParams({ source: source });
    if (circuit) q.set('circuit', circuit);
    ask('/monitor?' + q);
    ask('/live?' + new URLSearchParams({ source: source }));
  }
  // On a Trends address: its modules and the chart library are fetched now, not import by
  // import after the session; with a favourite in the address, the favourites list and then
  // the favourite's series list too.
  if (/^#\/trends(\?|$)/.test(location.hash)) {
    ['js/pages/trends.js', 'js/perimeter.js', 'js/history.js', 'js/format.js',
      'js/pages/trends/selection.js', 'js/pages/trends/chart.js', 'js/pages/trends/zoom.js',
      'js/pages/trends/table.js', 'js/pages/trends/csv.js', 'js/pages/trends/favourites.js',
      'node_modules/uplot/dist/uPlot.esm.js'].forEach(function (href) {
      var link = document.createElement('link');
      link.rel = 'modulepreload';
      link.href = base + href;
      document.head.appendChild(link);
    });
    var trendsParams = new URLSearchParams(location.hash.replace(/^#\/trends\??/, ''));
    var favourite = trendsParams.get('favourite');
    if (favourite) {
      // The series ids this favourite had on the last visit: its history is asked at once,
      // beside the session and the favourites (when the ids changed since, the page asks
      // for the right ones itself).
      try {
        var last = JSON.parse(localStorage.getItem('gs.trends.favourite-ids') || 'null');
        if (last && last.favourite === favourite && Array.isArray(last.ids)) askTrendsHistory(last.ids, trendsParams);
      } catch (e) { /* nothing remembered */ }
      ask('/trends/favourites');
      // As soon as the favourites are in: the stored series of that favourite's sources (the
      // page's next request, trends/selection.js: same sources, same order, same address).
      then('/trends/favourites', function (body) {
        var fav = (body.favourites || []).filter(function (f) { return f.name === favourite; })[0];
        var sel = fav && fav.selection;
        var loads = sel && Array.isArray(sel.loads) ? sel.loads.filter(function (l) { return l && typeof l.source === 'string'; }) : [];
        var sources = [];
        loads.forEach(function (l) { if (sources.indexOf(l.source) < 0) sources.push(l.source); });
        if (!sources.length) return;
        var path = '/history/series?' + new URLSearchParams({ source: sources.join(',') });
        ask(path);
        var data = Array.isArray(sel.data) ? sel.data : [];
        then(path, function (body) { askTrendsHistory(favouriteIds(body.series || [], loads, data), trendsParams); });
      });
    }
  }

  // The ids of a favourite's data among the stored series (trends/selection.js: the series of
  // its loads that Selection.apply ticks, in the order of the series list).
  function favouriteIds(series, loads, data) {
    return series.filter(function (s) {
      return loads.some(function (l) {
        return l.source === s.source && (s.circuit === 0 || s.circuit === (Number(l.circuit) || 0));
      }) && data.some(function (d) {
        return d && d.source === s.source && d.circuit === s.circuit && d.data === s.data;
      });
    }).map(function (s) { return s.id; });
  }

  // With a range in the address: the history of these series as the page's first draw asks
  // for it (trends.js; the address its history.js builds). The number of points is the one
  // the page asked for last time (it depends on the chart's width); when the page wants
  // other series or another number, it asks itself and this answer is not used.
  function askTrendsHistory(ids, params) {
    var from = Number(params.get('from')), to = Number(params.get('to'));
    var points = Number(localStorage.getItem('gs.trends.points'));
    ids = ids.filter(function (id) { return Number.isInteger(id); });
    if (!(from < to) || !(points > 0) || !ids.length) return;
    var path = '/history?' + new URLSearchParams({ series: ids.join(','), from: new Date(from).toISOString(),
      to: new Date(to).toISOString(), points: String(points) });
    if (pending[path]) return;
    ask(path);
    // Parsed as soon as it is in (the answer of a year is ~400 KB of JSON), while the page's
    // modules and its other requests are still on their way: api.js takes {ok, status, json}.
    pending[path] = pending[path].then(function (res) {
      return res.json().then(function (body) {
        return { ok: res.ok, status: res.status, json: function () { return Promise.resolve(body); } };
      }, function () { return res; });
    });
  }
  window.gsPrefetch = function (path) {
    var p = pending[path];
    delete pending[path];
    return p && Date.now() - at < 5000 ? p : null;
  };
})();

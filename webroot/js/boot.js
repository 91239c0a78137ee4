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
    var favourite = new URLSearchParams(location.hash.replace(/^#\/trends\??/, '')).get('favourite');
    if (favourite) {
      ask('/trends/favourites');
      // As soon as the favourites are in: the stored series of that favourite's sources (the
      // page's next request, trends/selection.js: same sources, same order, same address).
      pending['/trends/favourites'] = pending['/trends/favourites'].then(function (res) {
        if (res.ok) {
          res.clone().json().then(function (body) {
            var fav = (body.favourites || []).filter(function (f) { return f.name === favourite; })[0];
            var loads = fav && fav.selection && Array.isArray(fav.selection.loads) ? fav.selection.loads : [];
            var sources = [];
            loads.forEach(function (l) {
              if (l && typeof l.source === 'string' && sources.indexOf(l.source) < 0) sources.push(l.source);
            });
            if (sources.length) ask('/history/series?' + new URLSearchParams({ source: sources.join(',') }));
          }).catch(function () { /* the page asks itself */ });
        }
        return res;
      });
    }
  }
  window.gsPrefetch = function (path) {
    var p = pending[path];
    delete pending[path];
    return p && Date.now() - at < 5000 ? p : null;
  };
})();

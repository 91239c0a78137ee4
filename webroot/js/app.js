// The shell: session, language, the banner (home, configuration, alarm shortcut, log off) and a
// hash router. Pages are ES modules loaded on first use; later functions add theirs to PAGES.
import { api, setCsrf } from './api.js';
import { h, clear } from './dom.js';
import { fetchLanguage, loadLanguage, t } from './i18n.js';
import { icon } from './icons.js';

// section: where the home page lists it (manual §7.1); permission: from GET /api/v1/session.
export const PAGES = [
  { id: 'monitor', icon: 'monitor', section: 'monitor', permission: 'monitoring', load: () => import('./pages/monitor.js') },
  { id: 'alarms', icon: 'alarm', section: 'monitor', permission: 'monitoring', load: () => import('./pages/alarms.js') },
  { id: 'photoview', icon: 'photo', section: 'monitor', permission: 'monitoring', load: () => import('./pages/photoview.js') },
  { id: 'consumption', icon: 'consumption', section: 'analysis', permission: 'analysis', load: () => import('./pages/consumption.js') },
  { id: 'trends', icon: 'trends', section: 'analysis', permission: 'analysis', load: () => import('./pages/trends.js') },
  { id: 'config', icon: 'config', section: 'config', permission: 'configuration', load: () => import('./pages/config.js') },
  { id: 'datalogger', icon: 'config', section: 'config', permission: 'configuration', load: () => import('./pages/datalogger.js') },
];

const root = document.getElementById('app');
let session = null;
let cleanup = null;
let alarmTimer = 0;
let alarmStream = null; // the banner's count, pushed live (GET /live/stream?alarms=1)
let shell = null;

export const can = (permission) => !!session?.permissions.includes(permission);

export function navigate(page, params) {
  const q = params ? '?' + new URLSearchParams(params) : '';
  location.hash = `#/${page}${q}`;
}

function parseHash() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  return { page: path || 'home', params: Object.fromEntries(new URLSearchParams(query || '')) };
}

function preferredLanguage() {
  const saved = localStorage.getItem('gs.lang');
  if (saved) return saved;
  return (navigator.language || 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';
}

async function boot() {
  fetchLanguage(preferredLanguage()).catch(() => {}); // in parallel with the session check
  try {
    await adoptSession(await api.get('/session'));
  } catch {
    session = null;
    await loadLanguage(preferredLanguage()).catch(() => loadLanguage('en'));
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('gs:unauthenticated', (e) => {
    if (!session) return;
    session = null;
    showLogin(e.detail?.code === 'password_changed' ? 'login.password_changed' : 'login.expired');
  });
  route();
}

// A session from GET /session or the login: its CSRF token, and its language from now on.
async function adoptSession(s) {
  session = s;
  setCsrf(s.csrf_token);
  localStorage.setItem('gs.lang', s.language);
  await loadLanguage(s.language);
}

export async function onLoggedIn(s) {
  await adoptSession(s);
  shell = null;
  if (parseHash().page === 'login') location.hash = '#/home';
  else route();
}

async function logOff() {
  try { await api.post('/logout'); } catch { /* gone already */ }
  session = null;
  setCsrf('');
  location.hash = '#/login';
  showLogin();
}

async function showLogin(messageKey) {
  stopPage();
  shell = null;
  clearInterval(alarmTimer);
  alarmStream?.close();
  alarmStream = null;
  const { renderLogin } = await import('./pages/login.js');
  clear(root);
  renderLogin(root, { onLoggedIn, message: messageKey });
}

function stopPage() {
  if (cleanup) cleanup();
  cleanup = null;
}

function buildShell() {
  const alarmCount = h('span.badge', { hidden: true, 'aria-live': 'polite' });
  const header = h('header.banner',
    h('a.brand', { href: '#/home', title: t('nav.home') }, icon('home'), h('span', 'gridscope'),
      h('span.site', session.site)),
    h('nav.top', { 'aria-label': t('nav.main') },
      can('configuration') ? h('a.navbtn', { href: '#/config', 'data-nav': 'config' }, icon('config'), h('span', t('page.config'))) : null,
      h('a.navbtn', { href: '#/alarms', 'data-nav': 'alarms', title: t('nav.alarm_shortcut') }, icon('alarm'), h('span', t('page.alarms')), alarmCount),
      h('span.profile', t('profile.' + session.profile)),
      h('button.navbtn', { type: 'button', onclick: logOff, 'data-nav': 'logoff' }, icon('logoff'), h('span', t('nav.logoff')))));
  const toggle = h('button.banner-toggle', { type: 'button', 'aria-label': t('nav.toggle_banner'), title: t('nav.toggle_banner'),
    onclick: () => document.body.classList.toggle('banner-hidden') }, icon('banner'));
  const main = h('main', { id: 'page', tabindex: '-1' });
  clear(root).append(header, toggle, main);
  const showCount = (n) => {
    alarmCount.hidden = !n;
    alarmCount.textContent = n;
  };
  const refreshAlarms = async () => {
    try {
      const s = await api.get('/alarms/summary');
      showCount(s.count ?? s.active);
    } catch { /* shown by the pages */ }
  };
  refreshAlarms();
  clearInterval(alarmTimer);
  alarmTimer = setInterval(refreshAlarms, 15000);
  // The alarm engine's count of unacknowledged alarms, pushed as it changes (-1: no engine).
  alarmStream?.close();
  alarmStream = new EventSource('/api/v1/live/stream?alarms=1');
  alarmStream.addEventListener('alarms', (e) => {
    const data = JSON.parse(e.data);
    if (data.count >= 0) showCount(data.count);
    // Pages follow the engine through this one stream (window event `gs:alarms`): a stream of
    // their own per page view would hold a server slot until the server next writes to it.
    window.dispatchEvent(new CustomEvent('gs:alarms', { detail: data }));
  });
  return { main };
}

async function route() {
  const { page, params } = parseHash();
  if (!session) return showLogin();
  if (page === 'login') { location.hash = '#/home'; return; }
  stopPage();
  if (!shell) shell = buildShell();
  const main = clear(shell.main);
  const def = PAGES.find((p) => p.id === page);
  document.title = `${def ? t('page.' + def.id) : t('page.home')} — gridscope`;
  if (!def) {
    const { renderHome } = await import('./pages/home.js');
    renderHome(main, { session, can, pages: PAGES });
    return;
  }
  if (!can(def.permission)) {
    main.append(h('section.forbidden', { role: 'alert' }, h('h1', t('error.forbidden_title')), h('p', t('error.forbidden')),
      h('a.btn', { href: '#/home' }, t('nav.home'))));
    return;
  }
  const mod = await def.load();
  if (parseHash().page !== page) return; // navigated away meanwhile
  cleanup = (await mod.render(main, { session, params, page: def, navigate, can })) || null;
}

boot();

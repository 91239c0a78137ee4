// The login page (manual §5.1): profile, password (Advanced User and Admin), language.
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { loadLanguage, t, tOr } from '../i18n.js';

export async function renderLogin(root, { onLoggedIn, message }) {
  let info;
  try {
    info = await api.get('/auth');
  } catch {
    info = { site: '', profiles: [{ id: 'user', available: true, password_required: false }], languages: ['en'], default_language: 'en' };
  }
  const saved = localStorage.getItem('gs.lang');
  const state = { profile: 'user', language: info.languages.includes(saved) ? saved : info.default_language };
  await loadLanguage(state.language).catch(() => {});

  const draw = () => {
    const profile = info.profiles.find((p) => p.id === state.profile);
    const errorBox = h('p.error', { role: 'alert', id: 'login-error', hidden: !message }, message ? t(message) : '');
    const password = h('input', { id: 'login-password', type: 'password', name: 'password', autocomplete: 'current-password', required: true });
    const notice = profile.password_required && !profile.available
      ? h('div.notice', { role: 'status', id: 'login-notice' },
        h('p', t('login.no_password', { profile: t('profile.' + profile.id) })),
        h('code', profile.set_password_command))
      : null;
    const submit = h('button.btn.primary', { type: 'submit', disabled: !!notice }, t('login.submit'));
    const form = h('form.login-card', {
      'aria-labelledby': 'login-title',
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          const s = await api.post('/login', { profile: state.profile, password: profile.password_required ? password.value : '', language: state.language });
          await onLoggedIn(s);
        } catch (err) {
          errorBox.hidden = false;
          errorBox.textContent = tOr('login.error.' + err.code, t('login.error.failed'));
          if (err.status === 429) {
            const wait = err.body && Number(err.body.retry_after_s);
            if (wait) errorBox.textContent += ' ' + t('login.retry_in', { s: wait });
          }
          submit.disabled = false;
        }
      },
    },
    h('h1', { id: 'login-title' }, 'gridscope'),
    info.site ? h('p.site', info.site) : null,
    h('label', { for: 'login-profile' }, t('login.profile')),
    h('select', { id: 'login-profile', name: 'profile', onchange: (e) => { state.profile = e.target.value; message = null; draw(); } },
      info.profiles.map((p) => h('option', { value: p.id, selected: p.id === state.profile }, t('profile.' + p.id)))),
    profile.password_required ? [h('label', { for: 'login-password' }, t('login.password')), password] : null,
    h('label', { for: 'login-language' }, t('login.language')),
    h('select', { id: 'login-language', name: 'language', onchange: async (e) => {
      state.language = e.target.value;
      localStorage.setItem('gs.lang', state.language);
      await loadLanguage(state.language);
      draw();
    } }, info.languages.map((l) => h('option', { value: l, selected: l === state.language }, t('language.' + l)))),
    notice, errorBox, submit);
    clear(root).append(h('div.login', form));
    (profile.password_required && !notice ? password : form.querySelector('select')).focus();
  };
  draw();
}

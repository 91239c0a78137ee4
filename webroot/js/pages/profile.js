// Profile (manual §4 "Customise", any logged-in profile): the profile in use, its language,
// and for Advanced User and Admin the change of their own password (POST /password; every other
// session of the profile ends). Errors are shown at the field they concern.
import { h, clear } from '../dom.js';
import { t, tOr } from '../i18n.js';
import { api, setCsrf } from '../api.js';
import { onLoggedIn } from '../app.js';

// A labelled input with its own error line (aria-describedby), and a way to set the error.
function field(id, label, props) {
  const input = h('input', { id, name: id, 'aria-describedby': `${id}-error`, ...props });
  const error = h('p.error.field-error', { id: `${id}-error`, hidden: true });
  const set = (text) => {
    error.hidden = !text;
    error.textContent = text || '';
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return { input, set, node: h('div.field', h('label', { for: id }, label), input, error) };
}

function languagePart(session, info) {
  const result = h('p', { id: 'profile-language-result', role: 'status', 'aria-live': 'polite' });
  const select = h('select', { id: 'profile-language', name: 'language' },
    info.languages.map((l) => h('option', { value: l, selected: l === session.language }, t('language.' + l))));
  const form = h('form.card', { id: 'profile-language-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await onLoggedIn(await api.post('/session/language', { language: select.value }));
    } catch (err) {
      result.className = 'error';
      result.textContent = err.message;
    }
  } }, h('h2', t('profile_page.language')), h('label', { for: 'profile-language' }, t('login.language')), select, ' ',
  h('button.btn', { type: 'submit' }, t('profile_page.apply')), result);
  return form;
}

function passwordPart() {
  const current = field('profile-current', t('profile_page.current'), { type: 'password', autocomplete: 'current-password', required: true });
  const next = field('profile-new', t('profile_page.new'), { type: 'password', autocomplete: 'new-password', required: true });
  const again = field('profile-confirm', t('profile_page.confirm'), { type: 'password', autocomplete: 'new-password', required: true });
  const result = h('p', { id: 'profile-password-result', role: 'status', 'aria-live': 'polite' });
  const submit = h('button.btn.primary', { type: 'submit', id: 'profile-password-submit' }, t('profile_page.change'));
  const form = h('form.card', { id: 'profile-password-form', onsubmit: async (e) => {
    e.preventDefault();
    for (const f of [current, next, again]) f.set('');
    result.textContent = '';
    if (next.input.value !== again.input.value) {
      again.set(t('profile_page.error.mismatch'));
      again.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const s = await api.post('/password', { current: current.input.value, new: next.input.value });
      form.reset();
      result.className = '';
      result.textContent = t('profile_page.changed');
      setCsrf(s.csrf_token); // this browser's new session (the cookie came with it; the others ended)
    } catch (err) {
      // Each refusal at the field it concerns; the server's words for a weak password.
      if (err.code === 'invalid_credentials') current.set(t('profile_page.error.wrong_current'));
      else if (err.code === 'weak_password' || err.code === 'invalid_field') next.set(err.message);
      else { result.className = 'error'; result.textContent = tOr('login.error.' + err.code, err.message); }
      (err.code === 'invalid_credentials' ? current : next).input.focus();
    } finally {
      submit.disabled = false;
    }
  } }, h('h2', t('profile_page.password')), current.node, next.node, again.node, submit, result);
  return form;
}

export async function render(main, { session, can }) {
  let info = { languages: [session.language] };
  try { info = await api.get('/auth'); } catch { /* the session's language only */ }
  clear(main).append(h('div.content', h('h1', t('page.profile')),
    h('p', { id: 'profile-name' }, t('profile_page.logged_in_as', { profile: t('profile.' + session.profile) })),
    languagePart(session, info),
    can('change_own_password') ? passwordPart() : h('p.muted', { id: 'profile-no-password' }, t('profile_page.no_password'))));
}

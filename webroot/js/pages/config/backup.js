// Admin > Configuration > Backup (manual §3.4 "Save / restore the configuration"): download one
// archive (site file, the site's own profiles, Photoview images, favourites) and restore one.
// The server checks the whole archive on a staged copy before it replaces anything
// (POST /api/v1/config/restore, docs/api.md): a refused archive lists its errors here.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { backupUrl, restore } from '../../config_doc.js';

export function render(container, { session }) {
  const result = h('div.cfg-backup-result', { role: 'status', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', id: 'cfg-restore-file', accept: '.zip,application/zip' });
  const button = h('button.btn.primary', { type: 'button', id: 'cfg-restore', disabled: true }, t('cfgx.backup.restore'));
  file.addEventListener('change', () => { button.disabled = !file.files?.length; });

  button.addEventListener('click', async () => {
    const chosen = file.files?.[0];
    if (!chosen || !window.confirm(t('cfgx.backup.confirm'))) return;
    button.disabled = true;
    clear(result).append(h('p.muted', t('cfgx.backup.restoring')));
    try {
      await restore(chosen, session.csrf_token);
      clear(result).append(h('p.ok', t('cfgx.backup.restored')));
    } catch (e) {
      const lines = e.kind === 'invalid'
        ? (e.errors || []).map((x) => h('li', x.path ? `${x.path}: ${x.message}` : x.message || String(x)))
        : [h('li', e.message || e.code || String(e.kind))];
      clear(result).append(h('div.error', { role: 'alert' }, h('p', t('cfgx.backup.refused')), h('ul', lines)));
    } finally {
      button.disabled = !file.files?.length;
    }
  });

  container.append(h('section.cfg-backup',
    h('h2', t('cfgx.backup.title')),
    h('p.muted', t('cfgx.backup.about')),
    h('p', h('a.btn', { href: backupUrl, id: 'cfg-backup-download', download: 'gridscope-backup.zip' }, t('cfgx.backup.download'))),
    h('h3', t('cfgx.backup.restore_title')),
    h('p.muted', t('cfgx.backup.restore_about')),
    h('p', h('label', { for: 'cfg-restore-file' }, t('cfgx.backup.file')), ' ', file, ' ', button),
    result));
  return null;
}

// Verifying an evidence bundle: the server recomputes it from the lake and lists every difference.
import {h, fill, errorBox, valueText} from './dom.js';
import {postJson} from './api.js';

export async function page(main) {
  const input = h('input', {type: 'file', id: 'bundle-file', name: 'bundle', accept: 'application/json,.json', required: true});
  const result = h('div', {id: 'verify-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'inline', 'aria-label': 'Verify an evidence bundle'},
    h('label', {}, 'Evidence bundle (JSON)', input),
    h('button', {type: 'submit', class: 'primary'}, 'Verify against the lake'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = input.files[0];
    if (!file) return;
    fill(result, h('p', {}, 'Verifying…'));
    try {
      const report = await postJson('verify', await file.text());
      fill(result, show(report));
    } catch (err) {
      fill(result, errorBox(err.message));
    }
  });
  fill(main, h('h1', {}, 'Verify evidence'),
    h('p', {}, 'Recomputes an exported bundle from the lake: every snapshot, data file checksum, row and run. The same check runs on the command line as ',
      h('code', {}, 'tracelake verify <bundle.json>'), '.'),
    form, result);
}

function show(r) {
  const mismatches = r.differences.filter(d => d.mismatch);
  return h('div', {},
    h('p', {class: mismatches.length ? 'error' : 'panel', role: 'status'},
      mismatches.length
        ? `The evidence about ${r.table}/${r.recordId} no longer matches the lake: ${mismatches.length} difference(s).`
        : `The evidence about ${r.table}/${r.recordId} matches the lake.`),
    h('p', {}, `Checked ${r.snapshotsChecked} snapshots, ${r.filesChecked} data files, ${r.rowsChecked} rows. Exported ${r.exportedAt || '(time not stated)'} by ${r.exportedBy || '(unknown)'}.`),
    r.differences.length ? h('ul', {}, r.differences.map(d => h('li', {},
      h('strong', {}, d.kind), d.mismatch ? '' : ' (note)', ' ', valueText(d.message)))) : null);
}

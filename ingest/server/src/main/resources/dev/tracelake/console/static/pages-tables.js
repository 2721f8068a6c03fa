// Tables: the list, and one table with its snapshot timeline, refs and schema at any snapshot.
import {h, fill, link, path, time, short, dataTable, errorBox, navigate} from './dom.js';
import {get} from './api.js';

export async function home(main) {
  const data = await get('tables');
  const form = h('form', {class: 'inline', role: 'search', 'aria-label': 'Find a record by id'},
    h('label', {}, 'Record id', h('input', {name: 'id', id: 'home-record-id', required: true, size: 40, autocomplete: 'off'})),
    h('button', {type: 'submit', class: 'primary'}, 'Find'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(path('/find', {id: form.elements.id.value.trim()}));
  });
  fill(main, 
    h('h1', {}, 'Tracelake console'),
    h('p', {}, 'Find any record, see the exact rows, model and code it was made from, and what was derived from it.'),
    h('section', {'aria-labelledby': 'home-find'}, h('h2', {id: 'home-find'}, 'Find a record'), form),
    h('section', {'aria-labelledby': 'home-tables'}, h('h2', {id: 'home-tables'}, 'Tables'), tablesTable(data)));
}

export async function list(main) {
  const data = await get('tables');
  fill(main, h('h1', {}, 'Tables'), tablesTable(data));
}

function tablesTable(data) {
  if (!data.tables.length) return h('p', {}, 'The lake has no tables yet.');
  return dataTable('Tables', ['Table', 'Snapshots', 'Refs', 'Last commit', 'Code commit', 'Model', 'Run'],
    data.tables.map(t => [
      link(path('/table', {table: t.name}), t.name),
      String(t.snapshotCount),
      String(t.refCount),
      t.head ? time(t.head.committedAt) : '—',
      t.head ? h('code', {title: t.head.provenance.codeCommit || ''}, short(t.head.provenance.codeCommit || '—', 12)) : '—',
      t.head ? model(t.head.provenance) : '—',
      t.head && t.head.provenance.runId ? link(path('/run', {id: t.head.provenance.runId}), short(t.head.provenance.runId, 24)) : '—',
    ]));
}

export function model(p) {
  if (!p.modelName) return '—';
  return p.modelName + (p.modelVersion ? ' ' + p.modelVersion : '');
}

export async function table(main, params) {
  const name = params.get('table');
  const version = params.get('version') || '';
  const [t, snaps] = await Promise.all([
    get('table', {table: name, version}),
    get('snapshots', {table: name, page_size: 25}),
  ]);
  const timeline = h('tbody', {});
  const more = h('p', {class: 'pager'});
  const addPage = (page) => {
    for (const s of page.snapshots) {
      timeline.appendChild(h('tr', {},
        h('td', {}, time(s.committedAt)),
        h('td', {}, h('code', {}, s.snapshotId)),
        h('td', {}, s.operation || ''),
        h('td', {}, String(s.addedRows)),
        h('td', {}, h('code', {title: s.provenance.codeCommit || ''}, short(s.provenance.codeCommit || '—', 12))),
        h('td', {}, model(s.provenance)),
        h('td', {}, s.provenance.runId ? link(path('/run', {id: s.provenance.runId}), short(s.provenance.runId, 24)) : '—'),
        h('td', {}, s.provenance.producer || '—'),
        h('td', {}, link(path('/table', {table: name, version: s.snapshotId}), 'Schema'), ' · ',
          link(path('/find', {table: name, version: s.snapshotId}), 'Find records'))));
    }
    fill(more);
    if (page.nextPageToken) {
      more.appendChild(h('button', {type: 'button', onclick: async () => {
        addPage(await get('snapshots', {table: name, page_size: 25, page_token: page.nextPageToken}));
      }}, 'Older snapshots'));
    }
  };
  addPage(snaps);
  const refs = t.refs.length
    ? dataTable('Refs', ['Name', 'Type', 'Snapshot'], t.refs.map(r => [
        link(path('/table', {table: name, version: r.name}), r.name), r.type, h('code', {}, r.snapshotId)]))
    : h('p', {}, 'No branches or tags.');
  const at = t.snapshot
    ? ['Columns at snapshot ', h('code', {}, t.snapshot.snapshotId), ' (', time(t.snapshot.committedAt), version ? ', version ' + version : '', ')']
    : ['Columns (no snapshot yet)'];
  fill(main, 
    h('h1', {}, 'Table ', h('code', {}, t.name)),
    h('p', {}, `${t.snapshotCount} snapshots · location `, h('code', {}, t.location)),
    h('div', {class: 'actions'}, link(path('/find', {table: name}), 'Find records in this table')),
    h('section', {'aria-labelledby': 'sec-snapshots'},
      h('h2', {id: 'sec-snapshots'}, 'Snapshot timeline'),
      h('p', {class: 'muted'}, `Newest first; ${snaps.total} in all.`),
      h('table', {class: 'data'},
        h('caption', {class: 'visually-hidden'}, 'Snapshots'),
        h('thead', {}, h('tr', {}, ['Committed', 'Snapshot', 'Operation', 'Rows added', 'Code commit', 'Model', 'Run', 'Producer', ''].map(x => h('th', {scope: 'col'}, x)))),
        timeline),
      more),
    h('section', {'aria-labelledby': 'sec-refs'}, h('h2', {id: 'sec-refs'}, 'Refs'), refs),
    h('section', {'aria-labelledby': 'sec-schema'}, h('h2', {id: 'sec-schema'}, ...at),
      dataTable('Columns', ['Field id', 'Name', 'Type', 'Required', 'Filled by Tracelake'],
        t.columns.map(c => [String(c.fieldId), h('code', {}, c.name), h('code', {}, c.type), c.required ? 'yes' : 'no', c.metadata ? 'yes' : 'no']))));
}

export {errorBox};

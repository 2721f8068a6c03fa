// Finding records: by record id in every table, or by a typed column filter at a chosen version.
import {h, fill, link, path, time, short, errorBox, navigate, valueText} from './dom.js';
import {get} from './api.js';

const OPS = [['eq', '='], ['ne', '≠'], ['lt', '<'], ['le', '≤'], ['gt', '>'], ['ge', '≥'],
  ['contains', 'contains'], ['is_null', 'is null'], ['not_null', 'is not null']];

export async function page(main, params) {
  const tables = (await get('tables')).tables.map(t => t.name);
  const id = params.get('id') || '';
  const idForm = h('form', {class: 'inline', role: 'search', 'aria-label': 'Find by record id'},
    h('label', {}, 'Record id', h('input', {name: 'id', id: 'find-id', value: id, required: true, size: 40, autocomplete: 'off'})),
    h('label', {}, 'Table', select('table', [['', 'any table'], ...tables.map(t => [t, t])], params.get('id') ? params.get('table') : '')),
    h('button', {type: 'submit', class: 'primary'}, 'Find'));
  idForm.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(path('/find', {id: idForm.elements.id.value.trim(), table: idForm.elements.table.value}));
  });
  const idResult = h('div', {id: 'find-id-result', 'aria-live': 'polite'});

  const table = params.get('id') ? '' : (params.get('table') || '');
  const filterForm = h('form', {class: 'inline', role: 'search', 'aria-label': 'Find by column value'},
    h('label', {}, 'Table', select('table', [['', 'choose a table'], ...tables.map(t => [t, t])], table)),
    h('label', {}, 'Version (snapshot, branch or tag)', h('input', {name: 'version', value: params.get('version') || '', size: 22, placeholder: 'main'})),
    h('label', {}, 'Column', select('column', [['', 'no filter']], params.get('column') || '')),
    h('label', {}, 'Operator', select('op', OPS, params.get('op') || 'eq')),
    h('label', {}, 'Value', h('input', {name: 'value', value: params.get('value') || '', size: 24})),
    h('button', {type: 'submit', class: 'primary'}, 'Search'));
  const columns = async () => {
    const t = filterForm.elements.table.value;
    const sel = filterForm.elements.column;
    const keep = sel.value || params.get('column') || '';
    fill(sel, h('option', {value: ''}, 'no filter'));
    if (!t) return;
    try {
      const info = await get('table', {table: t, version: filterForm.elements.version.value.trim()});
      for (const c of info.columns) sel.appendChild(h('option', {value: c.name, selected: c.name === keep}, c.name + ' (' + c.type + ')'));
    } catch (e) { /* the search reports it */ }
  };
  filterForm.elements.table.addEventListener('change', columns);
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = filterForm.elements;
    navigate(path('/find', {table: f.table.value, version: f.version.value.trim(), column: f.column.value, op: f.op.value, value: f.value.value}));
  });
  const rows = h('div', {id: 'find-rows', 'aria-live': 'polite'});

  fill(main, 
    h('h1', {}, 'Find a record'),
    h('section', {'aria-labelledby': 'by-id'}, h('h2', {id: 'by-id'}, 'By record id'), idForm, idResult),
    h('section', {'aria-labelledby': 'by-filter'}, h('h2', {id: 'by-filter'}, 'By column value'),
      h('p', {class: 'muted'}, 'Runs a read-only SQL query on the table as of the version chosen; results are ordered by record id.'),
      filterForm, rows));
  await columns();
  if (id) await locate(idResult, id, params.get('table'));
  if (table) await search(rows, params, null, params.get('version'));
}

function select(name, options, selected) {
  return h('select', {name}, options.map(([v, label]) => h('option', {value: v, selected: v === (selected || '')}, label)));
}

async function locate(target, id, table) {
  let found;
  try {
    found = await get('locate', {id, table});
  } catch (e) {
    fill(target, errorBox(e.message));
    return;
  }
  if (!found.matches.length) {
    fill(target, errorBox(`No record with id “${id}” is in ${table ? 'table ' + table : 'any table'} (on main).`));
    return;
  }
  if (found.matches.length === 1) {
    navigate(path('/record', {table: found.matches[0].table, id}));
    return;
  }
  fill(target, h('p', {}, 'Records with this id:'), h('ul', {}, found.matches.map(m =>
    h('li', {}, link(path('/record', {table: m.table, id}), m.table), ' — snapshot ', h('code', {}, m.snapshotId), ', ', time(m.committedAt)))));
}

async function search(target, params, after, version) {
  let page;
  try {
    page = await get('rows', {table: params.get('table'), version, column: params.get('column'), op: params.get('op'), value: params.get('value'), after, page_size: 25});
  } catch (e) {
    fill(target, errorBox(e.message));
    return;
  }
  if (!after) fill(target);
  if (!page.rows.length && !after) {
    target.appendChild(h('p', {}, 'No record matches.'));
    return;
  }
  const columns = page.rows.length ? page.rows[0].values.map(v => v.name) : [];
  let table = target.querySelector('table');
  if (!table) {
    target.appendChild(h('p', {class: 'muted'}, 'At snapshot ', h('code', {}, page.snapshotId || '—')));
    table = h('table', {class: 'data'}, h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Record'), columns.filter(c => c !== '_record_id').map(c => h('th', {scope: 'col'}, c)))), h('tbody', {}));
    target.appendChild(table);
  }
  const body = table.querySelector('tbody');
  for (const r of page.rows) {
    body.appendChild(h('tr', {},
      h('td', {}, link(path('/record', {table: page.table, id: r.recordId}), h('code', {title: r.recordId}, short(r.recordId, 20)))),
      r.values.filter(v => v.name !== '_record_id').map(v => h('td', {class: 'value'}, valueText(v.truncated ? v.text + '…' : v.text)))));
  }
  target.querySelector('.pager')?.remove();
  if (page.nextAfter) {
    target.appendChild(h('p', {class: 'pager'}, h('button', {type: 'button', onclick: () => search(target, params, page.nextAfter, page.snapshotId)}, 'More records')));
  }
}

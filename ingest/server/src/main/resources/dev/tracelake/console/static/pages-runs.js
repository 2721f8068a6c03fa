// Runs: the list (newest first, by status) and one run with its timeline.
import {h, fill, link, path, time, short, dataTable, navigate, valueText} from './dom.js';
import {get} from './api.js';

const STATUSES = ['', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED', 'UNKNOWN'];

export async function list(main, params) {
  const status = params.get('status') || '';
  const first = await get('runs', {status, page_size: 50});
  const filter = h('form', {class: 'inline', 'aria-label': 'Filter runs'},
    h('label', {}, 'Status', h('select', {name: 'status'}, STATUSES.map(s => h('option', {value: s, selected: s === status}, s || 'any')))),
    h('button', {type: 'submit'}, 'Show'));
  filter.addEventListener('submit', (e) => { e.preventDefault(); navigate(path('/runs', {status: filter.elements.status.value})); });
  const body = h('tbody', {});
  const more = h('p', {class: 'pager'});
  const add = (page) => {
    for (const r of page.runs) {
      body.appendChild(h('tr', {},
        h('td', {}, link(path('/run', {id: r.runId}), h('code', {title: r.runId}, short(r.runId, 32)))),
        h('td', {}, r.status),
        h('td', {}, [r.jobNamespace, r.jobName].filter(Boolean).join(' / ') || '—'),
        h('td', {}, h('code', {}, short(r.codeCommit || '—', 12))),
        h('td', {}, r.modelName ? r.modelName + (r.modelVersion ? ' ' + r.modelVersion : '') : '—'),
        h('td', {}, time(r.startedAt) || '—'),
        h('td', {}, time(r.endedAt) || '—')));
    }
    fill(more, page.nextPageToken ? h('button', {type: 'button', onclick: async () =>
      add(await get('runs', {status, page_size: 50, page_token: page.nextPageToken}))}, 'More runs') : '');
  };
  add(first);
  fill(main, h('h1', {}, 'Runs'), filter,
    h('p', {class: 'muted'}, `${first.total} runs, newest start first.`),
    h('table', {class: 'data'}, h('thead', {}, h('tr', {}, ['Run', 'Status', 'Job', 'Code commit', 'Model', 'Started', 'Ended'].map(x => h('th', {scope: 'col'}, x)))), body),
    more);
}

export async function run(main, params) {
  const r = await get('run', {id: params.get('id')});
  fill(main, 
    h('h1', {}, 'Run ', h('code', {}, r.runId)),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Status'), h('dd', {}, r.status, r.failureMessage ? [' — ', valueText(r.failureMessage)] : null),
      h('dt', {}, 'Job'), h('dd', {}, [r.jobNamespace, r.jobName].filter(Boolean).join(' / ') || '—'),
      h('dt', {}, 'Code commit'), h('dd', {}, r.commitUrl
        ? h('a', {href: r.commitUrl, rel: 'noopener noreferrer'}, h('code', {}, r.codeCommit))
        : h('code', {}, r.codeCommit || '—')),
      h('dt', {}, 'Repository'), h('dd', {}, h('code', {}, r.codeRepository || '—')),
      h('dt', {}, 'Model'), h('dd', {}, r.modelName ? r.modelName + (r.modelVersion ? ' ' + r.modelVersion : '') : '—'),
      h('dt', {}, 'Parent run'), h('dd', {}, r.parentRunId ? link(path('/run', {id: r.parentRunId}), h('code', {}, r.parentRunId)) : '—'),
      h('dt', {}, 'Known from'), h('dd', {}, r.source)),
    h('div', {class: 'actions'}, link(path('/impact', {run: r.runId}), 'Everything this run produced, and what was derived from it')),
    h('section', {'aria-labelledby': 'sec-timeline'}, h('h2', {id: 'sec-timeline'}, 'Timeline'),
      r.timeline.length ? h('ol', {class: 'timeline'}, r.timeline.map(e => h('li', {},
        h('strong', {}, time(e.at)), ' ',
        e.event === 'STARTED' ? 'started (RUNNING)'
          : e.event === 'ENDED' ? ['ended ', e.status, e.message ? [': ', valueText(e.message)] : null]
          : ['committed ', String(e.addedRows), ' rows to ', link(path('/table', {table: e.table}), h('code', {}, e.table)),
              ' in snapshot ', h('code', {}, e.snapshotId)]))) : h('p', {}, 'No event recorded.'),
      r.timelineTruncated ? h('p', {class: 'muted'}, 'Only the first 1000 snapshots are shown.') : null),
    h('section', {'aria-labelledby': 'sec-tables'}, h('h2', {id: 'sec-tables'}, 'Tables written'),
      r.tablesWritten.length ? h('ul', {}, r.tablesWritten.map(t => h('li', {}, link(path('/table', {table: t}), h('code', {}, t))))) : h('p', {}, 'None.')),
    r.inputs.length || r.outputs.length ? h('section', {'aria-labelledby': 'sec-datasets'}, h('h2', {id: 'sec-datasets'}, 'Datasets (OpenLineage)'),
      dataTable('Datasets', ['Direction', 'Namespace', 'Name', 'Version'],
        [...r.inputs.map(d => ['read', d.namespace, d.name, d.version || '—']), ...r.outputs.map(d => ['wrote', d.namespace, d.name, d.version || '—'])])) : null,
    r.children.length ? h('section', {'aria-labelledby': 'sec-children'}, h('h2', {id: 'sec-children'}, 'Runs it started'),
      h('ul', {}, r.children.map(c => h('li', {}, link(path('/run', {id: c.runId}), h('code', {}, c.runId)), ' ', c.status)))) : null);
}

// One record: its row, its run, its inputs as a graph (and as a list), its impact, its evidence.
import {h, fill, link, path, time, short, stateBadge, valuesTable, errorBox, valueText} from './dom.js';
import {get, url} from './api.js';
import {draw} from './graph.js';
import {model} from './pages-tables.js';

/** Levels past this many records are drawn grouped by table and snapshot. */
const GROUP_THRESHOLD = 40;

export async function page(main, params) {
  const table = params.get('table'), id = params.get('id'), ref = params.get('ref') || '';
  if (!table || !id) {
    fill(main, h('h1', {}, 'Which record?'), errorBox('A record page needs a table and a record id.'));
    return;
  }
  const e = await get('explain', {table, id, ref, depth: params.get('depth')});
  const root = e.nodes[0];
  const byId = new Map(e.nodes.map(n => [n.id, n]));
  const recordParams = {table, id, ref};

  const rowSection = h('section', {'aria-labelledby': 'sec-row'}, h('h2', {id: 'sec-row'}, 'Row'));
  const showRow = (values) => {
    fill(rowSection, h('h2', {id: 'sec-row'}, 'Row'),
      root.state === 'PRESENT'
        ? valuesTable(values, async () => showRow((await get('row', recordParams)).values))
        : h('p', {}, stateText(root.state)));
  };
  showRow(root.values);

  const maxDepth = Math.max(0, ...e.nodes.map(n => n.depth));
  let levels = Math.min(maxDepth, 2);
  let selected = null;
  const graphBox = h('div', {class: 'graph-wrap', id: 'graph'});
  const details = h('div', {class: 'panel', id: 'node-details', 'aria-live': 'polite'},
    h('p', {class: 'muted'}, 'Select a box (click, or Tab to it and press Enter) to see its record.'));
  const levelText = h('span', {id: 'levels-shown'});
  const summary = h('p', {id: 'graph-summary', class: 'muted'});
  const redraw = () => {
    const g = draw(graphBox, e, {levels, threshold: GROUP_THRESHOLD, selected, onOpen: (d) => {
      selected = d.id;
      showDetails(details, d, byId);
      redraw();
      graphBox.querySelector(`[data-id="${CSS.escape(d.id)}"]`)?.focus();
    }});
    levelText.textContent = `Levels shown: ${levels} of ${maxDepth}`;
    const groups = g.columns.flat().filter(x => x.kind === 'group').length;
    summary.textContent = `${e.nodes.length} records in ${maxDepth + 1} levels; ${g.columns.flat().length} boxes drawn` +
      (groups ? `, ${groups} of them groups (levels with more than ${GROUP_THRESHOLD} records are grouped by table and snapshot)` : '') +
      (g.hidden ? `; ${g.hidden} records on deeper levels hidden` : '') + '.';
  };
  const tools = h('div', {class: 'graph-tools'},
    h('button', {type: 'button', id: 'collapse-level', onclick: () => { if (levels > 0) { levels--; redraw(); } }}, 'Collapse one level'),
    h('button', {type: 'button', id: 'expand-level', onclick: () => { if (levels < maxDepth) { levels++; redraw(); } }}, 'Expand one level'),
    h('button', {type: 'button', onclick: () => { levels = maxDepth; redraw(); }}, 'Expand all'),
    levelText);

  fill(main, 
    h('h1', {}, 'Record ', h('code', {}, id)),
    h('p', {}, 'In table ', link(path('/table', {table}), h('code', {}, root.table)), ' ', stateBadge(root.state),
      root.citedSnapshotId ? [' committed in snapshot ', h('code', {}, root.citedSnapshotId)] : null,
      ref ? [' on ', h('code', {}, ref)] : null),
    h('div', {class: 'actions'},
      link(path('/impact', recordParams), 'Downstream impact'),
      h('a', {href: url('bundle', {...recordParams, format: 'json'}), download: true, id: 'export-json'}, 'Export evidence (JSON)'),
      h('a', {href: url('bundle', {...recordParams, format: 'html'}), download: true, id: 'export-html'}, 'Export evidence (HTML)')),
    problems(e),
    h('section', {'aria-labelledby': 'sec-run'}, h('h2', {id: 'sec-run'}, 'Run'), run(e.run, root)),
    rowSection,
    h('section', {'aria-labelledby': 'sec-inputs'},
      h('h2', {id: 'sec-inputs'}, 'Inputs'),
      e.truncated ? h('p', {class: 'error'}, 'The explanation stopped at its depth or record limit: there are more inputs than shown.') : null,
      tools, summary,
      h('div', {class: 'split'},
        h('figure', {'aria-describedby': 'graph-summary', style: null}, graphBox),
        details),
      h('details', {id: 'inputs-list'},
        h('summary', {}, 'Inputs as a list (the same records as the graph, as text)'),
        h('ul', {class: 'tree'}, tree(root, byId, 0)))),
    h('p', {class: 'muted'}, e.freshness));
  redraw();
}

function stateText(state) {
  return {
    MISSING: 'This record is not in the lake at the snapshot cited for it: no row to show.',
    WITHHELD: 'The values of this table are withheld from you.',
    UNREADABLE: 'The row could not be read (see the problems above).',
    NOT_INDEXED: 'The index has not caught up with this record yet.',
  }[state] || '';
}

function problems(e) {
  if (!e.problems.length) return null;
  return h('section', {'aria-labelledby': 'sec-problems', class: 'panel'},
    h('h2', {id: 'sec-problems'}, 'Problems'),
    h('ul', {}, e.problems.map(p => h('li', {}, h('strong', {}, p.kind), ' ', valueText(p.message)))));
}

function run(r, root) {
  if (!r) {
    const p = root.provenance;
    return h('dl', {class: 'facts'},
      h('dt', {}, 'Run'), h('dd', {}, p.runId ? [h('code', {}, p.runId), ' (not registered)'] : 'none recorded'),
      h('dt', {}, 'Code commit'), h('dd', {}, h('code', {}, p.codeCommit || '—')),
      h('dt', {}, 'Model'), h('dd', {}, model(p)));
  }
  return h('dl', {class: 'facts', id: 'run-facts'},
    h('dt', {}, 'Run'), h('dd', {}, link(path('/run', {id: r.runId}), h('code', {}, r.runId))),
    h('dt', {}, 'Status'), h('dd', {}, r.status, r.failureMessage ? [' — ', valueText(r.failureMessage)] : null),
    h('dt', {}, 'Job'), h('dd', {}, [r.jobNamespace, r.jobName].filter(Boolean).join(' / ') || '—'),
    h('dt', {}, 'Code commit'), h('dd', {}, r.commitUrl
      ? h('a', {href: r.commitUrl, rel: 'noopener noreferrer', id: 'commit-link'}, h('code', {}, r.codeCommit))
      : h('code', {}, r.codeCommit || '—')),
    h('dt', {}, 'Repository'), h('dd', {}, r.codeRepository ? h('code', {}, r.codeRepository) : '—'),
    h('dt', {}, 'Model'), h('dd', {}, r.modelName ? r.modelName + (r.modelVersion ? ' ' + r.modelVersion : '') : '—'),
    h('dt', {}, 'Started'), h('dd', {}, time(r.startedAt) || '—'),
    h('dt', {}, 'Ended'), h('dd', {}, time(r.endedAt) || '—'),
    r.parentRunId ? [h('dt', {}, 'Parent run'), h('dd', {}, link(path('/run', {id: r.parentRunId}), h('code', {}, r.parentRunId)))] : null);
}

function tree(n, byId, depth) {
  return h('li', {},
    stateBadge(n.state), ' ', h('code', {}, n.table), ' ',
    link(path('/record', {table: n.table, id: n.recordId}), h('code', {title: n.recordId}, n.recordId)),
    n.citedSnapshotId ? [' at snapshot ', h('code', {}, n.citedSnapshotId)] : null,
    n.inputs.length && depth < 60 ? h('ul', {class: 'tree'}, n.inputs.map(i => tree(byId.get(i), byId, depth + 1))) : null);
}

function showDetails(target, d, byId) {
  if (d.kind === 'group') {
    const members = d.members;
    const list = h('ul', {});
    let shown = 0;
    const more = h('p', {});
    const next = () => {
      for (const n of members.slice(shown, shown + 50)) {
        list.appendChild(h('li', {}, stateBadge(n.state), ' ', link(path('/record', {table: n.table, id: n.recordId}), h('code', {}, n.recordId))));
      }
      shown = Math.min(members.length, shown + 50);
      fill(more, shown < members.length ? h('button', {type: 'button', onclick: next}, `Show 50 more (${members.length - shown} left)`) : '');
    };
    next();
    fill(target, 
      h('h3', {}, `${members.length} records of `, h('code', {}, d.table)),
      h('p', {}, 'At snapshot ', h('code', {}, d.snapshot || '—'), ': ',
        Object.entries(d.states).map(([s, c]) => [stateBadge(s), ` ${c} `])),
      list, more);
    return;
  }
  const n = d.node;
  fill(target, 
    h('h3', {}, 'Record ', h('code', {}, short(n.recordId, 40))),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Table'), h('dd', {}, h('code', {}, n.table)),
      h('dt', {}, 'State'), h('dd', {}, stateBadge(n.state)),
      h('dt', {}, 'Cited at snapshot'), h('dd', {}, h('code', {}, n.citedSnapshotId || 'none')),
      h('dt', {}, 'Read at snapshot'), h('dd', {}, h('code', {}, n.readAtSnapshotId || '—')),
      h('dt', {}, 'Run'), h('dd', {}, n.provenance.runId ? link(path('/run', {id: n.provenance.runId}), h('code', {}, n.provenance.runId)) : '—'),
      h('dt', {}, 'Code commit'), h('dd', {}, h('code', {}, n.provenance.codeCommit || '—')),
      h('dt', {}, 'Model'), h('dd', {}, model(n.provenance))),
    h('p', {}, link(path('/record', {table: n.table, id: n.recordId}), 'Explain this record'), ' · ',
      link(path('/impact', {table: n.table, id: n.recordId}), 'Its impact')),
    n.values.length ? valuesTable(n.values) : h('p', {class: 'muted'}, stateText(n.state)));
}

export async function impact(main, params) {
  const q = Object.fromEntries(params);
  const result = await get('impact', {...q, page_size: 50});
  const what = q.id ? ['record ', h('code', {}, q.id), ' of ', h('code', {}, q.table)]
    : q.run ? ['run ', h('code', {}, q.run)]
    : q.model ? ['model ', h('code', {}, q.model + (q.version ? ' ' + q.version : ''))]
    : ['code commit ', h('code', {}, q.commit || '')];
  fill(main, 
    h('h1', {}, 'Impact of ', ...what),
    h('p', {}, `${result.derivedCount} records derived downstream, from ${result.seedCount} starting record(s).`),
    result.problems.length ? h('div', {class: 'panel'}, h('ul', {}, result.problems.map(p => h('li', {}, h('strong', {}, p.kind), ' ', valueText(p.message))))) : null,
    q.id ? null : h('section', {'aria-labelledby': 'sec-seeds'}, h('h2', {id: 'sec-seeds'}, 'Starting records'), tablesOf(result.seeds, q, 'seeds')),
    h('section', {'aria-labelledby': 'sec-derived'}, h('h2', {id: 'sec-derived'}, 'Derived records by table'),
      result.derived.length ? tablesOf(result.derived, q, 'derived') : h('p', {}, 'Nothing was derived from it.')),
    h('p', {class: 'muted'}, result.freshness));
}

function tablesOf(tables, q, part) {
  return h('table', {class: 'data', id: 'impact-' + part},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Table'), h('th', {scope: 'col'}, 'Records'), h('th', {scope: 'col'}, 'Record ids'))),
    h('tbody', {}, tables.map(t => {
      const ids = h('ul', {});
      const more = h('div', {});
      const add = (page) => {
        for (const r of page.recordIds) ids.appendChild(h('li', {}, link(path('/record', {table: t.table, id: r}), h('code', {}, r))));
        fill(more, page.nextOffset !== null ? h('button', {type: 'button', onclick: async () => {
          const next = await get('impact', {...q, focus: t.table, offset: page.nextOffset, page_size: 50});
          add(next[part].find(x => x.table === t.table));
        }}, 'More ids') : '');
      };
      add(t);
      return h('tr', {}, h('td', {}, link(path('/table', {table: t.table}), h('code', {}, t.table))),
        h('td', {class: 'count'}, String(t.count)),
        h('td', {}, h('details', {}, h('summary', {}, `Show ids (${t.count})`), ids, more)));
    })));
}

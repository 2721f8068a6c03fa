// Replays: the list, and one replay's comparison of production and candidate outputs, paired by
// the inputs they cite (what `tracelake replay compare` prints).
import {h, fill, link, path, time, short, dataTable, navigate, valueText} from './dom.js';
import {get} from './api.js';

const GROUPS = ['', 'model_version', 'run', 'day'];

function num(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

function delta(x) {
  return x === null || x === undefined ? '—' : Number(x).toPrecision(4);
}

export async function page(main, params) {
  const id = params.get('id');
  if (!id) return list(main);
  const groupBy = params.get('group_by') || '';
  const v = await get('ext/replay', groupBy ? {id, group_by: groupBy} : {id});
  const r = v.replay;
  const c = v.counts;
  const form = h('form', {class: 'inline', 'aria-label': 'Group the comparison'},
    h('label', {}, 'Group by', h('select', {name: 'group_by'},
      GROUPS.map(g => h('option', {value: g, selected: g === groupBy}, g || 'nothing')))),
    h('button', {type: 'submit'}, 'Compare'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const g = form.elements.group_by.value;
    navigate(path('/ext/replay', g ? {id, group_by: g} : {id}));
  });
  fill(main,
    h('h1', {}, 'Replay ', h('code', {}, r.replayId)),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Table'), h('dd', {}, link(path('/table', {table: r.table}), h('code', {}, r.table))),
      h('dt', {}, 'State'), h('dd', {}, r.state, ` (${num(r.committedBatches)} of ${num(r.batches)} batches run)`),
      h('dt', {}, 'Candidate'), h('dd', {}, [r.candidateModel, r.candidateVersion].filter(Boolean).join(' ') || '—',
        ' on branch ', h('code', {}, v.branch)),
      h('dt', {}, 'Cases'), h('dd', {}, num(r.cases)),
      h('dt', {}, 'Created'), h('dd', {}, time(r.createdAt) || r.createdAt)),
    h('section', {'aria-labelledby': 'sec-pairs'}, h('h2', {id: 'sec-pairs'}, 'Pairing'),
      dataTable('Pairing of outputs by cited inputs', ['Production outputs', 'Candidate outputs', 'Matched', 'Only in production', 'Only in candidate', 'Duplicates (production / candidate)', 'Citing no input (production / candidate)'],
        [[num(c.productionOutputs), num(c.candidateOutputs), num(c.matched), num(c.onlyProduction), num(c.onlyCandidate),
          `${num(c.duplicateProduction)} / ${num(c.duplicateCandidate)}`, `${num(c.productionWithoutInputs)} / ${num(c.candidateWithoutInputs)}`]]),
      v.duplicateCases ? h('p', {class: 'muted'}, `${num(v.duplicateCases)} cases have more than one output on a side; the earliest written is compared.`) : null,
      examples('Only in production', v.onlyProductionExamples, r.table),
      examples('Only in the candidate', v.onlyCandidateExamples, r.table)),
    h('section', {'aria-labelledby': 'sec-columns'}, h('h2', {id: 'sec-columns'}, 'Columns over matched cases'), form,
      columnsTable(v.columns)),
    v.groups.length ? h('section', {'aria-labelledby': 'sec-groups'}, h('h2', {id: 'sec-groups'}, 'By ', v.groupBy),
      dataTable('Pairing by group', ['Group', 'Matched', 'Only in production', 'Only in candidate', 'Differing values'],
        v.groups.map(g => [g.group === null ? '(none)' : valueText(g.group), num(g.counts.matched), num(g.counts.onlyProduction),
          num(g.counts.onlyCandidate), g.columns.filter(col => col.differing > 0).map(col => `${col.column}: ${num(col.differing)}`).join(', ') || 'none'])))
      : null);
}

function examples(title, ids, table) {
  if (!ids || !ids.length) return null;
  return h('p', {}, title + ' (first ' + ids.length + '): ',
    ids.map((id, i) => [i ? ', ' : '', link(path('/record', {table, id}), h('code', {title: id}, short(id, 20)))]));
}

function columnsTable(columns) {
  if (!columns.length) return h('p', {}, 'No matched case to compare.');
  return dataTable('Columns compared', ['Column', 'Kind', 'Compared', 'Differing', 'Mean |Δ|', 'Max |Δ|', 'Mean Δ', 'Changed value pairs'],
    columns.map(col => [h('code', {}, col.column), col.kind, num(col.compared), num(col.differing),
      delta(col.meanAbsDelta), delta(col.maxAbsDelta), delta(col.meanDelta),
      col.confusion.filter(p => p.production !== p.candidate).slice(0, 5)
        .map(p => `${p.production ?? 'null'} → ${p.candidate ?? 'null'}: ${num(p.count)}`).join('; ') || '—']));
}

async function list(main) {
  const answer = await get('ext/replay', {});
  fill(main, h('h1', {}, 'Replays'),
    h('p', {class: 'muted'}, 'Old production inputs run through a candidate model, on a branch of the output table. Create and run them with the CLI or a client (tracelake replay create).'),
    answer.replays.length
      ? dataTable('Replays', ['Replay', 'Table', 'State', 'Candidate', 'Cases', 'Batches run', 'Created'],
        answer.replays.map(r => [link(path('/ext/replay', {id: r.replayId}), h('code', {}, r.replayId)),
          h('code', {}, r.table), r.state, [r.candidateModel, r.candidateVersion].filter(Boolean).join(' ') || '—',
          num(r.cases), `${num(r.committedBatches)} / ${num(r.batches)}`, time(r.createdAt) || r.createdAt]))
      : h('p', {}, 'No replay of a table you may read.'));
}

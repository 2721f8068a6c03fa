// The explain graph: a layered drawing, left (the record) to right (its inputs, level by level), in
// plain SVG. Levels past the one chosen are hidden; a level with more records than the threshold,
// and every level below it, is drawn as one box per table and snapshot (with its count), so that a
// record with hundreds of inputs stays readable. Every box is a keyboard stop: Tab moves between
// boxes, Enter or Space opens one.

const SVG = 'http://www.w3.org/2000/svg';
const W = 230, H = 52, COL = 290, ROW = 66, PAD = 16;

function el(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function cut(s, n) {
  s = String(s ?? '');
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/**
 * Works out what to draw: display nodes (records or groups) per column and the edges between them.
 * Returns {columns: [[display]], edges: [[from, to]], hidden: n}.
 */
export function layout(explanation, levels, threshold) {
  const byId = new Map(explanation.nodes.map(n => [n.id, n]));
  const depthOf = new Map(explanation.nodes.map(n => [n.id, n.depth]));
  const perDepth = [];
  for (const n of explanation.nodes) {
    if (n.depth > levels) continue;
    (perDepth[n.depth] ||= []).push(n);
  }
  const grouped = [];
  const displayOf = new Map();
  const columns = [];
  perDepth.forEach((nodes, d) => {
    grouped[d] = d > 0 && (grouped[d - 1] || nodes.length > threshold);
    const column = [];
    const groups = new Map();
    for (const n of nodes) {
      if (!grouped[d]) {
        const disp = {id: n.id, kind: 'record', depth: d, node: n, state: n.state};
        column.push(disp);
        displayOf.set(n.id, disp);
        continue;
      }
      const snapshot = n.readAtSnapshotId || n.citedSnapshotId || '';
      const key = n.table + '@' + snapshot;
      let g = groups.get(key);
      if (!g) {
        g = {id: 'g' + d + ':' + key, kind: 'group', depth: d, table: n.table, snapshot, members: [], states: {}, state: 'GROUP'};
        groups.set(key, g);
        column.push(g);
      }
      g.members.push(n);
      g.states[n.state] = (g.states[n.state] || 0) + 1;
      displayOf.set(n.id, g);
    }
    columns.push(column);
  });
  const edges = [];
  const seen = new Set();
  let hidden = 0;
  for (const n of explanation.nodes) {
    if (n.depth > levels) { hidden++; continue; }
    if (n.depth === levels) continue;
    for (const i of n.inputs) {
      if ((depthOf.get(i) ?? Infinity) > levels || !byId.has(i)) continue;
      const a = displayOf.get(n.id), b = displayOf.get(i);
      const k = a.id + '>' + b.id;
      if (!seen.has(k)) { seen.add(k); edges.push([a, b]); }
    }
  }
  return {columns, edges, hidden, maxDepth: Math.max(0, ...explanation.nodes.map(n => n.depth))};
}

function label(d) {
  if (d.kind === 'group') {
    const states = Object.entries(d.states).map(([s, c]) => `${c} ${s.toLowerCase()}`).join(', ');
    return `Group of ${d.members.length} records of table ${d.table} at snapshot ${d.snapshot || 'none'}: ${states}`;
  }
  const n = d.node;
  return `Record ${n.recordId} of table ${n.table}, ${n.state}` +
    (n.citedSnapshotId ? `, cited at snapshot ${n.citedSnapshotId}` : '') +
    (n.depth === 0 ? ' (the explained record)' : `, level ${n.depth}`);
}

/** Draws the graph into `target`; `onOpen(display)` is called when a box is opened. */
export function draw(target, explanation, {levels, threshold, onOpen, selected}) {
  const g = layout(explanation, levels, threshold);
  const tallest = Math.max(...g.columns.map(c => c.length));
  const width = PAD * 2 + (g.columns.length - 1) * COL + W;
  const height = PAD * 2 + Math.max(1, tallest) * ROW;
  const svg = el('svg', {class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'group', 'aria-label': `Lineage graph: ${g.columns.reduce((a, c) => a + c.length, 0)} boxes in ${g.columns.length} levels`});
  const pos = new Map();
  g.columns.forEach((column, d) => {
    const offset = (tallest - column.length) * ROW / 2;
    column.forEach((disp, i) => pos.set(disp.id, {x: PAD + d * COL, y: PAD + offset + i * ROW}));
  });
  const edgeLayer = el('g', {'aria-hidden': 'true'});
  for (const [a, b] of g.edges) {
    const p = pos.get(a.id), q = pos.get(b.id);
    const x1 = p.x + W, y1 = p.y + H / 2, x2 = q.x, y2 = q.y + H / 2, mx = (x1 + x2) / 2;
    edgeLayer.appendChild(el('path', {class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}));
  }
  svg.appendChild(edgeLayer);
  for (const column of g.columns) {
    for (const disp of column) {
      const p = pos.get(disp.id);
      const notPresent = disp.kind === 'group'
        ? disp.members.length - (disp.states.PRESENT || 0) : 0;
      const box = el('g', {class: `node ${disp.state}${notPresent ? ' not-all-present' : ''}${selected === disp.id ? ' selected' : ''}`, tabindex: 0, role: 'button',
        'aria-label': label(disp), 'data-id': disp.id, transform: `translate(${p.x},${p.y})`});
      box.appendChild(el('title', {}, label(disp)));
      box.appendChild(el('rect', {width: W, height: H, rx: 6}));
      if (disp.kind === 'group') {
        box.appendChild(el('text', {x: 10, y: 20, class: 'title'}, cut(disp.table, 30)));
        // records not present are named on the box itself, not only in its label
        const states = Object.entries(disp.states).filter(([s]) => s !== 'PRESENT')
          .map(([s, c]) => `${c} ${s}`).join(', ');
        box.appendChild(el('text', {x: 10, y: 39}, cut(notPresent
          ? `${disp.members.length} records · ${states}`
          : `${disp.members.length} records · snapshot ${disp.snapshot || '—'}`, 36)));
      } else {
        const n = disp.node;
        box.appendChild(el('text', {x: 10, y: 20, class: 'title'}, cut(n.table, 30)));
        box.appendChild(el('text', {x: 10, y: 39}, cut(`${n.state} · ${n.recordId}`, 33)));
      }
      const open = () => onOpen(disp);
      box.addEventListener('click', open);
      box.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); }
      });
      svg.appendChild(box);
    }
  }
  target.replaceChildren(svg);
  return g;
}

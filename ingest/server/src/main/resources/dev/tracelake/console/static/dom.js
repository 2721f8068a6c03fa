// Building the page: elements only through createElement and textContent, never HTML text, so
// that values (attacker-controlled strings) cannot become markup.

const BIDI_OR_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Creates an element: h('a', {href: '/x', class: 'y'}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'href') el.setAttribute('href', safeHref(v));
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Returns the address if it is a path of this console or an http(s) address; '#' otherwise. */
export function safeHref(url) {
  const s = String(url);
  if (s.startsWith('/') && !s.startsWith('//')) return s;
  try {
    const u = new URL(s);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.href;
  } catch (e) { /* not an address */ }
  return '#';
}

/** Returns a console path with its query parameters encoded. */
export function path(base, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? base + '?' + s : base;
}

/** A link to another console page, followed without reloading. */
export function link(href, ...children) {
  return h('a', {href, 'data-nav': true}, ...children);
}

/**
 * A value as text that shows what is hidden: control and bidirectional formatting characters
 * become visible \uXXXX marks (they could reorder or hide the text around them); right-to-left
 * text is isolated in <bdi> so it cannot reorder the page around it.
 */
export function valueText(text) {
  const bdi = document.createElement('bdi');
  if (text === null || text === undefined) {
    bdi.appendChild(h('span', {class: 'muted'}, 'null'));
    return bdi;
  }
  const s = String(text);
  if (!BIDI_OR_CONTROL.test(s)) {
    bdi.textContent = s;
    return bdi;
  }
  let plain = '';
  for (const ch of s) {
    if (BIDI_OR_CONTROL.test(ch) && ch !== '\n' && ch !== '\t') {
      if (plain) { bdi.appendChild(document.createTextNode(plain)); plain = ''; }
      const code = ch.codePointAt(0).toString(16).padStart(4, '0');
      bdi.appendChild(h('span', {class: 'esc', title: 'hidden character U+' + code}, '\\u' + code));
    } else {
      plain += ch;
    }
  }
  if (plain) bdi.appendChild(document.createTextNode(plain));
  return bdi;
}

/** Shortens a long id for a label; the whole id stays in titles and links. */
export function short(id, n = 14) {
  const s = String(id ?? '');
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

export function time(iso) {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A state badge: the word, not only a color. */
export function stateBadge(state) {
  return h('span', {class: 'badge state-' + state}, state);
}

export function errorBox(message) {
  return h('p', {class: 'error', role: 'alert'}, message);
}

export function announce(text) {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

/** A table with a header row; rows are arrays of cells (nodes or text). */
export function dataTable(caption, headers, rows) {
  return h('table', {class: 'data'},
    caption ? h('caption', {class: 'visually-hidden'}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c))))));
}

/** The value cells of a row: name, value (cut ones say how long they are). */
export function valuesTable(values, onShowAll) {
  return h('table', {class: 'data'},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Column'), h('th', {scope: 'col'}, 'Value'))),
    h('tbody', {}, values.map(v => h('tr', {},
      h('th', {scope: 'row'}, v.name),
      h('td', {class: 'value'}, valueText(v.text),
        v.truncated ? h('span', {class: 'muted'}, ` … (${v.length} characters) `) : null,
        v.truncated && onShowAll ? h('button', {type: 'button', onclick: onShowAll}, 'Show all') : null)))));
}

/** Opens a console page without reloading (the router listens for 'tl-navigate'). */
export function navigate(href) {
  history.pushState(null, '', href);
  window.dispatchEvent(new Event('tl-navigate'));
}

/** Replaces an element's children (skipping null, false and undefined, flattening arrays). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// The console's router: every page has its own address (shareable), links are followed without
// reloading, and focus moves to the new page's heading for keyboard and screen-reader users.
import {h, fill, errorBox, announce} from './dom.js';
import {get, postJson, ApiError} from './api.js';
import * as tables from './pages-tables.js';
import * as find from './pages-find.js';
import * as record from './pages-record.js';
import * as runs from './pages-runs.js';
import * as verify from './pages-verify.js';
import * as replay from './pages-replay.js';

const ROUTES = {
  '/': tables.home,
  '/tables': tables.list,
  '/table': tables.table,
  '/find': find.page,
  '/record': record.page,
  '/impact': record.impact,
  '/runs': runs.list,
  '/run': runs.run,
  '/verify': verify.page,
};

let session = null;

async function render() {
  const main = document.getElementById('main');
  const params = new URLSearchParams(location.search);
  const route = location.pathname.startsWith('/ext/') ? extension : ROUTES[location.pathname];
  for (const a of document.querySelectorAll('#nav a')) {
    const here = location.pathname === a.getAttribute('href')
      || (a.getAttribute('href') === '/tables' && location.pathname === '/table')
      || (a.getAttribute('href') === '/runs' && location.pathname === '/run');
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  fill(main, h('p', {}, 'Loading…'));
  try {
    if (!session) {
      session = await get('session');
      fill(document.getElementById('who'), 'Signed in as ' + session.principal + ' ',
        h('button', {type: 'button', id: 'sign-out', class: 'link', onclick: signOut}, 'Sign out'));
    }
    if (!route) {
      fill(main, h('h1', {tabindex: '-1'}, 'Not found'),
        h('p', {}, 'This console has no page at this address.'));
    } else {
      await route(main, params, session);
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session = null;
      fill(document.getElementById('who'));
      signInForm(main);
      finish(main);
      return;
    }
    const message = e.message;
    fill(main, h('h1', {tabindex: '-1'}, e instanceof ApiError && e.status === 404 ? 'Not found' : 'Something went wrong'),
      errorBox(message));
  }
  finish(main);
}

/** Names the page after its heading and moves focus there after a navigation. */
function finish(main) {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    document.title = heading.textContent + ' · Tracelake console';
    if (navigated) heading.focus();
    announce(heading.textContent);
  }
}

let navigated = false;

/** The sign-in form: the server token, sent once; the browser then holds only a session. */
function signInForm(main) {
  const input = h('input', {type: 'password', id: 'sign-in-token', name: 'token', required: true,
    autocomplete: 'current-password', size: 48});
  const result = h('div', {id: 'sign-in-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'inline', 'aria-label': 'Sign in'},
    h('label', {}, 'Server token', input),
    h('button', {type: 'submit', class: 'primary'}, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await postJson('signin', JSON.stringify({token: input.value.trim()}));
      input.value = '';
      navigated = true;
      render();
    } catch (err) {
      fill(result, errorBox(err.message));
      input.focus();
    }
  });
  fill(main, h('h1', {}, 'Sign in'),
    h('p', {}, 'Open the address that ', h('code', {}, 'tracelake serve'), ' printed, or enter the server token: the one the PostgreSQL and Iceberg REST endpoints take, kept in ',
      h('code', {}, '<warehouse>/.tracelake/token'), ' unless the server was given another file.'),
    form, result);
}

async function signOut() {
  try { await postJson('signout', '{}'); } catch (e) { /* signed out either way */ }
  session = null;
  navigated = true;
  render();
}

/** Follows a console link without reloading the page. */
function go(href) {
  history.pushState(null, '', href);
  navigated = true;
  render();
}

async function extension(main, params, session) {
  const name = location.pathname.slice('/ext/'.length);
  const ext = (session.extensions || []).find(e => e.name === name);
  if (!ext) {
    fill(main, h('h1', {}, name === 'replay' ? 'Replay' : 'Not available'),
      h('p', {}, name === 'replay'
        ? 'Replay comparisons (production against candidate outputs) are not available in this build of Tracelake. When a replay engine is installed, its comparisons appear here.'
        : 'This console has no part named ' + name + '.'));
    return;
  }
  if (name === 'replay') {
    await replay.page(main, params);
    return;
  }
  const body = await get('ext/' + name, Object.fromEntries(params));
  fill(main, h('h1', {}, ext.title),
    h('pre', {class: 'panel mono'}, JSON.stringify(body, null, 2)));
}

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-nav]');
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  event.preventDefault();
  go(href);
});

window.addEventListener('popstate', () => { navigated = true; render(); });
window.addEventListener('tl-navigate', () => { navigated = true; render(); });
render();

// fdnix-search --serve: results as you type and keyboard navigation.
// Package texts are third-party: they are only ever set with textContent,
// never parsed as HTML, and a homepage is linked only when it is http(s).
'use strict';

(function () {
  const form = document.getElementById('search-form');
  const input = document.getElementById('q');
  const list = document.getElementById('results');
  const status = document.getElementById('status');
  const pager = document.getElementById('pager');
  const SOURCE_BASE = 'https://github.com/NixOS/nixpkgs/blob/master/';
  let timer = null;
  let sequence = 0;
  let selected = -1;
  let shown = null;  // the parameters of the results on the page

  function isWebUrl (text) {
    if (typeof text !== 'string' || /[\u0000-\u0020\u007f]/.test(text)) return false;
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
    } catch (e) {
      return false;
    }
  }

  // The same rule as the server's: a plain relative path, at a line.
  function sourceUrl (position) {
    if (typeof position !== 'string') return null;
    const m = /^([A-Za-z0-9._+\/-]+?)(?::([0-9]{1,9}))?$/.exec(position);
    if (m === null || m[1].startsWith('/')) return null;
    if (m[1].split('/').some(function (s) { return s === '' || s === '.' || s === '..'; })) return null;
    return SOURCE_BASE + m[1] + (m[2] ? '#L' + m[2] : '');
  }

  function element (tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function link (className, href, text) {
    const a = element('a', className, text);
    a.rel = 'noopener noreferrer nofollow';
    a.href = href;
    return a;
  }

  function renderResult (r, number) {
    const li = element('li', 'result');
    li.id = 'result-' + number;
    const head = element('div', 'head');
    head.appendChild(link('name', '/v1/packages/' + encodeURIComponent(r.attributePath), r.attributePath));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(element('span', 'version', r.version || ''));
    if (r.broken) head.appendChild(element('span', 'flag', 'broken'));
    if (r.insecure) head.appendChild(element('span', 'flag', 'insecure'));
    if (r.unfree) head.appendChild(element('span', 'flag', 'unfree'));
    li.appendChild(head);
    li.appendChild(element('p', 'description', r.description || ''));
    const links = element('div', 'links');
    if (isWebUrl(r.homepage)) links.appendChild(link('homepage', r.homepage, 'homepage'));
    const source = sourceUrl(r.position);
    if (source !== null) links.appendChild(link('source', source, 'source'));
    li.appendChild(links);
    const meta = element('div', 'meta');
    if (Array.isArray(r.license) && r.license.length > 0) meta.appendChild(element('span', 'license', r.license.join(' ')));
    const n = Array.isArray(r.platforms) ? r.platforms.length : 0;
    meta.appendChild(element('span', 'platforms', n === 0 ? 'any platform' : n + (n === 1 ? ' platform' : ' platforms')));
    if (r.mainProgram) meta.appendChild(element('span', 'program', r.mainProgram));
    li.appendChild(meta);
    if (Array.isArray(r.alternatives) && r.alternatives.length > 0) {
      let also = 'also: ' + r.alternatives.join(', ');
      if (r.moreAlternatives) also += ' and ' + r.moreAlternatives + ' more';
      li.appendChild(element('div', 'also', also));
    }
    return li;
  }

  function items () {
    return list.querySelectorAll('li.result');
  }

  function select (index) {
    const all = items();
    if (all.length === 0) return;
    if (selected >= 0 && selected < all.length) all[selected].classList.remove('selected');
    selected = Math.max(0, Math.min(index, all.length - 1));
    const li = all[selected];
    li.classList.add('selected');
    li.querySelector('a.name').focus();
    li.scrollIntoView({ block: 'nearest' });
  }

  function query () {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== '') params.set(name, value);
    }
    return params;
  }

  function unselect () {
    const all = items();
    if (selected >= 0 && selected < all.length) all[selected].classList.remove('selected');
    selected = -1;
  }

  async function search () {
    const params = query();
    const q = (params.get('q') || '').trim();
    // the same search again (a field lost the focus): keep the page and the selection
    if (params.toString() === shown) return;
    const id = ++sequence;
    history.replaceState(null, '', q === '' ? '/' : '/search?' + params.toString());
    if (q === '') {
      list.replaceChildren();
      status.textContent = '';
      pager.replaceChildren();
      selected = -1;
      shown = params.toString();
      return;
    }
    let answer;
    try {
      const response = await fetch('/v1/search?' + params.toString(), { headers: { Accept: 'application/json' } });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
    } catch (e) {
      if (id === sequence) status.textContent = 'Search failed: ' + e.message;
      return;
    }
    if (id !== sequence) return;  // a later query was typed meanwhile
    selected = -1;
    shown = params.toString();
    list.replaceChildren(...answer.results.map(renderResult));
    pager.replaceChildren();
    status.textContent = answer.results.length === 0
      ? 'No package matches.'
      : answer.results.length + (answer.more ? '+' : '') + ' results in ' + Number(answer.tookMs).toFixed(1) + ' ms';
  }

  function schedule () {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  }

  // what the server rendered is what these parameters show
  shown = query().toString();
  form.addEventListener('input', schedule);
  // a text field's change is its input, already seen; a select's or a box's is not
  form.addEventListener('change', function (event) {
    if (event.target.tagName === 'SELECT' || event.target.type === 'checkbox') schedule();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== input && !(document.activeElement instanceof HTMLInputElement)) {
      event.preventDefault();
      input.focus();
      input.select();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      select(selected + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (selected <= 0) {
        unselect();
        input.focus();
      } else {
        select(selected - 1);
      }
    } else if (event.key === 'Escape') {
      unselect();
      input.focus();
    }
  });
})();

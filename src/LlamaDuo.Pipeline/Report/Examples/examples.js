// The report's "Every example" section: reads the JSON in #examples-data and draws one page of rows at a time.
// Every text goes in through textContent, never innerHTML, so nothing in a prompt or answer can become markup.
(() => {
  const data = JSON.parse(document.getElementById('examples-data').textContent);
  const S = i => (i >= 0 ? data.strings[i] : null);
  const $ = id => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; };
  const fmt = x => (x == null ? '-' : x.toFixed(1));
  const PAGE = 50;

  // Per round: each prompt's answers, mean similarity and precision, and score = the weaker of the two.
  const rounds = data.rounds.map(r => {
    const byPrompt = new Map();
    for (const a of r.answers) { if (!byPrompt.has(a[0])) byPrompt.set(a[0], []); byPrompt.get(a[0]).push(a); }
    const rows = new Map();
    for (const [p, answers] of byPrompt) {
      answers.sort((x, y) => x[1] - y[1]);
      const mean = k => { const v = answers.map(a => a[k]).filter(x => x != null); return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null; };
      const sim = mean(3), prec = mean(4);
      const score = sim == null || prec == null ? null : Math.min(sim, prec);
      rows.set(p, { p, answers, sim, prec, score, passed: score != null && score >= data.threshold });
    }
    return { round: r.round, rows };
  });

  const state = { round: rounds.length - 1, filter: 'all', query: '', shown: PAGE };
  const roundSelect = $('ex-round');
  rounds.forEach((r, i) => roundSelect.append(new Option(`round ${r.round}`, i)));
  roundSelect.value = state.round;

  function matches(row, q) {
    if (!q) return true;
    const [id, prompt, ref] = data.prompts[row.p];
    if ([S(id), S(prompt), S(ref)].some(t => t && t.toLowerCase().includes(q))) return true;
    return row.answers.some(a => (S(a[2]) || '').toLowerCase().includes(q));
  }

  function visibleRows() {
    if (state.round < 0) return [];
    const q = state.query.trim().toLowerCase();
    const rows = [...rounds[state.round].rows.values()].filter(r =>
      (state.filter === 'all' || (state.filter === 'passed') === r.passed) && matches(r, q));
    rows.sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || a.p - b.p);
    return rows;
  }

  function detail(row) {
    const [, prompt, ref] = data.prompts[row.p];
    const box = el('div', null, 'ex-detail');
    box.append(el('h4', 'prompt'), el('pre', S(prompt)), el('h4', 'reference'), el('pre', S(ref) ?? '(none)'));
    for (const a of row.answers) {
      box.append(el('h4', `answer ${a[1] + 1}: similarity ${fmt(a[3])}, precision ${fmt(a[4])}`), el('pre', S(a[2])));
      const t = el('table', null, 'ex-calls');
      const head = t.insertRow();
      for (const h of ['call', 'similarity', 'precision', 'similarity reason', 'precision reason']) head.append(el('th', h));
      a[5].forEach((c, i) => {
        const tr = t.insertRow();
        tr.append(el('td', String(i + 1)), el('td', fmt(c[0])), el('td', fmt(c[1])));
        if (c[4] >= 0) { const td = el('td', `error: ${S(c[4])}`, 'text fail'); td.colSpan = 2; tr.append(td); }
        else tr.append(el('td', S(c[2]) ?? '', 'text'), el('td', S(c[3]) ?? '', 'text'));
      });
      box.append(t);
    }
    return box;
  }

  function draw() {
    const rows = visibleRows();
    const body = $('ex-table').tBodies[0];
    body.replaceChildren();
    const prev = state.round > 0 ? rounds[state.round - 1].rows : null;
    rows.slice(0, state.shown).forEach((row, i) => {
      const tr = body.insertRow();
      tr.className = 'ex-row';
      tr.dataset.prompt = S(data.prompts[row.p][0]);
      const text = S(data.prompts[row.p][1]);
      const before = prev?.get(row.p)?.score;
      const change = before == null || row.score == null ? '' : (row.score - before >= 0 ? '+' : '') + (row.score - before).toFixed(1);
      tr.append(el('td', String(i + 1)), el('td', text.length > 160 ? text.slice(0, 160) + '…' : text, 'text'),
        el('td', fmt(row.sim)), el('td', fmt(row.prec)), el('td', change, 'ex-change'),
        el('td', row.score == null ? 'unscored' : row.passed ? 'pass' : 'fail', 'text ' + (row.passed ? 'pass' : 'fail')));
      tr.addEventListener('click', () => {
        if (tr.nextSibling?.classList?.contains('ex-open')) { tr.nextSibling.remove(); return; }
        const open = body.insertRow(tr.sectionRowIndex + 1);
        open.className = 'ex-open';
        const td = open.insertCell();
        td.colSpan = 6;
        td.append(detail(row));
      });
    });
    $('ex-count').textContent = `${Math.min(state.shown, rows.length)} of ${rows.length} prompts`;
    $('ex-more').hidden = rows.length <= state.shown;
  }

  const synth = { round: data.synthetic.length - 1, filter: 'all', query: '', shown: PAGE };
  const sxRound = $('sx-round');
  data.synthetic.forEach((r, i) => sxRound.append(new Option(`round ${r.round} (${r.rows.length} rows)`, i)));
  sxRound.value = synth.round;

  function drawSynthetic() {
    const body = $('sx-table').tBodies[0];
    body.replaceChildren();
    if (synth.round < 0) { $('sx-count').textContent = 'no synthetic rows yet'; $('sx-more').hidden = true; return; }
    const q = synth.query.trim().toLowerCase();
    const rows = data.synthetic[synth.round].rows.filter(r => {
      const kept = S(r[4]) === 'Kept';
      if (synth.filter !== 'all' && (synth.filter === 'kept') !== kept) return false;
      return !q || [r[0], r[1], r[2], ...r[3]].some(i => (S(i) || '').toLowerCase().includes(q));
    });
    for (const r of rows.slice(0, synth.shown)) {
      const tr = body.insertRow();
      const text = el('td', null, 'text');
      text.append(el('pre', S(r[1])), el('pre', S(r[2])));
      const kept = S(r[4]) === 'Kept';
      const decision = kept ? 'kept' : `dropped: ${S(r[4])}` + (r[5] >= 0 ? ` (with ${S(r[5])}` + (r[6] != null ? `, ${r[6].toFixed(2)})` : ')') : '');
      tr.append(el('td', S(r[0]), 'text'), text, el('td', r[3].map(S).join(', '), 'text'), el('td', decision, 'text ' + (kept ? 'pass' : 'fail')));
    }
    $('sx-count').textContent = `${Math.min(synth.shown, rows.length)} of ${rows.length} rows`;
    $('sx-more').hidden = rows.length <= synth.shown;
  }

  roundSelect.addEventListener('change', () => { state.round = +roundSelect.value; state.shown = PAGE; draw(); });
  $('ex-filter').addEventListener('change', e => { state.filter = e.target.value; state.shown = PAGE; draw(); });
  $('ex-search').addEventListener('input', e => { state.query = e.target.value; state.shown = PAGE; draw(); });
  $('ex-more').addEventListener('click', () => { state.shown += PAGE; draw(); });
  sxRound.addEventListener('change', () => { synth.round = +sxRound.value; synth.shown = PAGE; drawSynthetic(); });
  $('sx-filter').addEventListener('change', e => { synth.filter = e.target.value; synth.shown = PAGE; drawSynthetic(); });
  $('sx-search').addEventListener('input', e => { synth.query = e.target.value; synth.shown = PAGE; drawSynthetic(); });
  $('sx-more').addEventListener('click', () => { synth.shown += PAGE; drawSynthetic(); });
  draw();
  drawSynthetic();
  document.body.dataset.examplesReady = 'true';
})();

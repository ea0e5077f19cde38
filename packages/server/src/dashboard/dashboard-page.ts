/**
 * The /dashboard page: one self-contained HTML document (no CDN, so it works behind COEP and offline)
 * whose script lists experiments and, per experiment, a table of users (or decisions, for bandits),
 * ineligible users and raw and adjusted p-values, and four SVG plots from the JSON endpoints:
 * arm allocation over time, exposed users over time, reward rate per arm, and each arm's
 * difference from control with its always-valid confidence sequence (the last two on events).
 * Stopped arms (and stopped experiments) carry a badge saying who stopped them, when and why; each
 * arm's device health and each guardrail's state come from /guardrails. Contextual experiments add a
 * table of weights and rewards per device class, a plot of each class's weights over policy versions,
 * and an off-policy comparison of candidate policies (from /contexts and /ope). Arms whose devices
 * send model summaries get today's drift against their version's baseline (from /drift).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edgewise dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #fafafa; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  section.experiment { background: #fff; border: 1px solid #d8dde3; border-radius: 8px; padding: 1rem; margin-bottom: 1.5rem; }
  h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
  .meta, .verdict { color: #57606a; margin: .25rem 0 .75rem; }
  table { border-collapse: collapse; margin-bottom: .75rem; }
  th, td { padding: .25rem .6rem; border-bottom: 1px solid #eaeef2; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  .plots { display: flex; flex-wrap: wrap; gap: 1rem; }
  figure { margin: 0; }
  figcaption { font-weight: 600; margin-bottom: .25rem; }
  svg { background: #fff; border: 1px solid #eaeef2; }
  .empty { color: #57606a; font-style: italic; }
  .error { color: #b42318; }
  .stopped { color: #b42318; background: #fef3f2; border: 1px solid #fecdca; border-radius: 6px; padding: .35rem .6rem; margin: .25rem 0 .75rem; }
  .status-breached { color: #b42318; font-weight: 600; }
  .status-waiting { color: #57606a; }
  h3 { font-size: .95rem; margin: .75rem 0 .25rem; }
</style>
</head>
<body>
<h1>Edgewise experiments</h1>
<div id="status">Loading…</div>
<main id="experiments"></main>
<script type="module">
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const NS = 'http://www.w3.org/2000/svg';
const W = 420, H = 220, PAD = { l: 44, r: 10, t: 10, b: 28 };

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}
const fmt = (x, d = 3) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(d));

/** A line chart: series = [{ name, color, points: [{ t, y, lo?, hi? }] }], y in [yMin, yMax]. */
function chart(kind, series, yMin, yMax) {
  const svg = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-plot': kind, role: 'img' });
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return svg;
  const t0 = Math.min(...all.map((p) => p.t)), t1 = Math.max(...all.map((p) => p.t));
  const x = (t) => PAD.l + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v) => H - PAD.b - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin || 1)) * (H - PAD.t - PAD.b);
  if (yMin < 0 && yMax > 0) {
    svg.append(svgEl('line', { x1: PAD.l, x2: W - PAD.r, y1: y(0), y2: y(0), stroke: '#57606a', 'stroke-dasharray': '4 3', 'data-zero': '' }));
  }
  for (const tick of [yMin, (yMin + yMax) / 2, yMax]) {
    svg.append(svgEl('line', { x1: PAD.l, x2: W - PAD.r, y1: y(tick), y2: y(tick), stroke: '#eaeef2' }));
    const label = svgEl('text', { x: PAD.l - 4, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a' });
    label.textContent = fmt(tick, 2);
    svg.append(label);
  }
  for (const [label, t] of [[new Date(t0).toLocaleTimeString(), t0], [new Date(t1).toLocaleTimeString(), t1]]) {
    const text = svgEl('text', { x: x(t), y: H - 8, 'text-anchor': t === t0 ? 'start' : 'end', 'font-size': 10, fill: '#57606a' });
    text.textContent = label;
    svg.append(text);
  }
  for (const s of series) {
    const band = s.points.filter((p) => p.lo !== undefined && p.hi !== undefined && p.lo !== null && p.hi !== null);
    if (band.length > 0) {
      const upper = band.map((p) => x(p.t) + ',' + y(p.hi));
      const lower = band.slice().reverse().map((p) => x(p.t) + ',' + y(p.lo));
      svg.append(svgEl('polygon', { points: upper.concat(lower).join(' '), fill: s.color, 'fill-opacity': 0.15, 'data-band': s.name }));
    }
    const d = s.points.map((p, i) => (i ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.y).toFixed(1)).join(' ');
    svg.append(svgEl('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'data-series': s.name }));
    for (const p of s.points) svg.append(svgEl('circle', { cx: x(p.t), cy: y(p.y), r: 2.5, fill: s.color }));
  }
  return svg;
}

function legend(arms) {
  const p = el('p', { class: 'meta' });
  arms.forEach((arm, i) => {
    const swatch = el('span', { style: 'display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;background:' + COLORS[i % COLORS.length] });
    p.append(swatch, document.createTextNode(arm));
  });
  return p;
}

async function getJson(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(url + ': ' + res.status + ' ' + (await res.text()));
  return res.json();
}

/** 'Stopped by a guardrail (latency_p95) at <time>: <reason>'; text only, so a reason cannot inject markup. */
function stopText(what, stop) {
  return what + ' stopped by ' + (stop.by === 'guardrail' ? 'a guardrail' + (stop.metric ? ' (' + stop.metric + ')' : '') : 'an admin') +
    ' at ' + new Date(stop.at).toISOString() + ': ' + stop.reason;
}

function stopBadges(exp) {
  const badges = [];
  if (exp.stopped) badges.push(el('p', { class: 'stopped', 'data-stopped': '', 'data-by': exp.stopped.by }, stopText('Experiment', exp.stopped)));
  for (const arm of exp.arms) {
    if (arm.stopped) badges.push(el('p', { class: 'stopped', 'data-stopped-arm': arm.name, 'data-by': arm.stopped.by }, stopText('Arm ' + arm.name, arm.stopped)));
  }
  return badges;
}

function table(columns, rows) {
  const t = el('table');
  const head = el('tr');
  for (const [, label] of columns) head.append(el('th', {}, label));
  t.append(head);
  for (const [attrs, cells] of rows) {
    const tr = el('tr', attrs);
    cells.forEach((v, i) => tr.append(el('td', { 'data-col': columns[i][0] }, v)));
    t.append(tr);
  }
  return t;
}

function healthSection(guardrails) {
  const nodes = [el('h3', {}, 'Device health')];
  const pct = (x) => (x === null || x === undefined ? '–' : (100 * x).toFixed(2) + '%');
  nodes.push(table(
    [['arm', 'arm'], ['p95', 'p95 latency ms'], ['error-rate', 'error rate'], ['crash-rate', 'crash rate'], ['load', 'mean load ms'], ['fallbacks', 'fallbacks'], ['samples', 'latency samples']],
    guardrails.health.map((h) => [{ 'data-health-arm': h.arm }, [h.arm, fmt(h.p95LatencyMs, 1), pct(h.errorRate), pct(h.crashRate), fmt(h.meanLoadMs, 1), String(h.fallbacks), String(h.latencySamples)]]),
  ));
  if (guardrails.guardrails.length > 0) {
    nodes.push(el('h3', {}, 'Guardrails'));
    nodes.push(table(
      [['metric', 'metric'], ['arm', 'arm'], ['bound', 'bound'], ['threshold', 'threshold'], ['observed', 'observed'], ['p', 'always-valid p'], ['samples', 'n'], ['status', 'status']],
      guardrails.guardrails.map((g) => [
        { 'data-guardrail': g.metric, 'data-arm': g.arm, 'data-status': g.status, class: 'status-' + g.status },
        [g.metric, g.arm, g.bound, fmt(g.threshold), fmt(g.observed), fmt(g.pValue, 4), String(g.samples), g.status],
      ]),
    ));
  }
  return nodes;
}

/**
 * Model drift today: per arm, its device summaries against its version's baseline (from /drift); an
 * alert per drifted arm, a table of every measure, and PSI per measure against its threshold.
 */
async function driftSection(exp) {
  const drift = await getJson('/v1/experiments/' + encodeURIComponent(exp.key) + '/drift');
  if (!drift.arms.some((a) => a.summaries > 0)) return [];
  const nodes = [el('h3', {}, 'Model drift (' + drift.day + ', device summaries vs each version’s baseline)')];
  for (const a of drift.arms) {
    if (!a.report || !a.report.drifted) continue;
    const names = a.report.measures.filter((m) => m.drifted).map((m) => m.name + ' (PSI ' + fmt(m.psi, 2) + (m.ks === undefined ? '' : ', KS ' + fmt(m.ks, 2)) + ')');
    nodes.push(el('p', { class: 'stopped drift-alert', 'data-drift-alert': a.arm, 'data-version': a.model + '@' + a.version + (a.variant ? '/' + a.variant : '') },
      'Drift: arm ' + a.arm + ' (' + a.model + '@' + a.version + (a.variant ? ', ' + a.variant : '') + ') over ' + a.livePredictions + ' predictions: ' + names.join('; ')));
  }
  const rows = [];
  for (const a of drift.arms) {
    if (!a.report) {
      rows.push([{ 'data-drift-arm': a.arm }, [a.arm, a.version + (a.variant ? ' ' + a.variant : ''), '–', '–', '–', '–', '–', a.reason || '']]);
      continue;
    }
    for (const m of a.report.measures) {
      rows.push([
        { 'data-drift-arm': a.arm, 'data-drift-measure': m.name, 'data-drifted': String(m.drifted), class: m.drifted ? 'status-breached' : '' },
        [a.arm, a.version + (a.variant ? ' ' + a.variant : ''), m.name, fmt(m.psi, 3), fmt(m.ks, 3), fmt(m.wassersteinSd, 3), fmt(m.meanShiftSd, 2), m.drifted ? 'drift' : 'stable'],
      ]);
    }
  }
  nodes.push(table([['arm', 'arm'], ['version', 'version'], ['measure', 'measure'], ['psi', 'PSI'], ['ks', 'KS'], ['w1', 'W1 (sd)'], ['shift', 'mean shift (sd)'], ['status', 'status']], rows));
  const bars = drift.arms.flatMap((a) => (a.report ? a.report.measures.map((m) => ({ label: a.arm + ' ' + m.name, psi: m.psi, threshold: a.thresholds.psi, drifted: m.drifted })) : []));
  if (bars.length > 0) {
    const rowH = 18, labelW = 230, width = 460;
    const max = Math.max(0.5, ...bars.map((b) => Math.min(b.psi, 10)), ...bars.map((b) => b.threshold * 1.5));
    const svg = svgEl('svg', { width, height: bars.length * rowH + 24, 'data-plot': 'drift-psi', role: 'img' });
    const x = (v) => labelW + (Math.min(v, max) / max) * (width - labelW - 10);
    bars.forEach((b, i) => {
      const label = svgEl('text', { x: labelW - 6, y: i * rowH + 13, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a' });
      label.textContent = b.label;
      svg.append(label, svgEl('rect', { x: labelW, y: i * rowH + 3, width: Math.max(1, x(b.psi) - labelW), height: rowH - 6, fill: b.drifted ? '#d62728' : '#2ca02c', 'data-bar': b.label }));
      svg.append(svgEl('line', { x1: x(b.threshold), x2: x(b.threshold), y1: i * rowH, y2: i * rowH + rowH, stroke: '#1b1f24', 'stroke-dasharray': '3 2' }));
    });
    const f = el('figure');
    f.append(el('figcaption', {}, 'PSI per measure (dashed: threshold)'), svg);
    nodes.push(f);
  }
  return nodes;
}

const shareOf = (weights, i) => {
  const total = (weights || []).reduce((s, w) => s + w, 0);
  return total > 0 ? weights[i] / total : null;
};
const interval = (e) => fmt(e.value) + ' [' + fmt(e.interval[0]) + ', ' + fmt(e.interval[1]) + ']';

/**
 * Contextual experiments: the weights each device class is served and what each arm earned there,
 * the weights per class over policy versions, and an off-policy comparison of candidate policies.
 */
async function contextualSection(exp, timeline) {
  const key = encodeURIComponent(exp.key);
  const contexts = await getJson('/v1/experiments/' + key + '/contexts');
  const armNames = exp.arms.map((a) => a.name);
  const nodes = [el('h3', {}, 'Weights by device class')];
  if (contexts.classes.length === 0) {
    nodes.push(el('p', { class: 'empty' }, 'No decisions with a device class yet.'));
    return nodes;
  }
  nodes.push(el('p', { class: 'meta' }, 'Reward: ' + contexts.unit + ' (objective ' + JSON.stringify(contexts.objective) + ')'));
  nodes.push(table(
    [['class', 'device class']].concat(armNames.map((a) => ['weight-' + a, a + ' weight'])).concat(armNames.map((a) => ['reward-' + a, a + ' mean reward (decisions)'])),
    contexts.classes.map((c) => [
      { 'data-context': c.context },
      [c.context].concat(c.arms.map((a) => fmt(a.weight))).concat(c.arms.map((a) => fmt(a.meanReward) + ' (' + a.decisions + ')')),
    ]),
  ));
  const history = (timeline.policy || []).filter((p) => p.contextWeights);
  if (history.length > 0) {
    const plots = el('div', { class: 'plots' });
    for (const c of contexts.classes) {
      const series = armNames.map((name, i) => ({
        name, color: COLORS[i % COLORS.length],
        points: history.filter((h) => h.contextWeights[c.context]).map((h) => ({ t: h.createdAt, y: shareOf(h.contextWeights[c.context], i) })),
      }));
      const figure = el('figure', { 'data-context-plot': c.context });
      figure.append(el('figcaption', {}, 'Weights over time: ' + c.context), chart('class-weights', series, 0, 1));
      plots.append(figure);
    }
    nodes.push(legend(armNames), plots);
  }
  // Candidates: the policy served now, each arm everywhere, and each class's best arm on the log so
  // far (the best arm over all classes for every other class).
  const best = (arms) => arms.filter((a) => a.meanReward !== null).sort((a, b) => b.meanReward - a.meanReward)[0];
  const pooled = armNames.map((arm) => {
    const cells = contexts.classes.map((c) => c.arms.find((a) => a.arm === arm));
    const decisions = cells.reduce((s, a) => s + a.decisions, 0);
    const sum = cells.reduce((s, a) => s + (a.meanReward ?? 0) * a.decisions, 0);
    return { arm, decisions, meanReward: decisions > 0 ? sum / decisions : null };
  });
  const greedy = best(pooled)
    ? contexts.classes.filter((c) => best(c.arms)).map((c) => c.context + ':' + best(c.arms).arm).concat(['*:' + best(pooled).arm]).join(',')
    : null;
  const candidates = ['current'].concat(armNames).concat(greedy ? [greedy] : []);
  nodes.push(el('h3', {}, 'Off-policy evaluation (' + contexts.unit + ')'));
  let rows;
  try {
    // One request for every candidate: the server reads the log once.
    const ope = await getJson('/v1/experiments/' + key + '/ope?' + candidates.map((p) => 'policy=' + encodeURIComponent(p)).join('&'));
    rows = ope.estimates.map((e) => [{ 'data-policy': e.policy }, [e.policy, interval(e.ips), interval(e.doublyRobust), fmt(e.effectiveSampleSize, 0), fmt(ope.logged.value)]]);
  } catch (error) {
    rows = [[{ class: 'error' }, ['all', error.message, '', '', '']]];
  }
  nodes.push(table([['policy', 'policy'], ['ips', 'IPS [95% CI]'], ['dr', 'doubly robust [95% CI]'], ['ess', 'effective n'], ['logged', 'logged policy']], rows));
  return nodes;
}

async function renderExperiment(exp) {
  const section = el('section', { class: 'experiment', 'data-experiment': exp.key });
  section.append(el('h2', {}, exp.key));
  section.append(el('p', { class: 'meta' }, exp.type + (exp.policy ? ' · ' + exp.policy : '') + ' · policy v' + exp.policyVersion + ' · seed ' + exp.seed));
  section.append(...stopBadges(exp));
  const [results, timeline, guardrails] = await Promise.all([
    getJson('/v1/experiments/' + encodeURIComponent(exp.key) + '/results'),
    getJson('/v1/experiments/' + encodeURIComponent(exp.key) + '/timeline'),
    getJson('/v1/experiments/' + encodeURIComponent(exp.key) + '/guardrails'),
  ]);
  const table = el('table');
  const head = el('tr');
  const per = results.unit === 'users' ? 'per user' : 'per decision';
  const bandit = results.unit === 'decisions';
  const columns = ['arm', 'weight', 'users', 'ineligible users'].concat(bandit ? ['decisions'] : []).concat([ (results.metric === 'proportion' && results.unit === 'users' ? 'conversion' : 'mean reward') + ' ' + per, 'P(beat control)', 'p-value (raw)', 'p-value (' + (results.correction === 'holm' ? 'Holm-adjusted' : 'adjusted') + ')']);
  for (const h of columns) head.append(el('th', {}, h));
  table.append(head);
  for (const arm of results.arms) {
    const row = el('tr', { 'data-arm': arm.name });
    const weight = exp.arms.find((a) => a.name === arm.name)?.weight;
    const cells = [
      ['name', arm.name + (arm.control && arm.name !== 'control' ? ' (control)' : '') + (exp.arms.find((a) => a.name === arm.name)?.stopped ? ' (stopped)' : '')],
      ['weight', fmt(weight)],
      ['users', String(arm.users)],
      ['ineligible-users', String(arm.ineligibleUsers)],
    ].concat(bandit ? [['decisions', String(arm.decisions)]] : []).concat([
      ['metric', fmt(arm.metric.value)],
      ['p-beat', fmt(arm.probabilityToBeatControl?.value)],
      ['p-raw', fmt(arm.pValue?.raw, 4)],
      ['p-adjusted', fmt(arm.pValue?.adjusted, 4)],
    ]);
    for (const [key, v] of cells) row.append(el('td', { 'data-col': key, title: key === 'metric' ? arm.metric.method : '' }, v));
    table.append(row);
  }
  section.append(table);
  section.append(el('p', { class: 'verdict', 'data-verdict': results.verdict?.decision ?? '' }, results.verdict?.summary ?? ''));
  section.append(el('p', { class: 'meta', 'data-rule': '' }, results.verdictRule));
  section.append(...healthSection(guardrails));
  section.append(...(await driftSection(exp)));
  if (exp.type === 'contextual') section.append(...(await contextualSection(exp, timeline)));
  const arms = timeline.arms;
  const color = (name) => COLORS[arms.indexOf(name) % COLORS.length];
  section.append(legend(arms));
  if (timeline.points.length === 0) {
    section.append(el('p', { class: 'empty' }, 'No events yet.'));
    return section;
  }
  const allocation = arms.map((name) => ({
    name, color: color(name),
    points: timeline.points.filter((p) => p.arm === name).map((p) => ({ t: p.t, y: p.share })),
  }));
  const users = arms.map((name) => ({
    name, color: color(name),
    points: timeline.points.filter((p) => p.arm === name).map((p) => ({ t: p.t, y: p.cumulativeUsers })),
  }));
  const userMax = Math.max(1, ...timeline.points.map((p) => p.cumulativeUsers));
  const rates = arms.map((name) => ({
    name, color: color(name),
    points: timeline.points.filter((p) => p.arm === name && p.rate !== null).map((p) => ({ t: p.t, y: p.rate })),
  }));
  const diffs = arms.slice(1).map((name) => ({
    name, color: color(name),
    points: timeline.points.filter((p) => p.arm === name && p.diff !== null).map((p) => ({ t: p.t, y: p.diff, lo: p.csLower, hi: p.csUpper })),
  }));
  const rateMax = Math.max(0.05, ...timeline.points.map((p) => p.rate ?? 0)) * 1.05;
  const bounds = timeline.points.flatMap((p) => [p.csLower, p.csUpper, p.diff]).filter((v) => v !== null && Number.isFinite(v));
  const diffMin = Math.min(-0.01, ...bounds), diffMax = Math.max(0.01, ...bounds);
  const plots = el('div', { class: 'plots' });
  const f1 = el('figure');
  f1.append(el('figcaption', {}, 'Arm allocation over time (share of exposures)'), chart('allocation', allocation, 0, 1));
  const f2 = el('figure');
  f2.append(el('figcaption', {}, 'Reward per exposure event, per arm (cumulative; events, not users)'), chart('rates', rates, 0, rateMax));
  const f4 = el('figure');
  f4.append(el('figcaption', {}, 'Exposed users per arm (cumulative, by first exposure)'), chart('users', users, 0, userMax));
  const f3 = el('figure');
  const level = Math.round((1 - timeline.alpha) * 100);
  f3.append(el('figcaption', {}, 'Difference from ' + arms[0] + ' per exposure event, with ' + level + '% confidence sequence'), chart('differences', diffs, diffMin, diffMax));
  plots.append(f1, f4, f2, f3);
  section.append(plots);
  return section;
}

async function main() {
  const status = document.getElementById('status');
  const main = document.getElementById('experiments');
  try {
    const { experiments } = await getJson('/v1/experiments');
    if (experiments.length === 0) {
      status.textContent = 'No experiments yet. Create one with POST /v1/experiments or --experiments.';
      return;
    }
    for (const exp of experiments) main.append(await renderExperiment(exp));
    status.textContent = experiments.length + ' experiment' + (experiments.length === 1 ? '' : 's');
    document.body.dataset.ready = 'true';
  } catch (error) {
    status.className = 'error';
    status.textContent = 'Could not load: ' + error.message;
    document.body.dataset.ready = 'error';
  }
}
main();
</script>
</body>
</html>
`;

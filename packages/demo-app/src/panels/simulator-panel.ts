import type { ExperimentConfig } from '@edgewise/sdk';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { percent } from '../app/format.js';
import type { ExperimentResults } from '../sim/server-types.js';
import { type SimulationStep, simulate } from '../sim/simulate.js';
import { legend, lineChart, PALETTE, type Series } from '../ui/line-chart.js';

/** Default true reward rates by arm position: later arms (the quantized ones) convert a bit better. */
const DEFAULT_RATES = [0.1, 0.16, 0.22, 0.12, 0.08];

function series(
  arms: readonly string[],
  pick: (arm: string) => Series['points'],
  band?: (arm: string) => Series['band'],
): Series[] {
  return arms.map((name, i) => ({
    name,
    color: PALETTE[i % PALETTE.length] as string,
    points: pick(name),
    ...(band ? { band: band(name) } : {}),
  }));
}

function draw(root: HTMLElement, arms: string[], steps: SimulationStep[], users: number): void {
  const at = (arm: string, get: (r: ExperimentResults['arms'][number]) => number | null) =>
    steps.flatMap((s) => {
      const v = get(s.results.arms.find((a) => a.name === arm) as ExperimentResults['arms'][number]);
      return v === null || v === undefined ? [] : [[s.users, v] as [number, number]];
    });
  const rates = steps.flatMap((s) => s.results.arms.map((a) => a.metric.value ?? 0));
  const unit = steps.at(-1)?.results.unit === 'decisions' ? 'decision' : 'exposed user';
  // Scaled to the latest confidence sequences: the early ones span everything and are clipped.
  const latest = steps.at(-1)?.results.arms ?? [];
  const spans = latest.flatMap((a) =>
    a.sequential ? [a.sequential.diff, a.sequential.ci[0] ?? 0, a.sequential.ci[1] ?? 0] : [],
  );
  const lim = Math.min(1, Math.max(0.05, ...spans.map(Math.abs)) * 1.2);
  const all = series(arms, () => []);
  root.replaceChildren(
    legend(all),
    h(
      'figure',
      {},
      lineChart({
        title: 'Arm allocation over time',
        xLabel: 'simulated users',
        yLabel: 'share of each batch',
        xMax: users,
        yMin: 0,
        yMax: 1,
        yFormat: (v) => percent(v, 0),
        series: series(arms, (arm) => steps.map((s) => [s.users, s.allocation[arm] ?? 0])),
      }),
      h('figcaption', { text: 'Share of each batch of users assigned to each arm' }),
    ),
    h(
      'figure',
      {},
      lineChart({
        title: `Reward rate per ${unit}`,
        xLabel: 'simulated users',
        yLabel: unit === 'decision' ? 'reward per decision' : 'converted users / exposed users',
        xMax: users,
        yMin: 0,
        yMax: Math.min(1, Math.max(0.05, ...rates) * 1.25),
        yFormat: (v) => percent(v, 0),
        series: series(arms, (arm) => at(arm, (a) => a.metric.value)),
      }),
      h('figcaption', { text: `Cumulative rate per ${unit}, from the server's results` }),
    ),
    h(
      'figure',
      {},
      lineChart({
        title: 'Difference from control, with its 95% confidence sequence',
        xLabel: 'simulated users',
        yLabel: 'rate minus control',
        xMax: users,
        yMin: -lim,
        yMax: lim,
        reference: 0,
        yFormat: (v) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(0)} pt`,
        series: series(
          arms,
          (arm) => at(arm, (a) => a.sequential?.diff ?? null),
          (arm) =>
            steps.flatMap((s) => {
              const seq = s.results.arms.find((a) => a.name === arm)?.sequential;
              return seq ? [[s.users, seq.ci[0] ?? -1, seq.ci[1] ?? 1] as [number, number, number]] : [];
            }),
        ),
      }),
      h('figcaption', {
        text: 'Always-valid: safe to read after every batch. Excluding 0 means a real difference.',
      }),
    ),
  );
}

/** Per arm, what the server counted and tested: users (or decisions), and raw and adjusted p-values. */
function armTable(results: ExperimentResults): HTMLElement {
  const counted = results.unit === 'decisions' ? 'Decisions' : 'Users';
  const p = (v: number | undefined) => (v === undefined ? '–' : v < 0.001 ? '< 0.001' : v.toFixed(3));
  return h(
    'table',
    { class: 'arm-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Arm',
          counted,
          'Ineligible users',
          'Rate',
          'p (raw)',
          `p (${results.correction === 'holm' ? 'Holm' : 'adjusted'})`,
        ].map((text) => h('th', { text })),
      ),
    ),
    h(
      'tbody',
      {},
      ...results.arms.map((a) =>
        h(
          'tr',
          { 'data-arm': a.name },
          h('td', { text: a.control ? `${a.name} (control)` : a.name }),
          h('td', { text: String(results.unit === 'decisions' ? a.decisions : a.users) }),
          h('td', { text: String(a.ineligibleUsers) }),
          h('td', { text: a.metric.value === null ? '–' : percent(a.metric.value, 1) }),
          h('td', { text: p(a.pValue?.raw) }),
          h('td', { text: p(a.pValue?.adjusted) }),
        ),
      ),
    ),
  );
}

/** "Simulator": many synthetic users and rewards against the real server, with the server's verdict. */
export function mountSimulator(experiments: ExperimentConfig[]): void {
  const form = byId<HTMLFormElement>('sim-form');
  const pick = byId<HTMLSelectElement>('sim-experiment');
  const usersInput = byId<HTMLInputElement>('sim-users');
  const ratesBox = byId('sim-rates');
  const run = byId<HTMLButtonElement>('sim-run');
  const stop = byId<HTMLButtonElement>('sim-stop');
  const progress = byId<HTMLProgressElement>('sim-progress');
  const status = byId('sim-status');
  const plots = byId('sim-plots');
  const verdict = byId('sim-verdict');

  if (experiments.length === 0) {
    run.disabled = true;
    say(status, 'No experiments to simulate: start the server with --experiments (npm start does).', 'error');
    return;
  }
  pick.replaceChildren(
    ...experiments.map((e) => h('option', { value: e.key, text: `${e.key} (${e.type})` })),
  );
  const rateInputs = new Map<string, HTMLInputElement>();
  const fillRates = () => {
    const exp = experiments.find((e) => e.key === pick.value);
    rateInputs.clear();
    ratesBox.replaceChildren(
      ...(exp?.arms ?? []).flatMap((arm, i) => {
        const input = h('input', {
          type: 'number',
          id: `sim-rate-${arm.name}`,
          min: 0,
          max: 1,
          step: 0.01,
          value: DEFAULT_RATES[i % DEFAULT_RATES.length],
          required: true,
        });
        rateInputs.set(arm.name, input);
        return [h('label', { for: input.id, text: `True reward rate of ${arm.name}` }), input];
      }),
    );
  };
  pick.addEventListener('change', fillRates);
  fillRates();

  let controller: AbortController | undefined;
  stop.addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const users = Number(usersInput.value);
    const exp = experiments.find((e) => e.key === pick.value);
    if (!exp || !(users >= 1)) return;
    controller = new AbortController();
    run.disabled = true;
    stop.disabled = false;
    plots.dataset.state = 'running';
    verdict.textContent = '';
    const steps: SimulationStep[] = [];
    const arms = exp.arms.map((a) => a.name);
    say(status, `Simulating ${users} users…`);
    try {
      const results = await simulate({
        experiment: exp.key,
        users,
        rates: Object.fromEntries([...rateInputs].map(([arm, input]) => [arm, Number(input.value)])),
        pauseMs: exp.type === 'bandit' ? 150 : 0,
        signal: controller.signal,
        onBatch: (step) => {
          steps.push(step);
          progress.value = step.users / users;
          draw(plots, arms, steps, users);
          say(status, `${step.users} of ${users} users simulated (policy version ${step.policyVersion}).`);
        },
      });
      const v = results?.verdict;
      verdict.replaceChildren(
        h('strong', { text: v ? `Verdict: ${v.status.replace(/-/g, ' ')}` : 'No verdict yet' }),
        h('p', { text: v?.summary ?? results?.notes.join(' ') ?? '' }),
        ...(results ? [armTable(results)] : []),
      );
      verdict.dataset.status = v?.status ?? 'none';
      plots.dataset.state = 'done';
      plots.dataset.users = String(steps.at(-1)?.users ?? 0);
      say(
        status,
        `Done: ${steps.at(-1)?.users ?? 0} users. Results include every run so far; the server keeps them.`,
      );
    } catch (error) {
      plots.dataset.state = 'failed';
      say(status, humanMessage(error, 'run the simulation'), 'error');
    } finally {
      run.disabled = false;
      stop.disabled = true;
    }
  });
}

import { assignArm, type Edgewise, type ExperimentConfig } from '@edgewise/sdk';
import { saveUserId } from '../app/client.js';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { percent } from '../app/format.js';
import { fetchExperiments } from '../sim/server-types.js';

/** "Experiments": your user id (editable) and the arm it lands in for every experiment. */
export async function mountExperiments(ew: Edgewise): Promise<ExperimentConfig[]> {
  const status = byId('experiments-status');
  const input = byId<HTMLInputElement>('user-id');
  const body = byId('assignments-body');
  input.value = ew.userId ?? '';

  let experiments: ExperimentConfig[] = [];
  // A contextual experiment assigns by this device's class, as ew.load() does.
  const deviceClass = await ew.deviceClass();
  const kind = (exp: ExperimentConfig) =>
    exp.type === 'bandit'
      ? `bandit (${exp.policy ?? 'policy'})`
      : exp.type === 'contextual'
        ? `contextual (this device: ${deviceClass})`
        : 'A/B test';
  const render = () => {
    const userId = ew.userId;
    if (!userId) {
      say(status, 'Enter a user id to see your arms.', 'error');
      return;
    }
    body.replaceChildren(
      ...experiments.map((exp) => {
        const a = assignArm(userId, exp, { deviceClass });
        const arm = exp.arms[a.index];
        return h(
          'tr',
          { 'data-experiment': exp.key },
          h('th', { scope: 'row', text: exp.key }),
          h('td', { text: kind(exp) }),
          h('td', { class: 'arm', text: a.inExperiment ? a.arm : `${a.arm} (held out)` }),
          h('td', { text: percent(a.probability) }),
          h('td', {
            text: arm ? `${arm.model} ${arm.version}${arm.variant ? ` · ${arm.variant}` : ''}` : '–',
          }),
        );
      }),
    );
    if (experiments.length === 0)
      body.append(h('tr', {}, h('td', { colspan: 5, text: 'The server has no experiments.' })));
  };

  input.addEventListener('change', () => {
    const id = input.value.trim();
    if (!id) {
      say(status, 'A user id cannot be empty; type any name or number.', 'error');
      return;
    }
    ew.userId = id;
    saveUserId(id);
    render();
    say(status, `Arms for ${id}. The same id always gets the same arm (until a bandit re-weights).`);
  });

  try {
    experiments = await fetchExperiments();
    render();
    say(status, `Arms for ${ew.userId}. Change the id to see how users are spread.`);
  } catch (error) {
    say(status, humanMessage(error, 'fetch the experiments'), 'error');
  }
  return experiments;
}

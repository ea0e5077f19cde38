/**
 * The targeting language: a JSON condition over the user's attributes, GrowthBook-style. The device
 * evaluates it before assigning an arm, the server when it assigns for a user and when it accepts a
 * definition, both with this code, held to `vectors/conditions.json`.
 *
 * @example
 * const condition = {
 *   country: { $in: ['DE', 'FR'] },
 *   appVersion: { $vgte: '2.4.0' },
 *   $or: [{ plan: 'pro' }, { deviceClass: { $ne: 'low' } }],
 * };
 * evaluateCondition(condition, { country: 'DE', appVersion: '2.10.1', plan: 'free', deviceClass: 'high' }); // true
 */

/** A value an attribute may hold: what JSON carries, nested objects addressed by dotted paths. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | Attributes;
export interface Attributes {
  [name: string]: AttributeValue;
}

export type Primitive = string | number | boolean | null;

/** `{ field: value }` is equality; `{ field: { $op: operand } }` applies operators (all must hold). */
export type FieldTest = Primitive | { [operator in FieldOperator]?: Primitive | Primitive[] };

export interface Condition {
  $and?: Condition[];
  $or?: Condition[];
  $not?: Condition;
  [field: string]: FieldTest | Condition | Condition[] | undefined;
}

export const COMPARISON_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'] as const;
export const LIST_OPERATORS = ['$in', '$nin'] as const;
export const SEMVER_OPERATORS = ['$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte'] as const;
export const FIELD_OPERATORS = [
  ...COMPARISON_OPERATORS,
  ...LIST_OPERATORS,
  ...SEMVER_OPERATORS,
  '$exists',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;

/** Bounds on a condition's size, so a hostile definition cannot make every device do much work. */
export const CONDITION_LIMITS = { depth: 8, nodes: 256, listItems: 1000, textLength: 256 } as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): v is Primitive =>
  v === null ||
  typeof v === 'string' ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v));

/**
 * What is wrong with a condition, naming the path at fault and what to write instead, or undefined
 * when it is well formed. Readers must refuse a condition this finds fault with rather than guess.
 */
export function conditionProblem(condition: unknown, path = 'condition'): string | undefined {
  let nodes = 0;
  const visit = (c: unknown, at: string, depth: number): string | undefined => {
    if (depth > CONDITION_LIMITS.depth) return `${at}: nested deeper than ${CONDITION_LIMITS.depth} levels`;
    if (!isObject(c)) return `${at}: must be an object of { attribute: test }, got ${JSON.stringify(c)}`;
    for (const [key, value] of Object.entries(c)) {
      if (++nodes > CONDITION_LIMITS.nodes) return `${path}: more than ${CONDITION_LIMITS.nodes} tests`;
      const here = `${at}.${key}`;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || value.length === 0)
          return `${here}: must be a non-empty array of conditions`;
        for (const [i, sub] of value.entries()) {
          const problem = visit(sub, `${here}[${i}]`, depth + 1);
          if (problem) return problem;
        }
      } else if (key === '$not') {
        const problem = visit(value, here, depth + 1);
        if (problem) return problem;
      } else if (key.startsWith('$')) {
        return `${here}: unknown operator "${key}" at condition level; use $and, $or or $not, or name an attribute`;
      } else {
        if (key.length === 0 || key.length > CONDITION_LIMITS.textLength)
          return `${here}: attribute names are 1-${CONDITION_LIMITS.textLength} characters`;
        const problem = fieldProblem(value, here, key);
        if (problem) return problem;
      }
    }
    return undefined;
  };
  return visit(condition, path, 0);
}

function textProblem(value: Primitive, at: string): string | undefined {
  return typeof value === 'string' && value.length > CONDITION_LIMITS.textLength
    ? `${at}: strings are at most ${CONDITION_LIMITS.textLength} characters`
    : undefined;
}

function fieldProblem(test: unknown, at: string, field: string): string | undefined {
  if (isPrimitive(test)) return textProblem(test, at);
  if (!isObject(test))
    return `${at}: must be a string, number, boolean, null or an object of operators (use $in for a list)`;
  const operators = Object.keys(test);
  if (operators.length === 0) return `${at}: an empty operator object tests nothing; remove it`;
  for (const op of operators) {
    const operand = test[op];
    const here = `${at}.${op}`;
    // GrowthBook would deep-compare a nested object; a dotted path says the same without ambiguity.
    if (!op.startsWith('$'))
      return `${at}: an object of operators was expected, got key "${op}"; to test a nested attribute use a dotted path such as "${field}.${op}"`;
    if (!(FIELD_OPERATORS as readonly string[]).includes(op))
      return `${here}: unknown operator "${op}"; use one of ${FIELD_OPERATORS.join(', ')}`;
    if (op === '$in' || op === '$nin') {
      if (!Array.isArray(operand) || operand.length > CONDITION_LIMITS.listItems)
        return `${here}: must be an array of at most ${CONDITION_LIMITS.listItems} values`;
      for (const [i, v] of operand.entries()) {
        if (!isPrimitive(v)) return `${here}[${i}]: must be a string, number, boolean or null`;
        const problem = textProblem(v, `${here}[${i}]`);
        if (problem) return problem;
      }
    } else if (op === '$exists') {
      if (typeof operand !== 'boolean') return `${here}: must be true or false`;
    } else if ((SEMVER_OPERATORS as readonly string[]).includes(op)) {
      if (typeof operand !== 'string' || parseVersion(operand) === undefined)
        return `${here}: must be a version string such as "2.4.0" or "2.4.0-beta.1", got ${JSON.stringify(operand)}`;
    } else if (op === '$eq' || op === '$ne') {
      if (!isPrimitive(operand)) return `${here}: must be a string, number, boolean or null`;
      const problem = textProblem(operand, here);
      if (problem) return problem;
    } else if (!(typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand)))) {
      return `${here}: must be a number or a string`;
    }
  }
  return undefined;
}

/** The attribute at a dotted path (`device.class`), or undefined when any step is missing. */
function lookup(attributes: Attributes, path: string): AttributeValue | undefined {
  if (Object.hasOwn(attributes, path)) return attributes[path];
  let value: AttributeValue | undefined = attributes;
  for (const step of path.split('.')) {
    if (!isObject(value) || !Object.hasOwn(value, step)) return undefined;
    value = (value as Attributes)[step];
  }
  return value;
}

const same = (a: AttributeValue | undefined, b: Primitive): boolean =>
  b === null ? a === null || a === undefined : a === b;

function ordered(a: AttributeValue | undefined, b: Primitive, op: string): boolean {
  // Numbers compare with numbers and strings with strings; anything else (missing included) is false.
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')))
    return false;
  if (op === '$gt') return a > b;
  if (op === '$gte') return a >= b;
  if (op === '$lt') return a < b;
  return a <= b;
}

function semver(a: AttributeValue | undefined, b: string, op: string): boolean {
  if (typeof a !== 'string') return false;
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return false;
  const c = compareVersions(left, right);
  if (op === '$veq') return c === 0;
  if (op === '$vne') return c !== 0;
  if (op === '$vgt') return c > 0;
  if (op === '$vgte') return c >= 0;
  if (op === '$vlt') return c < 0;
  return c <= 0;
}

/** Equality as plain `{ field: value }` means it: an array attribute equals any of its elements. */
const equals = (value: AttributeValue | undefined, operand: Primitive): boolean =>
  Array.isArray(value) ? value.some((v) => same(v, operand)) : same(value, operand);

function testField(value: AttributeValue | undefined, test: FieldTest): boolean {
  if (!isObject(test)) return equals(value, test);
  for (const [op, operand] of Object.entries(test)) {
    let ok: boolean;
    // $eq and $ne agree with plain equality, so `{ tags: 'vip' }` and `{ tags: { $eq: 'vip' } }` match the same users.
    if (op === '$eq') ok = equals(value, operand as Primitive);
    else if (op === '$ne') ok = !equals(value, operand as Primitive);
    else if (op === '$in' || op === '$nin') {
      const list = operand as Primitive[];
      const values = Array.isArray(value) ? value : [value];
      const hit = values.some((v) => v !== undefined && list.some((item) => same(v, item)));
      ok = op === '$in' ? hit : !hit;
    } else if (op === '$exists') ok = (value !== undefined && value !== null) === operand;
    else if (op.startsWith('$v')) ok = semver(value, operand as string, op);
    else ok = ordered(value, operand as Primitive, op);
    if (!ok) return false;
  }
  return true;
}

/**
 * Whether `attributes` satisfy `condition` (which {@link conditionProblem} has passed). Every test
 * of an object must hold; `$or` needs one of its conditions, `$not` negates. A missing attribute
 * equals only null, is in no list, and fails every ordering and version test.
 */
export function evaluateCondition(condition: Condition, attributes: Attributes): boolean {
  for (const [key, test] of Object.entries(condition)) {
    if (test === undefined) continue;
    if (key === '$and') {
      if (!(test as Condition[]).every((c) => evaluateCondition(c, attributes))) return false;
    } else if (key === '$or') {
      if (!(test as Condition[]).some((c) => evaluateCondition(c, attributes))) return false;
    } else if (key === '$not') {
      if (evaluateCondition(test as Condition, attributes)) return false;
    } else if (!testField(lookup(attributes, key), test as FieldTest)) return false;
  }
  return true;
}

interface ParsedVersion {
  core: [number, number, number];
  pre: (number | string)[];
}

const VERSION =
  /^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$/;

/** "2", "2.4", "v2.4.1", "2.4.1-beta.2+build" → its parts (missing parts are 0); else undefined. */
export function parseVersion(text: string): ParsedVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const pre = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  return { core: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre };
}

/** Semver 2.0 precedence: core numerically, a pre-release below its release, build metadata ignored. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i]! < b.core[i]! ? -1 : 1;
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

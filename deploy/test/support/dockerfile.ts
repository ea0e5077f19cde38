/**
 * A Dockerfile reader for lint tests: instructions with their continuation lines joined, grouped into
 * build stages. It follows the Dockerfile reference's line rules (comments, `\` continuations, exec
 * form as a JSON array) and does not evaluate ARGs beyond plain `${NAME}` substitution in FROM.
 */

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuations joined with a space. */
  args: string;
  /** `--name=value` flags at the start of args (COPY --from, HEALTHCHECK --interval, ...). */
  flags: Record<string, string>;
  /** args without the leading flags. */
  rest: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1).trimEnd();
      i++;
      const next = lines[i]!.trim();
      if (!next.startsWith('#') && next !== '') line += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const args = match[2]!;
    const flags: Record<string, string> = {};
    let rest = args;
    for (
      let flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest);
      flag;
      flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)
    ) {
      flags[flag[1]!] = flag[2] ?? 'true';
      rest = rest.slice(flag[0].length);
    }
    instructions.push({ keyword: match[1]!.toUpperCase(), args, flags, rest, line: start + 1 });
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.rest.split(/\s+/);
      const resolved = image!.replace(/\$\{(\w+)\}/g, (_, arg: string) => globalArgs[arg] ?? '');
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, image: resolved, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG')
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      const [name, value = ''] = instruction.rest.split('=');
      globalArgs[name!] = value;
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args: globalArgs, stages };
}

/** The command of an exec-form instruction (`["node", "x.js"]`), or undefined for the shell form. */
export function execForm(instruction: Instruction): string[] | undefined {
  if (!instruction.rest.startsWith('[')) return undefined;
  return JSON.parse(instruction.rest) as string[];
}

/** Sources and destination of a COPY (`COPY [--flags] src... dest`, shell or exec form). */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } {
  const parts = execForm(instruction) ?? instruction.rest.split(/\s+/);
  return { sources: parts.slice(0, -1), dest: parts.at(-1)! };
}

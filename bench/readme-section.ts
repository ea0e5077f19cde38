// bench/README.md is written by more than one bench: each owns a section between markers, which the
// others keep as they found it.
const start = (name: string) => `<!-- section:${name} -->`;
const end = (name: string) => `<!-- /section:${name} -->`;

/** `text` with section `name` replaced by `body` (appended when it has none yet). */
export function replaceSection(text: string, name: string, body: string): string {
  const block = `${start(name)}\n${body.trim()}\n${end(name)}`;
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from === -1 || to < from) return `${text.trimEnd()}\n\n${block}\n`;
  return `${text.slice(0, from)}${block}${text.slice(to + end(name).length)}`;
}

/** Every marked section of `text`, markers included, in order: what a rewrite of the rest keeps. */
export function sections(text: string): string[] {
  return [...text.matchAll(/<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g)].map((m) => m[0]);
}

import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML } from '../../src/dashboard/dashboard-page.js';

/**
 * Just enough DOM to run the dashboard's own script in Node against a server, and read what it
 * rendered as HTML: elements, attributes, text (escaped on output, as a browser's would be).
 */
class MiniNode {
  readonly attributes = new Map<string, string>();
  readonly children: MiniNode[] = [];
  readonly dataset: Record<string, string> = {};
  private text = '';
  className = '';

  constructor(readonly tag: string | null) {}

  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }

  append(...nodes: (MiniNode | string)[]): void {
    for (const n of nodes) this.children.push(typeof n === 'string' ? textNode(n) : n);
  }

  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }

  set textContent(value: string) {
    this.children.length = 0;
    this.text = String(value);
  }

  get outerHTML(): string {
    const escapeHtml = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    if (this.tag === null) return escapeHtml(this.text);
    const attrs = [...this.attributes].map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
    return `<${this.tag}${attrs}>${escapeHtml(this.text)}${this.children.map((c) => c.outerHTML).join('')}</${this.tag}>`;
  }
}

function textNode(text: string): MiniNode {
  const node = new MiniNode(null);
  node.textContent = text;
  return node;
}

/** Runs the /dashboard script with `fetch` answered by `app.inject`; resolves with the rendered experiments. */
export async function renderDashboard(app: FastifyInstance): Promise<{ html: string; status: string }> {
  const status = new MiniNode('div');
  const main = new MiniNode('main');
  const body = new MiniNode('body');
  const document = {
    body,
    createElement: (tag: string) => new MiniNode(tag),
    createElementNS: (_ns: string, tag: string) => new MiniNode(tag),
    createTextNode: textNode,
    getElementById: (id: string) => (id === 'status' ? status : id === 'experiments' ? main : null),
  };
  const fetch = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return {
      ok: res.statusCode < 400,
      status: res.statusCode,
      text: async () => res.body,
      json: async () => res.json(),
    };
  };
  const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? '';
  new Function('document', 'fetch', script)(document, fetch);
  for (let i = 0; i < 500 && !body.dataset.ready; i++) await new Promise((r) => setTimeout(r, 10));
  if (body.dataset.ready !== 'true') throw new Error(`dashboard did not render: ${status.textContent}`);
  return { html: main.outerHTML, status: status.textContent };
}

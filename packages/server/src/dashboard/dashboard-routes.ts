import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML } from './dashboard-page.js';

/** `'sha256-…'` sources for each inline `<tag>` block of the page, so the CSP allows exactly those. */
function inlineHashes(html: string, tag: 'script' | 'style'): string {
  const blocks = html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'));
  return [...blocks]
    .map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '')
          .digest('base64')}'`,
    )
    .join(' ');
}

/**
 * The page is static, so hashes of its inline script and style (computed here, so they never drift
 * from the page) stand in for a per-request nonce. Its legend swatches set `style` attributes, hence
 * `style-src-attr 'unsafe-inline'`; scripts stay hash-only. Data comes from this origin's JSON API.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${inlineHashes(DASHBOARD_HTML, 'script')}`,
  `style-src-elem ${inlineHashes(DASHBOARD_HTML, 'style')}`,
  "style-src-attr 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /dashboard: the experiments page; its data comes from the public JSON endpoints. */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/dashboard', async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', DASHBOARD_CSP)
      // For browsers without CSP frame-ancestors.
      .header('x-frame-options', 'DENY')
      .send(DASHBOARD_HTML),
  );
}

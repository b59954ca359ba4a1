import type http from 'node:http';
import { createRequire } from 'node:module';
import { assertHostAllowed, guardedLookup } from './network-guard.ts';
import { catalogueSpec } from './spec.ts';
import { type ToolDefinition, ToolError } from './types.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpToolOptions {
  /** Lets requests reach loopback/private networks (off by default: an agent must not probe the LAN). */
  allowPrivateNetwork: boolean;
  /** The agent's `allowed_hosts` (`example.com`, `*.example.com`); absent: any public host. */
  allowedHosts?: readonly string[];
  /** True when the text holds a known secret value (redactor.ts): such a request is refused. */
  containsSecret?: (text: string) => boolean;
}

/** `*.example.com` matches sub-domains only; `example.com` that host only. */
export function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('*.') ? host.endsWith(rule.slice(1)) && host.length > rule.length - 1 : host === rule;
  });
}

export function httpRequestTool(options: HttpToolOptions): ToolDefinition {
  return {
    ...catalogueSpec('http_request'),
    async execute(args, ctx) {
      let url: URL;
      try {
        url = new URL(args.url as string);
      } catch {
        throw new ToolError(`not a valid URL: ${String(args.url)}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ToolError(`unsupported protocol ${url.protocol}`);
      assertHostAllowed(url.hostname, options.allowPrivateNetwork);
      if (options.allowedHosts && !hostAllowed(url.hostname, options.allowedHosts)) {
        throw new ToolError(
          `host ${url.hostname} is not in this agent's allowed_hosts (${options.allowedHosts.join(', ') || 'none'})`,
        );
      }
      const method = (args.method as string | undefined) ?? 'GET';
      const body = args.body as string | undefined;
      const outgoing = [url.href, body ?? '', ...Object.entries((args.headers as Record<string, string>) ?? {}).flat()];
      if (options.containsSecret && outgoing.some((text) => options.containsSecret?.(text))) {
        throw new ToolError('refused: the request carries the value of a stored secret or key');
      }
      const response = await send(url, method, (args.headers as Record<string, string>) ?? {}, body, {
        signal: ctx.signal,
        allowPrivate: options.allowPrivateNetwork,
      });
      return { success: response.status < 400, output: response };
    },
  };
}

interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated?: boolean;
}

// node:http and node:https (with tls, some twenty of Node's modules) load with the tool's first request, not with
// the daemon.
const requireBuiltin = createRequire(import.meta.url);
const transportFor = (url: URL): typeof http =>
  requireBuiltin(url.protocol === 'https:' ? 'node:https' : 'node:http') as typeof http;

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: { signal: AbortSignal; allowPrivate: boolean },
): Promise<HttpResult> {
  const transport = transportFor(url);
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method,
        headers: { 'user-agent': 'restflow-agent', ...headers },
        lookup: guardedLookup(options.allowPrivate),
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) {
            truncated = true;
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', reject);
        response.on('end', () => {
          const keep = ['content-type', 'content-length', 'location', 'retry-after', 'date'];
          const picked: Record<string, string> = {};
          for (const key of keep) {
            const value = response.headers[key];
            if (value !== undefined) picked[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: picked,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(truncated ? { truncated: true } : {}),
          });
        });
      },
    );
    request.on('error', (error) => reject(error.name === 'AbortError' ? new ToolError('cancelled') : error));
    if (body !== undefined) request.write(body);
    request.end();
  });
}

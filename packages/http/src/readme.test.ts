// The quick start at the top of packages/http/README.md runs as written against the built package (`pnpm build`
// first) and exits by itself: the first ```js block, executed by Node from the package directory.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('packages/http/README.md', () => {
  it('starts with a quick start of at most 10 lines that runs and exits cleanly', async () => {
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    const code = /^# @slakit\/http\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'the README opens with a ```js block').toBeDefined();
    expect((code as string).trimEnd().split('\n').length).toBeLessThanOrEqual(10);
    expect(existsSync(`${dir}dist/index.js`), 'packages/http is built (run `pnpm build` first)').toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code as string], {
      cwd: dir,
      timeout: 20_000,
    });
    expect(stdout).toMatch(/^http_server_request_duration_seconds\S*\{[^}]*http_route="\/users\/:id"[^}]*\} 1$/m);
  });
});

describe.each([
  ['Fastify 5', '/api/users/:id', 1],
  ['Koa 3', '/api/users/:id', 1],
  ['Hono 4', '/api/users/:id', 2],
])('packages/http/README.md, the %s section', (heading, route, count) => {
  it('runs as written and records the route template', async () => {
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    const section = readme.split(`\n## ${heading}`)[1] ?? '';
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, `a \`\`\`js block under "## ${heading}"`).toBeDefined();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code as string], {
      cwd: dir,
      timeout: 20_000,
    });
    const line = stdout.trim().split('\n').pop() as string;
    expect(line).toContain(`http_route="${route}"`);
    expect(line).toMatch(new RegExp(`^http_server_request_duration_seconds_count\\{.*\\} ${count}$`));
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with exactly the two set-up commands: the demo and the tests', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.split('\n').filter((line) => line.trim() !== '').map((line) => line.split('#')[0]?.trim());
    expect(commands).toEqual(['npm run demo', 'npm test']);
    const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toBeTruthy();
    expect(scripts.test).toBeTruthy();
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/^npm test$/m);
  });

  it('documents every setting of the config schema, with its default', () => {
    for (const [key, schema] of Object.entries(configSchema.shape)) {
      const row = new RegExp(`^\\| \`${key}\` \\| ([^|]+) \\|`, 'm').exec(readme);
      expect(row, key).not.toBeNull();
      const parsed = schema.safeParse(undefined);
      const value: unknown = parsed.success ? parsed.data : undefined;
      if (typeof value === 'number' || (typeof value === 'string' && value !== '')) expect(row?.[1], key).toContain(String(value));
    }
  });
});

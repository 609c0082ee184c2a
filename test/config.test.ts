import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('gives the documented defaults with no settings', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ QUORUM_HTTP_PORT: 8080, QUORUM_SMTP_PORT: 2525, QUORUM_DATA_DIR: './data', QUORUM_LEAD_SECONDS: 60, CHROMIUM_PATH: '/usr/bin/chromium', QUORUM_SIMULATE: false });
    expect(config.QUORUM_BROWSER_ARGS).toEqual([]);
  });

  it('stops with a message naming each bad setting', () => {
    const bad = () => loadConfig({ QUORUM_HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://x', QUORUM_BROWSER_ARGS: '--flag' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/QUORUM_HTTP_PORT/);
    expect(bad).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(bad).toThrow(/QUORUM_BROWSER_ARGS: must be a JSON array of strings/);
  });

  it('reads a JSON config file, with variables taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-config-'));
    const file = join(dir, 'quorum.json');
    writeFileSync(file, JSON.stringify({ QUORUM_HTTP_PORT: 9000, QUORUM_LEAD_SECONDS: 120 }));
    expect(loadConfig({ QUORUM_CONFIG_FILE: file, QUORUM_LEAD_SECONDS: '30' })).toMatchObject({ QUORUM_HTTP_PORT: 9000, QUORUM_LEAD_SECONDS: 30 });
    writeFileSync(file, '[1]');
    expect(() => loadConfig({ QUORUM_CONFIG_FILE: file })).toThrow(/QUORUM_CONFIG_FILE: .* is not a JSON object/);
    expect(() => loadConfig({ QUORUM_CONFIG_FILE: join(dir, 'missing.json') })).toThrow(/QUORUM_CONFIG_FILE: cannot read/);
  });

  it('accepts the simulate flag spellings', () => {
    expect(loadConfig({ QUORUM_SIMULATE: '1' }).QUORUM_SIMULATE).toBe(true);
    expect(loadConfig({ QUORUM_SIMULATE: 'false' }).QUORUM_SIMULATE).toBe(false);
    expect(() => loadConfig({ QUORUM_SIMULATE: 'maybe' })).toThrow(/QUORUM_SIMULATE/);
  });
});

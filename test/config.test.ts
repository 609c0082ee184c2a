import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig, type Config } from '../src/config.js';

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

  it('accepts the yes/no spellings in any case, and names them when given another', () => {
    expect(loadConfig({ QUORUM_SIMULATE: '1' }).QUORUM_SIMULATE).toBe(true);
    expect(loadConfig({ QUORUM_SIMULATE: 'false' }).QUORUM_SIMULATE).toBe(false);
    expect(loadConfig({ QUORUM_SIMULATE: 'TRUE' }).QUORUM_SIMULATE).toBe(true);
    expect(loadConfig({ QUORUM_NOTIFY_REQUESTERS: 'No' }).QUORUM_NOTIFY_REQUESTERS).toBe(false);
    expect(() => loadConfig({ QUORUM_SIMULATE: 'maybe' })).toThrow('QUORUM_SIMULATE: must be true, false, 1, 0, yes or no (any case), not "maybe"');
  });

  it('takes an empty value as unset: every setting keeps its default (an empty list of other bots excepted)', () => {
    const defaults = loadConfig({});
    for (const key of Object.keys(configSchema.shape).filter((name) => name !== 'QUORUM_OTHER_BOT_NAMES')) {
      expect(loadConfig({ [key]: '' })[key as keyof Config], key).toEqual(defaults[key as keyof Config]);
      expect(loadConfig({ [key]: '  ' })[key as keyof Config], key).toEqual(defaults[key as keyof Config]);
    }
    expect(loadConfig({ QUORUM_CONCURRENCY: '', QUORUM_HTTP_PORT: '' })).toMatchObject({ QUORUM_CONCURRENCY: 4, QUORUM_HTTP_PORT: 8080 });
    expect(loadConfig({ QUORUM_OTHER_BOT_NAMES: '' }).QUORUM_OTHER_BOT_NAMES).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'quorum-config-')), 'quorum.json');
    writeFileSync(file, JSON.stringify({ QUORUM_CONCURRENCY: '', QUORUM_SMTP_PORT: 2600 }));
    expect(loadConfig({ QUORUM_CONFIG_FILE: file, QUORUM_SMTP_PORT: '' })).toMatchObject({ QUORUM_CONCURRENCY: 4, QUORUM_SMTP_PORT: 2600 });
  });

  it('refuses a config file key that is no setting, naming it, the file and the setting it looks like', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'quorum-config-')), 'quorum.json');
    writeFileSync(file, JSON.stringify({ QUORUM_HTTP_PROT: 9000, QUORUM_LEAD_SECONDS: 30 }));
    expect(() => loadConfig({ QUORUM_CONFIG_FILE: file })).toThrow(`QUORUM_CONFIG_FILE: ${file} has unknown setting QUORUM_HTTP_PROT (did you mean QUORUM_HTTP_PORT?)`);
    writeFileSync(file, JSON.stringify({ quorum_concurrency: 2, colour: 'blue' }));
    expect(() => loadConfig({ QUORUM_CONFIG_FILE: file })).toThrow(`${file} has unknown settings quorum_concurrency (did you mean QUORUM_CONCURRENCY?), colour;`);
  });

  it('refuses one STARTTLS file without the other, naming the one missing', () => {
    expect(() => loadConfig({ QUORUM_SMTP_TLS_CERT: '/etc/quorum/cert.pem' })).toThrow('QUORUM_SMTP_TLS_KEY: not set, but QUORUM_SMTP_TLS_CERT is: STARTTLS needs both files (or neither)');
    expect(() => loadConfig({ QUORUM_SMTP_TLS_KEY: '/etc/quorum/key.pem' })).toThrow('QUORUM_SMTP_TLS_CERT: not set, but QUORUM_SMTP_TLS_KEY is');
    expect(loadConfig({ QUORUM_SMTP_TLS_CERT: '/etc/quorum/cert.pem', QUORUM_SMTP_TLS_KEY: '/etc/quorum/key.pem' }).QUORUM_SMTP_TLS_KEY).toBe('/etc/quorum/key.pem');
  });
});

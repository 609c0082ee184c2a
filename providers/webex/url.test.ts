import { describe, expect, it } from 'vitest';
import { matchUrl } from './url.js';

const match = (text: string) => matchUrl(new URL(text));

describe('webex matchUrl', () => {
  it.each([
    [
      'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef&from=mail',
      'm0123456789abcdef0123456789abcdef',
      'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef',
    ],
    ['https://acme.webex.com/meet/Jane.Doe', 'acme.webex.com/jane.doe', 'https://acme.webex.com/meet/jane.doe'],
    ['https://acme.webex.com/meet/pr1234567', 'acme.webex.com/pr1234567', 'https://acme.webex.com/meet/pr1234567'],
    ['https://acme.webex.com/join/jdoe', 'acme.webex.com/jdoe', 'https://acme.webex.com/join/jdoe'],
    [
      'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/0123abcd?siteurl=acme&MTID=m1',
      '0123abcd',
      'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/0123abcd?siteurl=acme&MTID=m1',
    ],
    [
      'https://acme.webex.com/webappng/sites/acme/meeting/info/0123abcd?launchApp=true',
      '0123abcd',
      'https://acme.webex.com/webappng/sites/acme/meeting/info/0123abcd?launchApp=true',
    ],
  ])('%s', (input, id, url) => {
    expect(match(input)).toEqual({ provider: 'webex', id, url });
  });

  it.each([
    'https://www.webex.com/',
    'https://help.webex.com/article/WBX90534',
    'https://acme.webex.com/acme/j.php',
    'https://acme.webex.com/acme/j.php?MTID=short',
    'https://example.com/meet/jdoe',
    'https://webex.com.evil.com/meet/jdoe',
    'https://acme.webex.com/meet/',
  ])('rejects %s', (input) => {
    expect(match(input)).toBeUndefined();
  });
});

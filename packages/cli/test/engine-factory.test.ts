import { describe, expect, it } from 'vitest';
import { cliBaseUrls, DEFAULT_SANDBOX_URL } from '../src/engine-factory';

describe('cliBaseUrls', () => {
  it('is production unless a sandbox is named', () => {
    expect(cliBaseUrls({}, {})).toEqual({ highlevel: 'https://services.leadconnectorhq.com', payaca: 'https://api.payaca.com/v1' });
  });

  it('points every connector into the sandbox for --sandbox <url> or SPLICE_ENVIRONMENT=staging', () => {
    expect(cliBaseUrls({ sandboxUrl: 'http://127.0.0.1:5555/' }, {})).toEqual({
      highlevel: 'http://127.0.0.1:5555/highlevel',
      payaca: 'http://127.0.0.1:5555/payaca/v1',
    });
    expect(cliBaseUrls({}, { SPLICE_ENVIRONMENT: 'staging' }).highlevel).toBe(`${DEFAULT_SANDBOX_URL}/highlevel`);
    expect(cliBaseUrls({}, { SPLICE_ENVIRONMENT: 'staging', SPLICE_SANDBOX_URL: 'http://127.0.0.1:7000' }).payaca).toBe(
      'http://127.0.0.1:7000/payaca/v1',
    );
  });

  it('lets --base-url connector=url override one connector', () => {
    expect(cliBaseUrls({ overrides: { highlevel: 'http://127.0.0.1:9/hl' } }, {})).toEqual({
      highlevel: 'http://127.0.0.1:9/hl',
      payaca: 'https://api.payaca.com/v1',
    });
  });
});

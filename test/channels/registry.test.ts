/** Which channels the registry builds from configuration: email and live chat. */
import { createChannelRegistry } from '../../src/channels/registry';
import { ConfigError, loadConfig } from '../../src/config';

const EMAIL = {
  IMAP_HOST: 'imap.dongthap.gov.vn',
  IMAP_USER: '1022@dongthap.gov.vn',
  IMAP_PASSWORD: 'imap-secret',
  SMTP_HOST: 'smtp.dongthap.gov.vn',
};

describe('channel registry: email and live chat', () => {
  test('live chat is on by default (no credentials needed) and off with LIVECHAT_ENABLED=false; email off without settings', () => {
    const on = createChannelRegistry(loadConfig({}));
    expect(on.registry.has('livechat')).toBe(true);
    expect(on.registry.has('email')).toBe(false);
    expect(on.disabled).toContain('email');
    const off = createChannelRegistry(loadConfig({ LIVECHAT_ENABLED: 'false' }));
    expect(off.registry.has('livechat')).toBe(false);
    expect(off.disabled).toContain('livechat');
  });

  test('email is enabled with IMAP and SMTP settings; MAIL_FROM defaults to the IMAP user when it is an address', () => {
    const { registry } = createChannelRegistry(loadConfig({ ...EMAIL, LIVECHAT_ENABLED: 'false' }));
    const email = registry.get('email');
    expect(email?.channel).toBe('email');
    expect(email?.capabilities.longForm).toBe(true);
  });

  test('half an email configuration stops the start and names what is missing', () => {
    expect(() => loadConfig({ IMAP_HOST: 'imap.dongthap.gov.vn' })).toThrow(ConfigError);
    const half = () => loadConfig({ IMAP_HOST: 'imap.dongthap.gov.vn', IMAP_USER: 'hotline' });
    expect(half).toThrow(/IMAP_PASSWORD: required for the email channel/);
    expect(half).toThrow(/SMTP_HOST: required for the email channel/);
    expect(half).toThrow(/MAIL_FROM: must be an email address/);
    expect(() => loadConfig({ ...EMAIL, MAIL_FROM: 'Tổng đài 1022' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ ...EMAIL, IMAP_USER: 'hotline', MAIL_FROM: '"Tổng đài 1022" <1022@dongthap.gov.vn>' })).not.toThrow();
  });

  test('LIVECHAT_MAX_FILE_MB is bounded by what one socket.io frame carries', () => {
    expect(() => loadConfig({ LIVECHAT_MAX_FILE_MB: '20' })).toThrow(/LIVECHAT_MAX_FILE_MB/);
    expect(loadConfig({ LIVECHAT_MAX_FILE_MB: '2' }).LIVECHAT_MAX_FILE_MB).toBe(2);
  });
});

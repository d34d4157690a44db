import { describe, expect, it } from 'vitest';
import { ipv6Groups, subnetKey } from '../../src/core/risk/ip-prefix.js';

describe('subnet keys', () => {
  it('groups IPv4 by /24, also when mapped into IPv6', () => {
    expect(subnetKey('192.0.2.17')).toBe('v4:192.0.2');
    expect(subnetKey('192.0.2.200')).toBe('v4:192.0.2');
    expect(subnetKey('::ffff:192.0.2.9')).toBe('v4:192.0.2');
    expect(subnetKey('192.0.3.1')).not.toBe(subnetKey('192.0.2.1'));
  });

  it('groups IPv6 by /64 whatever the spelling', () => {
    expect(subnetKey('2001:db8:1:2::1')).toBe('v6:2001:db8:1:2');
    expect(subnetKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('v6:2001:db8:1:2');
    expect(subnetKey('2001:db8:1:3::1')).not.toBe(subnetKey('2001:db8:1:2::1'));
    expect(subnetKey('::1')).toBe('v6:0:0:0:0');
    expect(subnetKey('fe80::1%eth0')).toBe('v6:fe80:0:0:0');
  });

  it('keeps anything else apart', () => {
    expect(subnetKey('not-an-ip')).toBe('x:not-an-ip');
    expect(subnetKey('256.1.1.1')).toBe('x:256.1.1.1');
    expect(ipv6Groups('1::2::3')).toBeNull();
    expect(ipv6Groups('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});

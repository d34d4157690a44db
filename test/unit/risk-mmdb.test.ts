import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader, type CityResponse } from 'maxmind';
import { GeoIpLocator } from '../../src/adapters/risk/geoip-locator.js';
import { buildMmdb, type MmdbNetwork } from '../helpers/mmdb-writer.js';

export const TEST_NETWORKS: MmdbNetwork[] = [
  { cidr: '192.0.0.0/8', country: 'DE', lat: 52.52, lon: 13.405 },
  { cidr: '198.0.0.0/8', country: 'US', lat: 40.7128, lon: -74.006 },
  { cidr: '203.0.113.7', country: 'JP', lat: 35.6762, lon: 139.6503 },
  { cidr: '2001:db8::/32', country: 'FR', lat: 48.8566, lon: 2.3522 },
];

describe('the test MaxMind database', () => {
  const bytes = buildMmdb(TEST_NETWORKS);
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-mmdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in the maxmind reader with IPv4 and IPv6 networks', () => {
    // The IPv4 networks sit 96 levels down (::/96): most of the bytes are that path.
    expect(bytes.length).toBeLessThan(2000);
    const reader = new Reader<CityResponse>(bytes);
    expect(reader.metadata.ipVersion).toBe(6);
    expect(reader.metadata.recordSize).toBe(24);
    expect(reader.get('192.0.2.55')?.country?.iso_code).toBe('DE');
    expect(reader.get('198.51.100.1')?.location?.longitude).toBeCloseTo(-74.006, 3);
    expect(reader.get('203.0.113.7')?.country?.iso_code).toBe('JP');
    expect(reader.get('203.0.113.8')).toBeNull();
    expect(reader.get('2001:db8:1:ffff::1')?.country?.iso_code).toBe('FR');
    expect(reader.get('2001:db9::1')).toBeNull();
    expect(reader.get('10.0.0.1')).toBeNull();
  });

  it('is a few hundred bytes as an IPv4 database', () => {
    const v4 = buildMmdb(TEST_NETWORKS.filter((n) => !n.cidr.includes(':')), { ipVersion: 4 });
    expect(v4.length).toBeLessThan(800);
    const reader = new Reader<CityResponse>(v4);
    expect(reader.metadata.ipVersion).toBe(4);
    expect(reader.get('198.51.100.1')?.country?.iso_code).toBe('US');
    expect(reader.get('203.0.113.7')?.location?.latitude).toBeCloseTo(35.6762, 3);
    expect(reader.get('10.0.0.1')).toBeNull();
  });

  it('gives the locator country and coordinates, and nothing for unknown or odd addresses', () => {
    const file = join(dir, 'city.mmdb');
    writeFileSync(file, bytes);
    const geo = new GeoIpLocator(file, { warn: () => undefined }, { watch: false });
    try {
      expect(geo.locate('192.0.2.9')).toEqual({ country: 'DE', lat: 52.52, lon: 13.405 });
      expect(geo.locate('127.0.0.1')).toBeNull();
      expect(geo.locate('not an ip')).toBeNull();
    } finally {
      geo.close();
    }
  });

  it('refuses a missing or broken file naming the key', () => {
    expect(() => new GeoIpLocator(join(dir, 'missing.mmdb'), { warn: () => undefined })).toThrow(/risk\.geoip\.file/);
    const broken = join(dir, 'broken.mmdb');
    writeFileSync(broken, 'not a database');
    expect(() => new GeoIpLocator(broken, { warn: () => undefined })).toThrow(/risk\.geoip\.file: .* is not a MaxMind database/);
  });
});

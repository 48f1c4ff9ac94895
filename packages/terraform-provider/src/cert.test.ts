import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedLocalhost, serialNumber } from './cert.ts';

describe('the AutoMTLS server certificate', () => {
  const cert = selfSignedLocalhost();
  const x509 = new X509Certificate(cert.certPem);

  it('is for localhost by SAN, which is all Go checks', () => {
    expect(x509.subjectAltName).toBe('DNS:localhost');
    expect(x509.checkHost('localhost')).toBe('localhost');
  });

  it('is self-signed and a CA, so Terraform can trust it as its own root', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.ca).toBe(true);
  });

  it('goes into the handshake as DER in base64 without padding', () => {
    expect(cert.handshakeBase64).not.toMatch(/=/);
    expect(Buffer.from(cert.handshakeBase64, 'base64').equals(x509.raw)).toBe(true);
  });

  it('is valid from 30 s before it was made (clock skew) for a day', () => {
    const made = new Date('2026-12-07T21:00:00Z');
    const dated = new X509Certificate(selfSignedLocalhost(made).certPem);
    expect(new Date(dated.validFrom).toISOString()).toBe('2026-12-07T20:59:30.000Z');
    expect(new Date(dated.validTo).toISOString()).toBe('2026-12-08T21:00:00.000Z');
  });

  it('has a positive serial without a leading zero byte, which Go refuses, whatever the random bytes', () => {
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const serial = serialNumber(Buffer.from([first, 0x00, 0x12]));
      expect(serial[0]).toBeGreaterThan(0);
      expect(serial[0]).toBeLessThan(0x80);
    }
    expect(x509.serialNumber).toMatch(/^[4-7]/);
  });
});

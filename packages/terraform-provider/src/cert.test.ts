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

  it('is valid from 30 s ago', () => {
    const from = new Date(x509.validFrom).getTime();
    expect(Date.now() - from).toBeGreaterThanOrEqual(29_000);
    expect(Date.now() - from).toBeLessThan(60_000);
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

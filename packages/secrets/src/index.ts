export { KEY_BYTES, generateKey, parseKey, type SecretKey } from './key.ts';
export { CIPHERTEXT_PREFIX, Keyring, inspect, type StoredSecret } from './keyring.ts';
export { keyringFromEnv, secretsEnv } from './env.ts';

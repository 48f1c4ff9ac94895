import { SlotplaneError, createClient, type SlotplaneClient } from '@slotplane/sdk';

const KEY_ITEM = 'slotplane.adminKey';
/** Every request gives up after this long: an unreachable API is shown, not waited on. */
const REQUEST_TIMEOUT_MS = 10_000;

// The key lives in sessionStorage only: gone when the tab closes, never written to disk by us.
export const savedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const saveKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_ITEM);

/** The SDK's client against the API that serves this page. */
export const clientFor = (apiKey: string): SlotplaneClient => createClient({ baseUrl: location.origin, apiKey, timeoutMs: REQUEST_TIMEOUT_MS });

/** What to show of a failed call: a problem's detail, or the error's message. */
export const messageOf = (err: unknown): string => (err instanceof SlotplaneError ? err.detail : err instanceof Error ? err.message : String(err));

/** Where the console's event stream is: the SDK's states, and `refused` once the key is refused. */
export type StreamState = 'connecting' | 'live' | 'retrying' | 'refused';

/** A key that was refused (revoked, or not an admin's): the console signs out. */
export const refused = (err: unknown): boolean => err instanceof SlotplaneError && (err.status === 401 || err.status === 403);

import { useState } from 'react';
import { clientFor, messageOf } from '../api.ts';

/** Checks the pasted key against GET /v1/hosts, which needs an admin key, before keeping it. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await clientFor(key.trim()).hosts.list();
      onSignedIn(key.trim());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="signin" onSubmit={(e) => void submit(e)}>
      <h1>Slotplane console</h1>
      <p className="muted">Paste an admin API key (with the embedded start: <code>.data/admin-key</code>). It is kept in this tab's sessionStorage only.</p>
      <input type="password" autoFocus value={key} onChange={(e) => setKey(e.target.value)} placeholder="admin API key" aria-label="admin API key" />
      <button type="submit" disabled={!key.trim() || busy}>Sign in</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

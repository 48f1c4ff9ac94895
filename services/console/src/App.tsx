import { useCallback, useEffect, useState } from 'react';
import { forgetKey, saveKey, savedKey } from './api.ts';
import { LiveProvider } from './live.tsx';
import { ClusterDetail } from './views/ClusterDetail.tsx';
import { Clusters } from './views/Clusters.tsx';
import { Events } from './views/Events.tsx';
import { Fleet } from './views/Fleet.tsx';
import { Operations } from './views/Operations.tsx';
import { SignIn } from './views/SignIn.tsx';

/** Routes live in the hash, so the API serves one index.html for every page. */
function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#/, '') || '/clusters';
}

const TABS = [
  ['/clusters', 'Clusters'],
  ['/events', 'Events'],
  ['/fleet', 'Fleet'],
  ['/operations', 'Operations'],
] as const;

function Page({ route }: { route: string }) {
  const cluster = route.match(/^\/clusters\/([\w-]+)$/);
  if (cluster) return <ClusterDetail key={cluster[1]} id={cluster[1]!} />;
  if (route === '/events') return <Events />;
  if (route === '/fleet') return <Fleet />;
  if (route === '/operations') return <Operations />;
  return <Clusters />;
}

export function App() {
  const [key, setKey] = useState(savedKey);
  const route = useHash();
  const signOut = useCallback(() => {
    forgetKey();
    setKey(null);
  }, []);
  if (!key) return <SignIn onSignedIn={(k) => (saveKey(k), setKey(k))} />;
  return (
    <LiveProvider apiKey={key} onRefused={signOut}>
      <header>
        <strong>Slotplane</strong>
        <nav>
          {TABS.map(([path, label]) => (
            <a key={path} href={`#${path}`} className={route.startsWith(path) ? 'active' : ''}>{label}</a>
          ))}
        </nav>
        <button onClick={signOut}>Sign out</button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </LiveProvider>
  );
}

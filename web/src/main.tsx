import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { restoreBrowserKey } from './identity.ts';
import { MarketPage } from './pages/Market.tsx';
import { ProversPage } from './pages/Provers.tsx';
import { ProverPage } from './pages/Prover.tsx';
import { RequestsPage } from './pages/Requests.tsx';
import { RequestPage } from './pages/Request.tsx';
import { SubmitPage } from './pages/Submit.tsx';
import { AccountPage } from './pages/Account.tsx';
import { JobsPage } from './pages/Jobs.tsx';
import { JobPage } from './pages/Job.tsx';
import { ChainPage } from './pages/Chain.tsx';
import { pm } from './api.ts';

/**
 * Pages by the hash's first segment (hash routes: the coordinator serves one page, the API keeps every path).
 * `when`: shown only if this coordinator has the backend (no empty pages): Chain only on a chain.
 */
const PAGES: Array<{ path: string; label: string; when?: 'chain' }> = [
  { path: '', label: 'Market' },
  { path: 'provers', label: 'Provers' },
  { path: 'requests', label: 'Requests' },
  { path: 'jobs', label: 'Jobs' },
  { path: 'chain', label: 'Chain', when: 'chain' },
  { path: 'submit', label: 'Submit' },
  { path: 'account', label: 'Account' },
];

/** What this coordinator runs besides the market (from /healthz), once known. */
function useBackends(): Set<string> {
  const [backends, setBackends] = useState(new Set<string>());
  useEffect(() => {
    pm().health().then((h) => setBackends(new Set(h.chain ? ['chain'] : [])), (err) => console.warn('healthz', err));
  }, []);
  return backends;
}

function route(hash: string): { section: string; id?: string } {
  const [section = '', id] = hash.replace(/^#\/?/, '').split('/');
  return { section, id: id ? decodeURIComponent(id) : undefined };
}

function Page({ section, id }: { section: string; id?: string }) {
  if (section === 'provers') return id ? <ProverPage id={id} /> : <ProversPage />;
  if (section === 'requests') return id ? <RequestPage id={id} /> : <RequestsPage />;
  if (section === 'jobs') return id ? <JobPage id={id} /> : <JobsPage />;
  if (section === 'chain') return <ChainPage />;
  if (section === 'submit') return <SubmitPage />;
  if (section === 'account') return <AccountPage />;
  if (section === '') return <MarketPage />;
  return <p>No page "{section}". <a href="#/">Back to the market</a>.</p>;
}

function App() {
  const [where, setWhere] = useState(route(location.hash));
  const backends = useBackends();
  const nav = PAGES.filter((p) => !p.when || backends.has(p.when));
  useEffect(() => {
    const on = () => {
      setWhere(route(location.hash));
      document.getElementById('main')?.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    const label = PAGES.find((n) => n.path === where.section)?.label ?? 'proofmarket';
    document.title = `${where.id ? `${where.id.slice(0, 12)} · ` : ''}${label} · proofmarket`;
  }, [where.section, where.id]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href="#/">proof<span>market</span></a>
        <nav aria-label="Pages">
          <ul>
            {nav.map((n) => (
              <li><a href={`#/${n.path}`} aria-current={where.section === n.path ? 'page' : undefined}>{n.label}</a></li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page key={`${where.section}/${where.id ?? ''}`} section={where.section} id={where.id} />
      </main>
      <footer class="foot muted">Served by this coordinator · <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a></footer>
    </>
  );
}

restoreBrowserKey();
render(<App />, document.getElementById('app')!);

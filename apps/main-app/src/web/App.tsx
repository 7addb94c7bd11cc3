import { type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
import { AssistantPage } from './pages/Assistant.tsx';
import { CompliancePage } from './pages/Compliance.tsx';
import { IotPage } from './pages/Iot.tsx';
import { NetworkPage } from './pages/Network.tsx';
import { OperationsPage } from './pages/Operations.tsx';
import { PrivacyPage } from './pages/Privacy.tsx';
import { RecommendationsPage } from './pages/Recommendations.tsx';
import { ReportsPage } from './pages/Reports.tsx';
import { SentimentPage } from './pages/Sentiment.tsx';
import { StatusPage } from './pages/Status.tsx';
import { TracesPage } from './pages/Traces.tsx';
import { VisionPage } from './pages/Vision.tsx';
import { WalletPage } from './pages/Wallet.tsx';
import { WebsiteBuilderPage } from './pages/WebsiteBuilder.tsx';

const PAGES = [
  { path: '/', label: 'Status', title: 'Service status', Page: StatusPage },
  { path: '/sentiment', label: 'Sentiment', title: 'Sentiment analysis', Page: SentimentPage },
  { path: '/assistant', label: 'Assistant', title: 'Platform assistant', Page: AssistantPage },
  { path: '/vision', label: 'Vision', title: 'Image analysis', Page: VisionPage },
  { path: '/recommendations', label: 'Recommendations', title: 'Recommendations', Page: RecommendationsPage },
  { path: '/wallet', label: 'Wallet', title: 'AZR wallet', Page: WalletPage },
  { path: '/website-builder', label: 'Website builder', title: 'Website builder', Page: WebsiteBuilderPage },
  { path: '/privacy', label: 'Privacy', title: 'Privacy requests', Page: PrivacyPage },
  { path: '/compliance', label: 'Compliance', title: 'Compliance', Page: CompliancePage },
  { path: '/reports', label: 'Reports', title: 'Compliance reports', Page: ReportsPage },
  { path: '/iot', label: 'IoT devices', title: 'IoT devices', Page: IotPage },
  { path: '/network', label: 'Network', title: 'Network', Page: NetworkPage },
  { path: '/traces', label: 'Traces', title: 'Traces', Page: TracesPage },
  { path: '/operations', label: 'Operations', title: 'Operations', Page: OperationsPage },
] as const;

function currentPath(): string {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  return PAGES.some((page) => page.path === path) ? path : '/';
}

export function App() {
  const [path, setPath] = useState(currentPath);
  const heading = useRef<HTMLHeadingElement>(null);
  const page = PAGES.find((p) => p.path === path) ?? PAGES[0];

  useEffect(() => {
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.title = `${page.title} · Azora OS`;
  }, [page]);

  const navigate = useCallback((event: MouseEvent<HTMLAnchorElement>, to: string) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (to !== window.location.pathname) window.history.pushState(null, '', to);
    setPath(to);
    // Move focus to the new page's heading so keyboard and screen-reader users land there.
    requestAnimationFrame(() => heading.current?.focus());
  }, []);

  const { Page } = page;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span>
            Azora OS <span className="brand-sub">console</span>
          </span>
        </div>
        <nav aria-label="Main">
          <ul className="nav">
            {PAGES.map((p) => (
              <li key={p.path}>
                <a
                  href={p.path}
                  aria-current={p.path === path ? 'page' : undefined}
                  onClick={(event) => navigate(event, p.path)}
                >
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="content">
        <h1 ref={heading} tabIndex={-1}>
          {page.title}
        </h1>
        <Page key={page.path} />
      </main>
    </div>
  );
}

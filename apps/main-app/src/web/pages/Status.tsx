import { STATE_LABELS, StateBadge } from '../components.tsx';
import { useStatus } from '../hooks.ts';

const GROUP_ORDER = ['console', 'ai', 'finance', 'builder', 'compliance', 'operations', 'telecom'];
const GROUP_LABELS: Record<string, string> = {
  console: 'Console',
  ai: 'AI services',
  finance: 'Finance',
  builder: 'Website builder',
  compliance: 'Compliance',
  operations: 'Operations',
  telecom: 'Telecom',
};

export function StatusPage() {
  const { report, error } = useStatus(3000);

  if (!report) {
    return error ? (
      <div className="banner banner-error" role="alert">
        <strong>Status unavailable:</strong> {error.message}
      </div>
    ) : (
      <p className="muted">Loading service status…</p>
    );
  }

  const { summary } = report;
  const groups = GROUP_ORDER.map((group) => ({
    group,
    services: report.services.filter((s) => s.group === group),
  })).filter((g) => g.services.length > 0);

  return (
    <div className="stack">
      <p className="lead">
        Every service in the catalog, probed on its readiness endpoint every {Math.round(report.pollIntervalMs / 1000)}{' '}
        s.
      </p>
      {error ? (
        <div className="banner banner-warning" role="status">
          Showing the last known status: {error.message}
        </div>
      ) : null}
      <ul className="summary" aria-label="Summary">
        {(['ready', 'degraded', 'down', 'not_deployed'] as const).map((state) => (
          <li key={state} className={`summary-item summary-${state}`}>
            <span className="summary-count">{summary[state]}</span>
            <span className="summary-label">{STATE_LABELS[state]}</span>
          </li>
        ))}
      </ul>
      <p className="muted small" aria-live="polite">
        Updated {new Date(report.generatedAt).toLocaleTimeString()}
      </p>
      {groups.map(({ group, services }) => (
        <section key={group} aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`}>{GROUP_LABELS[group] ?? group}</h2>
          <div className="table-wrap">
            <table className="status-table">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                  <th scope="col" className="col-optional">
                    Version
                  </th>
                  <th scope="col" className="col-optional">
                    Detail
                  </th>
                </tr>
              </thead>
              <tbody>
                {services.map((service) => (
                  <tr key={service.name} data-service={service.name} data-state={service.state}>
                    <th scope="row">
                      <span className="service-name">{service.name}</span>
                      <span className="service-desc">{service.description}</span>
                    </th>
                    <td>
                      <StateBadge state={service.state} />
                      {service.detail && service.state !== 'not_deployed' ? (
                        <span className="mobile-detail">{service.detail}</span>
                      ) : null}
                    </td>
                    <td className="num">{service.latencyMs === null ? '—' : `${service.latencyMs} ms`}</td>
                    <td className="col-optional">{service.version ?? '—'}</td>
                    <td className="detail col-optional">{service.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

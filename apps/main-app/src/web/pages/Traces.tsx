import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  type DependencyEdge,
  getTrace,
  type ServiceGraph,
  type ServiceStats,
  searchTraces,
  serviceGraph,
  serviceStats,
  type TracedService,
  type TraceSearch,
  type TraceSummary,
  type TraceView,
  tracedServices,
} from '../api.ts';
import { ErrorMessage, Field, ServiceBanner, Spinner, When } from '../components.tsx';
import { useFocusFirstInvalid } from '../hooks.ts';
import {
  attributeText,
  EMPTY_SEARCH,
  errorsInWords,
  formatMs,
  graphLayout,
  KIND_LABELS,
  percent,
  rate,
  type SearchErrors,
  type SearchForm,
  STATS_WINDOWS,
  searchErrors,
  searchFrom,
  searchNotice,
  WINDOWS,
  waterfallRows,
  windowLabel,
} from '../traces.ts';

/** A service name that opens its stats. */
function ServiceButton({ name, onStats }: { name: string; onStats: (name: string) => void }) {
  return (
    <button type="button" className="link-button" onClick={() => onStats(name)} aria-label={`Stats for ${name}`}>
      {name}
    </button>
  );
}

function SearchPanel({
  services,
  onResults,
}: {
  services: string[];
  onResults: (search: TraceSearch, traces: TraceSummary[]) => void;
}) {
  const id = useId();
  const [form, setForm] = useState<SearchForm>(EMPTY_SEARCH);
  const [errors, setErrors] = useState<SearchErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const set = (part: Partial<SearchForm>) => setForm((current) => ({ ...current, ...part }));

  const run = useCallback(
    async (current: SearchForm) => {
      setError(null);
      const checked = searchFrom(current);
      if (!checked.ok) {
        setErrors(checked.errors);
        focusInvalid();
        return;
      }
      setErrors({});
      setBusy(true);
      try {
        onResults(checked.search, await searchTraces(checked.search));
      } catch (caught) {
        const failure = asApiError(caught);
        const refused = searchErrors(failure);
        setErrors(refused.fields);
        if (refused.other) setError(failure);
        else focusInvalid();
      } finally {
        setBusy(false);
      }
    },
    [focusInvalid, onResults],
  );

  // The recent traces, as soon as the page opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the defaults
  useEffect(() => {
    void run(EMPTY_SEARCH);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) void run(form);
  };

  return (
    <form
      ref={formRef}
      className="stack-tight trace-search"
      onSubmit={submit}
      noValidate
      aria-label="Search traces"
      data-testid="trace-search"
    >
      <div className="row trace-search-fields">
        <Field id={`${id}-service`} label="Service" error={errors.service} hint="Traces that passed through it.">
          {(aria) => (
            <select
              id={`${id}-service`}
              value={form.service}
              onChange={(event) => set({ service: event.target.value })}
              {...aria}
            >
              <option value="">Any service</option>
              {services.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={`${id}-duration`}
          label="Minimum duration (ms)"
          error={errors.minDuration}
          hint="Blank: any. 1000 is a second."
        >
          {(aria) => (
            <input
              id={`${id}-duration`}
              className="short-input"
              inputMode="decimal"
              autoComplete="off"
              value={form.minDuration}
              onChange={(event) => set({ minDuration: event.target.value })}
              {...aria}
            />
          )}
        </Field>
        <Field id={`${id}-since`} label="Started in">
          {(aria) => (
            <select
              id={`${id}-since`}
              value={form.sinceMinutes}
              onChange={(event) => set({ sinceMinutes: Number(event.target.value) })}
              {...aria}
            >
              {WINDOWS.map((w) => (
                <option key={w.minutes} value={w.minutes}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <label className="choice">
        <input
          type="checkbox"
          checked={form.errorsOnly}
          onChange={(event) => set({ errorsOnly: event.target.checked })}
        />
        Errors only
      </label>
      <div className="row">
        <button type="submit" disabled={busy}>
          Search
        </button>
        {busy ? <Spinner label="Searching…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function Results({
  search,
  traces,
  openId,
  now,
  onOpen,
  onStats,
}: {
  search: TraceSearch | null;
  traces: TraceSummary[] | null;
  openId: string | null;
  now: number;
  onOpen: (id: string) => void;
  onStats: (name: string) => void;
}) {
  return (
    <div className="stack-tight" data-testid="trace-results">
      <p className="result" aria-live="polite" data-testid="trace-notice">
        {search && traces ? searchNotice(search, traces.length) : ''}
      </p>
      {traces && traces.length > 0 ? (
        <div className="table-wrap">
          <table className="stack-table trace-table">
            <thead>
              <tr>
                <th scope="col">Trace</th>
                <th scope="col">Service</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Spans
                </th>
                <th scope="col">Errors</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((trace) => (
                <tr
                  key={trace.traceId}
                  data-testid="trace"
                  data-trace={trace.traceId}
                  data-service={trace.rootService}
                  data-error={trace.errorCount > 0 ? 'true' : 'false'}
                  className={trace.traceId === openId ? 'row-new' : undefined}
                >
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button trace-open"
                      onClick={() => onOpen(trace.traceId)}
                      aria-label={`Open trace ${trace.rootName} from ${trace.rootService}, ${formatMs(trace.durationMs)}`}
                      aria-pressed={trace.traceId === openId}
                    >
                      {trace.rootName}
                    </button>
                    <span className="muted small block">{trace.services.join(' · ')}</span>
                  </th>
                  <td data-label="Service">
                    <ServiceButton name={trace.rootService} onStats={onStats} />
                  </td>
                  <td className="num" data-label="Duration" data-testid="trace-duration">
                    {formatMs(trace.durationMs)}
                  </td>
                  <td className="num" data-label="Spans">
                    {trace.spanCount}
                  </td>
                  <td data-label="Errors" data-testid="trace-errors">
                    {trace.errorCount > 0 ? (
                      <span className="badge badge-down">
                        {trace.errorCount} error{trace.errorCount === 1 ? '' : 's'}
                      </span>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td data-label="Started">
                    <When iso={trace.startTime} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function Waterfall({
  traceId,
  onClose,
  onStats,
}: {
  traceId: string;
  onClose: () => void;
  onStats: (name: string) => void;
}) {
  const [trace, setTrace] = useState<TraceView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    setTrace(null);
    setError(null);
    getTrace(traceId).then(
      (answer) => {
        if (!live) return;
        setTrace(answer);
        requestAnimationFrame(() => heading.current?.focus());
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [traceId]);

  const rows = trace ? waterfallRows(trace) : [];
  const failed = rows.filter((row) => row.span.error).length;
  return (
    <section className="card stack" aria-labelledby="waterfall-heading" data-testid="waterfall" data-trace={traceId}>
      <div className="row spread">
        <h2 id="waterfall-heading" ref={heading} tabIndex={-1}>
          {trace ? `Trace: ${rows[0]?.span.name ?? traceId}` : 'Trace'}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close trace
        </button>
      </div>
      {!trace && !error ? <Spinner label="Loading the trace…" /> : null}
      <ErrorMessage error={error} />
      {trace ? (
        <>
          <p className="muted small" data-testid="waterfall-summary">
            {trace.spanCount} span{trace.spanCount === 1 ? '' : 's'} over {formatMs(trace.durationMs)} across{' '}
            {trace.services.join(', ')}
            {failed > 0 ? `; ${failed} failed` : ''}. Started <When iso={trace.startTime} now={Date.now()} />. Trace id{' '}
            <code className="wrap">{trace.traceId}</code>.
          </p>
          <div className="table-wrap">
            <table className="waterfall-table">
              <caption className="visually-hidden">
                Spans in the order they ran, each under the span that called it, with when it started after the first
                span and how long it took.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Span</th>
                  <th scope="col">Service</th>
                  <th scope="col" className="num">
                    Starts
                  </th>
                  <th scope="col" className="num">
                    Took
                  </th>
                  <th scope="col" className="waterfall-timeline-head">
                    <span className="visually-hidden">Timeline</span>
                    <span aria-hidden="true">0 → {formatMs(trace.durationMs)}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ span, depth, left, width }) => (
                  <tr
                    key={span.spanId}
                    data-testid="span"
                    data-service={span.service}
                    data-depth={depth}
                    data-error={span.error ? 'true' : 'false'}
                    className={span.error ? 'span-error' : undefined}
                  >
                    <th scope="row" className="span-name-cell">
                      <div className="span-name" style={{ paddingLeft: `${Math.min(depth, 8) * 0.9}rem` }}>
                        <details>
                          <summary>
                            <span className="visually-hidden">Level {depth + 1}: </span>
                            <span data-testid="span-name">{span.name}</span>
                            {span.error ? (
                              <span className="badge badge-down span-error-badge" data-testid="span-error">
                                Error
                              </span>
                            ) : null}
                          </summary>
                          <dl className="facts small span-facts">
                            <div>
                              <dt>Kind</dt>
                              <dd>{KIND_LABELS[span.kind] ?? span.kind}</dd>
                            </div>
                            {span.statusMessage ? (
                              <div>
                                <dt>Status</dt>
                                <dd className="long-text">{span.statusMessage}</dd>
                              </div>
                            ) : null}
                            {Object.entries(span.attributes).map(([key, value]) => (
                              <div key={key}>
                                <dt>
                                  <code>{key}</code>
                                </dt>
                                <dd className="long-text">{attributeText(value)}</dd>
                              </div>
                            ))}
                            <div>
                              <dt>Span id</dt>
                              <dd>
                                <code>{span.spanId}</code>
                              </dd>
                            </div>
                          </dl>
                        </details>
                      </div>
                    </th>
                    <td data-label="Service" data-testid="span-service">
                      <ServiceButton name={span.service} onStats={onStats} />
                    </td>
                    <td className="num" data-label="Starts">
                      +{formatMs(span.offsetMs)}
                    </td>
                    <td className="num" data-label="Took" data-testid="span-duration">
                      {formatMs(span.durationMs)}
                    </td>
                    <td className="waterfall-timeline" aria-hidden="true">
                      <span className="waterfall-track">
                        <span
                          className={`waterfall-bar${span.error ? ' waterfall-bar-error' : ''}`}
                          data-testid="span-bar"
                          data-left={left}
                          data-width={width}
                          style={{ left: `${left}%`, width: `${width}%` }}
                        />
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

const NODE_W = 150;
const NODE_H = 34;
const COL_GAP = 110;
const ROW_GAP = 26;
const PAD = 12;
const clip = (text: string, max = 19) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The graph drawn: callers left, callees right, each edge labelled with its calls (and failures). */
function GraphDrawing({ graph }: { graph: ServiceGraph }) {
  const { columns, at } = graphLayout(graph.nodes, graph.edges);
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP;
  const height = PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP;
  const box = (name: string) => {
    const place = at.get(name) ?? { column: 0, row: 0 };
    return { x: PAD + place.column * (NODE_W + COL_GAP), y: PAD + place.row * (NODE_H + ROW_GAP) };
  };
  const summary = graph.edges.map((e) => `${e.caller} calls ${e.callee} (${e.calls})`).join('; ');
  return (
    <svg
      className="graph-drawing"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Service graph: ${summary}. The table below lists the same calls.`}
      data-testid="graph-drawing"
      style={{ maxWidth: `${width}px` }}
    >
      <defs>
        <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" className="graph-arrow" />
        </marker>
      </defs>
      {graph.edges.map((edge) => {
        const from = box(edge.caller);
        const to = box(edge.callee);
        const x1 = from.x + NODE_W;
        const y1 = from.y + NODE_H / 2;
        const x2 = to.x;
        const y2 = to.y + NODE_H / 2;
        // A call to the same column or back left (a cycle) bends below the boxes.
        const back = x2 <= x1;
        const d = back
          ? `M${from.x + NODE_W / 2},${from.y + NODE_H} C${from.x + NODE_W / 2},${from.y + NODE_H + 40} ${to.x + NODE_W / 2},${to.y + NODE_H + 40} ${to.x + NODE_W / 2},${to.y + NODE_H}`
          : `M${x1},${y1} C${x1 + COL_GAP / 2},${y1} ${x2 - COL_GAP / 2},${y2} ${x2},${y2}`;
        // The label sits by the line's end, where it runs level into the callee: below it when
        // the line comes down from above, else above it.
        const mx = back ? (from.x + to.x + NODE_W) / 2 : x2 - 12;
        const my = back ? Math.max(from.y, to.y) + NODE_H + 30 : y2 > y1 ? y2 + 15 : y2 - 7;
        return (
          <g
            key={`${edge.caller}>${edge.callee}`}
            className={edge.errors > 0 ? 'graph-edge graph-edge-error' : 'graph-edge'}
          >
            <path d={d} markerEnd="url(#graph-arrow)" />
            <text x={mx} y={my} textAnchor={back ? 'middle' : 'end'} className="graph-edge-label">
              {edge.calls} call{edge.calls === 1 ? '' : 's'}
              {edge.errors > 0 ? `, ${edge.errors} failed` : ''}
            </text>
          </g>
        );
      })}
      {[...at.keys()].map((name) => {
        const { x, y } = box(name);
        return (
          <g key={name} className="graph-node">
            <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={6} />
            <text x={x + NODE_W / 2} y={y + NODE_H / 2 + 5} textAnchor="middle">
              {clip(name)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Graph({ onStats }: { onStats: (name: string) => void }) {
  const id = useId();
  const [sinceMinutes, setSinceMinutes] = useState(60);
  const [graph, setGraph] = useState<ServiceGraph | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    let live = true;
    serviceGraph(sinceMinutes).then(
      (answer) => {
        if (!live) return;
        setGraph(answer);
        setError(null);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [sinceMinutes, version]);

  const edges: DependencyEdge[] = graph?.edges ?? [];
  return (
    <section className="card stack" aria-labelledby="graph-heading" data-testid="graph">
      <div className="row spread">
        <h2 id="graph-heading">Service graph</h2>
        <div className="row">
          <label htmlFor={`${id}-since`} className="small">
            Calls in
          </label>
          <select
            id={`${id}-since`}
            value={sinceMinutes}
            onChange={(event) => setSinceMinutes(Number(event.target.value))}
          >
            {WINDOWS.map((w) => (
              <option key={w.minutes} value={w.minutes}>
                {w.label}
              </option>
            ))}
          </select>
          <button type="button" className="secondary" onClick={() => setVersion((v) => v + 1)}>
            Refresh
          </button>
        </div>
      </div>
      <p className="muted small">
        Who calls whom, drawn from the spans: a span whose parent belongs to another service is one call, timed by the
        callee.
      </p>
      <ErrorMessage error={error} />
      {!graph && !error ? <Spinner label="Drawing the graph…" /> : null}
      {graph && edges.length === 0 ? (
        <p className="muted" data-testid="graph-empty">
          No calls between services in {windowLabel(graph.sinceMinutes)}.
        </p>
      ) : null}
      {graph && edges.length > 0 ? (
        <>
          <GraphDrawing graph={graph} />
          <div className="table-wrap">
            <table className="stack-table graph-table">
              <thead>
                <tr>
                  <th scope="col">Caller → callee</th>
                  <th scope="col" className="num">
                    Calls
                  </th>
                  <th scope="col">Errors</th>
                  <th scope="col" className="num">
                    Average
                  </th>
                </tr>
              </thead>
              <tbody>
                {edges.map((edge) => (
                  <tr
                    key={`${edge.caller}>${edge.callee}`}
                    data-testid="edge"
                    data-caller={edge.caller}
                    data-callee={edge.callee}
                  >
                    <th scope="row">
                      <ServiceButton name={edge.caller} onStats={onStats} /> <span aria-hidden="true">→</span>
                      <span className="visually-hidden">calls</span>{' '}
                      <ServiceButton name={edge.callee} onStats={onStats} />
                    </th>
                    <td className="num" data-label="Calls" data-testid="edge-calls">
                      {edge.calls}
                    </td>
                    <td
                      data-label="Errors"
                      data-testid="edge-errors"
                      className={edge.errors > 0 ? 'overdue' : undefined}
                    >
                      {errorsInWords(edge.errors, edge.calls)}
                    </td>
                    <td className="num" data-label="Average" data-testid="edge-avg">
                      {formatMs(edge.avgDurationMs)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

function Services({
  services,
  error,
  now,
  onStats,
}: {
  services: TracedService[] | null;
  error: ApiError | null;
  now: number;
  onStats: (name: string) => void;
}) {
  return (
    <section className="card stack" aria-labelledby="services-heading" data-testid="traced-services">
      <h2 id="services-heading">Services</h2>
      <p className="muted small">
        Every service that sent spans or is watched. Choose one for its request rate, errors and latency.
      </p>
      <ErrorMessage error={error} />
      {services && services.length === 0 ? <p className="muted">No service has sent spans yet.</p> : null}
      {services && services.length > 0 ? (
        <ul className="plain service-chips">
          {services.map((service) => (
            <li key={service.name} data-testid="traced-service" data-service={service.name}>
              <ServiceButton name={service.name} onStats={onStats} />{' '}
              <span className="muted small">
                {service.readiness?.ready === true
                  ? 'ready'
                  : service.readiness?.ready === false
                    ? 'not ready'
                    : service.watched
                      ? 'not checked yet'
                      : 'not watched'}
                {service.lastSpanAt ? (
                  <>
                    {' · last span '}
                    <When iso={service.lastSpanAt} now={now} />
                  </>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Stats({ service, onClose }: { service: string; onClose: () => void }) {
  const id = useId();
  const [minutes, setMinutes] = useState(15);
  const [stats, setStats] = useState<ServiceStats | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each service opened gets the focus
  useEffect(() => {
    requestAnimationFrame(() => heading.current?.focus());
  }, [service]);

  useEffect(() => {
    let live = true;
    setStats(null);
    setError(null);
    serviceStats(service, minutes).then(
      (answer) => {
        if (live) setStats(answer);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [service, minutes]);

  const ms = (value: number | null) => (value === null ? '—' : formatMs(value));
  return (
    <section className="card stack" aria-labelledby="stats-heading" data-testid="stats" data-service={service}>
      <div className="row spread">
        <h2 id="stats-heading" ref={heading} tabIndex={-1}>
          {service}
        </h2>
        <div className="row">
          <label htmlFor={`${id}-minutes`} className="small">
            Over the last
          </label>
          <select id={`${id}-minutes`} value={minutes} onChange={(event) => setMinutes(Number(event.target.value))}>
            {STATS_WINDOWS.map((w) => (
              <option key={w.minutes} value={w.minutes}>
                {w.label}
              </option>
            ))}
          </select>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <ErrorMessage error={error} />
      {!stats && !error ? <Spinner label="Counting…" /> : null}
      {stats ? (
        <>
          <dl className="supply stats-grid" data-testid="stats-numbers">
            <div>
              <dt>Requests</dt>
              <dd data-testid="stats-requests">{stats.requests}</dd>
            </div>
            <div>
              <dt>Rate</dt>
              <dd>{rate(stats.requestsPerSecond)}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-testid="stats-errors" className={stats.errors > 0 ? 'overdue' : undefined}>
                {stats.errors} ({percent(stats.errorRate)})
              </dd>
            </div>
            <div>
              <dt>Average</dt>
              <dd>{ms(stats.avgMs)}</dd>
            </div>
            <div>
              <dt>p50</dt>
              <dd>{ms(stats.p50Ms)}</dd>
            </div>
            <div>
              <dt>p95</dt>
              <dd data-testid="stats-p95">{ms(stats.p95Ms)}</dd>
            </div>
            <div>
              <dt>p99</dt>
              <dd>{ms(stats.p99Ms)}</dd>
            </div>
          </dl>
          <p className="muted small">
            Requests {service} handled (its server spans) from <When iso={stats.from} now={Date.now()} /> to now.
            {stats.requests === 0 ? ' None in this window.' : ''} Percentiles are estimated from latency buckets.
          </p>
        </>
      ) : null}
    </section>
  );
}

export function TracesPage() {
  const [search, setSearch] = useState<TraceSearch | null>(null);
  const [traces, setTraces] = useState<TraceSummary[] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [openId, setOpenId] = useState<string | null>(null);
  const [statsOf, setStatsOf] = useState<string | null>(null);
  const [services, setServices] = useState<TracedService[] | null>(null);
  const [servicesError, setServicesError] = useState<ApiError | null>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    tracedServices().then(
      (answer) => {
        if (live) setServices(answer);
      },
      (caught: unknown) => {
        if (live) setServicesError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const results = useCallback((next: TraceSearch, found: TraceSummary[]) => {
    setNow(Date.now());
    setSearch(next);
    setTraces(found);
  }, []);

  const close = () => {
    setOpenId(null);
    requestAnimationFrame(() => resultsHeading.current?.focus());
  };

  return (
    <div className="stack">
      <ServiceBanner service="tracing-recovery" />
      <p className="lead">
        Requests as they travelled through the platform: every service sends its spans to tracing-recovery. Search the
        recent ones, open one to see where its time went, and see who calls whom.
      </p>
      <section className="card stack" aria-labelledby="traces-heading" data-testid="traces">
        <h2 id="traces-heading" ref={resultsHeading} tabIndex={-1}>
          Recent traces
        </h2>
        <SearchPanel services={(services ?? []).map((s) => s.name)} onResults={results} />
        <Results search={search} traces={traces} openId={openId} now={now} onOpen={setOpenId} onStats={setStatsOf} />
      </section>
      {openId ? <Waterfall traceId={openId} onClose={close} onStats={setStatsOf} /> : null}
      {statsOf ? <Stats service={statsOf} onClose={() => setStatsOf(null)} /> : null}
      <Graph onStats={setStatsOf} />
      <Services services={services} error={servicesError} now={now} onStats={setStatsOf} />
    </div>
  );
}

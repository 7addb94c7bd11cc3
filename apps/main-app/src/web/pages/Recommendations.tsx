import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type ApiError, api, newEventId, type Recommendation, type Recommendations } from '../api.ts';
import { ErrorMessage, ServiceBanner, Spinner } from '../components.tsx';

/**
 * Users of the demo catalogue (DEMO_SEED: user-001 to user-150), offered for picking; any
 * other id can be typed. The service's user list needs an operator's credentials, which
 * the console does not have.
 */
const DEMO_USERS = Array.from({ length: 20 }, (_, i) => `user-${String(i + 1).padStart(3, '0')}`);

const REASONS: Record<Recommendation['reason'], string> = {
  collaborative: 'People with similar activity engaged with this',
  content: 'Similar in tags and text to what you engaged with',
  popular: 'Popular across the platform',
};

export function RecommendationsPage() {
  const [draft, setDraft] = useState(DEMO_USERS[0] as string);
  const [userId, setUserId] = useState(DEMO_USERS[0] as string);
  const [recs, setRecs] = useState<Recommendations | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [sent, setSent] = useState<string[]>([]);

  const load = useCallback(async (user: string) => {
    if (!user) return;
    setLoading(true);
    try {
      setRecs(await api<Recommendations>(`/api/personalization/recommendations/${encodeURIComponent(user)}?k=10`));
      setError(null);
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    setSent([]);
    void load(userId);
  }, [userId, load]);

  const choose = (value: string) => {
    setDraft(value);
    // Picked from the list: show it at once; a typed id is shown on Enter or Show.
    if (DEMO_USERS.includes(value)) setUserId(value);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const user = draft.trim();
    if (user === userId) void load(user);
    else setUserId(user);
  };

  const click = async (item: Recommendation) => {
    try {
      await api('/api/personalization/events', {
        method: 'POST',
        // The id makes the event count once, however often the request is sent.
        json: { id: newEventId(), user: userId, item: item.id, type: 'click', timestamp: new Date().toISOString() },
      });
      setSent((current) => [`click on “${item.title}”`, ...current].slice(0, 5));
      await load(userId);
    } catch (caught) {
      setError(caught as ApiError);
    }
  };

  return (
    <div className="stack">
      <ServiceBanner service="ai-personalization" />
      <form className="card row" onSubmit={submit}>
        <label htmlFor="rec-user">Demo user</label>
        <input
          id="rec-user"
          className="rec-user"
          list="rec-demo-users"
          value={draft}
          onChange={(event) => choose(event.target.value)}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id="rec-demo-users">
          {DEMO_USERS.map((user) => (
            <option key={user} value={user} />
          ))}
        </datalist>
        <button type="submit" className="secondary" disabled={!draft.trim() || loading}>
          Show
        </button>
        {loading ? <Spinner label="Loading…" /> : null}
      </form>
      <ErrorMessage error={error} />
      {recs ? (
        <section className="stack" aria-labelledby="rec-heading" data-testid="recommendations">
          <div className="row">
            <h2 id="rec-heading">For {recs.userId}</h2>
            <span className="muted small">
              model {String(recs.model.version)}
              {recs.model.ageSeconds === null ? '' : `, built ${Math.round(recs.model.ageSeconds)} s ago`}
            </span>
          </div>
          <p className="muted small">Select an item to record a click for this user and see the list update.</p>
          {recs.items.length === 0 ? <p className="muted">No recommendations for this user yet.</p> : null}
          <ol className="rec-list">
            {recs.items.map((item) => (
              <li key={item.id}>
                <button type="button" className="rec-item" onClick={() => void click(item)}>
                  <span className="rec-title">{item.title}</span>
                  <span className="rec-meta">
                    {item.category}
                    {item.tags.length > 0 ? ` · ${item.tags.slice(0, 4).join(', ')}` : ''}
                  </span>
                  <span className={`reason reason-${item.reason}`} title={REASONS[item.reason]}>
                    {item.reason}
                  </span>
                  <span className="rec-why">{REASONS[item.reason]}</span>
                  <span className="rec-score">score {item.score.toFixed(3)}</span>
                </button>
              </li>
            ))}
          </ol>
          {sent.length > 0 ? (
            <div className="muted small" aria-live="polite" data-testid="sent-events">
              Sent: {sent.join(' · ')}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

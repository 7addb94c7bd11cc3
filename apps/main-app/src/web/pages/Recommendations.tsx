import { useCallback, useEffect, useState } from 'react';
import { type ApiError, api, type DemoUser, type Recommendation, type Recommendations } from '../api.ts';
import { ErrorMessage, ServiceBanner, Spinner } from '../components.tsx';

const REASONS: Record<Recommendation['reason'], string> = {
  collaborative: 'People with similar activity engaged with this',
  content: 'Similar in tags and text to what you engaged with',
  popular: 'Popular across the platform',
};

export function RecommendationsPage() {
  const [users, setUsers] = useState<DemoUser[] | null>(null);
  const [userId, setUserId] = useState('');
  const [recs, setRecs] = useState<Recommendations | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [sent, setSent] = useState<string[]>([]);

  useEffect(() => {
    api<{ users: DemoUser[] }>('/api/personalization/users?limit=20').then(
      (body) => {
        setUsers(body.users);
        if (body.users[0]) setUserId(body.users[0].id);
      },
      (caught: ApiError) => setError(caught),
    );
  }, []);

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

  const click = async (item: Recommendation) => {
    try {
      await api('/api/personalization/events', {
        method: 'POST',
        json: { user: userId, item: item.id, type: 'click', timestamp: new Date().toISOString() },
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
      <div className="card row">
        <label htmlFor="rec-user">Demo user</label>
        <select
          id="rec-user"
          value={userId}
          onChange={(event) => setUserId(event.target.value)}
          disabled={!users || users.length === 0}
        >
          {users === null ? <option value="">Loading users…</option> : null}
          {users?.length === 0 ? <option value="">No users yet</option> : null}
          {users?.map((user) => (
            <option key={user.id} value={user.id}>
              {user.id} ({user.events} events)
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => void load(userId)} disabled={!userId || loading}>
          Refresh
        </button>
        {loading ? <Spinner label="Loading…" /> : null}
      </div>
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

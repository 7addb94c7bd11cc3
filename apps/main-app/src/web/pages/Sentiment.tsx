import { type FormEvent, useState } from 'react';
import { ApiError, api, type SentimentResult } from '../api.ts';
import { ErrorMessage, ScoreBar, ServiceBanner, Spinner } from '../components.tsx';

const MAX_LENGTH = 10_000;

export function SentimentPage() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<SentimentResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setError(new ApiError(400, 'Type some text to analyse.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await api<SentimentResult>('/api/sentiment/analyze', { method: 'POST', json: { text } }));
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <ServiceBanner service="ai-sentiment" />
      <form className="card stack" onSubmit={submit}>
        <label htmlFor="sentiment-text">Text to analyse</label>
        <textarea
          id="sentiment-text"
          rows={5}
          maxLength={MAX_LENGTH}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="The onboarding was quick. Support never answered my ticket, though."
        />
        <div className="row">
          <button type="submit" disabled={busy}>
            Analyse
          </button>
          <span className="muted small">
            {text.length.toLocaleString()} / {MAX_LENGTH.toLocaleString()} characters
          </span>
          {busy ? <Spinner label="Analysing…" /> : null}
        </div>
      </form>
      <ErrorMessage error={error} />
      {result ? (
        <section className="card stack" aria-labelledby="sentiment-result" data-testid="sentiment-result">
          <div className="row">
            <h2 id="sentiment-result">Overall</h2>
            <span className={`label label-${result.label}`}>{result.label}</span>
          </div>
          <ScoreBar label="Compound" value={result.compound} signed />
          <ScoreBar label="Positive" value={result.pos} />
          <ScoreBar label="Neutral" value={result.neu} />
          <ScoreBar label="Negative" value={result.neg} />
          <h3>Sentences</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Sentence</th>
                  <th scope="col">Label</th>
                  <th scope="col" className="num">
                    Compound
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.sentences.map((sentence, index) => (
                  // Sentences can repeat; their position is their identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
                  <tr key={index}>
                    <td>{sentence.text}</td>
                    <td>
                      <span className={`label label-${sentence.label}`}>{sentence.label}</span>
                    </td>
                    <td className="num">{sentence.compound.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

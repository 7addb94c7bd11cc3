// PIPEDA's panels: the RROSH evaluator (s. 10.1: is there a real risk of significant harm?),
// which asks the service without recording anything, and the breach records register with
// the date each record must be kept until (s. 10.3: 24 months).
import { type FormEvent, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  pipedaBreachRecords,
  pipedaDeleteBreach,
  pipedaEvaluate,
  pipedaRroshRule,
  type RroshAssessment,
  type RroshLevel,
} from '../../api.ts';
import { ErrorMessage, Field, focusFirstInvalid, Spinner } from '../../components.tsx';
import { hasRole } from '../../privacy.ts';
import { SelectField, useLoaded, ZonedTime } from './shared.tsx';

const LEVELS: RroshLevel[] = ['low', 'medium', 'high'];
const OUTCOME_LABELS: Record<string, string> = {
  real_risk: 'Real risk of significant harm: report to the Commissioner and notify the individuals',
  no_real_risk: 'No real risk of significant harm: keep the record, no report required',
};

function RroshEvaluator() {
  const { data: rule, error: ruleError } = useLoaded(pipedaRroshRule);
  const [sensitivity, setSensitivity] = useState<RroshLevel>('medium');
  const [probability, setProbability] = useState<RroshLevel>('medium');
  const [factors, setFactors] = useState<string[]>([]);
  const [rationale, setRationale] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [assessment, setAssessment] = useState<RroshAssessment | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!rationale.trim()) {
      setFieldError('Say why: what was exposed, to whom, and what makes misuse likely or not.');
      focusFirstInvalid(form.current);
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    setError(null);
    try {
      setAssessment(
        await pipedaEvaluate({ sensitivity, probabilityOfMisuse: probability, factors, rationale: rationale.trim() }),
      );
    } catch (caught) {
      setAssessment(null);
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (factor: string, on: boolean) =>
    setFactors((list) => (on ? [...list, factor] : list.filter((f) => f !== factor)));

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="rrosh-heading"
      data-testid="pipeda-rrosh"
    >
      <h2 id="rrosh-heading">Real risk of significant harm</h2>
      <p className="muted small">
        {rule ? `${rule.legalReference}. ${rule.rule}` : 'PIPEDA s. 10.1(7), (8).'} Nothing is recorded.
      </p>
      <div className="row">
        <SelectField
          id="rrosh-sensitivity"
          label="Sensitivity of the information"
          value={sensitivity}
          options={LEVELS}
          onChange={setSensitivity}
        />
        <SelectField
          id="rrosh-probability"
          label="Probability of misuse"
          value={probability}
          options={LEVELS}
          onChange={setProbability}
        />
      </div>
      {rule ? (
        <fieldset className="builder-fieldset">
          <legend>Factors</legend>
          <div className="stack">
            {Object.entries(rule.factors).map(([factor, meaning]) => (
              <label key={factor} className="choice" title={meaning}>
                <input
                  type="checkbox"
                  checked={factors.includes(factor)}
                  onChange={(e) => toggle(factor, e.target.checked)}
                />
                {factor.replaceAll('_', ' ')} <span className="muted small">— {meaning}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <Field id="rrosh-rationale" label="Rationale" error={fieldError}>
        {(aria) => (
          <textarea
            id="rrosh-rationale"
            rows={2}
            value={rationale}
            maxLength={4000}
            onChange={(e) => setRationale(e.target.value)}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Evaluate
        </button>
        {busy ? <Spinner label="Evaluating…" /> : null}
      </div>
      <ErrorMessage error={ruleError ?? error} />
      {assessment ? (
        <output
          className={`banner ${assessment.rrosh.outcome === 'real_risk' ? 'banner-error' : 'banner-warning'}`}
          data-testid="rrosh-outcome"
          data-outcome={assessment.rrosh.outcome}
        >
          <strong>{OUTCOME_LABELS[assessment.rrosh.outcome] ?? assessment.rrosh.outcome}</strong>
          <span className="small">
            {' '}
            (sensitivity {assessment.rrosh.sensitivity}, probability of misuse {assessment.rrosh.probabilityOfMisuse}
            {assessment.rrosh.adjustedProbability !== assessment.rrosh.probabilityOfMisuse
              ? `, ${assessment.rrosh.adjustedProbability} after the factors`
              : ''}
            )
          </span>
        </output>
      ) : null}
    </form>
  );
}

function BreachRecords({ canDelete, timeZone }: { canDelete: boolean; timeZone: string }) {
  const { data: records, error, reload } = useLoaded(pipedaBreachRecords);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  const remove = async (id: string) => {
    setDeleteError(null);
    try {
      await pipedaDeleteBreach(id);
      reload();
    } catch (caught) {
      setDeleteError(asApiError(caught));
    }
  };
  return (
    <section className="card stack" aria-labelledby="breach-records-heading" data-testid="pipeda-breach-records">
      <div className="row spread">
        <h2 id="breach-records-heading">Breach records</h2>
        <button type="button" className="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="muted small">Every breach is recorded, real risk or not, and kept 24 months (s. 10.3).</p>
      {records === null && !error ? <Spinner label="Loading breach records…" /> : null}
      {records && records.length === 0 ? <p className="muted">No breaches recorded.</p> : null}
      {records && records.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Breach</th>
                <th scope="col">Detected</th>
                <th scope="col">RROSH</th>
                <th scope="col">Keep until</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id} data-breach={r.title}>
                  <td>
                    {r.title} <span className="muted small">· {r.state}</span>
                  </td>
                  <td>
                    <ZonedTime iso={r.detectedAt} timeZone={timeZone} />
                  </td>
                  <td>{r.rroshOutcome ? r.rroshOutcome.replaceAll('_', ' ') : <span className="muted">none</span>}</td>
                  <td data-testid="kept-until">
                    <ZonedTime iso={r.keptUntil} timeZone={timeZone} />
                    {r.deletable && canDelete ? (
                      <button type="button" className="secondary" onClick={() => void remove(r.id)}>
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={error ?? deleteError} />
    </section>
  );
}

export function PipedaPanels({ roles, timeZone }: { roles: readonly string[]; timeZone: string }) {
  return (
    <>
      {hasRole(roles, 'dpo', 'operator') ? <RroshEvaluator /> : null}
      <BreachRecords canDelete={hasRole(roles, 'dpo')} timeZone={timeZone} />
    </>
  );
}

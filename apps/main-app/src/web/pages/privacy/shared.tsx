// Pieces the Privacy page's panels share: a time shown in a zone, a list loaded from a
// service that reloads on demand, the fields that identify a person, and a choice among
// plain words.
import { type Dispatch, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, asApiError } from '../../api.ts';
import { Field } from '../../components.tsx';
import { formatInZone, SUBJECT_KINDS, type SubjectResult, zoneName } from '../../privacy.ts';

/** A date and time in a zone, with the zone's short name, e.g. "2026-12-19 23:59 GMT-3". */
export function ZonedTime({ iso, timeZone, testId }: { iso: string; timeZone: string; testId?: string }) {
  return (
    <time dateTime={iso} data-testid={testId} title={`${timeZone}: ${new Date(iso).toISOString()}`}>
      {formatInZone(iso, timeZone)} <span className="muted small">{zoneName(iso, timeZone)}</span>
    </time>
  );
}

/** What `load` answers, loaded on mount and again on `reload()`; a late answer never overwrites a newer one. */
export function useLoaded<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const generation = useRef(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const loader = useRef(load);
  loader.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    loader.current().then(
      (answer) => {
        if (mine !== generation.current) return;
        setData(answer);
        setError(null);
      },
      (caught: unknown) => {
        if (mine === generation.current) setError(asApiError(caught));
      },
    );
  }, [version]);

  return { data, error, reload };
}

/** A person's identifier as typed: a kind from SUBJECT_KINDS (for `other`, the kind named in `otherKind`) and the value. */
export interface SubjectInput {
  kind: string;
  otherKind: string;
  value: string;
}
export type SubjectErrors = { kind?: string; value?: string };

/** The field errors of what `subjectFrom` answered: none for a subject. */
export const subjectErrors = (result: SubjectResult): SubjectErrors =>
  result.ok ? {} : { [result.field]: result.error };

/**
 * The row of fields that identify a person: the kind of identifier (`<id>-kind`), the kind
 * named when it is `other` (`<id>-other-kind`, which then shows the kind's error), and the
 * identifier itself (`valueId`, by default `<id>-value`).
 */
export function SubjectFields({
  id,
  valueId = `${id}-value`,
  kindLabel,
  valueLabel,
  otherKindPlaceholder,
  input,
  onInput,
  errors,
}: {
  id: string;
  valueId?: string;
  kindLabel: string;
  valueLabel: string;
  otherKindPlaceholder?: string;
  input: SubjectInput;
  onInput: Dispatch<SetStateAction<SubjectInput>>;
  errors: SubjectErrors;
}) {
  const set = (part: Partial<SubjectInput>) => onInput((current) => ({ ...current, ...part }));
  return (
    <div className="row">
      <Field id={`${id}-kind`} label={kindLabel} error={input.kind === 'other' ? undefined : errors.kind}>
        {(aria) => (
          <select id={`${id}-kind`} value={input.kind} onChange={(e) => set({ kind: e.target.value })} {...aria}>
            {SUBJECT_KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {input.kind === 'other' ? (
        <Field id={`${id}-other-kind`} label="Kind of identifier" error={errors.kind}>
          {(aria) => (
            <input
              id={`${id}-other-kind`}
              value={input.otherKind}
              onChange={(e) => set({ otherKind: e.target.value })}
              autoComplete="off"
              spellCheck={false}
              maxLength={40}
              placeholder={otherKindPlaceholder}
              {...aria}
            />
          )}
        </Field>
      ) : null}
      <Field id={valueId} label={valueLabel} error={errors.value}>
        {(aria) => (
          <input
            id={valueId}
            value={input.value}
            onChange={(e) => set({ value: e.target.value })}
            autoComplete="off"
            spellCheck={false}
            maxLength={320}
            {...aria}
          />
        )}
      </Field>
    </div>
  );
}

/** A select among plain words, each shown as it is. */
export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
}) {
  return (
    <Field id={id} label={label}>
      {(aria) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} {...aria}>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

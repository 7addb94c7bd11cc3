import { type ChangeEvent, type DragEvent, useEffect, useState } from 'react';
import { ApiError, api, type Box, type VisionResult } from '../api.ts';
import { ErrorMessage, ServiceBanner, Spinner } from '../components.tsx';

const MAX_BYTES = 10 * 1024 * 1024;

function overlayStyle(box: Box, result: VisionResult) {
  // Boxes are in the original image's pixels; percentages keep them aligned at any display size.
  return {
    left: `${(box.x / result.width) * 100}%`,
    top: `${(box.y / result.height) * 100}%`,
    width: `${(box.width / result.width) * 100}%`,
    height: `${(box.height / result.height) * 100}%`,
  };
}

export function VisionPage() {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [result, setResult] = useState<VisionResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const analyse = async (chosen: File) => {
    setResult(null);
    setError(null);
    if (!chosen.type.startsWith('image/')) {
      setError(new ApiError(415, `${chosen.name} is not an image.`));
      return;
    }
    if (chosen.size > MAX_BYTES) {
      setError(new ApiError(413, `${chosen.name} is ${(chosen.size / 1048576).toFixed(1)} MB; the limit is 10 MB.`));
      return;
    }
    setFile(chosen);
    setPreview(URL.createObjectURL(chosen));
    setBusy(true);
    try {
      const form = new FormData();
      form.append('image', chosen);
      setResult(await api<VisionResult>('/api/vision/analyze', { method: 'POST', body: form }));
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const onInput = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (chosen) void analyse(chosen);
    event.target.value = '';
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const chosen = event.dataTransfer.files[0];
    if (chosen) void analyse(chosen);
  };

  return (
    <div className="stack">
      <ServiceBanner service="ai-vision" />
      <section
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-label="Image upload"
      >
        <p>Drop an image here (JPEG, PNG, WebP, GIF; up to 10 MB), or</p>
        <label className="button" htmlFor="vision-file">
          Choose an image
        </label>
        <input id="vision-file" className="visually-hidden-input" type="file" accept="image/*" onChange={onInput} />
        {busy ? <Spinner label={`Analysing ${file?.name ?? 'image'}…`} /> : null}
      </section>
      <ErrorMessage error={error} />
      {preview ? (
        <div className="vision-grid">
          <figure className="card vision-figure">
            <div className="image-frame">
              <img src={preview} alt={file ? `Uploaded: ${file.name}` : 'Uploaded image'} />
              {result
                ? [
                    ...result.objects.map((o, i) => ({ key: `o${i}`, label: o.label, score: o.score, box: o.box })),
                    ...result.faces.items.map((f, i) => ({ key: `f${i}`, label: 'face', score: f.score, box: f.box })),
                  ].map((item) => (
                    <div key={item.key} className="detection" style={overlayStyle(item.box, result)}>
                      <span className="detection-label">
                        {item.label} {(item.score * 100).toFixed(0)}%
                      </span>
                    </div>
                  ))
                : null}
            </div>
            <figcaption className="muted small">{file?.name}</figcaption>
          </figure>
          {result ? (
            <section className="card stack" aria-labelledby="vision-result" data-testid="vision-result">
              <h2 id="vision-result">Analysis</h2>
              <dl className="facts">
                <dt>Format</dt>
                <dd>
                  {result.format} · {result.width}×{result.height} · {result.orientation}
                </dd>
                <dt>Size</dt>
                <dd>{(result.bytes / 1024).toFixed(1)} KB</dd>
                <dt>Perceptual hash</dt>
                <dd>
                  <code>{result.phash}</code>
                </dd>
                <dt>Blurhash</dt>
                <dd>
                  <code className="wrap">{result.blurhash}</code>
                </dd>
                <dt>Timings</dt>
                <dd>
                  decode {result.timings.decodeMs} ms · inference {result.timings.inferenceMs} ms
                </dd>
              </dl>
              <h3>Palette</h3>
              <ul className="palette" aria-label="Palette">
                {result.palette.map((swatch) => (
                  <li key={swatch.hex}>
                    <span className="swatch" style={{ background: swatch.hex }} aria-hidden="true" />
                    <code>{swatch.hex}</code>
                    {swatch.hex === result.dominantColor ? <span className="muted small"> dominant</span> : null}
                  </li>
                ))}
              </ul>
              <h3>Detections</h3>
              {result.objects.length === 0 && result.faces.count === 0 ? (
                <p className="muted">No objects or faces found.</p>
              ) : (
                <ul className="plain">
                  {result.objects.map((o, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: detections have no id
                    <li key={i}>
                      {o.label} — {(o.score * 100).toFixed(0)}%
                    </li>
                  ))}
                  {result.faces.items.map((f, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: detections have no id
                    <li key={`face-${i}`}>
                      face — {(f.score * 100).toFixed(0)}%{f.age === undefined ? '' : `, age ≈ ${Math.round(f.age)}`}
                      {f.gender ? `, ${f.gender}` : ''}
                      {f.emotion ? `, ${f.emotion}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

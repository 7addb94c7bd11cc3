import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, type ChatReply, type ChatSession } from '../api.ts';
import { ErrorMessage, ServiceBanner, Spinner } from '../components.tsx';

const SESSION_KEY = 'azora.chatbot.sessionId';
const EXPIRED_NOTICE = 'Your previous conversation has expired; starting a new one.';

interface Message {
  id: string;
  /** `notice`: a note from the console itself, e.g. that the conversation expired. */
  role: 'user' | 'assistant' | 'notice';
  text: string;
  intent?: string;
  confidence?: number;
  handoff?: boolean;
  sentiment?: ChatReply['sentiment'];
}

const expiredNotice = (): Message => ({ id: `notice-${Date.now()}`, role: 'notice', text: EXPIRED_NOTICE });

/**
 * The chatbot answers 404 `session_expired` for a session it no longer has (its TTL passed,
 * or Redis lost its data) instead of silently starting another one.
 */
const isSessionExpired = (error: unknown) =>
  error instanceof ApiError && error.status === 404 && error.code === 'session_expired';

const postMessage = (text: string, sessionId: string | null) =>
  api<ChatReply>('/api/chatbot/message', {
    method: 'POST',
    json: sessionId ? { sessionId, text } : { text },
  });

export function AssistantPage() {
  const [storedSession] = useState(() => sessionStorage.getItem(SESSION_KEY));
  const [sessionId, setSessionId] = useState<string | null>(storedSession);
  const [messages, setMessages] = useState<Message[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const log = useRef<HTMLDivElement>(null);

  // Reload the conversation the service remembers for this tab's session.
  useEffect(() => {
    if (!storedSession) return;
    let cancelled = false;
    api<ChatSession>(`/api/chatbot/sessions/${encodeURIComponent(storedSession)}`).then(
      (session) => {
        if (cancelled) return;
        setMessages(session.messages.map((m, i) => ({ ...m, id: `${m.at}-${i}` })));
      },
      (caught: ApiError) => {
        if (cancelled) return;
        if (isSessionExpired(caught)) {
          // Expired on the server: say so, and start afresh.
          sessionStorage.removeItem(SESSION_KEY);
          setSessionId(null);
          setMessages([expiredNotice()]);
        } else setError(caught);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [storedSession]);

  useEffect(() => {
    if (messages.length > 0) log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const message = text.trim();
    if (!message || busy) return;
    setBusy(true);
    setError(null);
    const localId = `local-${Date.now()}`;
    setMessages((current) => [...current, { id: localId, role: 'user', text: message }]);
    setText('');
    try {
      let reply: ChatReply;
      try {
        reply = await postMessage(message, sessionId);
      } catch (caught) {
        if (!sessionId || !isSessionExpired(caught)) throw caught;
        // The service lost the conversation: say so where it broke off, and send the message
        // again as the first of a new one.
        sessionStorage.removeItem(SESSION_KEY);
        setSessionId(null);
        setMessages((current) => current.flatMap((m) => (m.id === localId ? [expiredNotice(), m] : [m])));
        reply = await postMessage(message, null);
      }
      sessionStorage.setItem(SESSION_KEY, reply.sessionId);
      setSessionId(reply.sessionId);
      setMessages((current) => [
        ...current,
        {
          id: `reply-${Date.now()}`,
          role: 'assistant',
          text: reply.reply,
          intent: reply.intent,
          confidence: reply.confidence,
          handoff: reply.handoff,
          sentiment: reply.sentiment,
        },
      ]);
    } catch (caught) {
      setError(caught as ApiError);
      setText(message);
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    sessionStorage.removeItem(SESSION_KEY);
    setSessionId(null);
    setMessages([]);
    setError(null);
  };

  return (
    <div className="stack">
      <ServiceBanner service="ai-chatbot" />
      <div className="card chat">
        <div className="chat-log" ref={log} aria-live="polite" aria-label="Conversation" role="log">
          {messages.length === 0 ? (
            <p className="muted">Ask about the platform: services, status, compliance, your account…</p>
          ) : (
            messages.map((m) =>
              m.role === 'notice' ? (
                <div key={m.id} className="banner banner-warning" role="status" data-role="notice">
                  {m.text}
                </div>
              ) : (
                <div key={m.id} className={`bubble bubble-${m.role}`} data-role={m.role}>
                  <p>{m.text}</p>
                  {m.role === 'assistant' && m.intent ? (
                    <p className="bubble-meta">
                      intent {m.intent}
                      {m.confidence === undefined ? '' : ` · ${(m.confidence * 100).toFixed(0)}%`}
                      {m.sentiment ? ` · your tone: ${m.sentiment.label}` : ''}
                      {m.handoff ? ' · handed to a person' : ''}
                    </p>
                  ) : null}
                </div>
              ),
            )
          )}
          {busy ? <Spinner label="Assistant is typing…" /> : null}
        </div>
        <form className="chat-form" onSubmit={send}>
          <label htmlFor="chat-text" className="visually-hidden">
            Message
          </label>
          <input
            id="chat-text"
            autoComplete="off"
            maxLength={2000}
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Type a message"
          />
          <button type="submit" disabled={busy || !text.trim()}>
            Send
          </button>
        </form>
      </div>
      <div className="row">
        <span className="muted small">{sessionId ? `Session ${sessionId}` : 'New session'}</span>
        <button type="button" className="secondary" onClick={reset} disabled={!sessionId && messages.length === 0}>
          New conversation
        </button>
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}

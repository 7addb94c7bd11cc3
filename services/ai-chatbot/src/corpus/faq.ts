/**
 * The FAQ the assistant retrieves from (MiniSearch). Each entry names the intent whose topic
 * it belongs to, so the evaluation can tell whether a retrieved answer is on topic.
 */
export interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  /** The intent this entry's topic belongs to. */
  intent: string;
  /** Extra search words (synonyms MiniSearch cannot know). */
  keywords?: string;
}

export const FAQ: readonly FaqEntry[] = [
  {
    id: 'health-endpoints',
    question: 'Which endpoints report a service’s health?',
    answer:
      'GET /health is liveness (200 while the process can serve, no I/O); GET /health/ready runs the dependency checks and answers 200 (ready or degraded) or 503 (not_ready) with a per-check JSON body.',
    intent: 'ops.health-check',
    keywords: 'liveness readiness probe alive up endpoint',
  },
  {
    id: 'status-board',
    question: 'Where is the status board of all services?',
    answer:
      "The console's home page (main-app, port 3000) shows every catalog service as ready, degraded, down or not deployed, with latency, refreshing live; it reads GET /api/platform/status.",
    intent: 'ops.health-check',
    keywords: 'console home overview dashboard status page',
  },
  {
    id: 'degraded-meaning',
    question: 'What does degraded mean?',
    answer:
      'An optional dependency check failed (usually an upstream service). The service still answers 200 on /health/ready and keeps serving with reduced features.',
    intent: 'ops.readiness',
    keywords: 'optional check partial yellow',
  },
  {
    id: 'ready-503',
    question: 'Why does /health/ready answer 503?',
    answer:
      'A required check failed (its database, Redis, broker or model), or the service is shutting down and draining requests. The body names the failing check and its error.',
    intent: 'ops.readiness',
    keywords: 'not ready unavailable required check failing',
  },
  {
    id: 'check-timeouts',
    question: 'Can a hung database hang the readiness probe?',
    answer: 'No. Each readiness check runs with its own timeout (2 s by default) and counts as failed when it expires.',
    intent: 'ops.readiness',
    keywords: 'timeout hang probe slow',
  },
  {
    id: 'pnpm-dev',
    question: 'What does pnpm dev do?',
    answer:
      'It starts what the services need (local Postgres, Redis, MQTT when reachable, embedded ones otherwise), starts every service, waits until all are ready and prints where each listens. Ctrl-C stops everything.',
    intent: 'ops.run-locally',
    keywords: 'develop local laptop start run',
  },
  {
    id: 'node-version',
    question: 'Which Node.js and pnpm versions are needed?',
    answer:
      'Node 24 LTS everywhere (development, tests, CI, images) and pnpm 10. Node 20 is past its end of life and much slower with Express 5.',
    intent: 'ops.run-locally',
    keywords: 'runtime version requirements install',
  },
  {
    id: 'one-service',
    question: 'How do I run a single service?',
    answer:
      'pnpm --filter <package> dev, for example pnpm --filter ai-chatbot dev; it reads its configuration from environment variables.',
    intent: 'ops.run-locally',
    keywords: 'filter start one only',
  },
  {
    id: 'compose-production',
    question: 'How do I start production with Docker Compose?',
    answer: 'docker compose -f vessels/docker-compose.production.yml up from the repository root.',
    intent: 'ops.docker',
    keywords: 'containers deploy docker compose production',
  },
  {
    id: 'compose-files',
    question: 'What compose files exist?',
    answer:
      'vessels/docker-compose.yml, docker-compose.prod.yml, docker-compose.production.yml, docker-compose.compliance.yml and docker-compose.autonomous.yml, plus organs/ai-website-builder/docker-compose.yml.',
    intent: 'ops.docker',
    keywords: 'vessels modes stacks yaml',
  },
  {
    id: 'image-user',
    question: 'Do the images run as root?',
    answer:
      'No. Every image is multi-stage on node:24-alpine, keeps production dependencies only and runs as the non-root node user, with a HEALTHCHECK on /health/ready.',
    intent: 'ops.docker',
    keywords: 'docker image security non-root user alpine',
  },
  {
    id: 'build-image',
    question: 'How do I build one service’s image?',
    answer:
      'From the repository root: docker build -f services/<name>/Dockerfile -t azora/<name> . — the Dockerfile prunes the workspace to that service first.',
    intent: 'ops.docker',
    keywords: 'dockerfile build image container',
  },
  {
    id: 'metrics-endpoint',
    question: 'What does /metrics expose?',
    answer:
      'Prometheus text: process metrics, http_requests_total and http_request_duration_seconds labelled by route template, plus the service’s own domain metrics.',
    intent: 'ops.monitoring',
    keywords: 'prometheus scrape metrics counters histogram',
  },
  {
    id: 'grafana',
    question: 'Where are Grafana and Alertmanager?',
    answer:
      'Grafana listens on 3001, Prometheus on 9090 and Alertmanager on 9093; their configuration lives in infrastructure/monitoring/.',
    intent: 'ops.monitoring',
    keywords: 'dashboards alerts alerting monitoring',
  },
  {
    id: 'chatbot-metrics',
    question: 'Which metrics does the chatbot export?',
    answer:
      'chatbot_messages_total{intent}, chatbot_intent_confidence (histogram), chatbot_fallbacks_total, chatbot_handoffs_total{reason} and chatbot_sentiment_errors_total.',
    intent: 'ops.monitoring',
    keywords: 'assistant counters fallbacks handoffs',
  },
  {
    id: 'tracing',
    question: 'Are requests traced across services?',
    answer:
      'Yes. W3C traceparent is accepted and propagated on outgoing calls, and spans go to tracing-recovery over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.',
    intent: 'ops.monitoring',
    keywords: 'traceparent opentelemetry otlp spans distributed tracing',
  },
  {
    id: 'logs',
    question: 'Where are the logs and what format are they in?',
    answer:
      'Each service writes JSON lines (pino) to stdout with a request id; personal data fields are redacted. Set LOG_LEVEL to change verbosity.',
    intent: 'ops.troubleshoot',
    keywords: 'logging pino stdout debug',
  },
  {
    id: 'gateway-502-504',
    question: 'What do 502 and 504 from the gateway mean?',
    answer:
      '502: the upstream service is unreachable or answered badly. 504: it did not answer within the timeout. Check that service’s /health/ready.',
    intent: 'ops.troubleshoot',
    keywords: 'bad gateway timeout upstream error',
  },
  {
    id: 'config-errors',
    question: 'What happens when a configuration variable is invalid?',
    answer:
      'The service stops at start-up with one line naming the variable and what is wrong with it (exit code 78); secret values are hidden.',
    intent: 'ops.config',
    keywords: 'environment variable env config invalid start',
  },
  {
    id: 'service-urls',
    question: 'How does a service find the services it calls?',
    answer:
      'Through <SERVICE>_URL variables such as AI_SENTIMENT_URL; when unset, the default is http://127.0.0.1:<catalog port>.',
    intent: 'ops.config',
    keywords: 'upstream url environment discovery',
  },
  {
    id: 'shutdown',
    question: 'What happens on SIGTERM?',
    answer:
      'Readiness turns 503 at once while the service keeps serving for SHUTDOWN_DELAY_MS (2 s in production), then it stops accepting connections, in-flight requests finish, pools close and the process exits within 10 s (SHUTDOWN_TIMEOUT_MS).',
    intent: 'ops.troubleshoot',
    keywords: 'graceful shutdown stop signal drain',
  },
  {
    id: 'errors-format',
    question: 'What do API errors look like?',
    answer:
      'RFC 9457 application/problem+json with type, title, status and a detail that says what is wrong. Bad input gets a 4xx, never a stack trace.',
    intent: 'ops.troubleshoot',
    keywords: 'problem json error response 400',
  },
  {
    id: 'auth-writes',
    question: 'Which requests need authentication?',
    answer:
      'Writes that change money, consent, requests or devices need a bearer JWT or an API key and are authorised by role. Read-only demo endpoints are public.',
    intent: 'security.auth',
    keywords: 'token jwt api key bearer login credentials roles',
  },
  {
    id: 'secrets',
    question: 'Where do secrets come from?',
    answer: 'From the environment only, never from the repository; configuration errors never print secret values.',
    intent: 'security.auth',
    keywords: 'passwords keys credentials environment',
  },
  {
    id: 'catalog',
    question: 'Where is the list of services defined?',
    answer:
      'In @azora/catalog (packages/catalog): name, folder, port, health paths, dependencies and compose files of every service. The dev orchestrator, status board and consistency tests all read it.',
    intent: 'platform.services',
    keywords: 'catalog registry source of truth',
  },
  {
    id: 'sentiment-api',
    question: 'How do I analyse the sentiment of a text?',
    answer:
      'POST /api/sentiment/analyze {"text": "..."} on ai-sentiment (3011) returns a label, VADER compound/pos/neu/neg scores and a per-sentence breakdown; /api/sentiment/batch takes {"texts": [...]}.',
    intent: 'service.describe',
    keywords: 'vader polarity positive negative analyze',
  },
  {
    id: 'recommendations-api',
    question: 'How do I get recommendations for a user?',
    answer:
      'GET /api/personalization/recommendations/<userId>?k=10 on ai-personalization (3010): items with a score and a reason (collaborative, content or popular). Events go to POST /api/personalization/events.',
    intent: 'service.describe',
    keywords: 'personalization recommend suggestions similar items events',
  },
  {
    id: 'vision-api',
    question: 'How do I analyse an image?',
    answer:
      'POST /api/vision/analyze on ai-vision (3013) with an image body or a multipart field image: objects with boxes, faces, palette, dominant colour, perceptual hash and blurhash.',
    intent: 'service.describe',
    keywords: 'picture photo upload objects faces detection',
  },
  {
    id: 'chatbot-api',
    question: 'How do I talk to the assistant through the API?',
    answer:
      'POST /api/chatbot/message {"sessionId"?, "text"} returns the reply, intent, confidence, sources, handoff and sentiment; GET /api/chatbot/sessions/<id> returns the history.',
    intent: 'assistant.capabilities',
    keywords: 'chatbot message session api',
  },
  {
    id: 'chatbot-sessions',
    question: 'How long is a chat session kept?',
    answer: 'Sessions live in Redis and expire after SESSION_TTL_SECONDS without a message (one day by default).',
    intent: 'assistant.privacy',
    keywords: 'session expire ttl history retention',
  },
  {
    id: 'gdpr-access',
    question: 'How long do we have to answer a GDPR access request?',
    answer: 'One month from receipt, extendable by two further months for complex or numerous requests (Art. 12(3)).',
    intent: 'compliance.deadline',
    keywords: 'dsar subject access deadline eu',
  },
  {
    id: 'ccpa-access',
    question: 'What is the CCPA deadline for requests to know or delete?',
    answer: '45 calendar days, extendable once by 45 more with notice; confirm receipt within 10 business days.',
    intent: 'compliance.deadline',
    keywords: 'cpra california consumer deadline',
  },
  {
    id: 'lgpd-access',
    question: 'What is the LGPD deadline for an access request?',
    answer: '15 days from the request for a complete declaration (Art. 19, II).',
    intent: 'compliance.deadline',
    keywords: 'brazil titular deadline',
  },
  {
    id: 'pipeda-access',
    question: 'What is the PIPEDA deadline for an access request?',
    answer: '30 days, extendable by up to 30 more with notice to the individual.',
    intent: 'compliance.deadline',
    keywords: 'canada deadline',
  },
  {
    id: 'hipaa-access',
    question: 'How long does a covered entity have to give patients access to their records under HIPAA?',
    answer: '30 days, with one 30-day extension if the individual is told in writing why (45 CFR 164.524).',
    intent: 'compliance.deadline',
    keywords: 'phi medical records patient health deadline',
  },
  {
    id: 'popia-access',
    question: 'What is the POPIA deadline for an access request?',
    answer: 'PAIA applies: 30 days, extendable once by up to 30 more days.',
    intent: 'compliance.deadline',
    keywords: 'south africa paia deadline',
  },
  {
    id: 'gdpr-breach',
    question: 'How soon must a GDPR breach be reported?',
    answer: 'To the supervisory authority within 72 hours of becoming aware, where feasible (Art. 33).',
    intent: 'compliance.breach',
    keywords: 'breach incident notify 72 hours',
  },
  {
    id: 'hipaa-breach',
    question: 'What is the HIPAA breach notification deadline?',
    answer:
      'Individuals no later than 60 days after discovery; 500 or more people also means HHS and media within 60 days.',
    intent: 'compliance.breach',
    keywords: 'breach notify 60 days hhs',
  },
  {
    id: 'sox-scope',
    question: 'Does SOX have data-subject rights?',
    answer:
      'No. SOX is about financial reporting controls: s. 302 certifications, s. 404 internal-control assessments and seven-year retention of audit work papers.',
    intent: 'compliance.regimes',
    keywords: 'sarbanes oxley financial controls audit',
  },
  {
    id: 'regime-services',
    question: 'Which service handles which privacy law?',
    answer:
      'gdpr-compliance (4080), hipaa-compliance (4081), sox-compliance (4082), ccpa-compliance (4083), pipeda-compliance (4084), lgpd-compliance (4085) and south-african-compliance for POPIA (4090).',
    intent: 'compliance.regimes',
    keywords: 'jurisdiction regulation law compliance',
  },
  {
    id: 'compliance-reports',
    question: 'How are compliance reports produced?',
    answer:
      'automated-reporting (4087) builds scheduled reports from compliance-dashboard and the jurisdiction services and stores them on its reports volume.',
    intent: 'service.describe',
    keywords: 'report schedule pdf audit evidence',
  },
  {
    id: 'mint-amounts',
    question: 'Why are token amounts sent as strings?',
    answer:
      'They are integers in minor units (bigint); strings keep them exact in JSON, where numbers lose precision above 2^53.',
    intent: 'mint.amounts',
    keywords: 'money bigint decimals cents precision',
  },
  {
    id: 'mint-overdraft',
    question: 'Can a transfer overdraw a wallet?',
    answer: 'No. A debit is a conditional single-document update that only succeeds when the balance covers it.',
    intent: 'mint.transfer',
    keywords: 'balance negative insufficient funds transfer',
  },
  {
    id: 'mint-store',
    question: 'Where are wallets stored?',
    answer: 'In azora-mint’s MongoDB database, one document per wallet; only azora-mint reads or writes it.',
    intent: 'mint.wallet',
    keywords: 'wallet mongodb ledger balance',
  },
  {
    id: 'data-ownership',
    question: 'Can one service read another service’s database?',
    answer: 'No. Each service owns its data and others go through its API.',
    intent: 'platform.overview',
    keywords: 'database ownership tables architecture',
  },
  {
    id: 'snapshots',
    question: 'Are the databases backed up?',
    answer:
      'snapshot-scheduler (4999) takes scheduled snapshots of Postgres, Redis and MongoDB with retention and restore checks.',
    intent: 'service.describe',
    keywords: 'backup restore snapshot retention',
  },
  {
    id: 'recovery',
    question: 'Does the platform heal itself?',
    answer:
      'tracing-recovery (4998) watches every service’s health and can run recovery actions through the Docker API, besides collecting traces.',
    intent: 'service.describe',
    keywords: 'self healing restart recovery watchdog',
  },
];

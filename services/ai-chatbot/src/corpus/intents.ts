/**
 * The training corpus of the intent classifier: what users ask the Azora OS assistant,
 * grouped by intent, with the answer for each. Answers about services are built from
 * @azora/catalog so they stay true when the catalog changes.
 * The held-out evaluation set (src/eval/heldout.ts) must not repeat these utterances.
 */
import { defaultUrl, SERVICES, type ServiceEntry } from '@azora/catalog';
import { REGIMES, type Regime } from './regimes.ts';

export interface Slots {
  regime?: Regime;
  service?: ServiceEntry;
}

export interface IntentDefinition {
  name: string;
  /** The entity this intent's answer depends on; a follow-up naming one keeps the intent. */
  slot?: 'regime' | 'service';
  utterances: readonly string[];
  answer: (slots: Slots) => string;
}

/** The classifier's out-of-scope class; its examples are questions the assistant must not answer. */
export const NONE_INTENT = 'None';

const regimeNames = REGIMES.map((r) => r.name).join(', ');
const list = (items: readonly string[]) => (items.length === 0 ? 'nothing' : items.join(', '));

export function describeService(service: ServiceEntry): string {
  const stores = service.infrastructure.length ? `It uses ${list(service.infrastructure)}.` : 'It keeps no database.';
  const calls = service.calls.includes('*')
    ? 'It talks to every other service.'
    : service.calls.length
      ? `It calls ${list(service.calls)}.`
      : '';
  return [
    `${service.name} — ${service.description}.`,
    `It listens on port ${service.port} with its API under /api/${service.apiPrefix}/.`,
    stores,
    calls,
  ]
    .filter(Boolean)
    .join(' ');
}

const serviceNames = SERVICES.map((s) => s.name).join(', ');

export const INTENTS: readonly IntentDefinition[] = [
  {
    name: 'greeting',
    utterances: [
      'hello',
      'hi',
      'hey there',
      'good morning',
      'good afternoon',
      'hiya',
      'greetings',
      'hello assistant',
      'hi, anyone there?',
      'yo',
      'howdy',
      'good evening bot',
      'greetings from the ops team',
      'hello, is this the azora helpdesk',
      'hey team, just checking in',
      'hi folks',
      'hey bot, how are you doing',
      'good day to you',
      'sup',
      'hello hello, anybody home',
    ],
    answer: () =>
      'Hello! I am the Azora OS assistant. Ask me what a service does, how to check its health, how to run the platform, ' +
      'or about privacy deadlines (GDPR, CCPA, LGPD, PIPEDA, HIPAA, POPIA).',
  },
  {
    name: 'thanks',
    utterances: [
      'thanks',
      'thank you',
      'thanks a lot',
      'cheers',
      'much appreciated',
      'that helped, thank you',
      'great, thanks for the help',
      'thx',
      'ty',
      'thank you so much',
      'perfect, thanks',
      'thanks a bunch, that sorted it out',
      'thanks, that answers my question',
      'brilliant, cheers mate',
      'many thanks for your help',
      'you have been very helpful',
      'nice one, thank you kindly',
      'thanks heaps',
      'great answer, much obliged',
    ],
    answer: () => 'You are welcome! Anything else about Azora OS I can help with?',
  },
  {
    name: 'goodbye',
    utterances: [
      'bye',
      'goodbye',
      'see you later',
      'that is all for today',
      'talk to you later',
      'i am done',
      'catch you later',
      'bye for now',
      'have a nice day, bye',
      'see ya',
      'that will be all',
      'ok i am off now',
      'that is everything, see you',
      'later',
      'signing off',
      'nothing else, goodbye',
      'have a good one',
      'i will leave it there for now',
      'take care, bye',
      'gotta go',
    ],
    answer: () => 'Goodbye! Your conversation stays available for a while if you come back with a follow-up.',
  },
  {
    name: 'handoff.human',
    utterances: [
      'i want to talk to a human',
      'let me speak to a real person',
      'connect me with an agent',
      'can i talk to support staff',
      'get me a human please',
      'transfer me to a person',
      'i need a human operator',
      'is there a real person i can chat with',
      'escalate this to someone',
      'put me through to customer service',
      'stop the bot, i want an actual person',
      'speak to a representative',
      'this bot is useless, get me a person',
      'i would like to speak to someone from your team',
      'can a human take over this chat',
      'contact support',
      'i prefer talking to a live agent',
      'please escalate me to a human engineer',
      'is anyone from the support team available',
      'raise a ticket so a human can look at this',
    ],
    answer: () =>
      'I have flagged this conversation for a human colleague; they will see your messages in this session. ' +
      'Meanwhile I can still try to help with questions about Azora OS.',
  },
  {
    name: 'assistant.capabilities',
    utterances: [
      'what can you do',
      'what are you able to help with',
      'who are you',
      'what kind of questions can i ask you',
      'help',
      'what do you know about',
      'are you a bot',
      'how can you help me',
      'what topics do you cover',
      'what is this chat for',
      'show me what you can answer',
      'so what is your job exactly',
      'what sort of things do you know',
      'i am not sure what to ask you',
      'list your features',
      'what are your skills',
      'can you answer questions about azora os',
      'tell me what you are capable of',
      'what is your scope',
    ],
    answer: () =>
      'I am the Azora OS assistant (ai-chatbot). I classify your question and answer from a curated knowledge base: ' +
      'what each service does and where it listens, how to check health and readiness, running the platform with ' +
      'pnpm dev or Docker Compose, monitoring, authentication, azora-mint wallets and transfers, and privacy deadlines ' +
      `for ${regimeNames}. I do not generate free text, so I say so when a question is outside that scope.`,
  },
  {
    name: 'assistant.privacy',
    utterances: [
      'do you store my messages',
      'how long do you keep this conversation',
      'what happens to my chat history',
      'is this chat recorded',
      'do you save what i type',
      'when is my session deleted',
      'can you forget our conversation',
      'where are my chat messages kept',
      'is my conversation private',
      'do sessions expire',
      'is my history removed after a while',
      'are my messages logged somewhere',
      'does this chat keep a transcript',
      'how long is chat data retained',
      'who can read what i write here',
      'is what i say to you saved in a database',
      'what is the retention period of my chat session',
      'delete my chat history',
      'is this conversation confidential',
    ],
    answer: () =>
      'This conversation is kept in Redis as a session (your messages, my replies and the topic we are on) and expires ' +
      'automatically after a period without messages (SESSION_TTL_SECONDS, one day by default). Each message is also ' +
      'scored by ai-sentiment, which keeps nothing.',
  },
  {
    name: 'platform.overview',
    utterances: [
      'what is azora os',
      'tell me about this platform',
      'explain azora os to me',
      'what does azora do',
      'give me an overview of the platform',
      'what is this system',
      'describe the architecture of azora',
      'how is azora os built',
      'what is the purpose of azora os',
      'summarise the platform for me',
      'what exactly is this azora thing',
      'i am new here, what is the platform about',
      'high level description of azora os please',
      'what tech stack does azora use',
      'azora os in a nutshell',
      'i would like a quick intro to the system',
      'what problem does azora os solve',
      'how are the pieces of azora os connected',
      'is azora os a monorepo',
    ],
    answer: () =>
      `Azora OS is a platform of ${SERVICES.length} small TypeScript services in one pnpm/Turborepo monorepo: a web ` +
      'console and API gateway (main-app), AI services (personalization, sentiment, this chatbot, vision), a token ledger ' +
      '(azora-mint), a website builder, seven jurisdiction compliance services with a dashboard and reporting, IoT, ' +
      'tracing and recovery, snapshots and telecom services. Every service exposes /health, /health/ready and /metrics, ' +
      'reads its configuration from environment variables, and runs locally with pnpm dev or in production with Docker Compose.',
  },
  {
    name: 'platform.services',
    utterances: [
      'which services are there',
      'list all the services',
      'what services does azora os have',
      'show me the service catalog',
      'how many services are in the platform',
      'what microservices exist',
      'give me the list of components',
      'name every service in the catalog',
      'what apps make up the system',
      'enumerate the services',
      'what is the total number of services',
      'which services do you have',
      'what are the services called',
      'what services ship with azora',
      'full list of microservices please',
      'how many components does the platform consist of',
      'what is in the service catalogue',
      'give me a rundown of all the services',
      'i need an inventory of the services',
      'which backends are part of azora os',
      'services list',
    ],
    answer: () =>
      `The catalog (@azora/catalog) lists ${SERVICES.length} services: ${serviceNames}. ` +
      'Ask me about any of them, for example "what does ai-vision do?".',
  },
  {
    name: 'service.describe',
    slot: 'service',
    utterances: [
      'what does ai-vision do',
      'tell me about the personalization service',
      'what is azora-mint for',
      'explain the compliance dashboard',
      'what is the purpose of tracing-recovery',
      'what does the snapshot scheduler do',
      'describe the zero-rating service',
      'what is the 5g manager',
      'what does the website builder do',
      'what is automated-reporting responsible for',
      'what does the quantum iot integration service handle',
      'what is main-app',
      'what does the sentiment service do',
      'what does the gdpr-compliance service do',
      'what is the job of the lgpd service',
      'explain what the chatbot service does',
      'what is the hipaa compliance service',
      'how does the recommendation service work',
      'what is the role of the zero rating service',
      'ai-website-builder, what is it',
      'i do not understand what tracing-recovery is for',
      'purpose of the quantum iot service',
      'what functionality does azora-mint provide',
      'what is compliance-dashboard used for',
      'give me a summary of the ai-personalization service',
      'snapshot-scheduler responsibilities',
      'automated-reporting, what does it produce',
    ],
    answer: ({ service, regime }) => {
      if (service) return describeService(service);
      const forRegime = regime && SERVICES.find((s) => s.name === regime.service);
      if (forRegime) return describeService(forRegime);
      return `Which service do you mean? The catalog has: ${serviceNames}.`;
    },
  },
  {
    name: 'ops.ports',
    slot: 'service',
    utterances: [
      'what port does ai-chatbot use',
      'which port is the vision service on',
      'on what port does main-app listen',
      'port number of the gdpr service',
      'what port is azora-mint running on',
      'where does the sentiment service listen',
      'which ports do the services use',
      'list the ports of every service',
      'what is the default port of the tracing service',
      'which port should i call for personalization',
      'port for azora-mint?',
      'what port should i curl for the chatbot',
      'the gdpr service listens where',
      'i need the port mapping of the platform',
      'which port is exposed by ai-personalization',
      'what port number is main-app bound to',
      'what is the listening port of the website builder',
      'port list',
      'which localhost port is the vision api on',
    ],
    answer: ({ service }) => {
      if (service) {
        const published = service.publishedPort ? ` (published as ${service.publishedPort} in production)` : '';
        return `${service.name} listens on port ${service.port}${published}, e.g. ${defaultUrl(service.name)}; its API is under /api/${service.apiPrefix}/ and callers find it through ${service.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL.`;
      }
      return `Default ports: ${SERVICES.map((s) => `${s.name} ${s.port}`).join(', ')}. Infrastructure: Postgres 5432, Redis 6379, MongoDB 27017, MQTT 1883, Prometheus 9090, Grafana 3001.`;
    },
  },
  {
    name: 'ops.health-check',
    slot: 'service',
    utterances: [
      'how do i check if a service is healthy',
      'how can i see whether the services are up',
      'is there a health endpoint',
      'how do i know the chatbot is running',
      'check the health of ai-vision',
      'where is the status board',
      'how to verify that azora-mint is alive',
      'which url tells me a service is ready',
      'how do i monitor service status in the console',
      'health check for the gdpr service',
      'is the personalization service up',
      'is ai-sentiment alive',
      'how do i ping a service to see if it is up',
      'liveness endpoint url',
      'curl command to check the health of main-app',
      'i want to know whether every service is running',
      'check that azora-mint is up and ready',
      'where can i see which services are up or down',
      'k8s liveness probe path',
    ],
    answer: ({ service }) => {
      const target = service
        ? `For ${service.name}: ${defaultUrl(service.name)}/health and ${defaultUrl(service.name)}/health/ready.`
        : 'Every service answers GET /health and GET /health/ready on its own port.';
      return (
        `${target} /health is liveness (200 while the process can serve); /health/ready runs the dependency checks ` +
        'and answers 200 when ready (status "ready" or "degraded") and 503 when a required dependency fails, with a per-check ' +
        "JSON body. The console's home page shows a live status board of every service (ready, degraded, down, not deployed), " +
        'and pnpm dev waits until all services are ready and prints where each one listens.'
      );
    },
  },
  {
    name: 'ops.readiness',
    utterances: [
      'what does degraded mean',
      'why is a service shown as degraded',
      'what is the difference between liveness and readiness',
      'what does not_ready mean on the readiness endpoint',
      'why does health ready return 503',
      'what is an optional check',
      'my service says degraded, is that bad',
      'explain required and optional dependency checks',
      'why is the chatbot degraded',
      'what makes a service not ready',
      'ready endpoint returns 503, what does it mean',
      'why are there two separate health urls',
      'what counts as a required check',
      'service is degraded but still answering requests',
      'why would readiness fail when the process is running',
      'degraded vs not ready',
      'what happens when an optional dependency is down',
      'is degraded status an error',
    ],
    answer: () =>
      'Readiness (/health/ready) runs each dependency check with its own timeout. A failing required check (its database, ' +
      'Redis, a loaded model) makes the service not_ready and the endpoint answers 503. A failing optional check — usually ' +
      'another service it calls, like ai-sentiment for this chatbot — makes it "degraded": it still answers 200 and keeps ' +
      'serving, with less (this chatbot then scores sentiment locally instead). The JSON body names each check and its error.',
  },
  {
    name: 'ops.run-locally',
    utterances: [
      'how do i run azora os locally',
      'how to start the platform on my laptop',
      'what command starts everything',
      'how do i start the dev environment',
      'how can i run the services without docker',
      'pnpm dev does what',
      'how do i get the platform running for development',
      'steps to launch azora on my machine',
      'how do i install and start the project',
      'start all services locally',
      'local dev setup',
      'i cloned the repo, how do i get it running',
      'do i need postgres installed to run it locally',
      'run a single service in dev mode',
      'what node version do i need',
      'how do i spin up the stack on my computer',
      'getting started guide for developers',
      'how to boot azora os without containers',
      'how do i stop everything pnpm dev started',
    ],
    answer: () =>
      'Install with pnpm install (Node 24, pnpm 10), then run pnpm dev from the repository root. It uses your local ' +
      'Postgres, Redis and MQTT when they are reachable and embedded ones otherwise, starts every service, waits until all ' +
      'are ready and prints where each listens; one Ctrl-C stops everything. A single service runs with pnpm --filter <name> dev.',
  },
  {
    name: 'ops.docker',
    utterances: [
      'how do i deploy with docker',
      'how to run azora in production',
      'is there a docker compose file',
      'how do i build the docker image of a service',
      'which compose file should i use',
      'how do containers get deployed',
      'run the platform with docker compose',
      'how are the production images built',
      'where are the dockerfiles',
      'how do i start the compliance stack in containers',
      'docker compose up for production',
      'how do i containerize a service',
      'prod deployment steps',
      'which compose file runs the compliance services',
      'build an image for ai-chatbot',
      'do the images run as root',
      'what base image do the containers use',
      'ship azora to a server with docker',
      'where is the production compose yaml',
    ],
    answer: () =>
      'Production runs from Docker Compose: docker compose -f vessels/docker-compose.production.yml up. Other modes have ' +
      'their own files in vessels/ (docker-compose.yml, .prod, .compliance, .autonomous). Each service has a multi-stage ' +
      'Dockerfile (build from the repo root, e.g. docker build -f services/ai-chatbot/Dockerfile .) on node:24-alpine that ' +
      'prunes the workspace, installs, builds, keeps production dependencies only, runs as the non-root node user and has ' +
      'a HEALTHCHECK on /health/ready.',
  },
  {
    name: 'ops.monitoring',
    utterances: [
      'where can i see metrics',
      'is there a prometheus endpoint',
      'how do i monitor the platform',
      'which metrics does the chatbot export',
      'where is grafana',
      'how are alerts configured',
      'what does the metrics endpoint return',
      'how do i scrape the services',
      'do services expose request latency metrics',
      'where do the dashboards live',
      'prometheus scrape config location',
      'grafana port',
      'how do i set up alerting',
      'where is alertmanager',
      'what counters does a service publish',
      'observability setup of azora',
      'show me the dashboards for the platform',
      'is there a latency histogram',
      'what does chatbot_fallbacks_total count',
    ],
    answer: () =>
      'Every service serves Prometheus metrics at GET /metrics: process defaults, http_requests_total and ' +
      'http_request_duration_seconds labelled by route template, plus its own (this chatbot: chatbot_messages_total, ' +
      'chatbot_intent_confidence, chatbot_fallbacks_total, chatbot_handoffs_total, chatbot_sentiment_errors_total). ' +
      'Prometheus (9090) scrapes them using infrastructure/monitoring/prometheus.yml, alert rules go to Alertmanager (9093), ' +
      'and Grafana (3001) has the dashboards.',
  },
  {
    name: 'ops.tests',
    utterances: [
      'how do i run the tests',
      'what command runs the test suite',
      'how to test a single service',
      'do the tests need a database',
      'how are integration tests run',
      'run the unit tests for ai-vision',
      'how do i check that my change did not break anything',
      'where do tests live',
      'how to run the benchmarks',
      'run vitest for one package',
      'how do i run the test suite for ai-chatbot only',
      'do tests hit a real redis',
      'lint and typecheck commands',
      'pnpm test fails, how do i run just one file',
      'how do i make sure my pr passes ci',
      'where are the int tests',
      'how do i benchmark a change',
      'what is the testing setup',
    ],
    answer: () =>
      'pnpm test runs every package through Turborepo; pnpm --filter <package> test runs one. Tests sit beside the code ' +
      '(*.test.ts, *.int.test.ts when they need servers) and use the real Postgres, Redis and MQTT with a database or key ' +
      'prefix per test file. pnpm typecheck and pnpm lint (Biome) complete the checks; pnpm bench runs benchmarks that ' +
      'print ratios against a baseline measured in the same run.',
  },
  {
    name: 'ops.config',
    utterances: [
      'which environment variables does a service read',
      'how do i configure the redis url',
      'how do i change the port of a service',
      'where is the configuration',
      'how do i point the chatbot at another sentiment service',
      'what happens if an env variable is wrong',
      'how to set the log level',
      'what settings does the chatbot have',
      'configure database connection string',
      'what env vars can i set',
      'which variables configure a service',
      'what if i put a bad value in an environment variable',
      'set AI_SENTIMENT_URL for the chatbot',
      'where do i put the config',
      'which settings are required to start a service',
      'how do i set REDIS_URL',
      'env vars for the chatbot',
      'set PORT for a service',
      'how do i change the session ttl',
      'where do i configure the mongodb uri',
      'what is the format of DATABASE_URL',
      'list of configuration options',
      'make the logs more verbose',
      'how do i override the upstream url of a service',
      'is there a .env file',
      'configure the handoff sentiment threshold',
    ],
    answer: () =>
      'Services read environment variables, validated at start-up; a bad value stops the process with one line naming the ' +
      'variable. Common ones: PORT, HOST, LOG_LEVEL, DATABASE_URL, REDIS_URL, MONGODB_URI, MQTT_URL, and <SERVICE>_URL for ' +
      'upstreams (e.g. AI_SENTIMENT_URL). This chatbot also reads REDIS_KEY_PREFIX, SESSION_TTL_SECONDS, ' +
      'SENTIMENT_TIMEOUT_MS and HANDOFF_SENTIMENT_THRESHOLD.',
  },
  {
    name: 'ops.troubleshoot',
    utterances: [
      'a service is down, what should i do',
      'the vision service keeps failing',
      'my service will not start',
      'what to do when a service is not ready',
      'the gateway returns 502',
      'why do i get a 504 from the api',
      'something is broken, how do i debug it',
      'service crashed on startup',
      'where do i find the logs',
      'the dashboard shows a service as down',
      'show me the logs',
      'what do the logs look like',
      'the container quits right after it starts',
      'ai-vision keeps restarting',
      'getting 502 bad gateway',
      'requests time out with a 504',
      'how do i find out why a service failed',
      'the process crashes with an error',
      'nothing works after i pulled the latest changes',
      'where are the service logs written',
      'the status board says down for azora-mint',
      'stack trace in the logs, what now',
    ],
    answer: () =>
      'Start with its readiness: GET /health/ready names the failing check (database, Redis, broker, an upstream). Logs are ' +
      'JSON lines (pino) with a request id on stdout. A configuration error stops the process with one line naming the ' +
      'variable. From the gateway, 502 means the upstream is unreachable or answered badly and 504 that it timed out. ' +
      'tracing-recovery records traces and can run recovery actions.',
  },
  {
    name: 'security.auth',
    utterances: [
      'how do i authenticate to the api',
      'do i need an api key',
      'which endpoints require a token',
      'how does authorization work',
      'where do i get a jwt',
      'why do i get 401 unauthorized',
      'how are roles enforced',
      'can anyone call the mint api',
      'how to send credentials with a request',
      'which calls must be authenticated',
      'what role do i need to change data',
      'getting 403 forbidden',
      'how do i pass a bearer token',
      'api key header name',
      'who can write to the compliance api',
      'is the sentiment endpoint public',
      'auth setup for the api',
      'my request is rejected as unauthorized',
      'how do i log in to call protected endpoints',
      'where are secrets kept',
      'how do permissions work',
    ],
    answer: () =>
      'Writes that change money, consent, requests or devices require authentication — a bearer JWT or an API key — and ' +
      'are authorised by role; a missing or bad credential gets 401, a wrong role 403. Read-only demo endpoints (sentiment, ' +
      'this chatbot) are public. Secrets come from the environment, never from the repository.',
  },
  {
    name: 'compliance.regimes',
    utterances: [
      'which privacy laws does azora support',
      'what compliance regimes are covered',
      'do you handle gdpr and ccpa',
      'which jurisdictions have a compliance service',
      'is popia supported',
      'what regulations does the platform comply with',
      'which countries are covered for data protection',
      'do you support brazilian data protection law',
      'list the compliance services',
      'is there support for our data protection legislation',
      'is hipaa covered',
      'supported regulations',
      'do you cover south african privacy law',
      'which regimes does the compliance dashboard show',
      'is there a compliance service for canada',
      'what privacy frameworks can azora handle',
      'we operate in the eu and california, are we covered',
    ],
    answer: () =>
      `There is one service per regime: ${REGIMES.map((r) => `${r.name} → ${r.service}`).join(', ')}. Each keeps ` +
      'data-subject requests, consent records, deadlines and audit evidence in Postgres; compliance-dashboard shows the ' +
      'posture across all seven from their live data and automated-reporting builds scheduled reports.',
  },
  {
    name: 'compliance.deadline',
    slot: 'regime',
    utterances: [
      'how long do i have to answer a gdpr access request',
      'what is the deadline for a data subject access request',
      'how many days to respond to a ccpa request',
      'response time for an lgpd access request',
      'deadline to answer a dsar under pipeda',
      'how quickly must we reply to a hipaa access request',
      'how long can a popia access request take',
      'can the gdpr response deadline be extended',
      'when is a subject access request due',
      'time limit for responding to a right to know request in california',
      'how much time do we get for a request to delete under ccpa',
      'days allowed to fulfil an access request in brazil',
      'statutory period for responding to a data access request',
      'dsar deadline',
      'DSAR response window under gdpr',
      'how long to fulfil a DSR',
      'when must a lgpd request be answered',
      'we got an access request from a customer, how long do we have',
      'can we extend the deadline for a ccpa request',
      'popia access request turnaround time',
      'days to respond to a patient records request under hipaa',
      'canadian customer wants their records, how many days do we get under pipeda',
      'one month or 30 days for an access request',
    ],
    answer: ({ regime }) =>
      regime
        ? regime.accessDeadline
        : 'That depends on the regime — which one: GDPR, CCPA/CPRA, LGPD, PIPEDA, HIPAA or POPIA? In short: GDPR one month ' +
          '(+2 months), CCPA 45 days (+45), LGPD 15 days, PIPEDA 30 days (+30), HIPAA 30 days (+30), POPIA/PAIA 30 days (+30).',
  },
  {
    name: 'compliance.breach',
    slot: 'regime',
    utterances: [
      'how fast must we report a data breach under gdpr',
      'what is the breach notification deadline',
      'when do we notify the regulator of a breach',
      'do we have 72 hours to report an incident',
      'hipaa breach notification timeline',
      'who must be told about a security incident under lgpd',
      'how long to notify customers after a data leak',
      'breach reporting rules in canada',
      'we had a personal data breach, what are the deadlines',
      'must we inform the information regulator about a compromise',
      'data leak notification period',
      'how soon must the authority hear about a breach',
      'we got hacked, who do we have to notify',
      'incident reporting window for popia',
      'breach notice deadline under ccpa',
      'do we need to tell affected users about a breach',
      'gdpr 72 hour rule',
      'notification obligations after a security incident in brazil',
    ],
    answer: ({ regime }) =>
      regime
        ? regime.breachNotice
        : 'It depends on the regime — which one? In short: GDPR 72 hours to the supervisory authority, HIPAA no later than ' +
          '60 days to individuals, LGPD 3 business days, PIPEDA and POPIA as soon as feasible, California without unreasonable delay.',
  },
  {
    name: 'compliance.dsr',
    utterances: [
      'how do i submit a data subject request',
      'how does a user ask for their data to be deleted',
      'where do i record a consent',
      'how do i log a request to access personal data',
      'how are data subject requests tracked',
      'can a customer request a copy of their data',
      'how do we handle a right to erasure request',
      'where is consent stored',
      'how do i track request deadlines',
      'how do i register a new privacy request',
      'create a deletion request for a user',
      'log a DSR',
      'record a dsar for a customer',
      'how do i capture user consent',
      'a customer wants their account erased, where do i file it',
      'where can i see open and overdue requests',
      'withdraw consent for a user',
      'how do we process an opt out request',
      'api to create a data subject request',
      'file a right to access request on behalf of a user',
    ],
    answer: () =>
      'Each jurisdiction service (gdpr-compliance, ccpa-compliance, lgpd-compliance, pipeda-compliance, hipaa-compliance, ' +
      'south-african-compliance) records data-subject requests and consent records, computes each request’s deadline under ' +
      'its regime and keeps audit evidence; recording or changing them needs an authenticated caller with the right role. ' +
      'compliance-dashboard shows open and overdue requests across regimes.',
  },
  {
    name: 'mint.wallet',
    utterances: [
      'how do i create a wallet',
      'how can i check my token balance',
      'where do i see my wallet',
      'open a new wallet for a user',
      'what is a wallet in azora mint',
      'how do i get my balance',
      'can i have more than one wallet',
      'how are wallets stored',
      'view wallet history',
      'what is my current balance',
      'show the balance of a wallet',
      'my balance',
      'what is left in my azora wallet',
      'create a wallet via the api',
      'wallet api endpoint',
      'where is wallet data kept',
      'set up a wallet for a new customer',
      'check balance for wallet',
      'see transactions of my wallet',
      'does each user get a wallet',
    ],
    answer: () =>
      'Wallets live in azora-mint (port 3006, API under /api/azora-mint/), the token ledger backed by MongoDB. Creating a ' +
      'wallet or moving tokens needs an authenticated caller; balances are integers in minor units. Each wallet is one ' +
      'document, so balance changes are single-document atomic updates.',
  },
  {
    name: 'mint.transfer',
    utterances: [
      'how do i send tokens to someone',
      'how do i transfer tokens between wallets',
      'how do i mint new tokens',
      'what happens if a transfer fails halfway',
      'can a transfer overdraw my wallet',
      'is a retried transfer applied twice',
      'move funds to another account',
      'pay another user with tokens',
      'who is allowed to mint',
      'send 100 tokens to alice',
      'transfer failed, was i charged twice',
      'issue new tokens',
      'what happens if i do not have enough balance for a transfer',
      'shift part of my balance over to a colleague',
      'is the transfer endpoint idempotent',
      'who can create tokens',
      'pay someone in azora tokens',
      'can i transfer more than my balance',
    ],
    answer: () =>
      'Transfers and mints go through azora-mint and require an authenticated caller with the right role. By design the ' +
      'ledger uses conditional single-document updates, so a debit only succeeds when the balance covers it (no overdraft), ' +
      'and natural keys as document ids make a retried operation idempotent instead of applying it twice. Amounts are ' +
      'integers in minor units.',
  },
  {
    name: 'mint.amounts',
    utterances: [
      'why are amounts strings',
      'what are minor units',
      'how many decimals do tokens have',
      'why not use floating point for money',
      'amounts look too big, why',
      'how should i format a token amount',
      'can i send 0.5 tokens',
      'are balances integers',
      'why do amounts come back as text',
      'is a balance a number or a string',
      'amount is returned as a string instead of a number',
      'why is 1250 shown when i sent 12.50',
      'token precision',
      'do you use bigint for balances',
      'decimal places for amounts',
      'can i use floats for amounts',
      'how do i convert an amount to minor units',
      'json numbers lose precision for big balances',
      'fractional tokens',
    ],
    answer: () =>
      'Money and token amounts are integers in minor units (like cents), stored as bigint and sent as strings on the wire, ' +
      'never as floating point — so 12.50 is "1250" when the unit has two decimals. Strings keep large values exact in ' +
      'JSON, where numbers lose precision past 2^53.',
  },
  {
    name: NONE_INTENT,
    utterances: [
      'what is the weather like today',
      'tell me a joke',
      'who won the football match yesterday',
      'name the capital city of kenya',
      'recommend a good pizza place',
      'how tall is mount everest',
      'what should i cook for dinner',
      'write me a poem about the sea',
      'what is the meaning of life',
      'who is the president of the united states',
      'translate hello into japanese',
      'how do i fix my car engine',
      'what time is it in tokyo',
      'what is two plus two',
      'sing me a song',
      'how do i lose weight',
      'book a flight to paris',
      'what movies are playing tonight',
      'what is the best programming language',
      'how old is the universe',
      'what is bitcoin trading at',
      'can you do my homework',
      'where can i buy shoes',
      'how do i grow tomatoes',
      'who invented the telephone',
      'how do i tie a tie',
      'how many inhabitants does germany have',
      'how many planets are in the solar system',
      'who is your favourite singer',
      'what is the best holiday destination',
      'how do i make coffee',
      'explain quantum physics to me',
      'what is the distance between london and new york',
      'how do i get rid of a headache',
      'what does a giraffe eat',
      'who wrote the harry potter books',
      'how do i clean my oven',
      'what is the exchange rate of the euro',
      'what is the highest mountain in africa',
      'tell me about the roman empire',
      'how many people live in india',
      'what is the chemical formula of salt',
      'find me a cheap hotel',
      'how do i knit a scarf',
      'what is the score of the basketball game',
      'when is the next full moon',
      'how do i fix a leaking tap',
      'what is love',
      'who is the prime minister of the uk',
      'play some music',
      'does the restaurant charge for table service',
      'is my health insurance going to cover dental work',
      'which port city in spain has the best seafood',
      'what is the price of the solana token today',
      'recommend a good netflix series to binge',
      'what is 15 percent of 240',
      'how do i make a pivot table in excel',
      'should i quit my job and travel',
      'when will the army deploy troops to the border',
      'tell me a fun fact about octopuses',
    ],
    answer: () => '',
  },
];

export const FALLBACK_REPLY =
  'Sorry, I can only help with Azora OS: its services, health and monitoring, running and deploying it, azora-mint ' +
  'wallets, and privacy deadlines (GDPR, CCPA, LGPD, PIPEDA, HIPAA, POPIA). Try rephrasing, or say "talk to a human".';

export const NEGATIVE_HANDOFF_REPLY =
  'I am sorry this has been frustrating. I have flagged this conversation for a human colleague, who will see your ' +
  'messages in this session.';

import { authFromConfig, createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createWebsiteBuilderService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';
import { openAiCompatibleProvider } from './llm.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);

let copyProvider: ReturnType<typeof openAiCompatibleProvider> | undefined;
if (config.LLM_PROVIDER === 'openai-compatible') {
  if (!config.LLM_BASE_URL) {
    console.error(
      `${SERVICE_NAME}: invalid configuration: LLM_BASE_URL: must be set when LLM_PROVIDER=openai-compatible`,
    );
    process.exit(1);
  }
  copyProvider = openAiCompatibleProvider({
    baseUrl: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
  });
  logger.info({ provider: copyProvider.name }, 'site copy is written by an LLM (the generator is the fallback)');
}

const builder = createWebsiteBuilderService({
  mongodbUri: config.MONGODB_URI,
  logger,
  auth: authFromConfig(config, logger),
  executablePath: config.PUPPETEER_EXECUTABLE_PATH,
  deploymentsDir: config.DEPLOYMENTS_DIR,
  browserPoolSize: config.BROWSER_POOL_SIZE,
  pagesPerBrowser: config.PAGES_PER_BROWSER,
  renderTimeoutMs: config.RENDER_TIMEOUT_MS,
  copyProvider,
  contactRateLimit: { limit: config.CONTACT_RATE_LIMIT_MAX, windowMs: 60_000, trustProxy: config.TRUST_PROXY },
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(builder, { port: config.PORT, host: config.HOST });

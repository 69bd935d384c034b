import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Runner } from 'graphile-worker';
import { connectDatabase, describeDatabaseUrl, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { resolveDatabase, type ResolvedDatabase } from './db/resolve-database.js';
import { createLogger, hashSecret, systemClock, type Clock, type Logger } from './kernel/index.js';
import { CONFIG_CHANNEL, applyConfig, formatChanges, loadConfigFile } from './config/index.js';
import { TokenAuthenticator } from './domain/access/index.js';
import { IngestPipeline } from './domain/alerts/index.js';
import { ServiceCatalog, loadRuntimeSettings, type RuntimeSettings } from './domain/services/index.js';
import { incidentJobs } from './engine/incident-jobs.js';
import { ChannelRegistry } from './engine/channel-registry.js';
import { ESCALATION_CRONTAB, escalationJobs } from './engine/escalation-jobs.js';
import { inboxDelivery } from './engine/inbox-delivery.js';
import { webRoomStore } from './engine/web-room-store.js';
import { notifyDigestJob } from './engine/notify-digest.js';
import { notifySendJob } from './engine/notify-send.js';
import { providersFromConfig } from './engine/providers-from-config.js';
import { chatAnnounceJob } from './engine/chat-announce.js';
import { chatCardSyncJob } from './engine/chat-card-sync.js';
import { chatReplyJob } from './engine/chat-reply.js';
import { CHAT_CRONTAB, CHAT_MAINTENANCE_TASK, chatMaintenanceJob } from './engine/chat-maintenance.js';
import { acceptChatEvent } from './domain/chatops/index.js';
import { roomOpenJob } from './engine/room-open.js';
import { postToRooms, roomPostJob } from './engine/room-post.js';
import { actionItemReminderJob, reminderToRooms } from './engine/action-item-jobs.js';
import { roomFollowupJobs } from './engine/room-followups.js';
import { mentionDigestJob } from './engine/mention-digest.js';
import { incidentKnowledge } from './engine/room-knowledge.js';
import { roomScheduling } from './engine/room-scheduling.js';
import { enqueue } from './queue/index.js';
import { warroomConfigSchema } from './contracts/index.js';
import { createMetrics } from './http/metrics.js';
import { buildHttpServer } from './http/server.js';
import { startWorker } from './queue/index.js';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  port?: number;
  host?: string;
  configPath?: string | null;
  clock?: Clock;
  logger?: Logger;
  /** Run the job worker in this process (default true). */
  worker?: boolean;
}

export interface RunningApp {
  url: string;
  http: FastifyInstance;
  database: DatabaseHandle;
  close(): Promise<void>;
}

const DEMO_SECRETS = [
  { hash: hashSecret('demo-checkout'), what: 'integration key "demo-checkout"' },
  { hash: hashSecret('demo-admin-token'), what: 'API token "demo-admin-token"' },
];

/** The composition root: config → db → queue → http + engine. Only this file knows everything. */
export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? systemClock;
  const configPath = options.configPath === undefined ? (env.WARROOM_CONFIG ?? 'examples/warroom.yaml') : options.configPath;
  // Config is read before anything starts, so a bad file fails fast with its file, path and reason.
  const config = configPath ? await loadConfigFile(configPath, env) : null;

  const resolved: ResolvedDatabase = await resolveDatabase(env, logger, { adoptRunning: true });
  const workerConcurrency = Number(env.WARROOM_WORKER_CONCURRENCY ?? 10);
  // The pool serves HTTP and every worker slot at once.
  const database = connectDatabase(resolved.url, { max: Number(env.WARROOM_DB_POOL ?? Math.max(20, workerConcurrency + 10)) });
  const cleanup: (() => Promise<void>)[] = [() => resolved.stop(), () => database.close()];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    logger.info({ database: resolved.embedded ? 'embedded' : describeDatabaseUrl(resolved.url) }, 'database ready');
    const migrated = await migrateToLatest(database.db, database.pool);
    if (migrated.length) logger.info({ migrations: migrated }, 'migrations applied');
    if (config && configPath) {
      const result = await applyConfig(database.db, config, { dryRun: false, actor: 'system:startup', now: clock.now() });
      logger.info({ file: configPath, changes: result.changes.length }, result.applied ? `config applied:\n${formatChanges(result.changes)}` : 'config unchanged');
    }

    let settings: RuntimeSettings = await loadRuntimeSettings(database.db);
    const currentSettings = () => settings;
    const catalog = new ServiceCatalog(database.db, () => settings.grouping);
    const tokens = new TokenAuthenticator(database.db);
    const pipeline = new IngestPipeline(database.db, currentSettings, clock, logger);
    const metrics = createMetrics();
    // Channel providers hold secrets, so they come from the config file at start, never from the database.
    const channelsConfig = (config ?? warroomConfigSchema.parse({})).channels;
    const channels = new ChannelRegistry(providersFromConfig(channelsConfig, settings.publicUrl, { deliver: inboxDelivery(database.db, () => clock.now()), room: webRoomStore(database.db, () => clock.now()) }));
    cleanup.push(() => channels.close());

    const listener = new pg.Client({ connectionString: resolved.url });
    listener.on('error', (error) => logger.warn({ err: error }, 'config listener lost its connection'));
    await listener.connect();
    await listener.query(`listen ${CONFIG_CHANNEL}`);
    listener.on('notification', () => {
      void loadRuntimeSettings(database.db).then((fresh) => {
        settings = fresh;
        catalog.invalidate();
        tokens.invalidate();
        logger.info('config change picked up');
      });
    });
    cleanup.push(() => listener.end());

    let worker: Runner | null = null;
    if (options.worker !== false) {
      const engine = { db: database.db, clock, logger, settings: currentSettings, channels };
      worker = await startWorker({
        pool: database.pool,
        logger,
        concurrency: workerConcurrency,
        pollInterval: Number(env.WARROOM_WORKER_POLL_MS ?? 250),
        useNodeTime: env.WARROOM_WORKER_NODE_TIME === 'true',
        crontab: `${ESCALATION_CRONTAB}\n${CHAT_CRONTAB}`,
        jobs: [
          ...incidentJobs(engine),
          ...escalationJobs(engine),
          notifySendJob(engine),
          notifyDigestJob(engine),
          chatAnnounceJob(engine),
          chatCardSyncJob(engine),
          chatReplyJob(engine),
          chatMaintenanceJob(engine),
          roomOpenJob(engine),
          roomPostJob({ ...engine, knowledge: incidentKnowledge }),
          ...roomFollowupJobs(engine),
          mentionDigestJob(engine),
          actionItemReminderJob({ ...engine, deliver: reminderToRooms(postToRooms, clock, { publicUrl: () => currentSettings().publicUrl }) }),
        ],
      });
      cleanup.push(() => worker!.stop());
      // Chat ids by directory lookup once at start, then hourly.
      if (channels.chats().some((c) => c.chat.directory)) await enqueue(database.db, CHAT_MAINTENANCE_TASK, {}, { jobKey: 'chat-maintenance:startup' });
    }

    // Long connections (Feishu WSClient, DingTalk stream) deliver events without a public URL.
    for (const { id, chat } of channels.chats()) {
      if (!chat.longConnection) continue;
      // A platform that cannot be reached at boot must not stop warroom; the SDKs reconnect by themselves.
      void chat.longConnection.start((event) => acceptChatEvent(database.db, event, { now: clock.now(), autoCloseAfterMs: settings.autoCloseAfterMs, provider: id, capture: settings.warRooms.capture, repliesInline: chat.repliesInline })).catch((error: Error) => logger.error({ provider: id, reason: error.message }, 'chat long connection failed to start'));
      cleanup.push(() => chat.longConnection!.stop());
      logger.info({ provider: id }, 'chat long connection starting');
    }

    let shuttingDown = false;
    const http = await buildHttpServer({
      db: database.db,
      clock,
      logger,
      settings: currentSettings,
      catalog,
      tokens,
      pipeline,
      metrics,
      availableChannels: () => channels.available(),
      inbound: { twilioAuthToken: channelsConfig.twilio?.auth_token },
      chatInbound: (provider) => {
        const chat = channels.chat(provider)?.chat;
        return chat?.inbound ? { verifier: chat.inbound, repliesInline: chat.repliesInline ?? false } : undefined;
      },
      roomScheduling: () => roomScheduling({ db: database.db, clock, logger, settings: currentSettings, channels }),
      isShuttingDown: () => shuttingDown,
    });
    const port = options.port ?? Number(env.PORT ?? 8080);
    const host = options.host ?? env.HOST ?? '0.0.0.0';
    await http.listen({ port, host });
    const address = http.server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
    await warnAboutDemoSecrets(database, logger);
    logger.info({ url, docs: `${url}/docs` }, 'warroom is serving');

    let closing: Promise<void> | null = null;
    return {
      url,
      http,
      database,
      close() {
        closing ??= (async () => {
          shuttingDown = true;
          // Stop taking requests and let in-flight ones finish, then commit queued ingest, then stop jobs.
          await http.close();
          await pipeline.close();
          await undo();
          logger.info('warroom stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

async function warnAboutDemoSecrets(database: DatabaseHandle, logger: Logger): Promise<void> {
  const hashes = DEMO_SECRETS.map((d) => d.hash);
  const keys = await database.db.selectFrom('integration_keys').select('key_hash').where('key_hash', 'in', hashes).execute();
  const tokens = await database.db.selectFrom('api_tokens').select('token_hash').where('token_hash', 'in', hashes).where('revoked_at', 'is', null).execute();
  const found = new Set([...keys.map((k) => k.key_hash), ...tokens.map((t) => t.token_hash)]);
  for (const demo of DEMO_SECRETS) {
    if (found.has(demo.hash)) logger.warn(`DEMO SECRET IN USE: the ${demo.what} is public; replace it before real use`);
  }
}

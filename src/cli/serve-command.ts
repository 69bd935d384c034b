import type { Command } from 'commander';
import { startApp } from '../app.js';
import { createLogger } from '../kernel/index.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the warroom server (HTTP API, ingestion and job worker)')
    .option('-p, --port <port>', 'HTTP port (default $PORT or 8080)')
    .option('-c, --config <file>', 'config file (default $WARROOM_CONFIG or examples/warroom.yaml)')
    .action(async (opts: { port?: string; config?: string }) => {
      const logger = createLogger();
      const app = await startApp({ logger, port: opts.port ? Number(opts.port) : undefined, configPath: opts.config });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down gracefully');
        const force = setTimeout(() => {
          logger.error('graceful shutdown took over 30 s; exiting');
          process.exit(1);
        }, 30_000);
        force.unref();
        app.close().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'error during shutdown');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { silentLogger } from '../src/kernel/index.js';
const e = await startEmbeddedPostgres({ dataDir: '/tmp/wr/pg-hold-data', logger: silentLogger });
console.log(e.url);
process.on('SIGTERM', () => { void e.stop().then(() => process.exit(0)); });
setInterval(() => {}, 1000);

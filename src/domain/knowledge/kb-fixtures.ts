import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import * as knowledgeMigration from '../../db/migrations/0005-knowledge-base.js';
import type { KnowledgeArticleInput } from './kb-store.js';

/**
 * Test support only: short runbook articles in Chinese and English, the kind a team writes after
 * its incidents, used by the knowledge-base store, search and route tests.
 */
export const FIXTURE_ARTICLES: KnowledgeArticleInput[] = [
  {
    id: 'mysql-connection-pool-exhausted',
    title: '数据库连接池耗尽的排查',
    tags: ['mysql', '连接池'],
    serviceIds: ['order-service'],
    category: 'data',
    url: 'https://wiki.example.com/ops/mysql-pool',
    body: `## 现象
应用日志出现 \`HikariPool-1 - Connection is not available, request timed out after 30000ms\`，接口大量超时。

## 排查
1. 在 MySQL 上执行 \`SHOW PROCESSLIST\`，看是否有慢查询或锁等待占住连接。
2. 对比 \`max_connections\` 和各实例连接池的 \`maximumPoolSize\` 之和。
3. 检查最近的发布是否引入了未关闭连接的代码。

## 处理
先扩容连接池或杀掉长事务，恢复后再修复慢 SQL。`,
  },
  {
    id: 'redis-connection-pool',
    title: 'Redis connection pool exhausted (Jedis / Lettuce)',
    tags: ['redis', 'java'],
    serviceIds: ['payments'],
    category: 'application',
    body: `Symptoms: \`JedisExhaustedPoolException: Could not get a resource from the pool\` and request latency climbing.

- Check \`maxTotal\` against the number of busy threads.
- Look for commands that hold a connection for long (\`KEYS *\`, big \`HGETALL\`).
- Make sure every borrowed connection is returned (try-with-resources).`,
  },
  {
    id: 'kafka-consumer-lag',
    title: 'Kafka consumer lag keeps growing',
    tags: ['kafka', 'consumer'],
    serviceIds: ['events'],
    category: 'data',
    body: `When the lag of a consumer group grows without bound:

1. \`kafka-consumer-groups.sh --describe --group <group>\` shows lag per partition.
2. One hot partition: the message key is skewed. All partitions: consumers are too slow or crashed.
3. Watch for rebalances in the consumer logs (\`Revoking previously assigned partitions\`).
4. Scale consumers up to the partition count, or add partitions.`,
  },
  {
    id: 'disk-full',
    title: '磁盘空间不足的处理',
    tags: ['磁盘', 'linux'],
    category: 'infrastructure',
    body: `告警：节点根分区或数据盘使用率超过 90%。

- \`df -h\` 找到写满的分区，\`du -sh /var/log/* | sort -h\` 找大目录。
- 常见原因：日志没有轮转、core dump、容器镜像堆积（\`docker system prune\`）。
- 删除已被进程打开的文件不会释放空间：\`lsof | grep deleted\` 后重启对应进程。`,
  },
  {
    id: 'oomkilled-pods',
    title: 'Pods OOMKilled: raising memory limits safely',
    tags: ['kubernetes', 'memory'],
    category: 'infrastructure',
    body: `\`kubectl describe pod\` shows \`Last State: Terminated, Reason: OOMKilled\` and the pod restarts.

1. Compare the container's working set with its memory limit in Grafana.
2. A JVM needs \`-XX:MaxRAMPercentage\` so the heap fits inside the limit.
3. Raise the limit in small steps; a leak only moves the crash later, so take a heap dump first.`,
  },
  {
    id: 'certificate-expiry',
    title: 'TLS 证书过期导致 HTTPS 访问失败',
    tags: ['tls', 'https', 'certificate'],
    category: 'security',
    body: `浏览器提示 \`NET::ERR_CERT_DATE_INVALID\`，curl 报 \`certificate has expired\`。

- \`openssl s_client -connect host:443 | openssl x509 -noout -dates\` 查看有效期。
- cert-manager：\`kubectl get certificate -A\`，看 Ready 和续期失败的事件。
- 续期后记得重载 nginx / ingress，旧证书可能仍在内存中。`,
  },
  {
    id: 'dns-resolution-failures',
    title: 'DNS resolution failures inside the cluster',
    tags: ['dns', 'coredns', 'network'],
    category: 'network',
    body: `Pods log \`getaddrinfo ENOTFOUND\` or \`NXDOMAIN\`, or lookups time out after 5 s.

- Check CoreDNS pods and their logs for \`SERVFAIL\` from the upstream resolver.
- \`ndots:5\` makes every external name try the search domains first: use FQDNs with a trailing dot.
- Conntrack races drop UDP packets: enable NodeLocal DNSCache.`,
  },
  {
    id: '5xx-after-deploy',
    title: '发布后 5xx 错误率飙升：先回滚再排查',
    tags: ['发布', '5xx'],
    serviceIds: ['checkout'],
    category: 'application',
    body: `发布后几分钟内 checkout-api 的 5xx 比例突然升高时：

1. 立即回滚到上一个版本（\`kubectl rollout undo deployment/checkout-api\`），不要边修边看。
2. 对比新旧版本的配置差异和依赖版本。
3. 回滚后错误仍在，说明问题不在这次发布，检查下游依赖。`,
  },
  {
    id: 'redis-latency',
    title: 'Redis latency spikes and slow commands',
    tags: ['redis', 'latency'],
    serviceIds: ['payments'],
    category: 'performance',
    body: `p99 latency of Redis calls jumps from 1 ms to hundreds of ms.

- \`SLOWLOG GET 20\` lists slow commands; \`O(N)\` commands on big keys are the usual cause.
- \`INFO memory\`: when the instance is near maxmemory, evictions add latency.
- A fork for RDB/AOF rewrite on a big instance blocks for a while: check \`latest_fork_usec\`.`,
  },
  {
    id: 'postgres-replication-lag',
    title: 'PostgreSQL 主从复制延迟过高',
    tags: ['postgresql', '复制'],
    category: 'data',
    body: `从库 \`pg_stat_replication\` 中 replay_lag 持续增长，读从库的接口读到旧数据。

- 主库上的大事务或批量更新会产生大量 WAL，从库回放跟不上。
- 从库上的长查询会和回放冲突（\`max_standby_streaming_delay\`）。
- 检查从库磁盘 IO 和网络带宽。`,
  },
  {
    id: 'gateway-upstream-timeout',
    title: '网关 504：上游接口超时排查',
    tags: ['nginx', 'gateway', '超时'],
    category: 'network',
    body: `网关返回 504 Gateway Timeout，说明上游在 \`proxy_read_timeout\` 内没有响应。

1. 查看上游服务的响应时间和线程池是否打满。
2. 检查网关到上游的网络和连接数。
3. 不要简单调大超时，先找到慢的原因。`,
  },
  {
    id: 'cpu-throttling',
    title: 'CPU throttling in containers',
    tags: ['kubernetes', 'cpu'],
    category: 'performance',
    body: `Latency rises while CPU usage looks low: the container hits its CFS quota.

- \`container_cpu_cfs_throttled_periods_total\` going up means throttling.
- Raise or remove the CPU limit for latency-sensitive services; keep requests honest.`,
  },
  {
    id: 'node-not-ready',
    title: 'Kubernetes 节点 NotReady 处理手册',
    tags: ['kubernetes', 'node'],
    category: 'infrastructure',
    body: `\`kubectl get nodes\` 显示 NotReady。

- 登录节点查看 kubelet 日志：\`journalctl -u kubelet\`。
- 常见原因：磁盘压力（DiskPressure）、内存压力、容器运行时卡死、网络插件异常。
- 必要时先 \`kubectl drain\` 节点，让业务迁移走。`,
  },
  {
    id: 'elasticsearch-cluster-red',
    title: 'Elasticsearch 集群状态 red',
    tags: ['elasticsearch'],
    category: 'data',
    body: `集群健康为 red 表示有主分片未分配。

- \`GET _cluster/allocation/explain\` 查看分片未分配的原因。
- 磁盘水位超过 \`cluster.routing.allocation.disk.watermark.high\` 时不会分配新分片。`,
  },
];

/** Runs migration 0005 on a test database unless db/migrate.ts already registered (and ran) it. */
export async function ensureKnowledgeSchema(db: Db): Promise<void> {
  const found = await sql<{ table: string | null }>`select to_regclass('kb_articles')::text as table`.execute(db);
  if (!found.rows[0]?.table) await knowledgeMigration.up(db as unknown as Kysely<unknown>);
}

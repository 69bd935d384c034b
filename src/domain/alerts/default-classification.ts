import type { Severity } from '../../kernel/index.js';
import type { ClassificationRuleConfig } from '../../contracts/index.js';

/** How senders' severity words map to P0–P3 when the config gives no severity_map. */
export const DEFAULT_SEVERITY_MAP: Record<string, Severity> = {
  p0: 'P0', sev0: 'P0', sev1: 'P0', disaster: 'P0', emergency: 'P0', fatal: 'P0',
  p1: 'P1', sev2: 'P1', critical: 'P1', high: 'P1', page: 'P1', major: 'P1',
  p2: 'P2', sev3: 'P2', error: 'P2', warning: 'P2', warn: 'P2', medium: 'P2', average: 'P2',
  p3: 'P3', sev4: 'P3', info: 'P3', informational: 'P3', low: 'P3', minor: 'P3', none: 'P3', notice: 'P3',
  紧急: 'P0', 严重: 'P1', 警告: 'P2', 提示: 'P3', 信息: 'P3',
};

/**
 * Default rules, after the design's keyword classifier (security 5 min, database 15 min, memory
 * 20 min, slowness 30 min), extended with Chinese keywords and the words real Prometheus rules use.
 * Rules are cumulative: each matching rule fills the fields that no earlier rule has set.
 */
export const DEFAULT_RULES: ClassificationRuleConfig[] = [
  {
    // A sender that says "info" means it: keywords never raise an informational alert into a page.
    name: 'informational',
    when: { severities: ['P3'] },
    severity: 'P3',
  },
  {
    name: 'security-breach',
    when: {
      keywords: ['breach', 'intrusion', 'malicious', 'unauthorized', 'attack', 'exploit', 'compromised',
        '入侵', '攻击', '泄露', '未授权', '恶意', '漏洞利用'],
    },
    severity: 'P0',
    category: 'security',
    response_sla: 300_000,
  },
  {
    name: 'critical-outage',
    when: {
      severities: ['P0', 'P1'],
      keywords: ['down', 'unavailable', 'unreachable', 'outage', 'crashed', 'missing', 'no leader',
        'split brain', 'data loss', '宕机', '不可用', '中断', '挂了', '数据丢失', '无法访问'],
    },
    severity: 'P0',
    response_sla: 300_000,
  },
  {
    name: 'security',
    when: {
      keywords: ['certificate', 'cert', 'ssl', 'tls', 'auth', 'authentication', 'login', 'password', 'vulnerability',
        'audit', 'firewall', 'cve', '证书', '认证', '登录', '漏洞', '安全'],
    },
    category: 'security',
  },
  {
    // Kubernetes workload words would otherwise read as data ("replicas") or network.
    name: 'kubernetes-workloads',
    when: { keywords: ['replicaset', 'statefulset', 'daemonset', 'hpa', 'deployment replicas', 'replicas mismatch'] },
    category: 'infrastructure',
  },
  {
    name: 'data',
    when: {
      keywords: ['database', 'db', 'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'redis', 'cassandra',
        'elasticsearch', 'opensearch', 'clickhouse', 'sql', 'replication', 'replica', 'backup', 'wal', 'kafka',
        'consumer lag', 'etcd', 'zookeeper', 'minio', 'ceph', 'index', 'shard', 'deadlock', 'transaction',
        'memcached', 'pgbouncer', 'cache', '数据库', '主从', '复制', '备份', '数据同步', '数据不一致', '缓存'],
    },
    category: 'data',
    response_sla: 900_000,
  },
  {
    name: 'network',
    when: {
      keywords: ['network', 'dns', 'packet', 'packets', 'tcp', 'udp', 'interface', 'bandwidth', 'ping', 'bgp',
        'ingress', 'egress', 'route', 'routing', 'vpn', 'loadbalancer', 'load balancer', 'proxy', 'snat', 'dnat',
        'nat gateway', 'haproxy', 'snmp',
        'connection refused', 'conntrack', 'blackbox', 'probe', 'http probe', '网络', '丢包', '带宽', '域名', '连接'],
    },
    category: 'network',
  },
  {
    name: 'performance',
    when: {
      keywords: ['slow', 'latency', 'timeout', 'timeouts', 'performance', 'slowness', 'p99', 'response time',
        'throttled', 'throttling', 'saturation', 'queue', 'backlog', 'lag', '慢', '延迟', '超时', '性能', '卡顿'],
    },
    category: 'performance',
    response_sla: 1_800_000,
  },
  {
    name: 'infrastructure',
    when: {
      keywords: ['host', 'node', 'disk', 'cpu', 'filesystem', 'kubernetes', 'pod', 'container', 'volume', 'inode',
        'load', 'kernel', 'machine', 'hardware', 'temperature', 'raid', 'swap', 'oom', 'memory', 'clock',
        'systemd', 'deployment', 'kubelet', 'docker', 'vm', 'cluster', 'ipmi', 'sensor', 'fan', 'voltage', 'power',
        'battery', 'ups', 'smart', 'zfs', 'zpool', 'hypervisor', 'snapshot', 'droplet',
        '磁盘', '主机', '节点', '容器', '服务器', '内存', '机器'],
    },
    category: 'infrastructure',
  },
  {
    name: 'application',
    when: {
      keywords: ['error', 'errors', 'exception', '5xx', 'http', 'panic', 'crashloop', 'restart', 'restarting',
        'job failed', 'failed', 'leak', 'api', 'request', 'requests', 'goroutines', 'jvm', 'gc', 'heap', 'thread',
        '错误', '异常', '报错', '失败', '泄漏'],
    },
    category: 'application',
    response_sla: 1_200_000,
  },
];

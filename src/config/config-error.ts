/** A config problem: the file, the path inside it (with its line when known) and the reason. */
export interface ConfigIssue {
  path: string;
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((issue) => `${file}${issue.line ? `:${issue.line}` : ''}: ${issue.path}: ${issue.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

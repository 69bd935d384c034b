/**
 * react-markdown without the GFM plugin (not installed) shows pipe tables as text, and the incident
 * document has two. So tables are cut out here and drawn by the page; the rest stays markdown.
 */
export type DocSegment = { type: 'markdown'; text: string } | { type: 'table'; header: string[]; rows: string[][] };

const DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Cells of "| a | b \| c |": pipes escaped with a backslash stay in the cell. */
export function splitRow(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (c === '\\' && trimmed[i + 1] === '|') {
      cell += '\\|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

export function splitMarkdownTables(markdown: string): DocSegment[] {
  const lines = markdown.split('\n');
  const segments: DocSegment[] = [];
  let text: string[] = [];
  const flush = () => {
    if (text.join('').trim()) segments.push({ type: 'markdown', text: text.join('\n') });
    text = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (line.trim().startsWith('|') && next !== undefined && DELIMITER.test(next)) {
      flush();
      const header = splitRow(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.trim().startsWith('|')) rows.push(splitRow(lines[i++]!));
      i--;
      segments.push({ type: 'table', header, rows });
    } else text.push(line);
  }
  flush();
  return segments;
}

import { Anchor, Button, Group, Table, Text, Title, Typography } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import { useTranslation } from 'react-i18next';
import { QueryState } from '../../../components/QueryState';
import { useDocument } from '../api';
import { splitMarkdownTables } from './markdown-tables';

// Links open outside the console; raw HTML is never rendered (skipHtml). Headings move down a level:
// the page's h1 is the incident's title.
const components: Components = {
  h1: ({ children }) => (
    <Title order={2} fz="h3">
      {children}
    </Title>
  ),
  h2: ({ children }) => (
    <Title order={3} fz="h4" mt="lg">
      {children}
    </Title>
  ),
  h3: ({ children }) => (
    <Title order={4} fz="h5">
      {children}
    </Title>
  ),
  a: ({ href, children }) => (
    <Anchor href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </Anchor>
  ),
};

/** A table cell's inline markdown, without the paragraph around it. */
const inline: Components = { ...components, p: ({ children }: { children?: ReactNode }) => <>{children}</> };

/** The incident document (事件文档), as the server writes it in markdown. */
export function DocumentView({ incidentRef, active }: { incidentRef: string; active: boolean }) {
  const { t } = useTranslation('incident');
  const query = useDocument(incidentRef, active);
  const segments = useMemo(() => splitMarkdownTables(query.data ?? ''), [query.data]);
  if (query.data === undefined) return <QueryState isLoading={query.isLoading} error={query.error} retry={() => void query.refetch()} />;
  const text = query.data;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `${incidentRef}.md` });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div>
      <Group justify="space-between" mb="xs">
        <Text size="xs" c="dimmed">
          {t('document.hint')}
        </Text>
        <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={download}>
          {t('document.download')}
        </Button>
      </Group>
      <Typography data-testid="incident-document" style={{ overflowWrap: 'anywhere' }}>
        {segments.map((segment, i) =>
          segment.type === 'markdown' ? (
            <Markdown key={i} skipHtml components={components}>
              {segment.text}
            </Markdown>
          ) : (
            <Table.ScrollContainer key={i} minWidth={480} mb="md">
              <Table striped withTableBorder fz="sm" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    {segment.header.map((cell, j) => (
                      <Table.Th key={j}>{cell}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {segment.rows.map((row, r) => (
                    <Table.Tr key={r}>
                      {row.map((cell, j) => (
                        <Table.Td key={j} style={cell.length <= 20 ? { whiteSpace: 'nowrap' } : undefined}>
                          <Markdown skipHtml components={inline}>
                            {cell}
                          </Markdown>
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ),
        )}
      </Typography>
    </div>
  );
}

import { Anchor, Button, Group, Table, Text, Title, Typography } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { useTranslation } from 'react-i18next';
import { QueryState } from '../../../components/QueryState';
import { useDocument } from '../api';

// Links open outside the console; raw HTML is never rendered (skipHtml); GFM adds tables. Headings move down a level:
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
  // GFM tables (the document's timeline and roles) as Mantine tables that scroll on a phone.
  table: ({ children }) => (
    <Table.ScrollContainer minWidth={480} mb="md">
      <Table striped withTableBorder fz="sm" verticalSpacing={4}>
        {children}
      </Table>
    </Table.ScrollContainer>
  ),
  thead: ({ children }) => <Table.Thead>{children}</Table.Thead>,
  tbody: ({ children }) => <Table.Tbody>{children}</Table.Tbody>,
  tr: ({ children }) => <Table.Tr>{children}</Table.Tr>,
  th: ({ children }) => <Table.Th>{children}</Table.Th>,
  td: ({ children }) => <Table.Td>{children}</Table.Td>,
};

/** The incident document (事件文档), as the server writes it in markdown. */
export function DocumentView({ incidentRef, active }: { incidentRef: string; active: boolean }) {
  const { t } = useTranslation('incident');
  const query = useDocument(incidentRef, active);
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
        <Markdown skipHtml remarkPlugins={[remarkGfm]} components={components}>
          {text}
        </Markdown>
      </Typography>
    </div>
  );
}

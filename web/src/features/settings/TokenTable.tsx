import { Badge, Code, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import { RelativeTime } from '../../components/RelativeTime';
import { RevokeButton } from './RevokeButton';
import type { ApiToken, TokenScope } from './types';

const ROLE_COLOR = { admin: 'grape', responder: 'blue', viewer: 'gray' } as const;

export function TokenTable({ tokens, scope }: { tokens: ApiToken[]; scope: TokenScope }) {
  const { t } = useTranslation('settings');
  const userName = useUserName();
  const all = scope === 'all';
  if (!tokens.length) {
    return (
      <Text size="sm" c="dimmed">
        {t('tokens.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={all ? 760 : 620} type="native">
      <Table verticalSpacing={6} fz="sm" striped={false} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('tokens.columns.name')}</Table.Th>
            {all && <Table.Th>{t('tokens.columns.owner')}</Table.Th>}
            <Table.Th>{t('tokens.columns.role')}</Table.Th>
            <Table.Th>{t('tokens.columns.hint')}</Table.Th>
            <Table.Th>{t('tokens.columns.created')}</Table.Th>
            <Table.Th>{t('tokens.columns.lastUsed')}</Table.Th>
            <Table.Th>{t('tokens.columns.state')}</Table.Th>
            <Table.Th w={48} style={{ position: 'relative' }}>
              <VisuallyHidden>{t('tokens.columns.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const revoked = !!token.revoked_at;
            const config = token.managed_by !== 'api';
            return (
              <Table.Tr key={token.id} style={{ opacity: revoked ? 0.55 : 1 }} data-testid={`token-row-${token.name}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={600}>
                      {token.name}
                    </Text>
                    {config && (
                      <Tooltip label={t('tokens.fromConfigHint')} withArrow>
                        <Badge size="xs" variant="outline" color="gray">
                          {t('tokens.fromConfig')}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                {all && <Table.Td>{token.user_id ? userName(token.user_id) : <Text size="sm" c="dimmed">—</Text>}</Table.Td>}
                <Table.Td>
                  <Badge size="sm" variant="light" color={ROLE_COLOR[token.role]}>
                    {t(`common:role.${token.role}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Code>{token.token_hint}</Code>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <RelativeTime at={token.created_at} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{token.last_used_at ? <RelativeTime at={token.last_used_at} /> : <Text size="sm" c="dimmed">{t('tokens.never')}</Text>}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {revoked ? (
                    <Text size="sm" c="dimmed">
                      {t('tokens.revoked')} <RelativeTime at={token.revoked_at!} />
                    </Text>
                  ) : (
                    <Badge size="sm" variant="dot" color="green">
                      {t('tokens.active')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{!revoked && <RevokeButton token={token} scope={scope} disabledReason={config && !all ? t('tokens.fromConfigHint') : undefined} />}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { Button, Switch } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/types';
import { QueryState } from '../../components/QueryState';
import { CreateTokenModal } from './CreateTokenModal';
import { Section } from './Section';
import { TokenTable } from './TokenTable';
import { useTokens } from './tokens-api';
import type { TokenScope } from './types';

/** Your own tokens, or (admins) everybody's, with create and revoke. */
export function TokensCard({ scope, myRole }: { scope: TokenScope; myRole: Role }) {
  const { t } = useTranslation('settings');
  const tokens = useTokens(scope);
  const [opened, { open, close }] = useDisclosure(false);
  const [showRevoked, setShowRevoked] = useState(false);
  const mine = scope === 'mine';
  const items = (tokens.data ?? []).filter((token) => showRevoked || !token.revoked_at);
  const hasRevoked = (tokens.data ?? []).some((token) => token.revoked_at);

  return (
    <Section
      title={mine ? t('tokens.mineTitle') : t('tokens.allTitle')}
      text={mine ? t('tokens.mineText') : t('tokens.allText')}
      testId={mine ? 'settings-tokens' : 'settings-all-tokens'}
      action={
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={open} data-testid={mine ? 'create-token-button' : 'create-admin-token-button'}>
          {t('tokens.create')}
        </Button>
      }
    >
      {tokens.data ? <TokenTable tokens={items} scope={scope} /> : <QueryState isLoading={tokens.isLoading} error={tokens.error} retry={() => void tokens.refetch()} />}
      {!mine && hasRevoked && <Switch size="xs" label={t('tokens.showRevoked')} checked={showRevoked} onChange={(e) => setShowRevoked(e.currentTarget.checked)} />}
      <CreateTokenModal scope={scope} maxRole={mine ? myRole : 'admin'} opened={opened} onClose={close} />
    </Section>
  );
}

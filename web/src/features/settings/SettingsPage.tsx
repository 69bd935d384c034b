import { SimpleGrid, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCan, useSession } from '../../auth/session';
import { ICalCard } from './ICalCard';
import { PasswordForm } from './PasswordForm';
import { ProfileCard } from './ProfileCard';
import { TokensCard } from './TokensCard';

/** Profile, language, password, the personal calendar link and API tokens. */
export default function SettingsPage() {
  const { t } = useTranslation('settings');
  const { data: session } = useSession();
  const isAdmin = useCan('admin');
  if (!session) return null;
  const user = session.user;
  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} fz="h2">
        {t('title')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ProfileCard user={user} />
        <PasswordForm />
      </SimpleGrid>
      <ICalCard userId={user.id} />
      <TokensCard scope="mine" myRole={user.role} />
      {isAdmin && <TokensCard scope="all" myRole={user.role} />}
    </Stack>
  );
}

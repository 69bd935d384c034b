import { Alert, Button, Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Loading and error states for a query, the same everywhere. */
export function QueryState({ isLoading, error, retry }: { isLoading: boolean; error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  if (isLoading) {
    return (
      <Center p="xl" aria-busy="true">
        <Loader size="sm" aria-label={t('loading')} />
      </Center>
    );
  }
  if (error) {
    return (
      <Alert color="red" role="alert" title={t('error', { message: error instanceof Error ? error.message : String(error) })}>
        {retry && (
          <Button size="xs" variant="light" onClick={retry}>
            {t('retry')}
          </Button>
        )}
      </Alert>
    );
  }
  return null;
}

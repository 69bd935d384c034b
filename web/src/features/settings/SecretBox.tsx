import { ActionIcon, Alert, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A secret shown once: the value, a copy button and a warning that it will not be shown again. */
export function SecretBox({ value, testId = 'token-secret' }: { value: string; testId?: string }) {
  const { t } = useTranslation('settings');
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title={t('tokens.secretTitle')}>
      {t('tokens.secretWarning')}
      <Group gap="xs" mt="sm" wrap="nowrap" align="center">
        <Code data-testid={testId} fz="sm" style={{ flex: 1, overflowWrap: 'anywhere', userSelect: 'all', padding: '6px 8px' }}>
          {value}
        </Code>
        <CopyValue value={value} />
      </Group>
    </Alert>
  );
}

export function CopyValue({ value }: { value: string }) {
  const { t } = useTranslation('settings');
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('tokens.copied') : t('tokens.copy')} withArrow>
          <ActionIcon variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('tokens.copy')} size="lg">
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

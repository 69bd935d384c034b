import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Section } from './Section';

const MIN = 10;

export function PasswordForm() {
  const { t } = useTranslation('settings');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const change = useMutation({ mutationFn: () => api.post<void>('/api/v1/me/password', { current, new: next }) });

  const [blurred, setBlurred] = useState(false);
  const mismatch = repeat.length > 0 && repeat !== next;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (next.length < MIN || repeat !== next) return;
    change.mutate(undefined, {
      onSuccess: () => {
        notifications.show({ color: 'green', title: t('password.done'), message: null });
        setCurrent('');
        setNext('');
        setRepeat('');
        setTouched(false);
        setBlurred(false);
      },
    });
  };

  return (
    <Section title={t('password.title')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={420}>
          <PasswordInput label={t('password.current')} description={t('password.currentHint')} autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
          <PasswordInput
            label={t('password.new')}
            description={t('password.newHint', { min: MIN })}
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            onBlur={() => setBlurred(next.length > 0)}
            error={(touched || blurred) && next.length < MIN ? t('password.tooShort', { min: MIN }) : undefined}
          />
          <PasswordInput
            label={t('password.confirm')}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch || (touched && repeat !== next) ? t('password.mismatch') : undefined}
          />
          {change.error && (
            <Alert color="red" variant="light" role="alert" py={8}>
              {t('password.failed', { message: change.error.message })}
            </Alert>
          )}
          <div>
            <Button type="submit" loading={change.isPending}>
              {t('password.submit')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

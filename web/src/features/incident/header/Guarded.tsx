import { Tooltip } from '@mantine/core';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../../auth/session';

/** Wraps a control the signed-in role may not use: it is disabled by the caller, this explains why. */
export function Guarded({ allowed, children }: { allowed: boolean; children: ReactElement }) {
  const { t } = useTranslation();
  const { data } = useSession();
  if (allowed) return children;
  return (
    <Tooltip label={t('noPermission', { role: t(`role.${data?.user.role ?? 'viewer'}`) })} withArrow>
      {/* Disabled buttons swallow pointer events; the span still shows the tooltip. */}
      <span tabIndex={0} style={{ display: 'inline-block' }}>
        {children}
      </span>
    </Tooltip>
  );
}

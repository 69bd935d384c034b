import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app/global.css';
import './i18n';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { setUnauthorizedHandler } from './api/client';
import { buildTheme } from './app/theme';
import { prefetchIncidentList } from './features/incidents/use-incidents';
import { prefetchSession } from './auth/session';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: 1 } },
});
// A 401 anywhere means the session ended: show the login page.
setUnauthorizedHandler(() => queryClient.setQueryData(['session'], null));
// The page people open at 3 a.m.: fetch it with the session check, not after it.
prefetchSession(queryClient);
if (window.location.pathname === '/' || window.location.pathname === '/incidents') prefetchIncidentList(queryClient, window.location.search);

function Themed({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const theme = useMemo(() => buildTheme(t('close')), [t]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      {children}
    </MantineProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Themed>
      {/* Bottom right: toasts must never cover the incident action buttons at the top. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </Themed>
  </StrictMode>,
);

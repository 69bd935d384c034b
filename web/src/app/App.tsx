import { lazy, Suspense } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Redirect, Route, Switch } from 'wouter';
import { useLiveFeed } from '../api/live';
import { LoginPage } from '../auth/LoginPage';
import { useSession } from '../auth/session';
import { QueryState } from '../components/QueryState';
import { ShortcutHelp } from './ShortcutHelp';
import { Shell } from './Shell';
import { useP0Alarm } from './p0-alarm';
import { IncidentsPage } from '../features/incidents/IncidentsPage';

// The incidents list is the first page people open, so it ships in the main bundle; the rest load on demand.
const IncidentPage = lazy(() => import('../features/incident/IncidentPage'));
const OncallPage = lazy(() => import('../features/oncall/OncallPage'));
const PoliciesPage = lazy(() => import('../features/config/PoliciesPage'));
const ServicesPage = lazy(() => import('../features/config/ServicesPage'));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage'));

function SignedIn() {
  useP0Alarm();
  return (
    <Shell>
      <ShortcutHelp />
      <Suspense fallback={<QueryState isLoading error={null} />}>
        <Switch>
          <Route path="/incidents" component={IncidentsPage} />
          <Route path="/incidents/:ref">{(params) => <IncidentPage incidentRef={params.ref} />}</Route>
          <Route path="/oncall" component={OncallPage} />
          <Route path="/policies" component={PoliciesPage} />
          <Route path="/services" component={ServicesPage} />
          <Route path="/settings" component={SettingsPage} />
          <Route>
            <Redirect to="/incidents" replace />
          </Route>
        </Switch>
      </Suspense>
    </Shell>
  );
}

export function App() {
  const session = useSession();
  const queryClient = useQueryClient();
  useLiveFeed(queryClient, !!session.data);
  if (session.isLoading || session.error) return <QueryState isLoading={session.isLoading} error={session.error} retry={() => void session.refetch()} />;
  if (!session.data) return <LoginPage />;
  return <SignedIn />;
}

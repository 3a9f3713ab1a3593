import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, describeError, setUnauthorizedListener } from './api/client';
import { ErrorMessage } from './components/ErrorMessage';
import { LoadingState } from './components/LoadingState';
import { AppLayout } from './layout/AppLayout';
import { AppRoutes } from './AppRoutes';
import { SignInPage } from './pages/sign-in/SignInPage';

type SessionState = 'checking' | 'signed-in' | 'signed-out';

/** Checks the session cookie, then shows the sign-in form or the console. */
export function App() {
  const [session, setSession] = useState<SessionState>('checking');
  const [error, setError] = useState<string>();
  const [signingOut, setSigningOut] = useState(false);

  const checkSession = useCallback(() => {
    setError(undefined);
    api.session().then(
      () => setSession('signed-in'),
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 401) setSession('signed-out');
        else setError(describeError(failure));
      },
    );
  }, []);

  useEffect(() => {
    checkSession();
    setUnauthorizedListener(() => setSession('signed-out'));

    return () => setUnauthorizedListener(undefined);
  }, [checkSession]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.signOut();
      setSession('signed-out');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSigningOut(false);
    }
  };

  if (error && session === 'checking') {
    return <ErrorMessage title="Cannot reach Activator" message={error} onRetry={checkSession} />;
  }
  if (session === 'checking') return <LoadingState label="Checking the session…" />;
  if (session === 'signed-out') return <SignInPage onSignedIn={() => setSession('signed-in')} />;

  return (
    <AppLayout onSignOut={() => void signOut()} signingOut={signingOut}>
      {error && <ErrorMessage title="Sign-out failed" message={error} />}
      <AppRoutes />
    </AppLayout>
  );
}

/**
 * Who is signed in: the API's address and a bearer credential (an API key, or a JWT from the
 * identity provider: the API takes either in the same header). Both are checked with `GET /v1/me`
 * before they are kept, in the device's secure store.
 */
import { createClient, type DubflowClient } from "@dubflow/api-client";
import { ApiClientProvider, unwrap } from "@dubflow/shared";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { Platform } from "react-native";

import { apiFetch } from "./apiFetch";
import { deleteSecret, readSecret, writeSecret } from "./secrets";

const SERVER_KEY = "dubflow.server";
const TOKEN_KEY = "dubflow.token";

export interface Credentials {
  server: string;
  token: string;
}

interface SessionValue {
  /** Null until the stored sign-in has been read. */
  ready: boolean;
  credentials: Credentials | null;
  api: DubflowClient | null;
  signIn: (credentials: Credentials) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** The API address offered at sign-in: the build's setting, else the page's origin on the web. */
export function defaultServer(): string {
  // Read whole: Expo inlines `EXPO_PUBLIC_*` variables at build time.
  const configured: unknown = process.env.EXPO_PUBLIC_DUBFLOW_API_URL;
  if (typeof configured === "string" && configured !== "") {
    return configured;
  }
  return Platform.OS === "web" ? window.location.origin : "http://127.0.0.1:8000";
}

export function clientFor(credentials: Credentials): DubflowClient {
  return createClient(credentials.server.replace(/\/+$/, ""), credentials.token, apiFetch);
}

/** The sign-in kept on the device, if any (the background task reads it without the UI). */
export async function storedCredentials(): Promise<Credentials | null> {
  const [server, token] = await Promise.all([readSecret(SERVER_KEY), readSecret(TOKEN_KEY)]);
  return server && token ? { server, token } : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [credentials, setCredentials] = useState<Credentials | null>(null);

  useEffect(() => {
    void storedCredentials().then((stored) => {
      setCredentials(stored);
      setReady(true);
    });
  }, []);

  const signIn = useCallback(async (next: Credentials) => {
    await unwrap(clientFor(next).GET("/v1/me")); // throws the problem: a wrong key, no server…
    await writeSecret(SERVER_KEY, next.server);
    await writeSecret(TOKEN_KEY, next.token);
    setCredentials(next);
  }, []);

  const signOut = useCallback(async () => {
    await deleteSecret(TOKEN_KEY);
    setCredentials(null);
  }, []);

  const value = useMemo(
    () => ({
      ready,
      credentials,
      api: credentials === null ? null : clientFor(credentials),
      signIn,
      signOut,
    }),
    [ready, credentials, signIn, signOut],
  );
  return (
    <SessionContext.Provider value={value}>
      {/* The shared hooks' client (`useApiClient`): the signed-in one, or none. */}
      <ApiClientProvider client={value.api}>{children}</ApiClientProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (session === null) {
    throw new Error("useSession outside SessionProvider");
  }
  return session;
}

import type { DubflowClient } from "@dubflow/api-client";
import { ApiClientProvider, ApiProblem, unwrap } from "@dubflow/shared";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

import { createAppClient } from "../api/client";
import { forgetApiKey, storeApiKey, storedApiKey } from "./keyStorage";

interface Auth {
  client: DubflowClient | null;
  /** Checks the key against the API before keeping it; throws an `ApiProblem` if refused. */
  signIn: (apiKey: string) => Promise<void>;
  signOut: () => void;
  /** Why the last session ended, when the API ended it (a revoked key). */
  endedBy: ApiProblem | null;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [apiKey, setApiKey] = useState(storedApiKey);
  const [endedBy, setEndedBy] = useState<ApiProblem | null>(null);

  const end = useCallback(
    (reason: ApiProblem | null) => {
      forgetApiKey();
      queryClient.clear();
      setApiKey(null);
      setEndedBy(reason);
    },
    [queryClient],
  );

  const client = useMemo(
    () =>
      apiKey === null
        ? null
        : createAppClient(apiKey, () =>
            end(new ApiProblem("auth.invalid_key", 401, "the API refused the key")),
          ),
    [apiKey, end],
  );

  const signIn = useCallback(async (candidate: string) => {
    const key = candidate.trim();
    // Any authenticated read will do: presets is small and every key may read it.
    await unwrap(createAppClient(key, () => undefined).GET("/v1/presets"));
    storeApiKey(key);
    setEndedBy(null);
    setApiKey(key);
  }, []);

  const signOut = useCallback(() => end(null), [end]);

  const value = useMemo(
    () => ({ client, signIn, signOut, endedBy }),
    [client, signIn, signOut, endedBy],
  );
  return (
    <AuthContext value={value}>
      {/* The shared hooks' client (`useApiClient`): the signed-in one, or none. */}
      <ApiClientProvider client={client}>{children}</ApiClientProvider>
    </AuthContext>
  );
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) {
    throw new Error("useAuth outside <AuthProvider>");
  }
  return auth;
}

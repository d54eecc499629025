/**
 * The signed-in API client, handed down by each app (the web app from its API key, the mobile
 * app from its session) so that the shared hooks call the API without knowing how either signs in.
 */
import type { DubflowClient } from "@dubflow/api-client";
import { createContext, type ReactNode, useContext } from "react";

const ApiClientContext = createContext<DubflowClient | null>(null);

/** `client` is null while signed out: the hooks below then throw, as no screen should call them. */
export function ApiClientProvider({
  client,
  children,
}: {
  client: DubflowClient | null;
  children: ReactNode;
}) {
  return <ApiClientContext value={client}>{children}</ApiClientContext>;
}

/** The signed-in client: only on screens shown to a signed-in user. */
export function useApiClient(): DubflowClient {
  const client = useContext(ApiClientContext);
  if (client === null) {
    throw new Error(
      "useApiClient needs a signed-in user (under <ApiClientProvider> with a client)",
    );
  }
  return client;
}

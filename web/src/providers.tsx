import "@mantine/core/styles.css";
import "@mantine/dropzone/styles.css";
import "./app.css";

import { ApiProblem } from "@dubflow/shared";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { AuthProvider } from "./auth/AuthProvider";
import { cssVariablesResolver, theme } from "./theme";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A problem with a 4xx status will answer the same again; network and 5xx may not.
        retry: (failures, error) =>
          failures < 2 &&
          !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: true,
      },
    },
  });
}

/** Design system, server state and the signed-in session, for the app and its tests. */
export function Providers({
  children,
  queryClient,
  env = "default",
}: {
  children: ReactNode;
  queryClient: QueryClient;
  /** "test" turns off Mantine's transitions and portals (component tests). */
  env?: "default" | "test";
}) {
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      // Light or dark as the system is set (prefers-color-scheme), following it when it changes.
      defaultColorScheme="auto"
      env={env}
    >
      <QueryClientProvider client={queryClient}>
        <AuthProvider>{children}</AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

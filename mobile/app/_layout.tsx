/** Providers, then the screens: sign-in while signed out, the jobs and their pages once in. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Stack } from "expo-router";
import { StatusBar } from "expo-status-bar";
import { type ReactNode, useEffect, useState } from "react";

import { registerBackgroundPoll } from "../src/backgroundPoll";
import { LiveEvents } from "../src/live";
import { useNotificationOpens } from "../src/notifications";
import { SessionProvider, useSession } from "../src/session";
import { usePalette } from "../src/theme";

function SignedIn({ children }: { children: ReactNode }) {
  const { credentials } = useSession();
  useEffect(() => {
    if (credentials !== null) {
      void registerBackgroundPoll().catch(() => undefined); // not offered: notifications need the app open
    }
  }, [credentials]);
  return credentials === null ? children : <LiveEvents>{children}</LiveEvents>;
}

function Screens() {
  const { ready, credentials } = useSession();
  const palette = usePalette();
  useNotificationOpens();
  if (!ready) {
    return null; // the stored sign-in is read in a moment
  }
  const signedIn = credentials !== null;
  return (
    <SignedIn>
      <StatusBar style="auto" />
      <Stack
        screenOptions={{
          headerStyle: { backgroundColor: palette.surface },
          headerTintColor: palette.text,
          contentStyle: { backgroundColor: palette.background },
        }}
      >
        <Stack.Protected guard={!signedIn}>
          <Stack.Screen name="sign-in" options={{ title: "Sign in" }} />
        </Stack.Protected>
        <Stack.Protected guard={signedIn}>
          <Stack.Screen name="index" options={{ title: "Jobs" }} />
          <Stack.Screen name="new" options={{ title: "New dub" }} />
          <Stack.Screen name="jobs/[id]/index" options={{ title: "Job" }} />
          <Stack.Screen name="jobs/[id]/watch" options={{ title: "Watch" }} />
        </Stack.Protected>
      </Stack>
    </SignedIn>
  );
}

export default function RootLayout() {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <Screens />
      </SessionProvider>
    </QueryClientProvider>
  );
}

import { AppShell, Button, Group, Title } from "@mantine/core";
import { NavLink as RouterLink, Outlet } from "react-router";

import { LiveEventsProvider } from "../api/LiveEvents";
import { useAuth } from "../auth/AuthProvider";

const NAV = [
  { to: "/upload", label: "New dub" },
  { to: "/jobs", label: "Jobs" },
];

/** The signed-in frame: brand, navigation, sign-out, and the live event stream. */
export function Layout() {
  const { signOut } = useAuth();
  return (
    <AppShell header={{ height: 60 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between">
          <Group gap="xl">
            <Title order={3} c="indigo">
              dubflow
            </Title>
            <Group gap="xs" component="nav">
              {NAV.map((item) => (
                <Button
                  key={item.to}
                  component={RouterLink}
                  to={item.to}
                  variant="subtle"
                  className="nav-link"
                >
                  {item.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Button variant="default" onClick={signOut}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <LiveEventsProvider>
          <Outlet />
        </LiveEventsProvider>
      </AppShell.Main>
    </AppShell>
  );
}

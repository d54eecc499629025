import { LiveEventsProvider } from "@dubflow/shared";
import { AppShell, Box, Burger, Button, Group, Menu, Text } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { NavLink as RouterLink, Outlet, useLocation } from "react-router";

import { useAuth } from "../auth/AuthProvider";

const NAV = [
  { to: "/upload", label: "New dub" },
  { to: "/jobs", label: "Jobs" },
  { to: "/presets", label: "Presets" },
  { to: "/account", label: "Account" },
];

/** After moving to another page, focus starts at its content (as a page load would), not on the
 * link or button that led there. */
function useFocusMainOnNavigation() {
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current !== pathname) {
      shown.current = pathname;
      main.current?.focus();
    }
  }, [pathname]);
  return main;
}

/** Below the `sm` breakpoint the navigation and sign-out fold into a menu behind a button. */
function PhoneMenu({ onSignOut }: { onSignOut: () => void }) {
  const [opened, setOpened] = useState(false);
  return (
    <Box component="nav" aria-label="Main" hiddenFrom="sm">
      <Menu opened={opened} onChange={setOpened} position="bottom-end" withinPortal={false}>
        <Menu.Target>
          <Burger opened={opened} aria-label="Menu" />
        </Menu.Target>
        <Menu.Dropdown miw={200}>
          {NAV.map((item) => (
            <Menu.Item key={item.to} component={RouterLink} to={item.to} className="nav-link">
              {item.label}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={onSignOut}>Sign out</Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Box>
  );
}

/** The signed-in frame: a skip link, brand, navigation, sign-out, the page as `main`, and the
 * live event stream its pages follow. */
export function Layout() {
  // The client, not `useApiClient`: on sign-out this renders once more without one.
  const { client, signOut } = useAuth();
  const main = useFocusMainOnNavigation();
  return (
    <AppShell header={{ height: 60 }} padding={{ base: "sm", sm: "lg" }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: "sm", sm: "lg" }} justify="space-between" wrap="nowrap">
          <Group gap="xl" wrap="nowrap">
            <Text fw={700} fz="xl" c="indigo">
              dubflow
            </Text>
            <Group gap="xs" component="nav" aria-label="Main" visibleFrom="sm">
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
          <Button variant="default" onClick={signOut} visibleFrom="sm">
            Sign out
          </Button>
          <PhoneMenu onSignOut={signOut} />
        </Group>
      </AppShell.Header>
      {/* Focusable from script only: the skip link and page changes move focus here. */}
      <AppShell.Main id="main" ref={main} tabIndex={-1}>
        {client === null ? (
          <Outlet />
        ) : (
          <LiveEventsProvider>
            <Outlet />
          </LiveEventsProvider>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

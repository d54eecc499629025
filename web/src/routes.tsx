import { Anchor, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { Link, Navigate, Outlet, type RouteObject, useMatches } from "react-router";

import { RequireAuth } from "./auth/RequireAuth";
import { Layout } from "./components/Layout";
import { AccountPage } from "./pages/AccountPage";
import { JobDetailPage } from "./pages/JobDetailPage";
import { JobsPage } from "./pages/JobsPage";
import { PresetEditPage } from "./pages/PresetEditPage";
import { PresetsPage } from "./pages/PresetsPage";
import { SignInPage } from "./pages/SignInPage";
import { UploadPage } from "./pages/UploadPage";
import { WatchPage } from "./pages/WatchPage";

function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h2">
        No such page
      </Title>
      <Text>
        <Anchor component={Link} to="/jobs">
          Back to your jobs
        </Anchor>
      </Text>
    </Stack>
  );
}

/** The tab's title names the page (`handle.title` of the deepest route that has one): it is
 * what a screen reader reads first, and what tells tabs and history entries apart. */
function TitledPages() {
  const title = useMatches()
    .map((match) => (match.handle as { title?: string } | undefined)?.title)
    .findLast((candidate) => candidate !== undefined);
  useEffect(() => {
    document.title = title ? `${title} · dubflow` : "dubflow";
  }, [title]);
  return <Outlet />;
}

/** Every page; the API serves the app under /app/ (Vite's `base`). */
export const routes: RouteObject[] = [
  {
    element: <TitledPages />,
    children: [
      { path: "/sign-in", element: <SignInPage />, handle: { title: "Sign in" } },
      {
        element: (
          <RequireAuth>
            <Layout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <Navigate to="/upload" replace /> },
          { path: "/upload", element: <UploadPage />, handle: { title: "New dub" } },
          { path: "/jobs", element: <JobsPage />, handle: { title: "Jobs" } },
          { path: "/jobs/:jobId", element: <JobDetailPage />, handle: { title: "Job" } },
          { path: "/jobs/:jobId/watch", element: <WatchPage />, handle: { title: "Watch" } },
          { path: "/presets", element: <PresetsPage />, handle: { title: "Presets" } },
          { path: "/presets/new", element: <PresetEditPage />, handle: { title: "New preset" } },
          {
            path: "/presets/:presetId",
            element: <PresetEditPage />,
            handle: { title: "Edit preset" },
          },
          { path: "/account", element: <AccountPage />, handle: { title: "Account" } },
          { path: "*", element: <NotFound />, handle: { title: "No such page" } },
        ],
      },
    ],
  },
];
